"""Media on shared storage: with a bucket configured, a resident's photo lands in the S3 store,
no unsigned URL reads it, and the app reads it back through the storage (as the checking view
that serves photos does)."""

import io
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from issues.models import Issue
from tests.s3server import BUCKET


def jpeg(size=(640, 480)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def test_settings_build_an_s3_storage_only_when_a_bucket_is_named():
    from minqing.media import default_storage as build

    assert build({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = build({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "https://oss-cn-shanghai.aliyuncs.com"})
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["querystring_auth"] is True and s3["OPTIONS"]["querystring_expire"] == 300
    assert s3["OPTIONS"]["default_acl"] == "private"


@pytest.mark.django_db
def test_a_reports_photo_lands_in_the_bucket_and_is_not_public(client, world, s3):
    response = client.post(
        f"/q/{world.loc.qr_token}/", {"kind": "consult", "description": "井盖松了", "photos": [jpeg()]}
    )
    assert response.status_code == 303
    photo = Issue.objects.get().photos.get()
    keys = {o["Key"] for o in s3.client().list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert photo.image.name in keys and photo.thumbnail.name in keys

    # The bucket's own address of the photo, unsigned: refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.url}/{BUCKET}/{photo.image.name}", timeout=5)
    assert refused.value.code == 403
    acl = s3.client().get_object_acl(Bucket=BUCKET, Key=photo.image.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in g["Grantee"].get("URI", "")]

    # What the storage hands out is signed and short-lived.
    query = parse_qs(urlsplit(default_storage.url(photo.image.name)).query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query

    # Read back through the storage, as the photo view streams it.
    with default_storage.open(photo.image.name) as stored:
        assert Image.open(stored).size == (640, 480)

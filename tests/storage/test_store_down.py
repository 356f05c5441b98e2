"""The media store is down while a photo is uploaded (issue 19, bad input): the report is saved,
its text and the failure are on the staff's timeline, the resident is told their photo will follow,
and the SLA sweep stores the photo, once, when the store answers again. A real S3 API (moto), stopped."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from issues import services
from issues.models import Issue, IssueEvent, IssuePhoto, PendingPhoto
from minqing.media import default_storage
from tests.s3server import BUCKET, start_s3, stop_s3


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 80, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


@pytest.fixture
def store_down(settings):
    """An S3 store that was configured and then stopped: its port refuses connections."""
    server, process = start_s3()
    settings.STORAGES = {**settings.STORAGES, "default": default_storage(server.environ())}
    stop_s3(process)
    return server


def keys_in(server) -> set[str]:
    return {o["Key"] for o in server.client().list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_a_report_sent_while_the_store_is_down_is_saved_and_its_photo_follows(world, store_down, settings):
    client = Client(headers={"accept-language": "en"})
    response = client.post(
        world.loc.report_path(), {"kind": "consult", "description": "井盖松了，晚上看不见", "photos": [jpeg()]}
    )

    # The resident's report is saved, and they are told plainly about the photo.
    assert response.status_code == 303
    issue = Issue.objects.get()
    assert issue.description == "井盖松了，晚上看不见"
    assert not IssuePhoto.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Your photo could not be stored just now." in page and "no need to send it again" in page

    # Staff see the report's text and the failure on its timeline (an internal event).
    (flag,) = IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.FLAGGED)
    assert flag.is_public is False and "could not be stored: the media store did not answer" in flag.note
    staff = Client(headers={"accept-language": "en"})
    staff.force_login(world.staff)
    desk = staff.get(f"/staff/issues/{issue.pk}/").content.decode()
    assert "井盖松了，晚上看不见" in desk and "could not be stored: the media store did not answer" in desk
    (pending,) = PendingPhoto.objects.all()
    assert pending.issue == issue and pending.is_public is True and pending.last_error

    # A sweep while the store is still down keeps it and tries again a minute later.
    now = timezone.now()
    assert services.sla_sweep(now=now)["photos_stored"] == 0
    pending.refresh_from_db()
    assert pending.attempts == 1 and pending.retry_after > now

    # The store is back (a new server: the same bucket, elsewhere): the next due sweep stores it, once.
    back, process = start_s3()
    try:
        settings.STORAGES = {**settings.STORAGES, "default": default_storage(back.environ())}
        later = now + dt.timedelta(minutes=2)
        assert services.sla_sweep(now=later)["photos_stored"] == 1
        assert services.sla_sweep(now=later + dt.timedelta(minutes=2))["photos_stored"] == 0
        photo = IssuePhoto.objects.get()
        assert photo.issue == issue and photo.is_public is True
        assert {photo.image.name, photo.thumbnail.name} <= keys_in(back)
        assert photo.thumbnail.name.endswith("-thumb.jpg")
        with photo.image.open() as stored:
            assert Image.open(stored).size == (640, 480)
        assert not PendingPhoto.objects.exists()
        assert IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.NOTE, is_public=False).count() == 1
    finally:
        stop_s3(process)

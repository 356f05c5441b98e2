"""Issue 14 item 9: what one report's photos may cost is bounded. A photo that would be decoded
whole (PNG, WebP, HEIF) may have at most MAX_DECODED_PIXELS, all of a report's photos together
at most REPORT_DECODED_PIXELS; a JPEG is decoded at a reduced scale, so a big one costs little.
Refused photos get their message and the text stays on the page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from issues import photos
from issues.models import Issue, IssuePhoto

pytestmark = pytest.mark.django_db


def png(side: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("L", (side, side), 128).save(out, "PNG")
    return SimpleUploadedFile(f"p{side}.png", out.getvalue(), content_type="image/png")


def report(loc, *files):
    client = Client(headers={"accept-language": "en"})
    data = {"description": "楼道灯坏了", "name": "李伯伯", "idempotency_key": "k" * 32, "photos": list(files)}
    return client.post(loc.report_path(), data)


def test_a_png_that_would_decode_past_the_budget_is_refused_before_decoding(world):
    side = 5100  # 26 megapixels: under the old 50-megapixel limit, over what a whole decode may cost
    assert side * side > photos.MAX_DECODED_PIXELS
    response = report(world.loc, png(side))
    assert response.status_code == 400
    html = response.content.decode()
    assert "This photo has too many pixels." in html
    assert "楼道灯坏了" in html and 'value="李伯伯"' in html
    assert Issue.objects.count() == IssuePhoto.objects.count() == 0


def test_the_photos_of_one_report_share_a_budget(world):
    side = 4400  # 19 megapixels each: one is fine, three are more than a report may decode
    assert side * side <= photos.MAX_DECODED_PIXELS < 3 * side * side
    response = report(world.loc, png(side), png(side), png(side))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Photo 3 (p4400.png): These photos are too large together." in html
    assert "Photo 1" not in html and "Photo 2" not in html
    assert Issue.objects.count() == IssuePhoto.objects.count() == 0


def test_a_big_png_within_the_budget_is_shrunk(world):
    response = report(world.loc, png(4400))
    assert response.status_code == 303
    photo = IssuePhoto.objects.get()
    with Image.open(photo.image) as img:
        assert max(img.size) <= photos.MAX_SIDE

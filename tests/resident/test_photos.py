"""Photos: re-encoded without EXIF or GPS, upright, with a thumbnail; a bad file is refused with
a message beside the field while the rest of the report is kept."""

import io

import pytest
from django.test import Client
from PIL import Image

from issues import photos
from issues.models import Issue, IssuePhoto

from .conftest import image_bytes, upload

KEY = "p" * 20


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def jpeg_with_gps(size=(80, 40), orientation=6, fmt="JPEG") -> bytes:
    """A photo as a phone writes it: EXIF with the maker, an orientation and a GPS position."""
    img = Image.new("RGB", size, (20, 160, 20))
    img.paste((220, 20, 20), (0, 0, size[0] // 2, size[1]))  # left half red, to see the rotation
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 26.0, 10.0)})
    out = io.BytesIO()
    img.save(out, fmt, exif=exif.tobytes(), quality=90)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the test photo must carry GPS"
    return data


def report(client, loc, *files, **fields):
    data = {"description": "楼道灯坏了", "name": "李伯伯", "idempotency_key": KEY, "photos": list(files), **fields}
    return client.post(loc.report_path(), data)


def assert_clean(field_file) -> Image.Image:
    field_file.open("rb")
    raw = field_file.read()
    field_file.close()
    assert b"Exif" not in raw and b"GPS" not in raw and b"PhoneMaker" not in raw
    img = Image.open(io.BytesIO(raw))
    assert img.format == "JPEG"
    assert not img.getexif()
    assert "exif" not in img.info and "icc_profile" not in img.info
    return img


def test_no_exif_or_gps_survives_an_upload_and_the_photo_stands_upright(world):
    response = report(english(), world.loc, upload(jpeg_with_gps()))
    assert response.status_code == 303
    photo = IssuePhoto.objects.get()
    image = assert_clean(photo.image)
    thumb = assert_clean(photo.thumbnail)
    # Orientation 6 means "turn 90° clockwise to view": the 80×40 picture stands 40×80.
    assert image.size == (40, 80)
    assert max(thumb.size) <= photos.THUMB_SIDE
    # After the turn the red half is on top.
    red, green = image.convert("RGB").getpixel((20, 10)), image.convert("RGB").getpixel((20, 70))
    assert red[0] > 150 and green[1] > 120


@pytest.mark.skipif(not photos.HEIF_SUPPORTED, reason="pillow-heif is not installed")
def test_a_heic_photo_from_an_iphone_is_accepted_and_cleaned(world):
    import pillow_heif  # noqa: F401 - registers the HEIF writer used to make the test photo

    data = jpeg_with_gps(fmt="HEIF")
    response = report(english(), world.loc, upload(data, "IMG_0001.HEIC", "image/heic"))
    assert response.status_code == 303
    assert_clean(IssuePhoto.objects.get().image)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (image_bytes("PNG", alpha=True), "screen.png", "image/png"),
        (image_bytes("WEBP"), "photo.webp", "image/webp"),
        (image_bytes("JPEG", size=(3000, 1000)), "wide.jpg", "image/jpeg"),
    ],
)
def test_png_webp_and_large_jpegs_become_clean_jpegs_of_at_most_2048_pixels(world, data, name, content_type):
    assert report(english(), world.loc, upload(data, name, content_type)).status_code == 303
    image = assert_clean(IssuePhoto.objects.get().image)
    assert max(image.size) <= photos.MAX_SIDE


def test_a_file_that_is_not_a_photo_gets_a_message_and_nothing_typed_is_lost(world):
    response = report(english(), world.loc, upload(b"this is not a picture", "photo.jpg"), phone="13812341234")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Photo 1 (photo.jpg): This file is not a photo we can read." in html
    assert "楼道灯坏了" in html and 'value="李伯伯"' in html and 'value="13812341234"' in html
    assert "Please choose your photos again" in html
    assert Issue.objects.count() == IssuePhoto.objects.count() == 0


def test_a_gif_is_refused_even_though_pillow_could_read_it(world):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = report(english(), world.loc, upload(out.getvalue(), "a.gif", "image/gif"))
    assert response.status_code == 400
    assert Issue.objects.count() == 0


def test_a_decompression_bomb_is_refused(world):
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")  # 60 megapixels in a few kilobytes
    assert len(out.getvalue()) < 200_000
    response = report(english(), world.loc, upload(out.getvalue(), "bomb.png", "image/png"))
    assert response.status_code == 400
    assert "This photo has too many pixels." in response.content.decode()
    assert Issue.objects.count() == 0


def test_a_photo_over_10_mb_is_refused(world):
    big = image_bytes() + b"\0" * (10 * 1024 * 1024)
    response = report(english(), world.loc, upload(big, "big.jpg"))
    assert response.status_code == 400
    assert "This photo is larger than 10 MB." in response.content.decode()


def test_at_most_six_photos(world):
    files = [upload(image_bytes(), f"p{n}.jpg") for n in range(7)]
    response = report(english(), world.loc, *files)
    assert response.status_code == 400
    assert "Please send at most 6 photos." in response.content.decode()
    assert Issue.objects.count() == 0


def test_six_photos_are_fine_and_each_gets_a_thumbnail(world):
    files = [upload(image_bytes(), f"p{n}.jpg") for n in range(6)]
    assert report(english(), world.loc, *files).status_code == 303
    issue = Issue.objects.get()
    assert issue.photos.count() == 6
    assert all(p.thumbnail for p in issue.photos.all())


def test_a_double_submit_with_photos_stores_them_once(world):
    client = english()
    assert report(client, world.loc, upload(image_bytes(), "a.jpg")).status_code == 303
    assert report(client, world.loc, upload(image_bytes(), "a.jpg")).status_code == 303
    assert Issue.objects.count() == 1
    assert IssuePhoto.objects.count() == 1

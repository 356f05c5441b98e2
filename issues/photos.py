"""Residents' photos: checked, turned upright, shrunk and re-encoded as a clean JPEG, with a thumbnail.

Re-encoding into a brand-new image is what strips EXIF (GPS position, phone model), XMP,
comments and ICC data: nothing of the uploaded file's metadata is copied across.

Why this happens inside the request, not in a Celery task:
- a bad file must get its message beside the field while the resident is still on the page,
  and only decoding the whole picture tells a truncated or fake photo from a good one;
- the original file, with its GPS position, is never written anywhere we keep (a task would
  need the raw upload stored until a worker gets to it);
- decoding is most of the cost, and a JPEG is decoded at a reduced scale (`draft`) when the
  phone's picture is larger than we keep: a 12-megapixel photo costs tens of milliseconds.
The text-only report (what `bench/resident_path.py` measures) never touches this module.

HEIC/HEIF (iPhones, some Android phones) is read through pillow-heif when it is installed: a
maintained binding of libheif whose wheels bundle the decoder. Without it, HEIC is refused with
the usual message.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_SIDE = 2048
THUMB_SIDE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80
# 50 megapixels covers today's phone cameras; beyond that a small file is a decompression bomb.
MAX_PIXELS = 50_000_000
# What decoding may cost (issue 14), in pixels decoded: a JPEG is decoded at a reduced scale
# (`draft`), so a 50-megapixel one costs a few; PNG, WebP and HEIF are decoded whole, so one of
# them may hold at most MAX_DECODED_PIXELS (a 24-megapixel phone picture; ~100 MB as RGBA) and
# all the photos of one report together at most REPORT_DECODED_PIXELS (two such pictures).
MAX_DECODED_PIXELS = 25_000_000
REPORT_DECODED_PIXELS = 50_000_000
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/webp"]

# Pillow warns above this and refuses above twice this, in Image.open itself.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

try:
    import pillow_heif
except ImportError:  # pragma: no cover - optional; HEIC is then refused like any unknown file
    HEIF_SUPPORTED = False
else:
    # Only the primary picture: no depth maps or embedded thumbnails are decoded.
    pillow_heif.options.DEPTH_IMAGES = False
    pillow_heif.options.THUMBNAILS = False
    pillow_heif.register_heif_opener()
    HEIF_SUPPORTED = True
    ACCEPTED_FORMATS.append("HEIF")
    ACCEPTED_TYPES += ["image/heic", "image/heif"]


# What a media store raises when it does not answer: the disk (OSError), or an S3 API
# (botocore: no connection, a time-out, a 5xx answer). A photo that meets one of these waits in
# the database for the sweep (issues.intake.save_photos, issues.resend.store_pending_photos).
try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - django-storages' S3 backend not installed
    STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError,)
else:
    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


@dataclass(frozen=True)
class CleanPhoto:
    image: ContentFile
    thumbnail: ContentFile


def _invalid() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can read. Please send a JPEG, PNG or WebP picture."), code="invalid_image"
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("This photo has too many pixels. Please send a smaller one."), code="too_big")


def _report_too_big() -> ValidationError:
    return ValidationError(
        _("These photos are too large together. Please send fewer or smaller ones."), code="report_too_big"
    )


class PixelBudget:
    """The pixels the photos of one report may still be decoded into."""

    def __init__(self, pixels: int = REPORT_DECODED_PIXELS) -> None:
        self.remaining = pixels

    def spend(self, pixels: int) -> None:
        if pixels > self.remaining:
            raise _report_too_big()
        self.remaining -= pixels


def check_size(uploaded_file) -> None:
    if uploaded_file.size is not None and uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("This photo is larger than 10 MB. Please send a smaller one."), code="too_large")


def clean_photo(uploaded_file, *, budget: PixelBudget | None = None) -> CleanPhoto:
    """A JPEG of at most MAX_SIDE pixels a side and a THUMB_SIDE thumbnail, upright, with no
    metadata at all. Raises ValidationError with a message for the resident. `budget`: the
    report's PixelBudget, when this photo is one of several."""
    check_size(uploaded_file)
    try:
        uploaded_file.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between MAX_PIXELS and twice that; we refuse from MAX_PIXELS on.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(uploaded_file, formats=ACCEPTED_FORMATS)
        with img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            longest = max(width, height)
            if longest > MAX_SIDE and img.format == "JPEG":
                # Let the decoder skip detail we would throw away: a 4032-pixel photo is decoded
                # at 2016 pixels. We accept a result down to 90 % of MAX_SIDE for that saving.
                scale = 0.9 * MAX_SIDE / longest
                img.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            decoded = img.size[0] * img.size[1]  # after draft: what decoding will really cost
            if decoded > MAX_DECODED_PIXELS:
                raise _too_many_pixels()
            (budget or PixelBudget()).spend(decoded)
            img.load()
            small = _reduced(img)
            upright = ImageOps.exif_transpose(small)
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            clean = _flatten(upright)
            del small, upright
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        RuntimeError,  # pillow-heif's decoder errors
        # Pillow raises these from broken headers and odd EXIF.
        KeyError,
        IndexError,
        TypeError,
        ZeroDivisionError,
    ) as exc:
        raise _invalid() from exc

    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BICUBIC)
    name = uuid.uuid4().hex
    return CleanPhoto(
        image=ContentFile(_jpeg(clean, JPEG_QUALITY), name=f"{name}.jpg"),
        thumbnail=ContentFile(_jpeg(thumb, THUMB_QUALITY), name=f"{name}-thumb.jpg"),
    )


def _reduced(img: Image.Image) -> Image.Image:
    """A picture still more than twice MAX_SIDE a side after loading (PNG, WebP, HEIF: no
    `draft`) shrunk at once by a whole factor (`reduce`, a box filter: fast, and the full-size
    pixels are let go before the careful LANCZOS resize of the smaller copy)."""
    factor = max(img.size) // MAX_SIDE
    if factor < 2:
        return img
    try:
        return img.reduce(factor)
    except ValueError:  # a mode reduce() does not take ("1", "P"): one byte a pixel at most anyway
        return img


def process_photo(uploaded_file) -> ContentFile:
    """The clean JPEG alone (for callers that keep no thumbnail)."""
    return clean_photo(uploaded_file).image


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: `img` is a new image whose `info` is empty.
    img.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _flatten(img: Image.Image) -> Image.Image:
    """A new RGB image with the pixels only; transparency becomes white, not black."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = img.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean

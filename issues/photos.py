"""Residents' photos: checked, turned upright, shrunk and re-encoded as a clean JPEG.

Re-encoding into a brand-new image is what strips EXIF (GPS position, phone model), XMP,
comments and ICC data: nothing of the uploaded file's metadata is copied across.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_SIDE = 2048
JPEG_QUALITY = 85
# 50 megapixels covers today's phone cameras; beyond that a small file is a decompression bomb.
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]

# Pillow warns above this and refuses above twice this, in Image.open itself.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _invalid() -> ValidationError:
    return ValidationError(
        _("This file is not a photo we can read. Please send a JPEG, PNG or WebP picture."), code="invalid_image"
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(_("This photo has too many pixels. Please send a smaller one."), code="too_big")


def process_photo(uploaded_file) -> ContentFile:
    """Return a JPEG of at most MAX_SIDE pixels a side, upright, with no metadata at all."""
    if uploaded_file.size is not None and uploaded_file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("This photo is larger than 10 MB. Please send a smaller one."), code="too_large")
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file, formats=ACCEPTED_FORMATS) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            # JPEG can decode straight at a reduced scale: far less memory for big camera files.
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))
            img.load()
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            clean = _flatten(upright)
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
        # Pillow raises these from broken headers and odd EXIF.
        KeyError,
        IndexError,
        TypeError,
        ZeroDivisionError,
    ) as exc:
        raise _invalid() from exc

    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: `clean` is a new image whose `info` is empty.
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


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

"""The resident side's tests: a fresh cache per test (rate limits), the in-process caches of
keyword rules and FAQ answers emptied, and uploaded photos written under a temporary folder."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from issues import faq, keywords


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    keywords.invalidate()
    faq.invalidate()
    yield
    keywords.invalidate()
    faq.invalidate()


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    Image.new(mode, size, color if mode == "RGB" else (*color, 0)).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)

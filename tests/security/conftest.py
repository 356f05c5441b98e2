"""Security tests (issue 14): uploaded photos under a temporary folder, a fresh cache per test."""

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


def jpeg(color=(200, 30, 30), size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(f"{uuid.uuid4().hex[:6]}.jpg", out.getvalue(), content_type="image/jpeg")

"""Disclosure documents: a PDF (recognised by its magic bytes) of at most 20 MB, or a picture
checked and re-encoded by issues.photos' rules (which keep pictures to 10 MB). Checked by content, never by name."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from issues.photos import clean_photo

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class CleanDocument:
    content: ContentFile
    type: str  # DisclosureDocument.Type
    name: str
    size: int


def clean_document(uploaded) -> CleanDocument:
    """The document to store, or ValidationError with a message for the person."""
    if uploaded.size is not None and uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("This file is larger than 20 MB. Please send a smaller one."), code="too_large")
    uploaded.seek(0)
    head = uploaded.read(len(PDF_MAGIC))
    uploaded.seek(0)
    name = (uploaded.name or "document").rsplit("/", 1)[-1][:150]
    if head == PDF_MAGIC:
        data = uploaded.read()
        stem = name.rsplit(".", 1)[0] or "document"
        return CleanDocument(ContentFile(data, name=f"{stem}.pdf"), "pdf", name, len(data))
    try:
        photo = clean_photo(uploaded)
    except ValidationError as exc:
        if exc.code in ("too_large", "too_big"):
            raise  # a picture over issues.photos' 10 MB or pixel limit: its own message
        raise ValidationError(
            _("This file is neither a PDF nor a picture we can read (JPEG, PNG, WebP)."), code="wrong_type"
        ) from None
    return CleanDocument(photo.image, "image", name, photo.image.size)

"""The one way we tell a person something. De-duplicated by key, so retries never repeat."""

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Issue, Notification

logger = logging.getLogger(__name__)


def send(user, *, key: str, subject: str, body: str, issue: Issue | None = None) -> bool:
    """Record and send one notification. Returns False if this key was already notified."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key[:200], user=user, issue=issue, subject=subject[:200], body=body
            )
    except IntegrityError:
        return False
    if user.email:
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # noqa: BLE001 - the record stays; a mail outage must not undo the work
            logger.warning("email to %s failed for %s", user.pk, key, exc_info=True)
            return True
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    return True

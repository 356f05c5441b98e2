"""Moderation of public listings (issue 14): what a resident wrote and what staff answered is
listed publicly (Open311's GET requests) only once staff of the workstation mark it publishable,
as FixMyStreet moderates reports. Names, phones and internal notes are never listed."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .models import Issue, IssueEvent
from .notes import system_note
from .transitions import must_be_staff, record


def set_publishable(issue: Issue, *, actor, publishable: bool) -> Issue:
    """Mark (or unmark) the issue's description and status notes as fit for public listings;
    an internal event records who did it. Only the workstation's staff may."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update(of=("self",)).get(pk=issue.pk)
        must_be_staff(actor, locked)
        if (locked.publishable_at is not None) == publishable:
            return locked
        locked.publishable_at = timezone.now() if publishable else None
        locked.save(update_fields=["publishable_at", "updated_at"])
        said = (
            gettext_lazy("Description and answer may be shown in public listings.")
            if publishable
            else gettext_lazy("Description and answer withdrawn from public listings.")
        )
        record(locked, IssueEvent.Type.NOTE, actor=actor, note=system_note(said), public=False)
    return locked

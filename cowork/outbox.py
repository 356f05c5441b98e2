"""A case's events sent to webhook subscribers (issue 16), through the webhooks app's one
delivery path (webhooks.services.emit: the outbox row in this transaction, signed, retried,
SSRF-guarded). Every CaseEvent is one `case.<type>` event. A subscription receives it when its
owner reads the whole case (its workstation's staff, heads, readers) or when the event concerns
one of the owner's own units (a liaison sees their part only), as on the pages."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from webhooks import events, services

from . import access
from .models import Case, CaseEvent

PREFIX = "case."


def register_event_types() -> None:
    events.register((PREFIX + value, label) for value, label in CaseEvent.Type.choices)


def case_payload(case: Case) -> dict:
    return {
        "id": case.pk,
        "title": case.title,
        "status": case.status,
        "workstation": case.workstation_id,
        "proactive": case.proactive,
        "due_at": case.due_at,
        "resolved_at": case.resolved_at,
        "url": reverse("cowork:case", args=[case.pk]),
    }


def event_payload(event: CaseEvent) -> dict:
    return {
        "id": event.pk,
        "type": event.type,
        "unit": event.department_id,
        "actor": event.actor_id,
        "old_status": event.old_status,
        "new_status": event.new_status,
        "note": event.note,
        "created_at": event.created_at,
    }


def audience(case: Case, event: CaseEvent):
    def sees(owner) -> bool:
        if access.reads_all(owner, case):
            return True
        return event.department_id is not None and event.department_id in access.unit_ids(owner)

    return sees


@receiver(post_save, sender=CaseEvent, dispatch_uid="cowork.case_event_webhooks")
def case_event_saved(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    case = instance.case
    services.emit(
        PREFIX + instance.type,
        source=f"cowork.caseevent:{instance.pk}",
        payload={"case": case_payload(case), "event": event_payload(instance)},
        audience=audience(case, instance),
    )

"""Initiatives, events (活动) and sign-ups sent to webhook subscribers (issue 17), through the
webhooks app's one delivery path (webhooks.services.emit). Every ActivityLog entry is one event:
`activity.<type>` for the event itself, `signup.<type>` for a sign-up; an initiative's creation
and each step of its status are `initiative.<…>`. The audience is who reads the workstation or
organises the event. A sign-up's personal data (name, phone, its page's token, its check-in
code, its group details) never goes into a payload: a sign-up is its id, seats and status."""

from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from webhooks import events, services
from workstations import scope

from .models import Activity, ActivityLog, Initiative, SignUp

T = ActivityLog.Type
SIGNUP_TYPES = (T.SIGNED_UP, T.WAITLISTED, T.APPROVED, T.REFUSED, T.OFFERED, T.ACCEPTED, T.EXPIRED)
SIGNUP_TYPES += (T.CANCELLED, T.CHECKED_IN, T.WALK_IN)
ACTIVITY_TYPES = (T.PUBLISHED, T.CHANGED, T.CANCELLED_EVENT, T.FOLLOW_UP)
# Not sent: the audit of phone numbers shown (internal, like an issue's phone_shown to nobody).
INITIATIVE_TYPES = {
    "created": _("initiative created"),
    Initiative.Status.ADOPTED.value: _("initiative adopted"),
    Initiative.Status.RUNNING.value: _("initiative running"),
    Initiative.Status.DONE.value: _("initiative done"),
}


def register_event_types() -> None:
    events.register(("activity." + t.value, t.label) for t in ACTIVITY_TYPES)
    events.register(("signup." + t.value, t.label) for t in SIGNUP_TYPES)
    events.register(("initiative." + kind, label) for kind, label in INITIATIVE_TYPES.items())


def _reader(workstation_id: int, organisers):
    def sees(owner) -> bool:
        if owner.is_superuser or workstation_id in scope.readable_workstation_ids(owner):
            return True
        return organisers.filter(pk=owner.pk).exists()

    return sees


def activity_payload(activity: Activity) -> dict:
    from .services import seats_of

    seats = seats_of(activity)
    return {
        "id": activity.pk,
        "title": activity.title,
        "status": activity.status,
        "workstation": activity.workstation_id,
        "initiative": activity.initiative_id,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "place": activity.place,
        "capacity": activity.capacity,
        "reserved_seats": activity.reserved_seats,
        "seats_held": seats.held,
        "public_url": activity.public_url() if activity.status != Activity.Status.DRAFT else None,
    }


def signup_payload(signup: SignUp) -> dict:
    return {
        "id": signup.pk,
        "seats": signup.seats,
        "status": signup.status,
        "in_reserved_group": signup.in_reserved_group,
        "walk_in": signup.walk_in,
        "created_at": signup.created_at,
        "checked_in_at": signup.checked_in_at,
    }


@receiver(post_save, sender=ActivityLog, dispatch_uid="community.log_webhooks")
def log_saved(sender, instance: ActivityLog, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.type not in SIGNUP_TYPES + ACTIVITY_TYPES:
        return
    activity = instance.activity
    kind = ("signup." if instance.type in SIGNUP_TYPES else "activity.") + instance.type

    def payload() -> dict:
        body = {"activity": activity_payload(activity), "entry": {"id": instance.pk, "type": instance.type}}
        if instance.type == T.CANCELLED_EVENT:
            body["entry"]["reason"] = instance.note  # told to everyone signed up: not private
        if instance.signup_id:
            body["signup"] = signup_payload(SignUp.objects.get(pk=instance.signup_id))
        return body

    services.emit(
        kind,
        source=f"community.log:{instance.pk}",
        payload=payload,
        audience=_reader(activity.workstation_id, activity.organisers.all()),
    )


def initiative_changed(initiative: Initiative, kind: str) -> None:
    """Called by community.services when an initiative is made or its status moves on."""
    services.emit(
        "initiative." + kind,
        source=f"community.initiative:{initiative.pk}:{kind}",
        payload=lambda: {
            "initiative": {
                "id": initiative.pk,
                "title": initiative.title,
                "topic": initiative.topic,
                "status": initiative.status,
                "workstation": initiative.workstation_id,
                "from_issue": initiative.source_issue_id,
                "events": initiative.activities.filter(~Q(status=Activity.Status.DRAFT)).count(),
            }
        },
        audience=_reader(initiative.workstation_id, initiative.organisers.all()),
    )

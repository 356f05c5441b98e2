"""Every IssueEvent (services write one per change) fans out to the webhook subscriptions, in the
same transaction: the deliveries are on record before anything is sent. Events written one by
one arrive through post_save; a batch written in bulk (the SLA sweep) through
issues.signals.events_created, once per batch."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from issues.models import IssueEvent
from issues.signals import events_created

from . import services


@receiver(post_save, sender=IssueEvent, dispatch_uid="webhooks.fan_out")
def issue_event_saved(sender, instance: IssueEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        services.fan_out(instance)


@receiver(events_created, sender=IssueEvent, dispatch_uid="webhooks.fan_out_many")
def issue_events_created(sender, events: list[tuple[int, int, str]], **kwargs) -> None:
    services.fan_out_many(events)

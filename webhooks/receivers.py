"""Every IssueEvent (services write one per change) fans out to the webhook subscriptions, in the
same transaction: the deliveries are on record before anything is sent."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from issues.models import IssueEvent

from . import services


@receiver(post_save, sender=IssueEvent, dispatch_uid="webhooks.fan_out")
def issue_event_saved(sender, instance: IssueEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        services.fan_out(instance)

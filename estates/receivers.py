"""A resident's reopening or rating of a property-service complaint hands it over at once,
after the commit (the SLA sweep's estates step catches anything missed)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from issues.models import IssueEvent

TRIGGERS = (IssueEvent.Type.REOPENED, IssueEvent.Type.CONFIRMED)


@receiver(post_save, sender=IssueEvent, dispatch_uid="estates-hand-over")
def event_saved(sender, instance: IssueEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.type not in TRIGGERS:
        return
    issue_id = instance.issue_id

    def later() -> None:
        from .complaints import hand_over_if_due

        hand_over_if_due(issue_id)

    transaction.on_commit(later, robust=True)

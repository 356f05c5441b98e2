"""A workstation's group robots hear of urgent reports (reported urgent, or made urgent) and of
every escalation, as Notification rows written in the transaction of the event (issues.notify
delivers them after the commit and the sweep re-sends what failed)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from issues import notify
from issues.models import Issue, IssueEvent, Kind, Notification
from issues.signals import events_created
from minqing import config_cache

from .models import GroupRobot
from .robots import address_of


def any_robot() -> bool:
    """Whether any group robot is on: kept per process by minqing.config_cache (no query per
    event on a running server)."""
    return config_cache.get("gateways.any_robot", lambda: GroupRobot.objects.filter(enabled=True).exists())


TOLD = {IssueEvent.Type.CREATED, IssueEvent.Type.KIND, IssueEvent.Type.ESCALATED}


def _wanted(event_type: str, issue: Issue, robot: GroupRobot) -> bool:
    if event_type == IssueEvent.Type.ESCALATED:
        return robot.escalations
    return robot.urgent_reports and issue.kind == Kind.URGENT


def group_messages(events: list[tuple[int, Issue, str, str]]) -> list[Notification]:
    """Unsaved rows for (event id, issue, event type, note) — one per enabled robot that wants it.
    No resident's name or phone: the group sees the reference, the place, the words, the desk link."""
    workstation_ids = {issue.workstation_id for _pk, issue, _type, _note in events}
    robots: dict[int, list[GroupRobot]] = {}
    for robot in GroupRobot.objects.filter(workstation_id__in=workstation_ids, enabled=True):
        robots.setdefault(robot.workstation_id, []).append(robot)
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for event_id, issue, event_type, note in events:
            for robot in robots.get(issue.workstation_id, []):
                if not _wanted(event_type, issue, robot):
                    continue
                if event_type == IssueEvent.Type.ESCALATED:
                    subject = _("[%(ref)s] Escalated") % {"ref": issue.reference}
                    text = note
                else:
                    subject = _("[%(ref)s] Urgent report") % {"ref": issue.reference}
                    text = issue.description[:200]
                link = f"{settings.SITE_URL}/staff/issues/{issue.pk}/"
                rows.append(
                    Notification(
                        key=f"group:{robot.pk}:{event_id}",
                        channel=robot.provider,
                        address=address_of(robot),
                        subject=subject[:200],
                        body=f"{text}\n{link}".strip(),
                    )
                )
    return rows


@receiver(post_save, sender=IssueEvent, dispatch_uid="gateways.group_robots")
def event_saved(sender, instance: IssueEvent, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or instance.type not in TOLD:
        return
    if not any_robot():
        return
    issue = instance.issue
    rows = group_messages([(instance.pk, issue, instance.type, instance.note)])
    notify.save(rows, inline=False)


@receiver(events_created, sender=IssueEvent, dispatch_uid="gateways.group_robots_many")
def events_saved(sender, events: list[tuple[int, int, str]], **kwargs) -> None:
    escalated = [(pk, issue_id) for pk, issue_id, event_type in events if event_type == IssueEvent.Type.ESCALATED]
    if not escalated or not any_robot():
        return
    issues = Issue.objects.in_bulk([issue_id for _pk, issue_id in escalated])
    notes = dict(IssueEvent.objects.filter(pk__in=[pk for pk, _ in escalated]).values_list("pk", "note"))
    rows = group_messages(
        [(pk, issues[issue_id], IssueEvent.Type.ESCALATED, notes.get(pk, "")) for pk, issue_id in escalated]
    )
    notify.save(rows, inline=False)

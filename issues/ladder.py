"""The escalation ladder and who hears at each level: the grid worker → the station heads → the
area secretary → the subdistrict. `Audience` finds the people of every level for a whole batch
of issues in a fixed number of queries (issues.escalation's sweep and late 派单)."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from workstations.models import Role, Workstation

from . import notify
from .models import EscalationContact, NotificationPreference

User = get_user_model()


class Level(models.IntegerChoices):
    GRID_WORKER = 1, gettext_lazy("grid worker")
    STATION_HEAD = 2, gettext_lazy("station head")
    AREA_SECRETARY = 3, gettext_lazy("area secretary")
    SUBDISTRICT = 4, gettext_lazy("subdistrict")


TOP = Level.SUBDISTRICT


class Audience:
    """The people of every level for a batch of issues , their
    notification preferences, and the message rows for them."""

    def __init__(self, issues) -> None:
        ws_ids = {i.workstation_id for i in issues}
        grid_ids = {i.grid_id for i in issues}
        self.subdistrict_of = dict(Workstation.objects.filter(pk__in=ws_ids).values_list("id", "subdistrict_id"))
        sd_ids = set(self.subdistrict_of.values())
        self.heads: dict[int, list] = {}
        self.grid_workers: dict[int, list] = {}
        self.secretaries: dict[int, list] = {}
        self.subdistrict: dict[int, list] = {}
        roles = (
            Q(kind=Role.Kind.STATION_HEAD, workstation_id__in=ws_ids)
            | Q(kind=Role.Kind.GRID_WORKER, grid_id__in=grid_ids)
            | Q(kind=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict_id__in=sd_ids)
        )
        # An area secretary by role hears at level 3, as one named in EscalationContact does.
        roles |= Q(kind=Role.Kind.AREA_SECRETARY, workstation_id__in=ws_ids)
        for role in Role.objects.filter(roles, user__is_active=True).select_related("user").order_by("id"):
            if role.kind == Role.Kind.STATION_HEAD:
                self.heads.setdefault(role.workstation_id, []).append(role.user)
            elif role.kind == Role.Kind.GRID_WORKER:
                self.grid_workers.setdefault(role.grid_id, []).append(role.user)
            elif role.kind == Role.Kind.AREA_SECRETARY:
                self.secretaries.setdefault(role.workstation_id, []).append(role.user)
            else:
                self.subdistrict.setdefault(role.subdistrict_id, []).append(role.user)
        contacts = EscalationContact.objects.filter(
            Q(level=Level.AREA_SECRETARY, workstation_id__in=ws_ids)
            | Q(level=Level.SUBDISTRICT, subdistrict_id__in=sd_ids),
            user__is_active=True,
        ).select_related("user")
        for c in contacts.order_by("id"):
            if c.level == Level.AREA_SECRETARY:
                self.secretaries.setdefault(c.workstation_id, []).append(c.user)
            else:
                self.subdistrict.setdefault(c.subdistrict_id, []).append(c.user)
        # Assignees are told whatever their account's state, as they always were.
        self.assignees = User.objects.in_bulk({i.assignee_id for i in issues if i.assignee_id})
        users = {
            u.pk
            for group in (self.heads, self.grid_workers, self.secretaries, self.subdistrict)
            for people in group.values()
            for u in people
        } | set(self.assignees)
        self.preferences: dict[int, list] = {}
        for pref in NotificationPreference.objects.filter(user_id__in=users):
            self.preferences.setdefault(pref.user_id, []).append(pref)
        self._routes: dict[int, list[tuple[str, str]]] = {}

    def at(self, issue, level: int) -> list:
        if level == Level.GRID_WORKER:
            people = self.handler(issue) if issue.assignee_id else self.grid_workers.get(issue.grid_id, [])
        elif level == Level.STATION_HEAD:
            people = self.heads.get(issue.workstation_id, [])
        elif level == Level.AREA_SECRETARY:
            people = self.secretaries.get(issue.workstation_id, [])
        else:
            people = self.subdistrict.get(self.subdistrict_of.get(issue.workstation_id), [])
        return list({u.pk: u for u in people}.values())

    def handler(self, issue) -> list:
        if issue.assignee_id:
            return [self.assignees[issue.assignee_id]]
        return self.heads.get(issue.workstation_id, [])

    def routes(self, user) -> list[tuple[str, str]]:
        """(channel, address) for `user`: notify.build's rule (preferences, else email), once per
        user and batch."""
        if user.pk not in self._routes:
            rows = notify.build(user, key="", subject="", body="", preferences=self.preferences.get(user.pk, []))
            self._routes[user.pk] = [(str(row.channel), row.address) for row in rows]
        return self._routes[user.pk]

    def message(self, user, *, key: str, issue_id: int, subject: str, body: str) -> list[tuple]:
        """Notification rows (NOTIFICATION_FIELDS) for `user`, one per channel."""
        key, subject = key[:200], subject[:200]
        return [(key, channel, user.pk, address, issue_id, subject, body) for channel, address in self.routes(user)]


def names(people) -> str:
    return "、".join(u.get_full_name() or u.username for u in people) or "—"

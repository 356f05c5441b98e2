"""Every write to a case goes through these functions (views, the API, the admin and the demo
call them). Each runs in one transaction: it checks, changes, records a CaseEvent and queues the
notifications; a refusal raises CaseError with a message for the person, and nothing is saved.

The issues core does what it owns: linked issues move through issues.handling (triage,
coordinate, milestone) and issues.services.resolve_issue; each unit gets a 派单 per linked issue
through issues.dispatch (dispatch_issue, acknowledge_dispatch, complete_dispatch); people are told
through issues.notify; photos go through issues.photos.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from issues import handling, notify, photos
from issues import services as issue_services
from issues.dispatch import acknowledge_dispatch, complete_dispatch, dispatch_issue, liaisons
from issues.lifecycle import OPEN_STATUSES, Status
from issues.models import Dispatch, Issue, Kind
from issues.people import station_heads
from issues.transitions import IssueError
from workstations.models import Department, Workstation

from . import access
from .models import (
    ActionItem,
    AgendaItem,
    Case,
    CaseEvent,
    CaseUnit,
    Commitment,
    CostAgreement,
    CostMilestone,
    CostShare,
    Evidence,
    FundSource,
    Meeting,
    MinutesConfirmation,
    Partnership,
)


class CaseError(IssueError):
    """A request the case's rules refuse; `message` is safe to show."""


def _future(when: dt.datetime | None, what: str) -> dt.datetime:
    if when is None:
        raise CaseError(_("Please give %(what)s.") % {"what": what})
    if when <= timezone.now():
        raise CaseError(_("The deadline must be in the future."))
    return when


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message)
    return value


def _must_run(actor, case: Case) -> None:
    if not access.can_run(actor, case):
        raise CaseError(_("Only the workstation's staff can do this."))


def _must_be_open(case: Case) -> None:
    if not case.is_open:
        raise CaseError(_("This case is resolved; nothing more can be changed."))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def record(case: Case, type: str, *, actor=None, note: str = "", department=None, **statuses) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        type=type,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        department=department,
        old_status=statuses.get("old_status", ""),
        new_status=statuses.get("new_status", ""),
    )


def _remind_at(due_at: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """80 % of the way to the deadline, as the core reminds of issue deadlines."""
    at = now + (due_at - now) * 0.8
    return at if at < due_at else None


@translation.override(settings.LANGUAGE_CODE)
def _tell_unit(department: Department, case: Case, *, key: str, subject: str, body: str) -> None:
    for person in liaisons(department.pk):
        notify.queue(person, key=f"{key}:{person.pk}", subject=subject[:200], body=body)


def case_link(case: Case) -> str:
    return f"{settings.SITE_URL}/cases/{case.pk}/"


# --- Opening, units, linked issues -----------------------------------------------------------


@dataclass
class UnitPlan:
    department: Department
    part: str
    due_at: dt.datetime
    instructions: str = ""


def open_case(
    workstation: Workstation,
    *,
    actor,
    title: str,
    description: str = "",
    issues=(),
    units: list[UnitPlan] = (),
    due_at: dt.datetime | None = None,
) -> Case:
    """Staff open a case from one or more issues (several households' reports about one thing),
    or from none (未诉先办). Exactly one lead unit; every unit gets its 派单 for every issue."""
    if not access.can_run_workstation(actor, workstation.pk):
        raise CaseError(_("Only the workstation's staff can do this."))
    title = _text(title, _("Please give the case a title."))
    due_at = _future(due_at or timezone.now() + dt.timedelta(days=30), _("a deadline"))
    units = list(units)
    if sum(1 for u in units if u.part == CaseUnit.Part.LEAD) != 1:
        raise CaseError(_("Name exactly one lead unit (牵头)."))
    if len({u.department.pk for u in units}) != len(units):
        raise CaseError(_("A unit can take part only once."))
    for plan in units:
        _check_unit(workstation, plan)
    issues = list(issues)
    for issue in issues:
        _check_linkable(workstation, issue)
    with transaction.atomic():
        case = Case.objects.create(
            workstation=workstation,
            title=title,
            description=description.strip(),
            proactive=not issues,
            due_at=due_at,
            opened_by=actor,
        )
        record(case, CaseEvent.Type.OPENED, actor=actor, note=title, new_status=Case.Status.OPEN)
        for issue in issues:
            _link(case, issue, actor=actor)
        for plan in units:
            _add_unit(case, plan, actor=actor)
    return case


def _check_unit(workstation: Workstation, plan: UnitPlan) -> None:
    if plan.part not in CaseUnit.Part.values:
        raise CaseError(_("Unknown part of a unit."))
    if plan.department.subdistrict_id != workstation.subdistrict_id:
        raise CaseError(_("%(dept)s is not a unit of this subdistrict.") % {"dept": plan.department.name})
    _future(plan.due_at, _("the unit's deadline"))


def _check_linkable(workstation: Workstation, issue: Issue) -> None:
    if issue.workstation_id != workstation.pk:
        raise CaseError(_("%(ref)s belongs to another workstation.") % {"ref": issue.reference})
    if issue.status not in OPEN_STATUSES:
        raise CaseError(_("%(ref)s is no longer open.") % {"ref": issue.reference})
    if issue.kind != Kind.COMPLEX:
        raise CaseError(_("%(ref)s is not a hard matter (难事共办); change its kind first.") % {"ref": issue.reference})


def _add_unit(case: Case, plan: UnitPlan, *, actor) -> CaseUnit:
    try:
        with transaction.atomic():
            unit = CaseUnit.objects.create(
                case=case,
                department=plan.department,
                part=plan.part,
                due_at=plan.due_at,
                instructions=plan.instructions.strip(),
            )
    except IntegrityError as exc:
        raise CaseError(_("This case already has that unit, or already has a lead unit.")) from exc
    record(
        case,
        CaseEvent.Type.UNIT_ADDED,
        actor=actor,
        department=plan.department,
        note=f"{plan.department.name} · {unit.get_part_display()}",
    )
    for issue in case.issues.filter(status__in=OPEN_STATUSES):
        _send(issue, unit, actor=actor)
    if not case.issues.exists():
        _tell_unit(
            plan.department,
            case,
            key=f"case-unit:{unit.pk}",
            subject=_("Coordination case: %(title)s") % {"title": case.title},
            body=_("%(dept)s is asked to take part, due %(due)s.\n%(url)s")
            % {
                "dept": plan.department.name,
                "due": timezone.localtime(plan.due_at).strftime("%Y-%m-%d"),
                "url": case_link(case),
            },
        )
    return unit


def add_unit(
    case: Case, *, actor, department: Department, part: str, due_at: dt.datetime, instructions: str = ""
) -> CaseUnit:
    plan = UnitPlan(department=department, part=part, due_at=due_at, instructions=instructions)
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        _check_unit(case.workstation, plan)
        return _add_unit(case, plan, actor=actor)


def _send(issue: Issue, unit: CaseUnit, *, actor) -> None:
    """The unit's 派单 for one linked issue (the core's), unless it has one open already."""
    if Dispatch.objects.filter(issue=issue, department=unit.department, status__in=Dispatch.OPEN).exists():
        return
    dispatch_issue(issue, to=unit.department, actor=actor, due_at=unit.due_at, instructions=unit.instructions)


def _link(case: Case, issue: Issue, *, actor) -> None:
    """Bring the issue to coordinating through the core and send it to the case's units."""
    issue.refresh_from_db()
    if issue.status not in (Status.TRIAGED, Status.COORDINATING):
        handling.triage_issue(issue, actor=actor, note=_("Taken up in a coordination case."))
    issue.refresh_from_db()
    if issue.status == Status.TRIAGED:
        handling.coordinate_issue(issue, actor=actor, note=case.title)
    case.issues.add(issue)
    record(case, CaseEvent.Type.LINKED, actor=actor, note=issue.reference)
    for unit in case.units.select_related("department"):
        _send(issue, unit, actor=actor)


def link_issue(case: Case, *, issue: Issue, actor) -> None:
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        if case.issues.filter(pk=issue.pk).exists():
            raise CaseError(_("%(ref)s is linked already.") % {"ref": issue.reference})
        _check_linkable(case.workstation, issue)
        _link(case, issue, actor=actor)


def _unit_of(case: Case, department_id: int | None, actor) -> CaseUnit:
    """The case's part of the unit the actor acts for. A unit not in the case is refused."""
    mine = access.unit_ids(actor)
    if department_id is None:
        parts = [u for u in case.units.select_related("department") if u.department_id in mine]
        if len(parts) != 1:
            raise CaseError(_("Your unit is not part of this case."))
        return CaseUnit.objects.select_for_update().select_related("department").get(pk=parts[0].pk)
    if not (actor.is_superuser or department_id in mine):
        raise CaseError(_("You do not act for this unit."))
    unit = (
        CaseUnit.objects.select_for_update()
        .select_related("department")
        .filter(case=case, department_id=department_id)
        .first()
    )
    if unit is None:
        raise CaseError(_("This unit is not part of the case."))
    return unit


def _unit_dispatches(case: Case, unit: CaseUnit):
    return Dispatch.objects.filter(issue__in=case.issues.all(), department=unit.department, status__in=Dispatch.OPEN)


def acknowledge_unit(case: Case, *, actor, department_id: int | None = None) -> CaseUnit:
    """签收: the unit's liaison acknowledges its part (and its 派单 of the linked issues)."""
    with transaction.atomic():
        case = _lock(case)
        _must_be_open(case)
        unit = _unit_of(case, department_id, actor)
        if unit.acknowledged_at:
            raise CaseError(_("Your unit has acknowledged this case already."))
        unit.acknowledged_at, unit.acknowledged_by = timezone.now(), actor
        unit.save(update_fields=["acknowledged_at", "acknowledged_by"])
        for dispatch in _unit_dispatches(case, unit).filter(status=Dispatch.Status.SENT):
            acknowledge_dispatch(dispatch, actor=actor)
        record(case, CaseEvent.Type.ACKNOWLEDGED, actor=actor, department=unit.department, note=unit.department.name)
    return unit


def sign_off_unit(case: Case, *, actor, note: str, department_id: int | None = None) -> CaseUnit:
    """The unit says its part is done; its 派单 of the linked issues are completed with the note."""
    note = _text(note, _("Please say what your unit did."))
    with transaction.atomic():
        case = _lock(case)
        _must_be_open(case)
        unit = _unit_of(case, department_id, actor)
        if unit.signed_off_at:
            raise CaseError(_("Your unit has signed off already."))
        now = timezone.now()
        unit.signed_off_at, unit.signed_off_by, unit.sign_off_note = now, actor, note
        fields = ["signed_off_at", "signed_off_by", "sign_off_note"]
        if not unit.acknowledged_at:
            unit.acknowledged_at, unit.acknowledged_by = now, actor
            fields += ["acknowledged_at", "acknowledged_by"]
        unit.save(update_fields=fields)
        for dispatch in _unit_dispatches(case, unit):
            complete_dispatch(dispatch, actor=actor, note=note)
        record(case, CaseEvent.Type.SIGNED_OFF, actor=actor, department=unit.department, note=note)
    return unit


# --- Action items ----------------------------------------------------------------------------


def _check_owner(case: Case, unit: Department | None) -> Department:
    if unit is None:
        raise CaseError(_("Name the responsible unit (责任单位)."))
    if not case.units.filter(department=unit).exists():
        raise CaseError(_("%(dept)s is not a unit of this case; add it first.") % {"dept": unit.name})
    return unit


def _new_action(case: Case, *, actor, title: str, owner_unit, owner=None, due_at, weight=None) -> ActionItem:
    now = timezone.now()
    action = ActionItem.objects.create(
        case=case,
        title=title,
        owner_unit=owner_unit,
        owner=owner,
        due_at=due_at,
        weight=weight,
        remind_at=_remind_at(due_at, now),
    )
    record(
        case,
        CaseEvent.Type.ACTION_ADDED,
        actor=actor,
        department=owner_unit,
        note=_("%(what)s — %(dept)s, by %(due)s")
        % {"what": title, "dept": owner_unit.name, "due": timezone.localtime(due_at).strftime("%Y-%m-%d")},
    )
    _tell_unit(
        owner_unit,
        case,
        key=f"case-action:{action.pk}",
        subject=_("Action for %(dept)s: %(what)s") % {"dept": owner_unit.name, "what": title},
        body=_("Due %(due)s.\n%(url)s")
        % {"due": timezone.localtime(due_at).strftime("%Y-%m-%d"), "url": case_link(case)},
    )
    return action


def add_action(
    case: Case, *, actor, title: str, owner_unit: Department | None, due_at: dt.datetime | None, owner=None, weight=None
) -> ActionItem:
    title = _text(title, _("Please say what is to be done."))
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        _check_owner(case, owner_unit)
        _future(due_at, _("a deadline"))
        if weight is not None and Decimal(weight) <= 0:
            raise CaseError(_("A weight must be more than 0."))
        return _new_action(
            case, actor=actor, title=title, owner_unit=owner_unit, owner=owner, due_at=due_at, weight=weight
        )


def _may_work_on(actor, action: ActionItem) -> bool:
    return access.can_run(actor, action.case) or action.owner_unit_id in access.unit_ids(actor)


def _clean_photo(photo):
    if not photo:
        return None
    try:
        return photos.process_photo(photo)
    except ValidationError as exc:
        raise CaseError(" ".join(exc.messages)) from exc


def add_evidence(action: ActionItem, *, actor, text: str = "", photo=None) -> Evidence:
    """Words and a photo (re-encoded by the core's photo rules) showing what was done."""
    text = (text or "").strip()
    if not text and not photo:
        raise CaseError(_("Please describe what was done or add a photo."))
    clean = _clean_photo(photo)
    with transaction.atomic():
        action = ActionItem.objects.select_for_update().select_related("case", "owner_unit").get(pk=action.pk)
        if not _may_work_on(actor, action):
            raise CaseError(_("This action item belongs to another unit."))
        _must_be_open(action.case)
        evidence = Evidence(action=action, text=text, added_by=actor)
        if clean is not None:
            evidence.photo.save(clean.name, clean, save=False)
        evidence.save()
        record(
            action.case,
            CaseEvent.Type.EVIDENCE,
            actor=actor,
            department=action.owner_unit,
            note=f"{action.title}: {text}",
        )
    return evidence


def set_progress(action: ActionItem, *, actor, percent: int) -> ActionItem:
    if not 0 <= int(percent) <= 100:
        raise CaseError(_("Progress is a number from 0 to 100."))
    with transaction.atomic():
        action = ActionItem.objects.select_for_update().select_related("case").get(pk=action.pk)
        if not _may_work_on(actor, action):
            raise CaseError(_("This action item belongs to another unit."))
        if not action.is_open:
            raise CaseError(_("This action item is done already."))
        action.percent = int(percent)
        action.save(update_fields=["percent"])
    return action


def complete_action(action: ActionItem, *, actor, note: str = "", photo=None) -> ActionItem:
    """The owner unit (or staff) marks it done, with evidence in words or a photo."""
    note = (note or "").strip()
    if not note and not photo:
        raise CaseError(_("Please describe what was done or add a photo."))
    clean = _clean_photo(photo)
    with transaction.atomic():
        action = ActionItem.objects.select_for_update().select_related("case", "owner_unit").get(pk=action.pk)
        if not _may_work_on(actor, action):
            raise CaseError(_("This action item belongs to another unit."))
        _must_be_open(action.case)
        if not action.is_open:
            raise CaseError(_("This action item is done already."))
        evidence = Evidence(action=action, text=note, added_by=actor)
        if clean is not None:
            evidence.photo.save(clean.name, clean, save=False)
        evidence.save()
        action.status, action.done_at, action.percent = ActionItem.Status.DONE, timezone.now(), 100
        action.remind_at = action.escalate_at = None
        action.save(update_fields=["status", "done_at", "percent", "remind_at", "escalate_at"])
        record(
            action.case,
            CaseEvent.Type.ACTION_DONE,
            actor=actor,
            department=action.owner_unit,
            note=f"{action.title}: {note}" if note else action.title,
        )
    return action


# --- Meetings --------------------------------------------------------------------------------


def create_meeting(
    case: Case, *, actor, held_at: dt.datetime, place: str, kind: str = Meeting.Kind.TOPIC, attendees=(), units=()
) -> Meeting:
    """A meeting in draft. Action items overdue at this moment are carried onto its agenda."""
    place = _text(place, _("Please give the place of the meeting."))
    if held_at is None:
        raise CaseError(_("Please give the date of the meeting."))
    if kind not in Meeting.Kind.values:
        raise CaseError(_("Unknown kind of meeting."))
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        units = list(units)
        for unit in units:
            _check_owner(case, unit)
        meeting = Meeting.objects.create(case=case, kind=kind, held_at=held_at, place=place, created_by=actor)
        meeting.attendees.set(attendees)
        meeting.units.set(units)
        _carry_over(meeting)
        record(case, CaseEvent.Type.MEETING, actor=actor, note=f"{meeting.get_kind_display()} · {place}")
    return meeting


def _carry_over(meeting: Meeting) -> list[AgendaItem]:
    overdue = ActionItem.objects.filter(
        case=meeting.case, status=ActionItem.Status.OPEN, due_at__lt=timezone.now()
    ).select_related("owner_unit")
    items = [
        AgendaItem(
            meeting=meeting,
            position=n,
            title=_("Overdue: %(what)s") % {"what": action.title},
            outcome=AgendaItem.Outcome.ACTION,
            responsible_unit=action.owner_unit,
            due_at=action.due_at,
            action=action,
            carried_over=True,
        )
        for n, action in enumerate(overdue, start=1)
    ]
    return AgendaItem.objects.bulk_create(items)


def _lock_meeting(meeting: Meeting, actor, *, editable: bool = True) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    _must_run(actor, meeting.case)
    if editable and meeting.status == Meeting.Status.FINAL:
        raise CaseError(_("These minutes are final and cannot be edited; amend them with a new version."))
    return meeting


def _unconfirm(meeting: Meeting) -> None:
    """An edit after confirmations asks the attendees again."""
    MinutesConfirmation.objects.filter(meeting=meeting).delete()
    if meeting.status != Meeting.Status.DRAFT:
        meeting.status = Meeting.Status.DRAFT
        meeting.save(update_fields=["status"])


def add_agenda_item(
    meeting: Meeting,
    *,
    actor,
    title: str,
    outcome: str = AgendaItem.Outcome.INFORMATION,
    notes: str = "",
    responsible_unit: Department | None = None,
    due_at: dt.datetime | None = None,
    owner=None,
) -> AgendaItem:
    """A decision (or an action) names its responsible unit and deadline and creates an action item."""
    title = _text(title, _("Please give the agenda item."))
    if outcome not in AgendaItem.Outcome.values:
        raise CaseError(_("Unknown outcome."))
    with transaction.atomic():
        meeting = _lock_meeting(meeting, actor)
        _must_be_open(meeting.case)
        action = None
        if outcome != AgendaItem.Outcome.INFORMATION:
            if responsible_unit is None:
                raise CaseError(_("A decision must name its responsible unit (责任单位)."))
            _check_owner(meeting.case, responsible_unit)
            _future(due_at, _("a deadline (时限)"))
            action = _new_action(
                meeting.case, actor=actor, title=title, owner_unit=responsible_unit, owner=owner, due_at=due_at
            )
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=meeting.agenda.count() + 1,
            title=title,
            outcome=outcome,
            notes=notes.strip(),
            responsible_unit=responsible_unit if action else None,
            due_at=due_at if action else None,
            action=action,
        )
        _unconfirm(meeting)
    return item


def write_minutes(meeting: Meeting, *, actor, minutes: str, resident_summary: str) -> Meeting:
    with transaction.atomic():
        meeting = _lock_meeting(meeting, actor)
        meeting.minutes, meeting.resident_summary = minutes.strip(), resident_summary.strip()
        meeting.save(update_fields=["minutes", "resident_summary"])
        _unconfirm(meeting)
    return meeting


def confirm_minutes(meeting: Meeting, *, actor) -> MinutesConfirmation:
    """An attendee confirms the minutes, once; when all have, the minutes are confirmed."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
        if meeting.status == Meeting.Status.FINAL:
            raise CaseError(_("These minutes are final already."))
        if not meeting.attendees.filter(pk=actor.pk).exists():
            raise CaseError(_("Only the attendees confirm the minutes."))
        if MinutesConfirmation.objects.filter(meeting=meeting, user=actor).exists():
            raise CaseError(_("You have confirmed these minutes already."))
        confirmation = MinutesConfirmation.objects.create(meeting=meeting, user=actor)
        record(meeting.case, CaseEvent.Type.MINUTES_CONFIRMED, actor=actor, note=str(meeting))
        if not meeting.attendees.exclude(pk__in=meeting.confirmations.values("user_id")).exists():
            meeting.status = Meeting.Status.CONFIRMED
            meeting.save(update_fields=["status"])
    return confirmation


def finalise_minutes(meeting: Meeting, *, actor) -> Meeting:
    """Confirmed minutes become final; the resident summary goes on each linked issue's timeline
    (a public milestone, through the core)."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting, actor)
        if meeting.status != Meeting.Status.CONFIRMED:
            raise CaseError(_("Every attendee must confirm the minutes before they are final."))
        summary = _text(meeting.resident_summary, _("Please write the summary for residents first."))
        meeting.status, meeting.finalised_at = Meeting.Status.FINAL, timezone.now()
        meeting.save(update_fields=["status", "finalised_at"])
        record(meeting.case, CaseEvent.Type.MINUTES_FINAL, actor=actor, note=summary)
        for issue in meeting.case.issues.filter(status=Status.COORDINATING):
            handling.record_milestone(issue, actor=actor, note=summary)
    return meeting


def amend_meeting(meeting: Meeting, *, actor) -> Meeting:
    """A final meeting is never edited: its amendment is a new draft version with the same
    agenda (the decisions keep their action items)."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting, actor, editable=False)
        if meeting.status != Meeting.Status.FINAL:
            raise CaseError(_("Only final minutes are amended; edit the draft instead."))
        if meeting.amendments.exists():
            raise CaseError(_("These minutes have been amended already; amend the latest version."))
        new = Meeting.objects.create(
            case=meeting.case,
            kind=meeting.kind,
            held_at=meeting.held_at,
            place=meeting.place,
            minutes=meeting.minutes,
            resident_summary=meeting.resident_summary,
            version=meeting.version + 1,
            amends=meeting,
            created_by=actor,
        )
        new.attendees.set(meeting.attendees.all())
        new.units.set(meeting.units.all())
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=new,
                position=i.position,
                title=i.title,
                outcome=i.outcome,
                notes=i.notes,
                responsible_unit_id=i.responsible_unit_id,
                due_at=i.due_at,
                action_id=i.action_id,
                carried_over=i.carried_over,
            )
            for i in meeting.agenda.all()
        )
        record(
            meeting.case, CaseEvent.Type.MEETING, actor=actor, note=_("Amendment, version %(v)d") % {"v": new.version}
        )
    return new


# --- Cost sharing ----------------------------------------------------------------------------


@dataclass
class SharePlan:
    party_name: str
    fund_source: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    department: Department | None = None


def _decimal(value, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise CaseError(_("%(what)s is not a number.") % {"what": what}) from exc
    if not number.is_finite() or number < 0:
        raise CaseError(_("%(what)s must be 0 or more.") % {"what": what})
    return number


def _planned_shares(total: Decimal, basis: str, shares: list[SharePlan]) -> list[CostShare]:
    if basis not in CostAgreement.Basis.values:
        raise CaseError(_("Give the shares as percentages or as amounts."))
    if not shares:
        raise CaseError(_("Name at least one party and its share."))
    rows = []
    for plan in shares:
        name = _text(
            plan.party_name or (plan.department.name if plan.department else ""), _("Each share needs its party.")
        )
        if plan.fund_source not in FundSource.values:
            raise CaseError(_("Choose the fund source of %(party)s's share.") % {"party": name})
        if basis == CostAgreement.Basis.PERCENT:
            percent = _decimal(plan.percent, _("A percentage"))
            amount = (total * percent / 100).quantize(Decimal("0.01"))
        else:
            percent, amount = None, _decimal(plan.amount, _("An amount"))
        rows.append(
            CostShare(
                party_name=name,
                department=plan.department,
                percent=percent,
                amount=amount,
                fund_source=plan.fund_source,
            )
        )
    if basis == CostAgreement.Basis.PERCENT:
        summed = sum((r.percent for r in rows), Decimal("0"))
        if summed != Decimal("100"):
            raise CaseError(_("The percentages add up to %(sum)s, not 100.") % {"sum": f"{summed.normalize():f}"})
        # Rounding to the fen: the last share takes what is left, so the amounts add up exactly.
        rows[-1].amount = total - sum((r.amount for r in rows[:-1]), Decimal("0"))
    else:
        summed = sum((r.amount for r in rows), Decimal("0"))
        if summed != total:
            raise CaseError(
                _("The amounts add up to %(sum)s, not the total %(total)s.") % {"sum": summed, "total": total}
            )
    return rows


def create_agreement(
    case: Case,
    *,
    actor,
    title: str,
    total,
    basis: str,
    shares: list[SharePlan],
    milestones: list[tuple[str, Decimal]] = (),
) -> CostAgreement:
    """A draft cost-sharing agreement (version 1), or a new version replacing the latest one,
    agreed or still a draft: any change is a new version, the old one kept readable (superseded,
    with the confirmations it had), and every party confirms the new one."""
    title = _text(title, _("Please say what is paid for."))
    total = _decimal(total, _("The total"))
    if total <= 0:
        raise CaseError(_("The total must be more than 0."))
    rows = _planned_shares(total, basis, list(shares))
    planned_milestones = [
        (_text(t, _("Each milestone needs a name.")), _decimal(a, _("A milestone's amount"))) for t, a in milestones
    ]
    if planned_milestones and sum((a for _t, a in planned_milestones), Decimal("0")) != total:
        raise CaseError(_("The milestones must add up to the total."))
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        latest = case.agreements.order_by("-version").first()
        if latest is not None and latest.status == CostAgreement.Status.PAID:
            raise CaseError(_("The latest agreement is paid; it cannot be changed."))
        agreement = CostAgreement.objects.create(
            case=case,
            version=(latest.version + 1) if latest else 1,
            previous=latest,
            title=title,
            total=total,
            basis=basis,
            created_by=actor,
        )
        for row in rows:
            row.agreement = agreement
        CostShare.objects.bulk_create(rows)
        CostMilestone.objects.bulk_create(
            CostMilestone(agreement=agreement, title=t, amount=a) for t, a in planned_milestones
        )
        if latest is not None:
            latest.status = CostAgreement.Status.SUPERSEDED
            latest.save(update_fields=["status"])
        record(
            case,
            CaseEvent.Type.COST_SHARE,
            actor=actor,
            note=_("%(title)s, version %(v)d: %(shares)s")
            % {"title": title, "v": agreement.version, "shares": "、".join(f"{r.party_name} {r.amount}" for r in rows)},
        )
    return agreement


def confirm_share(share: CostShare, *, actor) -> CostShare:
    """A party confirms its share: the unit's liaison for a unit, staff (recording it) for a party
    that is not a unit. When every share is confirmed the agreement is agreed."""
    with transaction.atomic():
        share = CostShare.objects.select_for_update().select_related("agreement__case").get(pk=share.pk)
        agreement = share.agreement
        case = agreement.case
        if share.department_id:
            allowed = share.department_id in access.unit_ids(actor) or actor.is_superuser
        else:
            allowed = access.can_run(actor, case)
        if not allowed:
            raise CaseError(_("Only the party itself confirms its share."))
        if agreement.status != CostAgreement.Status.DRAFT:
            raise CaseError(_("This version is no longer a draft."))
        if share.confirmed_at:
            raise CaseError(_("This share is confirmed already."))
        share.confirmed_at, share.confirmed_by = timezone.now(), actor
        share.save(update_fields=["confirmed_at", "confirmed_by"])
        record(
            case,
            CaseEvent.Type.COST_SHARE,
            actor=actor,
            department=share.department,
            note=_("%(party)s confirmed its share.") % {"party": share.party_name},
        )
        if not agreement.shares.filter(confirmed_at__isnull=True).exists():
            agreement.status, agreement.agreed_at = CostAgreement.Status.AGREED, timezone.now()
            agreement.save(update_fields=["status", "agreed_at"])
            record(
                case,
                CaseEvent.Type.COST_SHARE,
                actor=actor,
                note=_("Every party agreed: %(title)s.") % {"title": agreement.title},
                old_status="draft",
                new_status="agreed",
            )
    return share


def pay_milestone(milestone: CostMilestone, *, actor) -> CostMilestone:
    with transaction.atomic():
        milestone = CostMilestone.objects.select_for_update().select_related("agreement__case").get(pk=milestone.pk)
        agreement = milestone.agreement
        _must_run(actor, agreement.case)
        if agreement.status != CostAgreement.Status.AGREED:
            raise CaseError(_("Only an agreed version is paid."))
        if milestone.paid_at:
            raise CaseError(_("This milestone is paid already."))
        milestone.paid_at, milestone.paid_by = timezone.now(), actor
        milestone.save(update_fields=["paid_at", "paid_by"])
        record(agreement.case, CaseEvent.Type.COST_SHARE, actor=actor, note=_("Paid: %(m)s") % {"m": milestone.title})
        if not agreement.milestones.filter(paid_at__isnull=True).exists():
            agreement.status = CostAgreement.Status.PAID
            agreement.save(update_fields=["status"])
    return milestone


# --- Resolving -------------------------------------------------------------------------------


def open_work(case: Case) -> list[str]:
    """What still holds the case open: units not signed off, action items not done."""
    waiting = [u.department.name for u in case.units.select_related("department") if not u.signed_off_at]
    waiting += [a.title for a in case.actions.filter(status=ActionItem.Status.OPEN)]
    return waiting


def resolve_case(case: Case, *, actor, summary: str, override_reason: str = "") -> Case:
    """Close the case: every unit signed off and every action item done, or staff override with
    a reason residents can read. Each linked open issue is resolved through the core with the
    summary (residents are asked to confirm and rate as usual)."""
    summary = _text(summary, _("Please write the summary for residents."))
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        case = _lock(case)
        _must_run(actor, case)
        _must_be_open(case)
        waiting = open_work(case)
        if waiting and not override_reason:
            raise CaseError(
                _("Still open: %(what)s. Staff can close anyway with a reason residents can read.")
                % {"what": "、".join(waiting)}
            )
        note = summary if not waiting else f"{summary}\n{override_reason}"
        for issue in case.issues.filter(status__in=OPEN_STATUSES).order_by("id"):
            if issue.status == Status.TRIAGED:
                handling.coordinate_issue(issue, actor=actor, note=case.title)
            issue_services.resolve_issue(issue, actor=actor, note=note, override_reason=override_reason)
        if waiting:
            record(case, CaseEvent.Type.OVERRIDE, actor=actor, note=f"{'、'.join(waiting)}: {override_reason}")
        case.status, case.resolved_at = Case.Status.RESOLVED, timezone.now()
        case.resident_summary, case.override_reason = summary, override_reason if waiting else ""
        case.save(update_fields=["status", "resolved_at", "resident_summary", "override_reason"])
        record(case, CaseEvent.Type.RESOLVED, actor=actor, note=note, old_status="open", new_status="resolved")
        for head in station_heads(case.workstation_id):
            notify.queue(
                head,
                key=f"case-resolved:{case.pk}:{head.pk}",
                subject=_("Case resolved: %(t)s") % {"t": case.title},
                body=note,
            )
    return case


# --- Partnerships ----------------------------------------------------------------------------


def fulfil_commitment(commitment: Commitment, *, actor, note: str) -> Commitment:
    note = _text(note, _("Please say how the commitment was fulfilled."))
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().select_related("partnership").get(pk=commitment.pk)
        if not may_keep_commitments(actor, commitment.partnership):
            raise CaseError(_("Only the partners record a commitment's fulfilment."))
        if commitment.fulfilled_at:
            raise CaseError(_("This commitment is fulfilled already."))
        commitment.fulfilled_at, commitment.fulfilment_note = timezone.now(), note
        commitment.save(update_fields=["fulfilled_at", "fulfilment_note"])
    return commitment


def may_keep_commitments(user, partnership: Partnership) -> bool:
    """The workstation's staff, the bureau's liaisons and its part-time deputy secretary."""
    return bool(user.is_authenticated) and (
        access.can_run_workstation(user, partnership.workstation_id)
        or partnership.department_id in access.unit_ids(user)
        or user.pk == partnership.deputy_secretary_id
    )


def add_commitment(partnership: Partnership, *, actor, year, title: str) -> Commitment:
    """One item of the partnership's yearly list of commitments."""
    title = _text(title, _("Please write the commitment."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise CaseError(_("Write the year as four digits, e.g. 2026.")) from None
    if not 2000 <= year <= 2100:
        raise CaseError(_("Write the year as four digits, e.g. 2026."))
    if not may_keep_commitments(actor, partnership):
        raise CaseError(_("Only the partners keep the list of commitments."))
    if year < timezone.localdate().year:
        raise CaseError(_("A commitment is for this year or a later one."))
    if partnership.commitments.filter(year=year, title=title).exists():
        raise CaseError(_("This commitment is on the list for %(year)s already.") % {"year": year})
    return Commitment.objects.create(partnership=partnership, year=year, title=title[:300])

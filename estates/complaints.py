"""有事先找我: a property-service complaint goes first to the estate's property company, and to
the housing officer (房管专员) when the company does not accept or resolve it in time, when the
resident reopens it, or rates the company's work 2 or lower. An estate without a company sends
it straight to the housing officer.

How it plugs into the issues core (which never imports this app), by settings.ISSUES_EXTENSIONS
(issues.extensions) and settings.SLA_SWEEP_STEPS:
- `route`: `route_complaint` runs inside issues.routing.route_issue, before the grid worker's
  assignment. For a report marked
  property service (the form's `property_service=1`, or a category flagged so) at a location
  inside an estate, it writes the Complaint row with the company's own deadlines
  (PropertySLAPolicy) and assigns the issue, through issues.transitions.transition, to the
  company's first customer-service person; the grid worker routing is skipped.
- `sweep_step`, a step of the core's SLA sweep (settings.SLA_SWEEP_STEPS), hands over what the
  company let pass its deadlines, and any reopened or low-rated complaint the immediate
  hand-over (estates.receivers, after the commit) missed.
- `track_context` / `report_context`: who has it now and why on the tracking page; the 物业服务
  choice on the report form of a location inside an estate.

The hand-over is one transition of the issue (assign, or reassign if the company had accepted
it) to the housing officer, with a public event that says why; the timeline keeps everything
the company did. A complaint the resident closed with a low rating stays closed: it is handed to
the housing officer for review (an event on its timeline and a message with the link)."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import notify, sla
from issues.lifecycle import FINAL_STATUSES, OPEN_STATUSES, UNACCEPTED_STATUSES, Action, Status
from issues.models import Issue, IssueEvent
from issues.notes import system_note
from issues.transitions import lock, record, transition
from minqing import config_cache
from workstations.models import Role

from . import outbox
from .models import Complaint, Estate, EstateLocation, PropertySLAPolicy

logger = logging.getLogger(__name__)
User = get_user_model()

LOW_RATING = 2
# Without a PropertySLAPolicy row: (unit, accept within, resolve within).
DEFAULT_TARGETS = {
    "urgent": ("minutes", 30, 240),
    "consult": ("working_days", 1, 3),
    "complex": ("working_days", 2, 15),
    "community": ("working_days", 2, 10),
}


# --- Which estate, which company --------------------------------------------------------------


def _estate_by_location() -> dict[int, int]:
    return dict(EstateLocation.objects.values_list("location_id", "estate_id"))


def estate_id_at(location_id: int) -> int | None:
    """The estate a location is inside, from a per-process snapshot (minqing.config_cache)."""
    return config_cache.get("estates.by_location", _estate_by_location).get(location_id)


def _targets() -> dict[tuple[str, str], tuple[str, int, int]]:
    return {(p.kind, p.priority): (p.unit, p.accept_within, p.resolve_within) for p in PropertySLAPolicy.objects.all()}


def company_deadlines(kind: str, priority: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    table = config_cache.get("estates.sla", _targets)
    unit, accept, resolve = table.get((kind, priority)) or table.get((kind, "normal")) or DEFAULT_TARGETS[kind]
    clock = sla.Clock(unit, sla.cached_calendar())
    return clock.target(start, accept), clock.target(start, resolve)


def company_staff(company) -> list:
    """The company's customer service (物业客服), primary first."""
    return list(
        User.objects.filter(roles__kind=Role.Kind.PROPERTY, roles__department_id=company.department_id, is_active=True)
        .order_by("-roles__is_primary", "pk")
        .distinct()
    )


def housing_officer_of(estate: Estate):
    if estate.housing_officer_id and estate.housing_officer.is_active:
        return estate.housing_officer
    return (
        User.objects.filter(
            roles__kind=Role.Kind.HOUSING_OFFICER,
            roles__workstation_id=estate.neighbourhood.workstation_id,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def is_property_service(issue: Issue) -> bool:
    return issue.property_service or bool(issue.category_id and issue.category.is_property_service)


# --- Routing (issues.extensions "route") ------------------------------------------------------


def route_complaint(issue: Issue, now: dt.datetime) -> Issue | None:
    """Inside route_issue, the issue locked and not yet routed. None: not ours, route as usual."""
    if not is_property_service(issue):
        return None
    estate_id = estate_id_at(issue.location_id)
    if estate_id is None:
        return None
    estate = Estate.objects.select_related("company", "neighbourhood", "housing_officer").get(pk=estate_id)
    staff = company_staff(estate.company) if estate.company_id else []
    if staff:
        accept_due, resolve_due = company_deadlines(issue.kind, issue.priority, now)
        Complaint.objects.create(
            issue=issue, estate=estate, company=estate.company, accept_due_at=accept_due, resolve_due_at=resolve_due
        )
        person = staff[0]
        note = system_note(
            gettext_lazy("First to %(company)s, the property company of %(estate)s (有事先找我)."),
            company=estate.company.name,
            estate=estate.name,
        )
        issue.property_service = True
        routed = _give(issue, person, note=note, now=now, fields=["routed_at", "property_service"])
        for member in staff:
            notify.queue(
                member,
                key=f"property:new:{issue.pk}:{member.pk}",
                issue=routed,
                subject=_("[%(ref)s] New property-service complaint at %(estate)s")
                % {"ref": routed.reference, "estate": estate.name},
                body=_("%(text)s\nAccept by %(accept)s, resolve by %(resolve)s.\nOpen: %(url)s")
                % {
                    "text": routed.description,
                    "accept": timezone.localtime(accept_due).strftime("%Y-%m-%d %H:%M"),
                    "resolve": timezone.localtime(resolve_due).strftime("%Y-%m-%d %H:%M"),
                    "url": f"{settings.SITE_URL}/property/",
                },
                inline=True,
            )
        _tell_resident(
            routed,
            _("Your report %(ref)s has been given to the property company %(company)s first.")
            % {"ref": routed.reference, "company": estate.company.name},
        )
        return routed
    officer = housing_officer_of(estate)
    if officer is None:
        return None  # nobody to give it to: the grid worker routing takes it
    complaint = Complaint.objects.create(
        issue=issue,
        estate=estate,
        company=estate.company,
        holder=Complaint.Holder.HOUSING,
        handed_over_at=now,
        reason=Complaint.Reason.NO_COMPANY,
    )
    note = system_note(
        gettext_lazy("%(estate)s has no property company: the housing officer takes it."), estate=estate.name
    )
    issue.property_service = True
    routed = _give(issue, officer, note=note, now=now, fields=["routed_at", "property_service"])
    _tell_officer(officer, routed, estate, Complaint.Reason.NO_COMPANY)
    outbox.complaint_handed_over(complaint)
    _tell_resident(routed, _("Your report %(ref)s has been given to the housing officer.") % {"ref": routed.reference})
    return routed


def _give(issue: Issue, person, *, note, now: dt.datetime, fields: list[str] = ()) -> Issue:
    """Assign (or, once accepted, reassign) the locked `issue` to `person` through the core's
    transition; `fields`: what else the caller changed on it."""
    action = Action.ASSIGN if issue.status in UNACCEPTED_STATUSES else Action.REASSIGN
    issue.assignee, issue.assigned_at = person, now
    return transition(
        issue,
        action,
        actor=None,
        event_type=IssueEvent.Type.ASSIGNED if action == Action.ASSIGN else IssueEvent.Type.REASSIGNED,
        note=note,
        public=True,
        fields=["assignee", "assigned_at", *fields],
    )


def _tell_resident(issue: Issue, body: str) -> None:
    notify.queue_resident(issue, key=f"resident:property:{issue.pk}:{issue.assigned_at.isoformat()}", body=body)


def _history(issue: Issue) -> str:
    lines = []
    for event in issue.events.order_by("created_at", "id"):
        when = timezone.localtime(event.created_at).strftime("%m-%d %H:%M")
        lines.append(f"{when} {event.get_type_display()} {event.note_for_reader}".strip())
    return "\n".join(lines[-15:])


def _tell_officer(officer, issue: Issue, estate: Estate, reason: str) -> None:
    notify.queue(
        officer,
        key=f"property:handover:{issue.pk}:{officer.pk}:{reason}",
        issue=issue,
        subject=_("[%(ref)s] Property-service complaint at %(estate)s is yours now")
        % {"ref": issue.reference, "estate": estate.name},
        body=_("Why: %(why)s\n%(text)s\n\nSo far:\n%(history)s\n\nOpen: %(url)s")
        % {
            "why": Complaint.Reason(reason).label,
            "text": issue.description,
            "history": _history(issue),
            "url": f"{settings.SITE_URL}/housing/",
        },
    )


# --- The hand-over ----------------------------------------------------------------------------


def hand_over(complaint_id: int, *, reason: str, now: dt.datetime | None = None) -> Complaint | None:
    """Give a complaint the company still holds to the housing officer, with its whole history.
    Safe to run twice, and with two sweepers: the row is locked and must still be the company's;
    None if it was not (already handed over, or no housing officer)."""
    now = now or timezone.now()
    with notify.workstation_language(), transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("estate__neighbourhood", "estate__housing_officer", "company")
            .filter(pk=complaint_id, holder=Complaint.Holder.COMPANY)
            .first()
        )
        if complaint is None:
            return None
        officer = housing_officer_of(complaint.estate)
        if officer is None:
            logger.warning("complaint %s: no housing officer for %s", complaint.pk, complaint.estate)
            return None
        complaint.holder, complaint.handed_over_at, complaint.reason = Complaint.Holder.HOUSING, now, reason
        complaint.save(update_fields=["holder", "handed_over_at", "reason"])
        issue = lock(complaint.issue_id)
        why = Complaint.Reason(reason).label
        note = system_note(gettext_lazy("Handed over to the housing officer: %(why)s."), why=why)
        if issue.status in FINAL_STATUSES:
            record(issue, IssueEvent.Type.NOTE, note=note, public=True)
        elif issue.status in OPEN_STATUSES and issue.status != Status.ON_HOLD:
            issue = _give(issue, officer, note=note, now=now)
        else:  # resolved, waiting for the resident, or on hold: the officer follows it from here
            record(issue, IssueEvent.Type.NOTE, note=note, public=True)
        _tell_officer(officer, issue, complaint.estate, reason)
        outbox.complaint_handed_over(complaint)  # webhooks; the issue's own event went out with it
        if issue.status not in FINAL_STATUSES:
            notify.queue_resident(
                issue,
                key=f"resident:handover:{issue.pk}",
                body=_("Your report %(ref)s is now with the housing officer: %(why)s.")
                % {"ref": issue.reference, "why": why},
            )
    return complaint


def due_for_hand_over(now: dt.datetime, *, batch: int) -> list[tuple[int, str]]:
    """(complaint id, reason) for what the company holds and must give up now, in one query.
    A low rating or a reopening says more than a missed deadline, so it is the reason given."""
    low_rating = Q(issue__rating__lte=LOW_RATING)
    reopened = Q(issue__status=Status.REOPENED)
    not_accepted = Q(
        accept_due_at__lte=now,
        issue__accepted_at__isnull=True,
        issue__resolved_at__isnull=True,
        issue__status__in=list(UNACCEPTED_STATUSES),
    )
    not_resolved = Q(
        resolve_due_at__lte=now,
        issue__resolved_at__isnull=True,
        issue__status__in=list(OPEN_STATUSES - {Status.ON_HOLD}),
    )
    reason = Case(
        When(low_rating, then=Value(Complaint.Reason.LOW_RATING)),
        When(reopened, then=Value(Complaint.Reason.REOPENED)),
        When(not_accepted, then=Value(Complaint.Reason.NOT_ACCEPTED)),
        default=Value(Complaint.Reason.NOT_RESOLVED),
    )
    due = (
        Complaint.objects.filter(holder=Complaint.Holder.COMPANY)
        .filter(low_rating | reopened | not_accepted | not_resolved)
        .annotate(due_reason=reason)
        .order_by("pk")
    )
    return list(due.values_list("pk", "due_reason")[:batch])


def sweep_step(*, now: dt.datetime, batch: int) -> dict[str, int]:
    """A step of the SLA sweep (settings.SLA_SWEEP_STEPS): hand over what is due. Only what was
    handed over counts towards `more` (one with no housing officer would otherwise keep the
    sweep running)."""
    due = due_for_hand_over(now, batch=batch)
    handed = sum(hand_over(complaint_id, reason=reason, now=now) is not None for complaint_id, reason in due)
    return {"property_handed_over": handed}


def hand_over_if_due(issue_id: int) -> None:
    """After a reopening or a rating (estates.receivers): hand over at once if it is due."""
    complaint = (
        Complaint.objects.filter(issue_id=issue_id, holder=Complaint.Holder.COMPANY).select_related("issue").first()
    )
    if complaint is None:
        return
    issue = complaint.issue
    if issue.status == Status.REOPENED:
        hand_over(complaint.pk, reason=Complaint.Reason.REOPENED)
    elif issue.rating is not None and issue.rating <= LOW_RATING:
        hand_over(complaint.pk, reason=Complaint.Reason.LOW_RATING)


# --- What the resident sees (issues.extensions "track_context", "report_context") -------------


def track_context(issue: Issue) -> dict:
    """Who has a property-service complaint now and why. No query for other reports."""
    if not issue.property_service:
        return {}
    complaint = Complaint.objects.filter(issue_id=issue.pk).select_related("company", "estate").first()
    if complaint is None:
        return {}
    if complaint.holder == Complaint.Holder.COMPANY:
        who = _("%(company)s, the property company of %(estate)s") % {
            "company": complaint.company.name,
            "estate": complaint.estate.name,
        }
        why = _(
            "有事先找我: the property company handles it first. If it is not handled in time, the housing officer takes it over."
        )
    else:
        who = _("The housing officer of %(estate)s") % {"estate": complaint.estate.name}
        why = str(Complaint.Reason(complaint.reason).label) if complaint.reason else ""
    return {"estate_handler": {"who": who, "why": why, "holder": complaint.holder}}


def _offers() -> dict[int, tuple[str, str, str]]:
    """location id → (its estate's name, public page, company name or "" without one)."""
    return {
        link.location_id: (
            link.estate.name,
            link.estate.public_path(),
            link.estate.company.name if link.estate.company_id else "",
        )
        for link in EstateLocation.objects.select_related("estate__company")
    }


def report_context(location) -> dict:
    """The 物业服务 choice and the link to the estate's disclosure page, for a location inside an
    estate; from a per-process snapshot, so no query."""
    offer = config_cache.get("estates.offers", _offers).get(location.pk)
    if offer is None:
        return {}
    name, path, company = offer
    return {
        "property_service_offered": True,
        "property_service_company": company,
        "estate_name": name,
        "estate_path": path,
    }


def open_complaints_q() -> Q:
    return Q(issue__status__in=list(OPEN_STATUSES))

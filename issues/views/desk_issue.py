"""One issue at the desk: the full timeline, photos, each SLA clock with its countdown, 派单,
duplicates and the other issues at the same place; and the staff's actions on it, each a call
to one service (issues.services), never a status set here."""

import datetime as dt
from dataclasses import dataclass
from types import FunctionType

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST, require_safe

from minqing import params
from workstations import scope
from workstations.models import Department
from workstations.views import staff_required

from .. import moderation, services, themes
from ..lifecycle import Action, Status, allowed_actions
from ..models import Category, Issue, Kind, Priority
from .desk_common import attempt, desk_issues, handlers_for, int_or_none, see_other
from .desk_forms import photos_from

SAME_PLACE = 10


@dataclass
class Clock:
    """One SLA deadline of the issue: what it is, when it is due, and where it stands."""

    name: str
    label: str
    due: dt.datetime | None
    done: dt.datetime | None
    paused: bool

    @property
    def state(self) -> str:
        if self.due is None:
            return "none"
        if self.done is not None:
            return "met" if self.done <= self.due else "missed"
        if self.paused:
            return "paused"
        return "late" if self.due < timezone.now() else "running"

    @property
    def seconds_left(self) -> int | None:
        if self.due is None or self.done is not None:
            return None
        return int((self.due - timezone.now()).total_seconds())


CLOCK_LABELS = {
    "accept": gettext_lazy("Accept"),
    "arrive": gettext_lazy("Be on site"),
    "resolve": gettext_lazy("Resolve"),
}


def clocks(issue: Issue) -> list[Clock]:
    paused = issue.status == Status.ON_HOLD or issue.paused_at is not None
    out = []
    for name, done_field in (("accept", "accepted_at"), ("arrive", "on_site_at"), ("resolve", "resolved_at")):
        due = getattr(issue, f"{name}_due_at")
        if due is not None:
            out.append(Clock(name, str(CLOCK_LABELS[name]), due, getattr(issue, done_field), paused))
    return out


def _issue_for(request: HttpRequest, pk: int) -> Issue:
    return get_object_or_404(
        desk_issues(request.user).select_related(
            "location", "grid__neighbourhood", "workstation", "assignee", "category", "merged_into"
        ),
        pk=pk,
    )


@require_safe
@staff_required
def staff_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue_page(request, _issue_for(request, pk))


def _issue_page(request: HttpRequest, issue: Issue, *, note_text: str = "", status: int = 200) -> HttpResponse:
    """The page; `note_text`: a refused note's words, kept in its field (issue 14)."""
    scoped = desk_issues(request.user)
    can_manage = scope.can_manage_workstation(request.user, issue.workstation_id)
    allowed = set(allowed_actions(issue.status, issue.kind))
    context = {
        "issue": issue,
        "events": issue.events.select_related("actor"),
        "photos": issue.photos.all(),
        "clocks": clocks(issue),
        "dispatches": issue.dispatches.select_related("department", "created_by"),
        "duplicates": issue.duplicates.all(),
        "possible_duplicates": themes.possible_duplicates(issue, scoped) if issue.is_open else [],
        "same_place": scoped.filter(location_id=issue.location_id)
        .exclude(pk=issue.pk)
        .select_related("assignee")
        .order_by("-created_at")[:SAME_PLACE],
        "can_manage": can_manage,
        "allowed": allowed,
        "resident_phone": services.shown_phone(issue, request.user) if can_manage else "",
        "note_text": note_text,
    }
    if can_manage:
        context.update(
            {
                "kind_choices": Kind.choices,
                "priority_choices": Priority.choices,
                "categories": Category.objects.filter(is_active=True).order_by("name"),
                "handlers": handlers_for([issue.workstation_id]),
                "departments": Department.objects.filter(subdistrict_id=issue.workstation.subdistrict_id).order_by(
                    "name"
                ),
                "can_answer": Action.ANSWER in allowed,
                "can_assign": bool({Action.ASSIGN, Action.REASSIGN} & allowed),
            }
        )
    return render(request, "issues/staff_issue.html", context, status=status)


# --- Actions ----------------------------------------------------------------------------------


def _department(request, issue: Issue) -> Department | None:
    return Department.objects.filter(
        pk=int_or_none(request.POST.get("department")), subdistrict_id=issue.workstation.subdistrict_id
    ).first()


def _due(request) -> dt.datetime | None:
    raw = request.POST.get("due_at", "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:  # well formed but impossible: 2026-13-45, 2026-02-30
        value = None
    if value is None:
        raise services.IssueError(_("Please give the deadline as a date and time."))
    if not params.within_range(value):
        raise services.IssueError(params.out_of_range(_("the deadline")))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _triage(request, issue: Issue, actor) -> str:
    """Kind, priority and category: each one that changed, through its own service."""
    post = request.POST
    with transaction.atomic():  # all of it, or none of it
        changed = _triage_fields(post, issue, actor)
    if not changed:
        raise services.IssueError(_("Nothing was changed."))
    separator = pgettext("between the items of a list", ", ")  # 、 in Chinese
    return _("Saved: %(what)s.") % {"what": separator.join(str(c) for c in changed)}


def _triage_fields(post, issue: Issue, actor) -> list:
    """The category and the priority first, the kind last: an issue made urgent is sent to the
    departments of its new category, with the deadline of its new priority."""
    changed = {}
    if "category" in post:
        category = Category.objects.filter(pk=int_or_none(post["category"])).first()
        if (category.pk if category else None) != issue.category_id:
            issue = services.set_category(issue, category=category, actor=actor)
            changed["category"] = _("category")
    if post.get("priority") and post["priority"] != issue.priority:
        issue = services.set_priority(issue, priority=post["priority"], actor=actor, reason=post.get("reason", ""))
        changed["priority"] = _("priority")
    if post.get("kind") and post["kind"] != issue.kind:
        issue = services.set_kind(issue, kind=post["kind"], actor=actor, reason=post.get("reason", ""))
        changed["kind"] = _("kind")
    return [changed[name] for name in ("kind", "priority", "category") if name in changed]


def _assign(request, issue: Issue, actor) -> str:
    to = handlers_for([issue.workstation_id]).filter(pk=int_or_none(request.POST.get("to"))).first()
    if to is None:
        raise services.IssueError(_("Choose who should take it."))
    note = request.POST.get("note", "")
    if Action.ASSIGN in allowed_actions(issue.status, issue.kind):
        services.assign_issue(issue, to=to, actor=actor, note=note)
    else:
        services.reassign_issue(issue, to=to, actor=actor, reason=note or _("Reassigned at the desk."))
    return _("Given to %(name)s.") % {"name": to.get_full_name() or to.username}


def _dispatch(request, issue: Issue, actor) -> str:
    department = _department(request, issue)
    if department is None:
        raise services.IssueError(_("Choose a department."))
    services.dispatch_issue(
        issue,
        to=department,
        actor=actor,
        due_at=_due(request),
        instructions=request.POST.get("instructions", ""),
        required=request.POST.get("required", "") == "on",
    )
    return _("Sent to %(dept)s.") % {"dept": department.name}


def _merge(request, issue: Issue, actor) -> str:
    ref = request.POST.get("into", "").strip()
    into = desk_issues(actor).filter(reference__iexact=ref).first() if ref else None
    if into is None:
        into = desk_issues(actor).filter(pk=int_or_none(ref)).first()
    if into is None:
        raise services.IssueError(_("No issue %(ref)s here.") % {"ref": ref or "—"})
    services.merge_issue(issue, into=into, actor=actor, reason=request.POST.get("reason", ""))
    return _("Merged into %(ref)s.") % {"ref": into.reference}


def _faq(request, issue: Issue, actor) -> str:
    if not issue.resolution:
        raise services.IssueError(_("There is no answer yet to suggest."))
    themes.make_faq(
        workstation_id=issue.workstation_id,
        question=issue.description,
        answer=issue.resolution,
        publish=False,
        category=issue.category.name if issue.category else "",
    )
    return _("Suggested for the FAQ: an editor can polish and publish it in the admin.")


def _coordinate(request, issue: Issue, actor) -> str:
    ids = [int_or_none(x) for x in request.POST.getlist("departments")]
    departments = list(
        Department.objects.filter(pk__in=[i for i in ids if i], subdistrict_id=issue.workstation.subdistrict_id)
    )
    services.coordinate_issue(
        issue, actor=actor, note=request.POST.get("note", ""), departments=departments, due_at=_due(request)
    )
    return _("Coordination started.")


def _note(request, issue: Issue, actor) -> str:
    services.add_work_note(issue, actor=actor, note=request.POST.get("note", ""), photos=photos_from(request))
    return _("Note added.")


def _post(request, name: str) -> str:
    return request.POST.get(name, "")


# action → (the service call, what to tell the person when it is done)
SIMPLE = {
    "answer": (
        lambda r, i, a: services.answer_issue(
            i,
            actor=a,
            answer=_post(r, "answer"),
            make_faq=_post(r, "make_faq") == "on",
            override_reason=_post(r, "override_reason"),
        ),
        lambda issue: (
            gettext_lazy("Answered. The resident is told.")
            if issue.reporter_phone
            else gettext_lazy("Answered. The resident left no phone: they see the answer when they open their report.")
        ),
    ),
    "confirm_kind": (
        lambda r, i, a: services.confirm_kind(i, actor=a),
        gettext_lazy("Kind checked: the flag is cleared."),
    ),
    "hold": (
        lambda r, i, a: services.hold_issue(i, actor=a, reason=_post(r, "reason")),
        gettext_lazy("On hold: the clock stops."),
    ),
    "resume": (lambda r, i, a: services.resume_issue(i, actor=a, note=_post(r, "note")), gettext_lazy("Resumed.")),
    "triage_complex": (
        lambda r, i, a: services.triage_issue(i, actor=a, note=_post(r, "note")),
        gettext_lazy("Triaged."),
    ),
    "milestone": (
        lambda r, i, a: services.record_milestone(i, actor=a, note=_post(r, "note")),
        gettext_lazy("Milestone recorded."),
    ),
    "adopt": (lambda r, i, a: services.adopt_issue(i, actor=a, note=_post(r, "note")), gettext_lazy("Adopted.")),
    "start": (lambda r, i, a: services.start_issue(i, actor=a, note=_post(r, "note")), gettext_lazy("Work started.")),
    "decline": (
        lambda r, i, a: services.decline_issue(i, actor=a, reason=_post(r, "reason")),
        gettext_lazy("Declined."),
    ),
    "resolve": (
        lambda r, i, a: services.resolve_issue(
            i, actor=a, note=_post(r, "note"), override_reason=_post(r, "override_reason"), photos=photos_from(r)
        ),
        gettext_lazy("Resolved. The resident can now confirm it."),
    ),
}


# action → a function that calls the service(s) and returns what to tell the person
def _phone(request, issue: Issue, actor) -> str:
    services.reveal_phone(issue, actor=actor)
    return _("The resident's number is shown for 15 minutes. That you had it shown is on record.")


def _publishable(request, issue: Issue, actor) -> str:
    publishable = _post(request, "publishable") == "on"
    moderation.set_publishable(issue, actor=actor, publishable=publishable)
    if publishable:
        return _("The description and the answer are now shown in public listings.")
    return _("Public listings show only the summary again.")


ACTIONS = {
    "phone": _phone,
    "publishable": _publishable,
    "triage": _triage,
    "assign": _assign,
    "dispatch": _dispatch,
    "merge": _merge,
    "faq": _faq,
    "coordinate": _coordinate,
    "note": _note,
}


def _simple(call, said):
    def run(request, issue, actor) -> str:
        call(request, issue, actor)
        return str(said(issue) if isinstance(said, FunctionType) else said)

    return run


ACTIONS.update({name: _simple(call, said) for name, (call, said) in SIMPLE.items()})


@require_POST
@staff_required
def staff_issue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    issue = _issue_for(request, pk)
    if not scope.can_manage_workstation(request.user, issue.workstation_id):
        messages.error(request, _("Only the workstation's staff can do this."))
        return see_other(reverse("staff_issue", args=[issue.pk]))
    done = attempt(request, lambda: handler(request, issue, request.user))
    if not done and action == "note":  # the words stay on the page, beside the reason
        return _issue_page(request, _issue_for(request, pk), note_text=request.POST.get("note", ""), status=400)
    back = request.POST.get("next", "")
    return see_other(back if back.startswith("/staff/") else reverse("staff_issue", args=[issue.pk]))


__all__ = ["staff_issue", "staff_issue_action", "clocks"]

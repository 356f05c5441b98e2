"""The case pages: thin views that parse a form, call cowork.services, and show the refusal's
message with what was typed. Whoever may not see a case gets 404, as for issues."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from workstations import scope

from . import access, forms, queries, services
from .models import (
    ActionItem,
    Case,
    Commitment,
    CostAgreement,
    CostMilestone,
    CostShare,
    Evidence,
    Meeting,
    Partnership,
)


def _must_use_cases(user) -> None:
    if not access.is_case_user(user):
        raise Http404


def _case(request: HttpRequest, pk: int) -> Case:
    _must_use_cases(request.user)
    return get_object_or_404(access.visible_cases(request.user).select_related("workstation"), pk=pk)


@require_safe
@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Open cases by risk: next action, who owes it, days overdue."""
    _must_use_cases(request.user)
    if not scope.is_staff_member(request.user) and access.unit_ids(request.user):
        return redirect("cowork:mine")
    workstations = list(scope.managed_workstations(request.user).order_by("name"))
    return render(
        request, "cowork/board.html", {"rows": queries.open_board(request.user), "workstations": workstations}
    )


@require_safe
@login_required
def export(request: HttpRequest) -> HttpResponse:
    _must_use_cases(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("case"), _("workstation"), _("next action"), _("owed by"), _("days overdue"), _("progress (%)")])
    for row in queries.open_board(request.user):
        writer.writerow(
            [row.case.title, row.case.workstation.name, row.next_what, row.owed_by, row.days_overdue, row.progress]
        )
    return response


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """What the liaison's units owe."""
    if not access.unit_ids(request.user):
        raise Http404
    parts, actions = queries.owed_by_units(request.user)
    return render(request, "cowork/mine.html", {"parts": parts, "actions": actions, "now": timezone.now()})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_case(request: HttpRequest, workstation: str) -> HttpResponse:
    ws = get_object_or_404(scope.managed_workstations(request.user), slug=workstation)
    form = forms.CaseForm(request.POST or None, workstation=ws, initial={"issues": request.GET.getlist("issue")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        plans = [services.UnitPlan(department=d["lead"], part="lead", due_at=d["lead_due_at"])]
        plans += [
            services.UnitPlan(department=u, part="support", due_at=d["supporting_due_at"]) for u in d["supporting"]
        ]
        try:
            case = services.open_case(
                ws,
                actor=request.user,
                title=d["title"],
                description=d["description"],
                issues=d["issues"],
                units=plans,
                due_at=d["due_at"],
            )
        except services.CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Case opened."))
            return redirect("cowork:case", pk=case.pk)
    return render(request, "cowork/new.html", {"form": form, "workstation": ws}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, case: Case, status: int = 200, **bound) -> HttpResponse:
    user = request.user
    full = access.reads_all(user, case)
    runs = access.can_run(user, case)
    mine = access.unit_ids(user)
    units = list(case.units.select_related("department", "signed_off_by"))
    actions = list(
        case.actions.select_related("owner_unit", "owner").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.all())
        )
    )
    events = case.events.select_related("actor", "department")
    agreements = case.agreements.prefetch_related("shares__confirmed_by", "milestones").order_by("-version")
    meetings = case.meetings.order_by("-held_at", "-version")
    if not full:
        units = [u for u in units if u.department_id in mine]
        actions = [a for a in actions if a.owner_unit_id in mine]
        events = events.filter(department_id__in=mine)
        agreements = agreements.filter(shares__department_id__in=mine).distinct()
        meetings = meetings.filter(units__in=mine).distinct()
    context = {
        "case": case,
        "full": full,
        "runs": runs and case.is_open,
        "units": units,
        "my_units": [u for u in units if u.department_id in mine],
        "my_unit_ids": mine,
        "actions": actions,
        "events": list(events),
        "meetings": list(meetings),
        "agreements": list(agreements),
        "issues": list(case.issues.select_related("location")) if full else [],
        "progress": queries.progress(actions if full else case.actions.all()),
        "open_work": services.open_work(case) if runs else [],
        "action_form": bound.get("action_form") or forms.ActionForm(case=case),
        "meeting_form": bound.get("meeting_form") or forms.MeetingForm(case=case),
        "resolve_form": bound.get("resolve_form") or forms.ResolveForm(),
        "sign_off_form": bound.get("sign_off_form") or forms.SignOffForm(),
        "evidence_form": bound.get("evidence_form") or forms.EvidenceForm(),
        "error": bound.get("error"),
        "now": timezone.now(),
    }
    return render(request, "cowork/case.html", context, status=status)


@require_safe
@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


def _post(request, case, form_name, form, call, done: str):
    """Validate, call the service; on refusal show the page again with what was typed (400)."""
    if not form.is_valid():
        return _detail(request, case, 400, **{form_name: form})
    try:
        call(form.cleaned_data)
    except services.CaseError as exc:
        return _detail(request, case, 400, error=exc.message, **{form_name: form})
    messages.success(request, done)
    return redirect("cowork:case", pk=case.pk)


@require_POST
@login_required
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = forms.ActionForm(request.POST, case=case)
    return _post(
        request,
        case,
        "action_form",
        form,
        lambda d: services.add_action(
            case,
            actor=request.user,
            title=d["title"],
            owner_unit=d["owner_unit"],
            due_at=d["due_at"],
            weight=d["weight"],
        ),
        _("Action item added."),
    )


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        services.acknowledge_unit(case, actor=request.user, department_id=_int(request.POST.get("department")))
    except services.CaseError as exc:
        return _detail(request, case, 400, error=exc.message)
    messages.success(request, _("Acknowledged."))
    return redirect("cowork:case", pk=case.pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = forms.SignOffForm(request.POST)
    dept = _int(request.POST.get("department"))
    return _post(
        request,
        case,
        "sign_off_form",
        form,
        lambda d: services.sign_off_unit(case, actor=request.user, note=d["note"], department_id=dept),
        _("Your unit's part is signed off."),
    )


@require_POST
@login_required
def action_evidence(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    case = _case(request, pk)
    action = get_object_or_404(ActionItem, pk=action_id, case=case)
    form = forms.EvidenceForm(request.POST, request.FILES)

    def call(d):
        if d["done"]:
            services.complete_action(action, actor=request.user, note=d["note"], photo=d["photo"])
        else:
            services.add_evidence(action, actor=request.user, text=d["note"], photo=d["photo"])

    return _post(request, case, "evidence_form", form, call, _("Saved."))


@require_POST
@login_required
def new_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = forms.MeetingForm(request.POST, case=case)
    if not form.is_valid():
        return _detail(request, case, 400, meeting_form=form)
    d = form.cleaned_data
    try:
        meeting = services.create_meeting(
            case,
            actor=request.user,
            kind=d["kind"],
            held_at=d["held_at"],
            place=d["place"],
            attendees=d["attendees"],
            units=d["units"],
        )
    except services.CaseError as exc:
        return _detail(request, case, 400, error=exc.message, meeting_form=form)
    return redirect("cowork:meeting", pk=case.pk, meeting_id=meeting.pk)


@require_POST
@login_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = forms.ResolveForm(request.POST)
    return _post(
        request,
        case,
        "resolve_form",
        form,
        lambda d: services.resolve_case(
            case, actor=request.user, summary=d["summary"], override_reason=d["override_reason"]
        ),
        _("Case resolved; the residents are asked to confirm."),
    )


# --- Meetings --------------------------------------------------------------------------------


def _meeting_page(request, case, meeting, status=200, **bound):
    full = access.reads_all(request.user, case)
    return render(
        request,
        "cowork/meeting.html",
        {
            "case": case,
            "meeting": meeting,
            "full": full,
            "runs": access.can_run(request.user, case) and case.is_open,
            "agenda": list(meeting.agenda.select_related("responsible_unit", "action")),
            "attendees": list(meeting.attendees.all()),
            "confirmed": {c.user_id: c for c in meeting.confirmations.all()},
            "may_confirm": meeting.status != Meeting.Status.FINAL
            and any(a.pk == request.user.pk for a in meeting.attendees.all()),
            "agenda_form": bound.get("agenda_form") or forms.AgendaForm(case=case),
            "minutes_form": bound.get("minutes_form")
            or forms.MinutesForm(initial={"minutes": meeting.minutes, "resident_summary": meeting.resident_summary}),
            "error": bound.get("error"),
        },
        status=status,
    )


def _meeting(request, pk, meeting_id):
    case = _case(request, pk)
    meeting = get_object_or_404(Meeting, pk=meeting_id, case=case)
    if (
        not access.reads_all(request.user, case)
        and not meeting.units.filter(pk__in=access.unit_ids(request.user)).exists()
    ):
        raise Http404
    return case, meeting


@require_safe
@login_required
def meeting_detail(request: HttpRequest, pk: int, meeting_id: int) -> HttpResponse:
    case, meeting = _meeting(request, pk, meeting_id)
    return _meeting_page(request, case, meeting)


@require_POST
@login_required
def meeting_action(request: HttpRequest, pk: int, meeting_id: int, what: str) -> HttpResponse:
    case, meeting = _meeting(request, pk, meeting_id)
    bound = {}
    try:
        if what == "agenda":
            form = bound["agenda_form"] = forms.AgendaForm(request.POST, case=case)
            if not form.is_valid():
                return _meeting_page(request, case, meeting, 400, **bound)
            d = form.cleaned_data
            services.add_agenda_item(
                meeting,
                actor=request.user,
                title=d["title"],
                outcome=d["outcome"],
                notes=d["notes"],
                responsible_unit=d["responsible_unit"],
                due_at=d["due_at"],
            )
        elif what == "minutes":
            form = bound["minutes_form"] = forms.MinutesForm(request.POST)
            form.is_valid()
            services.write_minutes(
                meeting,
                actor=request.user,
                minutes=form.cleaned_data["minutes"],
                resident_summary=form.cleaned_data["resident_summary"],
            )
        elif what == "confirm":
            services.confirm_minutes(meeting, actor=request.user)
        elif what == "final":
            services.finalise_minutes(meeting, actor=request.user)
        elif what == "amend":
            meeting = services.amend_meeting(meeting, actor=request.user)
        else:
            raise Http404
    except services.CaseError as exc:
        meeting.refresh_from_db()
        return _meeting_page(request, case, meeting, 400, error=exc.message, **bound)
    messages.success(request, _("Saved."))
    return redirect("cowork:meeting", pk=case.pk, meeting_id=meeting.pk)


# --- Cost shares -----------------------------------------------------------------------------


@require_POST
@login_required
def confirm_share(request: HttpRequest, pk: int, share_id: int) -> HttpResponse:
    case = _case(request, pk)
    share = get_object_or_404(CostShare, pk=share_id, agreement__case=case)
    try:
        services.confirm_share(share, actor=request.user)
    except services.CaseError as exc:
        return _detail(request, case, 400, error=exc.message)
    messages.success(request, _("Share confirmed."))
    return redirect("cowork:case", pk=case.pk)


def _agreements_of(request, case):
    """The versions the user may read: all for who reads the case, else those with a share of
    one of their units."""
    rows = case.agreements.prefetch_related("shares__confirmed_by", "shares__department", "milestones__paid_by")
    if not access.reads_all(request.user, case):
        rows = rows.filter(shares__department_id__in=access.unit_ids(request.user)).distinct()
    return rows.order_by("-version")


def _agreement_initial(latest: CostAgreement | None):
    """A new version starts from the latest one (its parties, shares, milestones)."""
    if latest is None:
        return {"basis": CostAgreement.Basis.PERCENT}, [], []
    shares = [
        {
            "department": s.department_id,
            "party_name": "" if s.department_id else s.party_name,
            "value": s.percent if latest.basis == CostAgreement.Basis.PERCENT else s.amount,
            "fund_source": s.fund_source,
        }
        for s in latest.shares.all()
    ]
    milestones = [{"title": m.title, "amount": m.amount} for m in latest.milestones.all()]
    return {"title": latest.title, "total": latest.total, "basis": latest.basis}, shares, milestones


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """费用分摊: a draft, or a new version of an agreed one (the old stays readable, superseded)."""
    case = _case(request, pk)
    if not (access.can_run(request.user, case) and case.is_open):
        raise Http404
    latest = case.agreements.order_by("-version").first()
    initial, share_rows, milestone_rows = _agreement_initial(latest)
    post = request.POST if request.method == "POST" else None
    form = forms.AgreementForm(post, initial=initial)
    shares = forms.ShareFormSet(post, initial=share_rows, prefix="share", form_kwargs={"case": case})
    milestones = forms.MilestoneFormSet(post, initial=milestone_rows, prefix="milestone")
    error = None
    if post is not None:
        valid = all([form.is_valid(), shares.is_valid(), milestones.is_valid()])
        if valid:
            d = form.cleaned_data
            plans = [
                services.SharePlan(
                    party_name=(s["party_name"] or "").strip() or (s["department"].name if s["department"] else ""),
                    fund_source=s["fund_source"],
                    department=s["department"],
                    percent=s["value"] if d["basis"] == CostAgreement.Basis.PERCENT else None,
                    amount=s["value"] if d["basis"] == CostAgreement.Basis.AMOUNT else None,
                )
                for s in (f.cleaned_data for f in shares.forms if not f.is_blank())
            ]
            steps = [(m["title"], m["amount"]) for m in (f.cleaned_data for f in milestones.forms) if m.get("title")]
            try:
                agreement = services.create_agreement(
                    case,
                    actor=request.user,
                    title=d["title"],
                    total=d["total"],
                    basis=d["basis"],
                    shares=plans,
                    milestones=steps,
                )
            except services.CaseError as exc:
                error = exc.message
            else:
                messages.success(request, _("Agreement saved as a draft; each party now confirms its share."))
                return redirect("cowork:agreement", pk=case.pk, agreement_id=agreement.pk)
        else:
            error = _("Please correct the marked fields.")
    context = {
        "case": case,
        "latest": latest,
        "form": form,
        "shares": shares,
        "milestones": milestones,
        "error": error,
    }
    return render(request, "cowork/agreement_form.html", context, status=400 if error else 200)


def _agreement_page(request, case, agreement, status=200, error=None):
    mine = access.unit_ids(request.user)
    versions = list(_agreements_of(request, case))
    return render(
        request,
        "cowork/agreement.html",
        {
            "case": case,
            "agreement": agreement,
            "versions": versions,
            "runs": access.can_run(request.user, case) and case.is_open,
            "my_unit_ids": mine,
            "error": error,
        },
        status=status,
    )


def _agreement(request, pk, agreement_id):
    case = _case(request, pk)
    agreement = get_object_or_404(_agreements_of(request, case), pk=agreement_id)
    return case, agreement


@require_safe
@login_required
def agreement_detail(request: HttpRequest, pk: int, agreement_id: int) -> HttpResponse:
    case, agreement = _agreement(request, pk, agreement_id)
    return _agreement_page(request, case, agreement)


@require_POST
@login_required
def agreement_action(request: HttpRequest, pk: int, agreement_id: int, item: int, what: str) -> HttpResponse:
    """Confirm a share (`share`) or record a milestone paid (`paid`), from the agreement's page."""
    case, agreement = _agreement(request, pk, agreement_id)
    try:
        if what == "share":
            services.confirm_share(get_object_or_404(CostShare, pk=item, agreement=agreement), actor=request.user)
            done = _("Share confirmed.")
        elif what == "paid":
            services.pay_milestone(get_object_or_404(CostMilestone, pk=item, agreement=agreement), actor=request.user)
            done = _("Milestone recorded as paid.")
        else:
            raise Http404
    except services.CaseError as exc:
        agreement = _agreements_of(request, case).get(pk=agreement.pk)
        return _agreement_page(request, case, agreement, 400, exc.message)
    messages.success(request, done)
    return redirect("cowork:agreement", pk=case.pk, agreement_id=agreement.pk)


# --- Partnerships ----------------------------------------------------------------------------


def visible_partnerships(user):
    qs = Partnership.objects.select_related("department", "workstation", "deputy_secretary")
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(workstation_id__in=scope.readable_workstation_ids(user))
        | Q(department_id__in=access.unit_ids(user))
        | Q(deputy_secretary=user)
    )


@require_safe
@login_required
def partnerships(request: HttpRequest) -> HttpResponse:
    rows = list(visible_partnerships(request.user))
    if not rows and not access.is_case_user(request.user):
        raise Http404
    return render(request, "cowork/partnerships.html", {"partnerships": rows})


def _year(value) -> int | None:
    year = _int(value)
    return year if year and 2000 <= year <= 2100 else None


def _partnership_page(request, partnership, status=200, **bound):
    years = sorted(set(partnership.commitments.values_list("year", flat=True)), reverse=True)
    this_year = timezone.localdate().year
    asked = request.GET.get("year")
    year = None if asked == "all" else _year(asked) or bound.get("year") or (this_year if this_year in years else None)
    figures = queries.partnership_figures(partnership, year)
    keeps = services.may_keep_commitments(request.user, partnership)
    return render(
        request,
        "cowork/partnership.html",
        {
            "p": partnership,
            "f": figures,
            "years": years,
            "year": year,
            "keeps": keeps,
            "commitment_form": bound.get("commitment_form")
            or forms.CommitmentForm(initial={"year": year or this_year}),
            "fulfil_form": bound.get("fulfil_form"),
            "fulfil_id": bound.get("fulfil_id"),
            "error": bound.get("error"),
        },
        status=status,
    )


@require_safe
@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(visible_partnerships(request.user).prefetch_related("categories"), pk=pk)
    return _partnership_page(request, partnership)


@require_POST
@login_required
def add_commitment(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(visible_partnerships(request.user).prefetch_related("categories"), pk=pk)
    form = forms.CommitmentForm(request.POST)
    if not form.is_valid():
        return _partnership_page(request, partnership, 400, commitment_form=form)
    d = form.cleaned_data
    try:
        services.add_commitment(partnership, actor=request.user, year=d["year"], title=d["title"])
    except services.CaseError as exc:
        return _partnership_page(request, partnership, 400, commitment_form=form, error=exc.message)
    messages.success(request, _("Commitment added."))
    return redirect(f"{partnership_url(partnership)}?year={d['year']}")


@require_POST
@login_required
def fulfil_commitment(request: HttpRequest, pk: int, commitment_id: int) -> HttpResponse:
    partnership = get_object_or_404(visible_partnerships(request.user).prefetch_related("categories"), pk=pk)
    commitment = get_object_or_404(Commitment, pk=commitment_id, partnership=partnership)
    form = forms.FulfilForm(request.POST)
    bound = {"fulfil_form": form, "fulfil_id": commitment.pk, "year": commitment.year}
    if not form.is_valid():
        return _partnership_page(request, partnership, 400, **bound)
    try:
        services.fulfil_commitment(commitment, actor=request.user, note=form.cleaned_data["note"])
    except services.CaseError as exc:
        return _partnership_page(request, partnership, 400, error=exc.message, **bound)
    messages.success(request, _("Fulfilment recorded."))
    return redirect(f"{partnership_url(partnership)}?year={commitment.year}")


def partnership_url(partnership) -> str:
    from django.urls import reverse

    return reverse("cowork:partnership", args=[partnership.pk])

"""一类事 at the desk: recurring matters with counts and a suggestion each, and answered consults
turned into one FAQ entry in two clicks ("Turn into an FAQ entry", then "Publish")."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from workstations import scope
from workstations.views import manager_required, staff_required

from .. import services, themes
from .desk_common import can_manage, desk_issues, in_workstation, int_or_none, see_other, workstation_choice

WINDOWS = (7, 30, 90)


@require_safe
@staff_required
def themes_page(request: HttpRequest) -> HttpResponse:
    choices, chosen = workstation_choice(request)
    days = int_or_none(request.GET.get("days"))
    days = days if days in WINDOWS else themes.WINDOW_DAYS
    found = themes.recurring(in_workstation(desk_issues(request.user), chosen), days=days)
    return render(
        request,
        "issues/themes.html",
        {"themes": found, "days": days, "windows": WINDOWS, "workstations": choices, "chosen": chosen},
    )


def _answered(request: HttpRequest, raw: str) -> list:
    ids = [i for i in (int_or_none(x) for x in raw.split(",")) if i][:100]
    rows = desk_issues(request.user).filter(pk__in=ids).select_related("category").order_by("created_at")
    return [i for i in rows if i.resolution]


def _faq_workstation(request: HttpRequest, sources: list) -> int:
    """The workstation whose residents the entry is for: the one of the answered issues it is
    made from, else the one this person runs; it must be one they run (issue 14)."""
    managed = scope.staff_workstation_ids(request.user)
    from_sources = {i.workstation_id for i in sources}
    if len(from_sources) == 1:
        (chosen,) = from_sources
    elif len(managed) == 1 and not from_sources:
        (chosen,) = managed
    else:
        chosen = int_or_none(request.POST.get("ws", ""))
    if chosen is None:
        raise services.IssueError(_("Which workstation is this answer for? Please start from its recurring matters."))
    if not can_manage(request.user, chosen):
        raise services.IssueError(_("You can publish answers only for a workstation you run."))
    return chosen


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def themes_faq(request: HttpRequest) -> HttpResponse:
    """GET: a draft from the chosen answered consults, ready to publish. POST: publish it."""
    raw = request.POST.get("ids", "") if request.method == "POST" else request.GET.get("ids", "")
    sources = _answered(request, raw)
    if request.method == "POST":
        try:
            entry = themes.make_faq(
                workstation_id=_faq_workstation(request, sources),
                question=request.POST.get("question", ""),
                answer=request.POST.get("answer", ""),
                category=request.POST.get("category", ""),
            )
        except services.IssueError as exc:
            messages.error(request, exc.message)
            draft = themes.FaqDraft(
                request.POST.get("question", ""), request.POST.get("answer", ""), request.POST.get("category", "")
            )
            return render(
                request, "issues/themes_faq.html", {"draft": draft, "sources": sources, "ids": raw}, status=400
            )
        messages.success(request, _("Published in the FAQ: %(q)s") % {"q": entry.question})
        return see_other(reverse("themes"))
    if not sources:
        messages.error(request, _("None of these issues has an answer to reuse."))
        return see_other(reverse("themes"))
    return render(
        request, "issues/themes_faq.html", {"draft": themes.draft_faq(sources), "sources": sources, "ids": raw}
    )

"""Locked-out logins (issue 14): a station head sees which of the workstation's people are
locked out by failed logins and unlocks them (django-axes' records of their failures are
removed). Admins do the same for anyone in the admin (axes' "Access attempts")."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import scope
from ..models import Workstation

User = get_user_model()


def headed_workstations(user):
    if user.is_superuser:
        return Workstation.objects.all()
    return Workstation.objects.filter(pk__in=scope.headed_workstation_ids(user))


def people_of(workstation: Workstation):
    """Everyone with a role at the workstation or one of its grids (admins excepted: the admin
    unlocks them)."""
    return (
        User.objects.filter(is_superuser=False)
        .filter(Q(roles__workstation=workstation) | Q(roles__grid__neighbourhood__workstation=workstation))
        .distinct()
    )


def _workstation(request: HttpRequest) -> Workstation:
    allowed = headed_workstations(request.user)
    slug = request.GET.get("ws") or request.POST.get("ws")
    if slug:
        return get_object_or_404(allowed, slug=slug)
    workstation = allowed.order_by("name", "id").first()
    if workstation is None:
        raise PermissionDenied(_("Only the station head can unlock logins."))
    return workstation


@require_safe
@login_required
def lockouts_page(request: HttpRequest) -> HttpResponse:
    workstation = _workstation(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    usernames = {u.lower(): u for u in people_of(workstation).values_list("username", flat=True)}
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("username")
    )
    context = {
        "workstation": workstation,
        "workstations": list(headed_workstations(request.user).order_by("name", "id")),
        "rows": [{**row, "username": usernames[row["username"]]} for row in rows],
    }
    return render(request, "workstations/lockouts.html", context)


@require_POST
@login_required
def unlock(request: HttpRequest) -> HttpResponse:
    workstation = _workstation(request)
    username = (request.POST.get("username") or "").strip()
    person = people_of(workstation).filter(username=username).first()
    if person is None:
        raise Http404(_("Nobody of this workstation has that username."))
    reset(username=person.username.lower())
    messages.success(request, _("%(name)s can log in again.") % {"name": person.get_full_name() or person.username})
    return HttpResponseRedirect(f"{reverse('lockouts')}?ws={workstation.slug}")

"""The duty page: who takes each grid's issues now, the on-call rota, and leave.

Everyone who may read the workstation sees it; staff and heads also change it."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from minqing import params

from .. import duty, scope
from ..models import Absence, OnCallShift, Role, Workstation
from .access import manager_required, staff_required

User = get_user_model()
UPCOMING_DAYS = 14


def people_of(workstation: Workstation):
    """Who can be put on the rota or on leave: the workstation's staff, heads and grid workers."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(roles__workstation=workstation, roles__kind__in=scope.WORKSTATION_WORKERS)
            | Q(roles__grid__neighbourhood__workstation=workstation, roles__kind=Role.Kind.GRID_WORKER)
        )
        .distinct()
        .order_by("username")
    )


def _within_range(value, label):
    """Year 1 or 9999 is a form error with its reason, not an overflow later (issue 14)."""
    params.check_day(value, str(label))
    return value


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class ShiftForm(forms.Form):
    user = PersonChoiceField(label=gettext_lazy("On call"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=gettext_lazy("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=100, required=False)

    def __init__(self, *args, workstation: Workstation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(workstation)

    def clean_starts_at(self):
        return _within_range(self.cleaned_data["starts_at"], self.fields["starts_at"].label)

    def clean_ends_at(self):
        return _within_range(self.cleaned_data["ends_at"], self.fields["ends_at"].label)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("A shift must end after it starts."))
        return data


class AbsenceForm(forms.Form):
    user = PersonChoiceField(label=gettext_lazy("Person"), queryset=User.objects.none())
    first_day = forms.DateField(label=gettext_lazy("First day away"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=gettext_lazy("Last day away"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=100, required=False)

    def __init__(self, *args, workstation: Workstation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_of(workstation)

    def clean_first_day(self):
        return _within_range(self.cleaned_data["first_day"], self.fields["first_day"].label)

    def clean_last_day(self):
        return _within_range(self.cleaned_data["last_day"], self.fields["last_day"].label)

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            raise forms.ValidationError(_("The last day cannot be before the first day."))
        return data

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """Whole local days: from the first day's midnight to the midnight after the last day."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["first_day"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.cleaned_data["last_day"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


def _workstation(request: HttpRequest, *, manage: bool = False) -> Workstation:
    allowed = scope.managed_workstations(request.user) if manage else scope.workstations_for(request.user)
    slug = request.GET.get("ws") or request.POST.get("ws")
    if slug:
        return get_object_or_404(allowed, slug=slug)
    workstation = allowed.order_by("name", "id").first()
    if workstation is None:
        raise Http404
    return workstation


def _page(request: HttpRequest, workstation: Workstation, *, shift_form=None, absence_form=None, status=200):
    now = timezone.now()
    horizon = now + dt.timedelta(days=UPCOMING_DAYS)
    grids = duty.overview(workstation, now)
    context = {
        "workstation": workstation,
        "workstations": list(scope.workstations_for(request.user).order_by("name", "id")),
        "can_manage": scope.can_manage_workstation(request.user, workstation.pk),
        "can_unlock": scope.can_unlock_logins(request.user, workstation.pk),
        "grids": grids,
        "now": now,
        "on_call_now": duty.on_call(workstation, now),
        "shifts": list(
            OnCallShift.objects.filter(workstation=workstation, ends_at__gt=now, starts_at__lt=horizon)
            .select_related("user")
            .order_by("starts_at", "id")
        ),
        "absences": list(
            Absence.objects.filter(user__in=people_of(workstation), ends_at__gt=now, starts_at__lt=horizon)
            .select_related("user")
            .order_by("starts_at", "id")
        ),
        "shift_form": shift_form or ShiftForm(workstation=workstation),
        "absence_form": absence_form or AbsenceForm(workstation=workstation),
        "upcoming_days": UPCOMING_DAYS,
    }
    return render(request, "workstations/duty.html", context, status=status)


def _back(workstation: Workstation) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('duty')}?ws={workstation.slug}", status=303)


@require_safe
@staff_required
def duty_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _workstation(request))


@require_POST
@manager_required
def shift_add(request: HttpRequest) -> HttpResponse:
    workstation = _workstation(request, manage=True)
    form = ShiftForm(request.POST, workstation=workstation)
    if not form.is_valid():
        return _page(request, workstation, shift_form=form, status=400)
    OnCallShift.objects.create(workstation=workstation, **form.cleaned_data)
    messages.success(request, _("On-call shift added."))
    return _back(workstation)


@require_POST
@manager_required
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(
        OnCallShift.objects.filter(workstation__in=scope.managed_workstations(request.user)).select_related(
            "workstation"
        ),
        pk=pk,
    )
    shift.delete()
    messages.success(request, _("On-call shift removed."))
    return _back(shift.workstation)


@require_POST
@manager_required
def absence_add(request: HttpRequest) -> HttpResponse:
    workstation = _workstation(request, manage=True)
    form = AbsenceForm(request.POST, workstation=workstation)
    if not form.is_valid():
        return _page(request, workstation, absence_form=form, status=400)
    starts_at, ends_at = form.window()
    Absence.objects.create(
        user=form.cleaned_data["user"], starts_at=starts_at, ends_at=ends_at, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Absence recorded. New issues go to the backup or the on-call person meanwhile."))
    return _back(workstation)


@require_POST
@manager_required
def absence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    workstation = _workstation(request, manage=True)
    absence = get_object_or_404(Absence.objects.filter(user__in=people_of(workstation)), pk=pk)
    absence.delete()
    messages.success(request, _("Absence removed."))
    return _back(workstation)

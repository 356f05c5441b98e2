"""Forms of the case pages: they parse and keep what was typed; the rules are in cowork.services."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from issues.lifecycle import OPEN_STATUSES
from issues.models import Issue, Kind
from workstations.models import Department

from .models import AgendaItem, CostAgreement, FundSource, Meeting

WHEN = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CaseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    issues = forms.ModelMultipleChoiceField(
        label=_("linked reports"), queryset=Issue.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    lead = UnitChoice(label=_("lead unit (牵头)"), queryset=Department.objects.none())
    lead_due_at = forms.DateTimeField(label=_("lead unit's deadline"), **WHEN)
    supporting = forms.ModelMultipleChoiceField(
        label=_("supporting units (配合)"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    supporting_due_at = forms.DateTimeField(label=_("supporting units' deadline"), required=False, **WHEN)
    due_at = forms.DateTimeField(label=_("case deadline"), required=False, **WHEN)

    def __init__(self, *args, workstation, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(subdistrict_id=workstation.subdistrict_id).order_by("name")
        self.fields["lead"].queryset = units
        self.fields["supporting"].queryset = units
        self.fields["supporting"].label_from_instance = lambda d: d.name
        self.fields["issues"].queryset = Issue.objects.filter(
            workstation=workstation, kind=Kind.COMPLEX, status__in=OPEN_STATUSES
        ).order_by("-created_at")
        self.fields["issues"].label_from_instance = lambda i: f"{i.reference} · {i.description[:40]}"

    def clean(self):
        data = super().clean()
        if data.get("supporting") and not data.get("supporting_due_at"):
            self.add_error("supporting_due_at", _("Give the supporting units' deadline."))
        if data.get("lead") and data.get("lead") in (data.get("supporting") or []):
            self.add_error("supporting", _("The lead unit cannot also support."))
        return data


class CaseUnitChoiceMixin:
    def limit_units(self, case, *names):
        units = Department.objects.filter(case_parts__case=case).order_by("name")
        for name in names:
            self.fields[name].queryset = units


class ActionForm(CaseUnitChoiceMixin, forms.Form):
    title = forms.CharField(label=_("what"), max_length=300)
    owner_unit = UnitChoice(label=_("responsible unit"), queryset=Department.objects.none())
    due_at = forms.DateTimeField(label=_("due by"), **WHEN)
    weight = forms.DecimalField(label=_("weight"), required=False, min_value=0, max_digits=6, decimal_places=2)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(case, "owner_unit")


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("what your unit did"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    note = forms.CharField(label=_("what was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photo = forms.ImageField(label=_("photo"), required=False)
    done = forms.BooleanField(label=_("the item is done"), required=False)


class MeetingForm(CaseUnitChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Meeting.Kind.choices)
    held_at = forms.DateTimeField(label=_("held at"), **WHEN)
    place = forms.CharField(label=_("place"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label=_("attendees"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("units present"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(case, "units")
        self.fields["units"].label_from_instance = lambda d: d.name
        people = get_user_model().objects.filter(models_q(case)).distinct().order_by("username")
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name() or u.username


def models_q(case):
    from django.db.models import Q

    return Q(roles__workstation_id=case.workstation_id) | Q(roles__department__case_parts__case=case)


class AgendaForm(CaseUnitChoiceMixin, forms.Form):
    title = forms.CharField(label=_("agenda item"), max_length=300)
    outcome = forms.ChoiceField(label=_("outcome"), choices=AgendaItem.Outcome.choices)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_unit = UnitChoice(
        label=_("responsible unit (责任单位)"), queryset=Department.objects.none(), required=False
    )
    due_at = forms.DateTimeField(label=_("deadline (时限)"), required=False, **WHEN)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units(case, "responsible_unit")


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    resident_summary = forms.CharField(
        label=_("summary for residents"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ResolveForm(forms.Form):
    summary = forms.CharField(label=_("summary for residents"), widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("reason for closing with work still open (residents read it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


# --- Cost sharing ----------------------------------------------------------------------------


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("what is paid for"), max_length=200)
    total = forms.DecimalField(
        label=_("total (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={"invalid": _("Write the total as a number of yuan, e.g. 12000 or 12000.50.")},
    )
    basis = forms.ChoiceField(label=_("shares given as"), choices=CostAgreement.Basis.choices, widget=forms.RadioSelect)


class ShareForm(forms.Form):
    """One party's share. A row left empty is ignored."""

    department = UnitChoice(label=_("unit of the case"), queryset=Department.objects.none(), required=False)
    party_name = forms.CharField(
        label=_("or another party"), max_length=100, required=False, help_text=_("For example: 业主 of No. 3")
    )
    value = forms.DecimalField(
        label=_("share (% or yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={"invalid": _("Write the share as a number.")},
    )
    fund_source = forms.ChoiceField(label=_("fund source"), choices=[("", "—"), *FundSource.choices], required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(case_parts__case=case).order_by("name")

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not (d.get("department") or d.get("party_name") or d.get("value") is not None or d.get("fund_source"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not (data.get("department") or (data.get("party_name") or "").strip()):
            self.add_error("party_name", _("Choose the unit or write who the party is."))
        if data.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("Write this party's share."))
        if not data.get("fund_source"):
            self.add_error("fund_source", _("Choose where this share's money comes from."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("milestone"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={"invalid": _("Write the amount as a number.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("title") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Write the milestone's amount."))
        if data.get("amount") is not None and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the milestone a name."))
        return data


ShareFormSet = forms.formset_factory(ShareForm, extra=0, min_num=4, max_num=12, absolute_max=12)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0, min_num=3, max_num=8, absolute_max=8)


# --- Partnerships ----------------------------------------------------------------------------


class CommitmentForm(forms.Form):
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Write the year as four digits, e.g. 2026.")},
    )
    title = forms.CharField(label=_("commitment"), max_length=300)


class FulfilForm(forms.Form):
    note = forms.CharField(label=_("how it was fulfilled"), widget=forms.Textarea(attrs={"rows": 2}))

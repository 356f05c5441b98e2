from django import forms
from django.utils.translation import gettext_lazy as _

from issues.forms import MultipleFileField, MultipleFileInput

from .models import Category


class PublishForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    text = forms.CharField(label=_("Text"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF or pictures; a PDF up to 20 MB, a picture up to 10 MB."),
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}),
    )
    period_start = forms.DateField(
        label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NoticeForm(forms.Form):
    unit = forms.CharField(label=_("From (unit)"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    expires_on = forms.DateField(
        label=_("Shown until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Please give the date until which the notice is shown.")},
    )


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

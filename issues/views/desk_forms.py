"""Forms of the desk: the three-field quick entry of the 工作日志, the grid worker's patrol report,
and photos attached by staff or workers (checked and re-encoded by issues.photos)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import MultipleFileField, clean_photo_list, photo_input
from ..models import Intake, Kind
from ..phones import normalize_phone

TEXT_MAX = 2000


def photos_from(request: HttpRequest, field: str = "photos") -> list:
    """The uploaded photos, re-encoded; a bad file is refused with the reason (IssueError)."""
    files = request.FILES.getlist(field)
    if not files:
        return []
    try:
        return clean_photo_list(files)
    except ValidationError as exc:
        raise services.IssueError(" ".join(exc.messages)) from exc


class QuickEntryForm(forms.Form):
    """A walk-in or a phone call in three fields, and who it was, to call back (optional; kept as
    the resident's name and phone, masked and revealable like those of a QR report); the button
    pressed says which channel."""

    location = forms.ModelChoiceField(queryset=None, label=_("Where"), empty_label=None)
    description = forms.CharField(
        label=_("What the resident asked or reported"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label=_("What we answered or did (leave empty to follow up)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    caller_phone = forms.CharField(
        label=_("Caller's phone, to call back"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(choices=[(Intake.WALK_IN, Intake.WALK_IN.label), (Intake.PHONE, Intake.PHONE.label)])

    def __init__(self, *args, locations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean_caller_phone(self) -> str:
        return normalize_phone(self.cleaned_data["caller_phone"])


class PatrolForm(forms.Form):
    """网格员走访: something a grid worker found on their rounds."""

    location = forms.ModelChoiceField(queryset=None, label=_("Where"), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Let the desk decide")), *Kind.choices], required=False)
    description = forms.CharField(
        label=_("What did you find?"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultipleFileField(label=_("Photos"), required=False, widget=photo_input())

    def __init__(self, *args, locations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean_photos(self) -> list:
        return clean_photo_list(self.cleaned_data["photos"])

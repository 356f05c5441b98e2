"""Forms of the resident side: the report form, and the tracking page's note, confirm and reopen forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Kind
from .phones import normalize_phone
from .photos import ACCEPTED_TYPES, MAX_PHOTOS, PixelBudget, clean_photo
from .text import plain

# The four kinds in the words a resident uses (the staff side keeps the official slogans), each
# with one plain line of help. The resident may skip the choice: staff triage later.
KIND_LABELS = {
    Kind.CONSULT: _("I have a question"),
    Kind.URGENT: _("Emergency"),
    Kind.COMPLEX: _("A hard matter that needs several parties"),
    Kind.COMMUNITY: _("A good idea or a good deed"),
    "": _("Not sure"),
}
KIND_HELP = {
    Kind.CONSULT: _("Ask something, or report a small thing to fix."),
    Kind.URGENT: _("Needs help today: a leak, a broken wire, a smell of gas, no power."),
    Kind.COMPLEX: _("A bigger problem that several offices must solve together."),
    Kind.COMMUNITY: _("An idea for the neighbourhood, or something good to share."),
    "": _("We will choose for you."),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; clean() returns a list (Django docs, "Uploading multiple files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            result = [single_file_clean(d, initial) for d in data]
        else:
            result = [single_file_clean(data, initial)]
        return [f for f in result if f]


def photo_input() -> MultipleFileInput:
    return MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_TYPES)})


def clean_photo_list(files: list, *, limit: int = MAX_PHOTOS) -> list:
    """Each upload checked and re-encoded (issues.photos); one message per bad file."""
    if len(files) > limit:
        raise ValidationError(_("Please send at most %(max)d photos.") % {"max": limit}, code="too_many_photos")
    processed, errors = [], []
    budget = PixelBudget()  # what decoding all of them may cost together
    for number, uploaded in enumerate(files, start=1):
        try:
            processed.append(clean_photo(uploaded, budget=budget))
        except ValidationError as exc:
            errors.extend(
                _("Photo %(n)d (%(name)s): %(problem)s") % {"n": number, "name": uploaded.name, "problem": m}
                for m in exc.messages
            )
    if errors:
        raise ValidationError(errors)
    return processed


class PlainTextField(forms.CharField):
    """A CharField whose text loses its control characters (issues.text.plain) before it is
    stripped and checked, so text made only of them counts as empty."""

    def to_python(self, value):
        return super().to_python(plain(value) if isinstance(value, str) else value)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of matter is it?"),
        choices=list(KIND_LABELS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    description = PlainTextField(
        label=_("What is wrong?"),
        help_text=_("Say what and where. For example: “The street light at No. 12 is broken.”"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please tell us what is wrong.")},
    )
    photos = MultipleFileField(
        label=_("Photos"),
        help_text=_("Optional. Up to 6 photos, each up to 10 MB."),
        required=False,
        widget=photo_input(),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    # Offered only at a location inside an estate (issues.extensions "report_context"); 1 marks
    # a property-service complaint (有事先找我), which goes to the estate's property company first.
    property_service = forms.BooleanField(
        label=_("It is about the property service (物业服务)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    idempotency_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    # A trap for robots: hidden from people by CSS, so anything in it was not typed by a person.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def kind_options(self) -> list[dict]:
        """The big radio buttons, written out by the template (faster than widget templates)."""
        chosen = self["kind"].value() or ""
        return [
            {
                "value": value,
                "label": label,
                "help": KIND_HELP[value],
                "id": f"id_kind_{number}",
                "checked": value == chosen,
            }
            for number, (value, label) in enumerate(KIND_LABELS.items())
        ]

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_photos(self) -> list:
        return clean_photo_list(self.cleaned_data["photos"])

    def issue_fields(self) -> dict:
        """Keyword arguments for services.submit_report."""
        data = self.cleaned_data
        return {
            "description": data["description"],
            "kind": data["kind"],
            "reporter_name": data["name"],
            "reporter_phone": data["phone"],
            "photos": data["photos"],
            "idempotency_key": data["idempotency_key"] or None,
            "property_service": data["property_service"],
        }


class NoteForm(forms.Form):
    """Something the resident adds while the report is open: a few words, photos, or both."""

    note = PlainTextField(
        label=_("Anything to add?"),
        help_text=_("For example: “It is getting worse” or “The door code is 1234”."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleFileField(
        label=_("More photos"),
        help_text=_("Optional. Up to 6 photos, each up to 10 MB."),
        required=False,
        widget=photo_input(),
    )

    def clean_photos(self) -> list:
        return clean_photo_list(self.cleaned_data["photos"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("note", "").strip() and not data.get("photos"):
            raise ValidationError(_("Please write something or choose a photo."), code="empty")
        return data


RATING_CHOICES = [
    (5, _("5 · Very satisfied")),
    (4, _("4 · Satisfied")),
    (3, _("3 · It is OK")),
    (2, _("2 · Not satisfied")),
    (1, _("1 · Very unsatisfied")),
]


class ConfirmForm(forms.Form):
    # Offered, never required: a resident who only says "solved" closes the report too.
    rating = forms.TypedChoiceField(
        label=_("How happy are you with how it was handled? (optional)"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = PlainTextField(
        label=_("Anything else to say? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = PlainTextField(
        label=_("What is still wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please tell us what is still wrong.")},
    )

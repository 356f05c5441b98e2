"""Forms of 好事常办. The public sign-up form keeps what a person typed when it is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from issues.forms import MultipleFileField, clean_photo_list, photo_input

from .models import Activity


class SignUpForm(forms.Form):
    """The CONTRACT's fields: `name`, `phone` (optional), `seats` (default 1)."""

    name = forms.CharField(
        label=_("Your name"), max_length=50, error_messages={"required": _("Please write your name.")}
    )
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("We send you a text message if a seat frees up or the event changes."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    seats = forms.CharField(
        label=_("How many seats?"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
    )
    in_reserved_group = forms.BooleanField(required=False)
    # Asked when the event's reserved seats have a rule (community.services.reserved_basis).
    birth_year = forms.CharField(
        label=_("Your year of birth"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5, "autocomplete": "bday-year"}),
    )
    partner_unit = forms.CharField(label=_("Your unit"), required=False, max_length=12)
    lives_in_neighbourhood = forms.BooleanField(required=False)

    def fields_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "seats": (data["seats"] or "1").strip(),
            "in_reserved_group": data["in_reserved_group"],
            "lives_in_neighbourhood": data["lives_in_neighbourhood"],
            "birth_year": data["birth_year"],
            "partner_unit": data["partner_unit"],
        }


class ActivityForm(forms.ModelForm):
    """A new event of an initiative (the admin has every field)."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place_text",
            "capacity",
            "reserved_seats",
            "reserved_for",
            "reserved_group",
            "reserved_min_age",
            "max_seats_per_signup",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if (data.get("reserved_seats") or 0) > (data.get("capacity") or 0):
            self.add_error("reserved_seats", _("There cannot be more reserved seats than seats."))
        if data.get("max_seats_per_signup") == 0:
            self.add_error("max_seats_per_signup", _("Give at least 1."))
        age = data.get("reserved_min_age")
        if age is not None and not 1 <= age <= 120:
            self.add_error("reserved_min_age", _("Give an age between 1 and 120."))
        return data


class RecordForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(label=_("Photos"), required=False, widget=photo_input())

    def clean_photos(self) -> list:
        return clean_photo_list(self.cleaned_data["photos"])

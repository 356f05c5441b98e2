"""How a person who handles reports is told (/accounts/notifications/): one row per channel, a
"tell me this way" box and the address, and the one write of the page, `set_preferences`.

The rule the page shows is issues.notify.addresses_for's: a person who never saved a choice gets
email at the account's address; once the page is saved there is a row for every channel, so
"everything off" really means nowhere (the message is recorded with "no address").
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import Channel, NotificationPreference
from .phones import MOBILE_RE, normalize_phone

# Channels in the order the page shows them.
CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.WECHAT, Channel.WEBHOOK)
ADDRESS_MAX = 300  # NotificationPreference.address
OPENID_MAX = 64  # a WeChat openid is 28 characters; leave room, refuse essays
PHONE_INPUT_MAX = 30  # room for spaces, dashes and +86 before tidying

CHANNEL_LABELS = {
    Channel.EMAIL: _("Email"),
    Channel.SMS: _("SMS (text message)"),
    Channel.WECHAT: _("WeChat"),
    Channel.WEBHOOK: _("Webhook (for a program)"),
}
ADDRESS_LABELS = {
    Channel.EMAIL: _("Email address"),
    Channel.SMS: _("Mobile number"),
    Channel.WECHAT: _("WeChat openid"),
    Channel.WEBHOOK: _("Webhook URL"),
}
ADDRESS_HELP = {
    Channel.SMS: _("A mainland mobile number, like 13812345678."),
    Channel.WECHAT: _("The openid of your account on our WeChat service account. Ask your administrator."),
    Channel.WEBHOOK: _("We send each message as JSON with a POST to this https:// or http:// address."),
}
ADDRESS_NEEDED = {
    Channel.SMS: _("Please enter your mobile number, or untick SMS."),
    Channel.WECHAT: _("Please enter your WeChat openid, or untick WeChat."),
    Channel.WEBHOOK: _("Please enter the webhook URL, or untick webhook."),
}


def clean_mobile(value: str) -> str:
    """A mainland mobile number, tidied by the project's one phone rule; a landline is refused."""
    try:
        number = normalize_phone(value)
    except ValidationError:
        # The shared rule's message offers a landline, which cannot take an SMS.
        raise ValidationError(_("Please write a mobile number like 13812345678."), code="invalid_phone") from None
    if number and not MOBILE_RE.match(number):
        raise ValidationError(_("SMS needs a mobile number like 13812345678, not a landline."), code="not_mobile")
    return number


def _private_host(host: str) -> bool:
    """True for this machine and the private network (the server would POST there)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def clean_webhook(value: str) -> str:
    from minqing.outbound import non_public_reason

    if value and (_private_host(urlsplit(value).hostname or "") or non_public_reason(value)):
        raise ValidationError(
            _("Please give an address on the internet, not this server or a private network."), code="private_url"
        )
    return value


@dataclass
class ChannelRow:
    """One channel as the page draws it: its box, its address and what to say about it."""

    channel: str
    label: str
    enabled: forms.BoundField
    address: forms.BoundField


class NotificationSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(required=False)
    email_address = forms.EmailField(required=False, max_length=254)
    sms_enabled = forms.BooleanField(required=False)
    sms_address = forms.CharField(
        required=False,
        max_length=PHONE_INPUT_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    wechat_enabled = forms.BooleanField(required=False)
    wechat_address = forms.CharField(
        required=False,
        max_length=OPENID_MAX,
        widget=forms.TextInput(attrs={"autocapitalize": "off", "spellcheck": "false"}),
    )
    webhook_enabled = forms.BooleanField(required=False)
    webhook_address = forms.URLField(
        required=False,
        max_length=ADDRESS_MAX,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],  # the default also takes ftp://
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for ch in CHANNELS:
            self.fields[f"{ch}_enabled"].label = _("Tell me this way")
            address = self.fields[f"{ch}_address"]
            address.label = ADDRESS_LABELS[ch]
            address.help_text = ADDRESS_HELP.get(ch, "")
        if user.email:
            self.fields["email_address"].help_text = _("Leave it empty to use your account's address, %(email)s.") % {
                "email": user.email
            }
            self.fields["email_address"].widget.attrs["placeholder"] = user.email
        else:
            self.fields["email_address"].help_text = _(
                "Your account has no email address; enter one to be told by email."
            )

    @classmethod
    def initial_for(cls, user, preferences: list[NotificationPreference]) -> dict:
        """What the page shows: the saved rows; with none, the fallback (email, if the account has one)."""
        if not preferences:
            return {"email_enabled": bool(user.email)}
        initial = {}
        for pref in preferences:
            initial[f"{pref.channel}_enabled"] = pref.enabled
            initial[f"{pref.channel}_address"] = pref.address
        return initial

    def rows(self) -> list[ChannelRow]:
        return [ChannelRow(ch, CHANNEL_LABELS[ch], self[f"{ch}_enabled"], self[f"{ch}_address"]) for ch in CHANNELS]

    def clean_sms_address(self) -> str:
        return clean_mobile(self.cleaned_data["sms_address"])

    def clean_wechat_address(self) -> str:
        value = self.cleaned_data["wechat_address"]
        if any(c.isspace() or not c.isprintable() for c in value):
            raise ValidationError(_("An openid has no spaces; please copy it again."), code="bad_openid")
        return value

    def clean_webhook_address(self) -> str:
        return clean_webhook(self.cleaned_data["webhook_address"])

    def clean(self):
        data = super().clean()
        for ch in CHANNELS:
            field = f"{ch}_address"
            if not data.get(f"{ch}_enabled") or field in self.errors or data.get(field):
                continue
            if ch == Channel.EMAIL:
                if not self.user.email:
                    self.add_error(field, _("Please enter an email address, or untick email."))
            else:
                self.add_error(field, ADDRESS_NEEDED[ch])
        return data

    def choices(self) -> dict[str, tuple[bool, str]]:
        """channel → (enabled, address), from a valid form."""
        return {ch: (bool(self.cleaned_data[f"{ch}_enabled"]), self.cleaned_data[f"{ch}_address"]) for ch in CHANNELS}

    def everything_off(self) -> bool:
        return not any(enabled for enabled, _address in self.choices().values())


def set_preferences(user, choices: dict[str, tuple[bool, str]]) -> None:
    """Write `user`'s preference on every channel in `choices` (channel → (enabled, address)) in
    one statement (an upsert, so two saves at once never collide). A row per channel, so no row at all (the email fallback) never comes back once
    the person has chosen."""
    rows = [
        NotificationPreference(user=user, channel=ch, enabled=enabled, address=address[:ADDRESS_MAX])
        for ch, (enabled, address) in choices.items()
    ]
    NotificationPreference.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user", "channel"], update_fields=["enabled", "address"]
    )

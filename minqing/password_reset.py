"""The password-reset page (issue 14): mails are limited per client address and per account.

The answer is the same whether or not an account has the address typed: an address's limit is
a form error before anything is looked up (it counts every request from that address), and an
account's limit silently sends nothing more, behind the usual "we've emailed you" page. The
account is counted by the address typed, whether an account has it or not."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.utils.translation import gettext_lazy as _

from issues import ratelimit

WINDOW_SECONDS = 60 * 60
THROTTLED = "throttled"


class LimitedPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.request is not None and not ratelimit.hit(
            f"pwreset:ip:{ratelimit.client_ip(self.request)}", settings.RATELIMIT_PASSWORD_RESETS_PER_IP, WINDOW_SECONDS
        ):
            # On the field: the reset page (the admin's template) shows field errors only.
            message = _("Too many password resets were asked from this address. Please try again in an hour.")
            raise forms.ValidationError({"email": forms.ValidationError(message, code=THROTTLED)})
        return data

    def save(self, **kwargs):
        email = self.cleaned_data["email"].strip().lower()
        if ratelimit.hit(
            f"pwreset:account:{email[:254]}", settings.RATELIMIT_PASSWORD_RESETS_PER_ACCOUNT, WINDOW_SECONDS
        ):
            super().save(**kwargs)


class PasswordReset(PasswordResetView):
    form_class = LimitedPasswordResetForm
    # FormView would take PUT as a POST.
    http_method_names = ["get", "head", "post", "options"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("email", THROTTLED):
            response.status_code = 429
        return response

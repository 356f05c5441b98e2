"""The erasure desk: a station head (or an administrator) finds one person's reports by phone and
erases their name and phone at the person's request, with the same rule as `manage.py
erase_person` (privacy.erasure); each erased report gets an internal ERASED event naming who did it."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from issues.phones import normalize_phone
from workstations import scope

from . import erasure

log = logging.getLogger(__name__)


class FindForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number the person reported with"), max_length=32)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class EraseForm(FindForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("The person asked for this, and I have checked who they are."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the person asked for this.")},
    )


def _found(user, phone: str):
    within = scope.erasure_workstation_ids(user)
    found = erasure.find_person(phone=phone)
    return found if within is None else found.filter(workstation_id__in=within)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erasure_desk(request: HttpRequest) -> HttpResponse:
    if scope.erasure_workstation_ids(request.user) == set():
        raise PermissionDenied(_("Only a station head or an administrator can erase a person's data."))
    if request.method == "POST":
        erase_form = EraseForm(request.POST)
        if erase_form.is_valid():
            phone = erase_form.cleaned_data["phone"]
            erased = erasure.erase_on_request(_found(request.user, phone), actor=request.user)
            log.info("erasure desk: %s erased the name and phone of %d report(s)", request.user.username, erased)
            messages.success(request, _("Name and phone erased from %(n)d report(s).") % {"n": erased})
            return HttpResponseRedirect(f"{reverse('erasure_desk')}?{urlencode({'phone': phone})}", status=303)
        find_form = FindForm({"phone": request.POST.get("phone", "")})
    else:
        find_form = FindForm(request.GET) if "phone" in request.GET else FindForm()
        erase_form = None
    phone = find_form.cleaned_data["phone"] if find_form.is_bound and find_form.is_valid() else ""
    found = list(_found(request.user, phone)) if phone else None
    if erase_form is None and found:
        erase_form = EraseForm(initial={"phone": phone})
    context = {"find_form": find_form, "erase_form": erase_form, "found": found, "phone": phone}
    return render(request, "privacy/erasure.html", context, status=400 if request.method == "POST" else 200)

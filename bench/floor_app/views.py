"""The three steps, as a normal Django app writes them: a ModelForm, one INSERT and a 303 with a
message, one SELECT by the tracking token."""

import secrets

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from .models import Report


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["description"]


def report(request, token: str):
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.place = token
        form.instance.tracking_token = secrets.token_urlsafe(24)
        saved = form.save()
        messages.success(request, f"谢谢，您的反映 {saved.pk} 已收到。")
        response = redirect("track", token=saved.tracking_token)
        response.status_code = 303  # as the real app answers a POST (See Other)
        return response
    return render(request, "floor_app/report.html", {"form": form, "place": token})


def track(request, token: str):
    report = get_object_or_404(Report, tracking_token=token)
    return render(request, "floor_app/track.html", {"report": report})

"""The three steps, as plainly as Django allows: a form, one INSERT and a 303, one SELECT."""

import html
import secrets

from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.utils import timezone

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS floor_report ("
    " id {pk}, token VARCHAR(40) NOT NULL, description TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"
)

FORM = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>反映问题</title></head><body>'
    '<form method="post"><input type="hidden" name="idempotency_key" value="{key}">'
    '<label for="d">遇到了什么问题？</label><textarea id="d" name="description"></textarea>'
    '<button type="submit">提交反映</button></form></body></html>'
)
TRACK = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>{ref}</title></head><body>'
    "<h1>{ref}</h1><p>{description}</p><p>{created}</p></body></html>"
)


def report(request, token: str) -> HttpResponse:
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO floor_report (token, description, created_at) VALUES (%s, %s, %s) RETURNING id",
                [token, request.POST.get("description", ""), timezone.now()],
            )
            (pk,) = cursor.fetchone()
        return HttpResponseRedirect(f"/t/{pk}/", status=303)
    return HttpResponse(FORM.format(key=secrets.token_urlsafe(24)))


def track(request, pk: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT description, created_at FROM floor_report WHERE id = %s", [pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return HttpResponse(TRACK.format(ref=pk, description=html.escape(row[0]), created=row[1]))


urlpatterns = [
    path("q/<str:token>/", report),
    path("t/<int:pk>/", track),
]

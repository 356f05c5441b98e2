"""Issue 14 item 6: a resident's tracking token is written to the logs shortened, in request log
lines (`Not Found: /t/…`) and in error reports alike."""

import logging
import secrets

import pytest
from django.test import Client
from django.urls import path

from issues import services

pytestmark = pytest.mark.django_db


def boom(request, token):
    raise RuntimeError(f"could not render {request.path}")


urlpatterns = [path("t/<str:token>/boom/", boom)]


def test_a_tracking_page_for_an_unknown_token_logs_the_token_shortened(client, caplog):
    token = secrets.token_urlsafe(24)
    with caplog.at_level(logging.INFO):
        assert client.get(f"/t/{token}/").status_code == 404
        assert client.get(f"/api/v1/track/{token}/").status_code == 404
    assert token not in caplog.text
    assert f"/t/{token[:6]}…/" in caplog.text
    assert f"/api/v1/track/{token[:6]}…/" in caplog.text


def test_a_residents_own_pages_never_log_the_token(client, world, caplog):
    _issue, token, _created = services.create_issue(world.loc, description="路灯不亮了", kind="consult")
    with caplog.at_level(logging.INFO):
        assert client.get(f"/t/{token}/").status_code == 200
        client.post(f"/t/{token}/note/", {"text": ""})
    assert token not in caplog.text


@pytest.mark.urls(__name__)
def test_an_error_report_shortens_the_token_and_keeps_the_traceback(caplog):
    token = secrets.token_urlsafe(24)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = Client(raise_request_exception=False).get(f"/t/{token}/boom/")
    assert response.status_code == 500
    assert token not in caplog.text
    assert "Traceback" in caplog.text and f"could not render /t/{token[:6]}…/boom/" in caplog.text

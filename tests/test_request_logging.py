"""A refused request is logged in one line without a traceback; a server error keeps its traceback."""

import logging

import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("the database melted")


# For the 500 below: a view that fails, mounted only in that test.
urlpatterns = [path("boom/", boom)]


def request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_refused_desk_request_is_one_line_with_its_reason(client, world, caplog):
    client.force_login(world.staff)  # staff, not a grid worker: /tasks/ refuses them
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/tasks/", headers={"accept-language": "en"})
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.levelno == logging.WARNING and record.status_code == 403
    assert record.getMessage() == "Forbidden (Permission denied): /tasks/ (This page is for grid workers.)"
    assert record.exc_info is None and "Traceback" not in caplog.text


@pytest.mark.urls(__name__)
def test_a_server_error_keeps_its_traceback(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text and "the database melted" in caplog.text


def test_a_request_for_an_unknown_host_is_one_line(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO, logger="django.security"):
        response = client.get("/faq/", headers={"host": "evil.example"})
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.exc_info is None and "Traceback" not in caplog.text
    assert "evil.example" in record.getMessage()

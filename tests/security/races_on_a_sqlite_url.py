"""Run by test_sqlite_url.py in a subprocess with DATABASE_URL=sqlite:///… (issue 14, item 7):
concurrent accepts and confirms through HTTP, each effect once and no 5xx. Not collected by
itself (its name does not start with test_): it needs that environment."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from issues import services
from issues.models import Issue, IssueEvent
from tests import factories

THREADS = 8


def race(post) -> list[int]:
    barrier = threading.Barrier(THREADS, timeout=30)
    codes: list = []

    def run() -> None:
        try:
            barrier.wait()
            codes.append(post())
        except BaseException as exc:  # noqa: BLE001 - handed back to the test thread
            codes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return codes


def test_the_url_gave_the_embedded_sqlite_options():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert "from-url.sqlite3" in str(settings.DATABASES["default"]["NAME"])
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_on_a_sqlite_url(world):
    issue, _token = factories.issue(world.loc, kind="urgent")
    assert issue.assignee_id == world.worker.pk

    def accept() -> int:
        client = Client()
        client.force_login(world.worker)
        return client.post(reverse("task_action", args=[issue.pk, "accept"])).status_code

    codes = race(accept)
    assert all(isinstance(c, int) and c < 500 for c in codes), codes
    assert IssueEvent.objects.filter(issue=issue, type="accepted").count() == 1
    assert Issue.objects.get(pk=issue.pk).status == "accepted"


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirms_on_a_sqlite_url(world):
    issue, token = factories.issue(world.loc, kind="urgent")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="修好了")

    def confirm() -> int:
        return Client().post(reverse("track_confirm", args=[token]), {"rating": "5"}).status_code

    codes = race(confirm)
    assert all(isinstance(c, int) and c < 500 for c in codes), codes
    assert Issue.objects.get(pk=issue.pk).status == "closed"
    assert IssueEvent.objects.filter(issue=issue, type="confirmed").count() == 1

"""Helpers of the desk's tests: clients that read English, and many issues written fast."""

import datetime as dt
import itertools
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Issue

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


def client_for(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def many_issues(loc, n: int, *, created_at: dt.datetime | None = None, **fields) -> list[Issue]:
    """`n` issues at `loc` in one bulk insert (no events, no routing): for lists at scale."""
    grid = loc.grid
    now = created_at or timezone.now()
    rows = []
    for _ in range(n):
        k = next(_seq)
        rows.append(
            Issue(
                reference=f"BULK-{uuid.uuid4().hex[:8]}-{k}",
                kind=fields.get("kind", "consult"),
                description=fields.get("description", f"路灯不亮了 {k}"),
                location=loc,
                workstation_id=grid.neighbourhood.workstation_id,
                grid=grid,
                status=fields.get("status", "assigned"),
                tracking_token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                resolve_due_at=fields.get("resolve_due_at", now + dt.timedelta(days=1)),
                **{k2: v for k2, v in fields.items() if k2 not in ("kind", "description", "status", "resolve_due_at")},
            )
        )
    created = Issue.objects.bulk_create(rows, batch_size=500)
    if created_at is not None:
        Issue.objects.filter(pk__in=[i.pk for i in created]).update(created_at=created_at)
    return created


def queries_of(client: Client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response

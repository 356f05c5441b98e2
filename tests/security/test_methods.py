"""Issue 14 item 15: pages answer only the methods they serve. A GET-only page refuses PUT,
PATCH, DELETE and TRACE with 405 before it does anything; a form page takes GET and POST."""

import re

import pytest
from django.urls import URLResolver, get_resolver

from tests import factories

pytestmark = pytest.mark.django_db

# The admin, the API (DRF answers 405 itself, tested in tests/api) and Open311 have their own
# method handling; Django's own password views (accounts/…) are Django's.
SKIPPED = ("admin/", "api/", "open311/", "i18n/")


def routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def example_path(route: str) -> str:
    route = re.sub(r"<int:\w+>", "1", route)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x", route)


def page_routes():
    for route, pattern in routes():
        if route.startswith(SKIPPED) or pattern.lookup_str.startswith("django.contrib.auth.views"):
            continue
        yield route, pattern


def test_every_page_refuses_methods_it_does_not_serve(client):
    root = factories.user()
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(root)
    answered = []
    for route, pattern in page_routes():
        path = example_path(route)
        for method in ("put", "patch", "delete", "trace"):
            response = client.generic(method.upper(), path)
            if response.status_code != 405:
                answered.append((method, path, response.status_code, pattern.lookup_str))
            else:
                assert response["Allow"]
    assert answered == []


def test_the_desk_still_answers_get_and_head(client, world):
    client.force_login(world.staff)
    for name in ("/staff/", "/staff/worklog/", "/staff/stats/", "/staff/themes/"):
        assert client.get(name).status_code == 200
        assert client.head(name).status_code == 200

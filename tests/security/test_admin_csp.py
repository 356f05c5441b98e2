"""Issue 14 item 15: the admin has a Content Security Policy (django-csp), and it is one that
lets the admin work: no script or style it needs is refused."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ("admin:index", "admin:issues_issue_changelist", "admin:workstations_location_add", "admin:auth_user_add")


def superuser():
    root = factories.user()
    root.is_superuser = root.is_staff = True
    root.save(update_fields=["is_superuser", "is_staff"])
    return root


def test_admin_pages_carry_the_policy(client):
    assert "script-src 'self'" in client.get(reverse("admin:login"))["Content-Security-Policy"]
    client.force_login(superuser())
    for name in ADMIN_PAGES:
        policy = client.get(reverse(name))["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy


def test_the_site_keeps_its_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    for directive in ("default-src 'self'", "img-src 'self' data: blob:", "object-src 'none'", "form-action 'self'"):
        assert directive in policy

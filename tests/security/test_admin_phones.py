"""Issue 14 item 4: the admin masks a resident's phone for everyone the desk masks it for (a
housing officer, a supervisor given admin access), and searching by phone finds nothing for them."""

import pytest
from django.urls import reverse

from issues.models import Notification
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def reported(world):
    issue, _token = factories.issue(world.loc, kind="consult", reporter_phone=PHONE, route=False)
    return issue


def readers(world):
    housing = factories.user(role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    return [housing, supervisor]


def test_readers_see_the_phone_masked_and_cannot_find_it(world, reported):
    for reader in readers(world):
        client = factories.admin_client(reader, "issues")
        page = client.get(reverse("admin:issues_issue_change", args=[reported.pk]))
        assert page.status_code == 200
        body = page.content.decode()
        assert PHONE not in body
        assert MASKED in body
        listing = client.get(reverse("admin:issues_issue_changelist"), {"q": PHONE})
        assert listing.status_code == 200
        assert reported.reference not in listing.content.decode()
        assert (
            client.get(reverse("admin:issues_issue_changelist"), {"q": "12345678"})
            .content.decode()
            .count(reported.reference)
            == 0
        )
        # Still found by what they may search: its reference.
        found = client.get(reverse("admin:issues_issue_changelist"), {"q": reported.reference})
        assert reported.reference in found.content.decode()


def test_the_workstations_staff_still_see_and_find_it(world, reported):
    client = factories.admin_client(world.staff, "issues")
    page = client.get(reverse("admin:issues_issue_change", args=[reported.pk]))
    assert PHONE in page.content.decode()
    listing = client.get(reverse("admin:issues_issue_changelist"), {"q": PHONE})
    assert reported.reference in listing.content.decode()


def test_a_residents_sms_address_is_masked_for_readers(world, reported):
    sms = Notification.objects.create(
        issue=reported, channel="sms", address=PHONE, key=f"test-{reported.pk}", subject="s", body="b"
    )
    for reader in readers(world):
        client = factories.admin_client(reader, "issues")
        page = client.get(reverse("admin:issues_notification_change", args=[sms.pk]))
        assert page.status_code == 200
        assert PHONE not in page.content.decode()
        assert MASKED in page.content.decode()
    staff = factories.admin_client(world.staff, "issues")
    assert PHONE in staff.get(reverse("admin:issues_notification_change", args=[sms.pk])).content.decode()

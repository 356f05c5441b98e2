"""The issues admin for people who are not superusers but were given admin access (as the places
admin allows): each sees only the rows of the issues they may see, and only a workstation's own
staff may correct an issue by hand. Supervisors and housing officers read; they never change."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import notify
from issues.models import Issue, IssuePhoto, Notification
from tests import factories
from workstations.models import Role


def admin_access(user) -> Client:
    return factories.admin_client(user, "issues")


@pytest.fixture
def reported(world):
    issue, _token = factories.issue(world.loc, reporter_phone="13812345678", description="楼道灯坏了")
    return issue


def _change_form(issue: Issue, **changes) -> dict:
    return {
        "description": issue.description,
        "reporter_name": issue.reporter_name,
        "reporter_phone": issue.reporter_phone,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        **changes,
    }


@pytest.mark.parametrize("role", [Role.Kind.SUBDISTRICT_SUPERVISOR, Role.Kind.HOUSING_OFFICER])
def test_a_read_only_role_with_admin_access_cannot_change_an_issue(world, reported, role):
    where = (
        {"subdistrict": world.ws.subdistrict} if role == Role.Kind.SUBDISTRICT_SUPERVISOR else {"workstation": world.ws}
    )
    client = admin_access(factories.user(role=role, **where))
    url = reverse("admin:issues_issue_change", args=[reported.pk])
    assert client.get(url).status_code == 200  # they read it
    response = client.post(url, _change_form(reported, description="改过了"))
    assert response.status_code == 403
    reported.refresh_from_db()
    assert reported.description == "楼道灯坏了"


def test_the_workstations_staff_with_admin_access_may_correct_the_issue(world, reported):
    client = admin_access(world.staff)
    url = reverse("admin:issues_issue_change", args=[reported.pk])
    response = client.post(url, _change_form(reported, description="楼道灯坏了（三楼）"))
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.description == "楼道灯坏了（三楼）"


def test_photos_of_another_workstation_are_invisible_and_cannot_be_deleted(world, reported):
    photo = IssuePhoto.objects.create(issue=reported, image="issues/x.jpg")
    client = admin_access(world.outsider)
    page = client.get(reverse("admin:issues_issuephoto_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == []
    response = client.post(reverse("admin:issues_issuephoto_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 302  # "does not exist": back to the admin index
    assert IssuePhoto.objects.filter(pk=photo.pk).exists()


def test_a_read_only_role_cannot_delete_photos(world, reported):
    photo = IssuePhoto.objects.create(issue=reported, image="issues/x.jpg")
    supervisor = factories.user(role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    client = admin_access(supervisor)
    response = client.post(reverse("admin:issues_issuephoto_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert IssuePhoto.objects.filter(pk=photo.pk).exists()


def test_notifications_of_another_workstation_never_show_the_residents_phone(world, reported):
    notify.queue_resident(reported, key="test-sms", body="您的诉求已受理")
    row = Notification.objects.get(key="test-sms")
    assert row.address == "13812345678"
    client = admin_access(world.outsider)
    page = client.get(reverse("admin:issues_notification_changelist"))
    assert list(page.context["cl"].result_list) == []
    detail = client.get(reverse("admin:issues_notification_change", args=[row.pk]))
    assert detail.status_code == 302
    assert "13812345678" not in detail.content.decode()
    # The workstation's own staff still see their notifications.
    own = admin_access(world.staff).get(reverse("admin:issues_notification_changelist"))
    assert row in list(own.context["cl"].result_list)


def test_staff_with_admin_access_see_only_their_own_preferences_outbox_and_contacts(world, reported):
    from issues.ladder import Level
    from issues.models import EscalationContact, NotificationPreference, Outbox

    other_issue, _t = factories.issue(factories.location())  # another workstation
    NotificationPreference.objects.create(user=world.head, channel="sms", address="13900000001")
    mine = NotificationPreference.objects.create(user=world.staff, channel="sms", address="13900000002")
    here = EscalationContact.objects.create(level=Level.AREA_SECRETARY, workstation=world.ws, user=world.head)
    elsewhere = EscalationContact.objects.create(
        level=Level.AREA_SECRETARY, workstation=other_issue.workstation, user=world.head
    )
    client = admin_access(world.staff)

    page = client.get(reverse("admin:issues_notificationpreference_changelist")).content.decode()
    assert "13900000002" in page and "13900000001" not in page
    # What they add is theirs, whoever they name.
    client.post(
        reverse("admin:issues_notificationpreference_add"),
        {"user": world.head.pk, "channel": "email", "enabled": "on", "address": "x@example.invalid"},
    )
    assert NotificationPreference.objects.get(address="x@example.invalid").user == world.staff
    assert client.get(reverse("admin:issues_notificationpreference_change", args=[mine.pk])).status_code == 200

    outbox = client.get(reverse("admin:issues_outbox_changelist")).content.decode()
    assert Outbox.objects.filter(issue=other_issue).exists() and Outbox.objects.filter(issue=reported).exists()
    assert reported.reference in outbox and other_issue.reference not in outbox

    contacts = client.get(reverse("admin:issues_escalationcontact_changelist")).content.decode()
    assert f"/{here.pk}/change/" in contacts and f"/{elsewhere.pk}/change/" not in contacts
    response = client.post(
        reverse("admin:issues_escalationcontact_change", args=[here.pk]),
        {"level": Level.SUBDISTRICT, "workstation": world.ws.pk, "user": world.staff.pk},
    )
    assert response.status_code == 403
    here.refresh_from_db()
    assert (here.level, here.user) == (Level.AREA_SECRETARY, world.head)

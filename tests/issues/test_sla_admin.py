"""SLA policies and working-day overrides in the admin: an administrator's edit is validated in
the form (never a 500, never a policy that breaks deadlines), and takes effect for new reports."""

import pytest
from django.urls import reverse

from issues.models import Issue, SLAPolicy, WorkdayOverride
from tests import factories
from tests.desk.conftest import client_for

ADD = "admin:issues_slapolicy_add"


def change_url(kind: str = "community", priority: str = "high") -> str:
    """The change page of a policy the data migration seeded."""
    policy = SLAPolicy.objects.get(kind=kind, priority=priority)
    return reverse("admin:issues_slapolicy_change", args=[policy.pk])


@pytest.fixture
def root(db):
    user = factories.user("root")
    user.is_superuser = user.is_staff = True
    user.save()
    return client_for(user)


def policy_form(**fields) -> dict:
    form = {
        "kind": "community",
        "priority": "high",
        "unit": "days",
        "accept_within": "2",
        "arrive_within": "",
        "resolve_within": "5",
        "escalate_every": "1",
    }
    form.update(fields)
    return form


def errors_of(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def test_a_valid_policy_is_saved(root):
    response = root.post(change_url(), policy_form())
    assert response.status_code == 302
    assert SLAPolicy.objects.get(kind="community", priority="high").resolve_within == 5


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"resolve_within": "0"}, "resolve_within"),
        ({"accept_within": "0"}, "accept_within"),
        ({"arrive_within": "0"}, "arrive_within"),
        ({"escalate_every": "0"}, "escalate_every"),
        ({"resolve_within": "-3"}, "resolve_within"),
        ({"accept_within": "6"}, "accept_within"),  # later than the resolution target
        ({"arrive_within": "9"}, "arrive_within"),  # later than the resolution target
        ({"accept_within": "4", "arrive_within": "3"}, "accept_within"),  # accepted after the visit
        ({"resolve_within": "100000"}, "resolve_within"),  # past the calendar's end: every report would fail
        ({"unit": "working_days", "resolve_within": "10000", "accept_within": ""}, "resolve_within"),
        ({"escalate_every": "100000"}, "escalate_every"),
    ],
)
def test_a_policy_that_cannot_work_is_refused_with_a_form_error(root, fields, field):
    before = SLAPolicy.objects.get(kind="community", priority="high")
    errors = errors_of(root.post(change_url(), policy_form(**fields)))
    assert field in errors
    after = SLAPolicy.objects.get(pk=before.pk)
    assert (after.unit, after.accept_within, after.resolve_within) == (
        before.unit,
        before.accept_within,
        before.resolve_within,
    )


def test_a_second_policy_for_the_same_kind_and_priority_is_a_form_error(root):
    errors = errors_of(root.post(reverse(ADD), policy_form()))
    assert "__all__" in errors
    assert SLAPolicy.objects.filter(kind="community", priority="high").count() == 1


def test_the_changelist_refuses_a_bad_edit_in_place(root):
    policy = SLAPolicy.objects.get(kind="urgent", priority="normal")
    assert policy.accept_within == 10
    response = root.post(
        reverse("admin:issues_slapolicy_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(policy.pk),
            "form-0-unit": "minutes",
            "form-0-accept_within": "300",
            "form-0-arrive_within": "",
            "form-0-resolve_within": "240",
            "form-0-escalate_every": "15",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert response.context["cl"].formset.errors[0]
    policy.refresh_from_db()
    assert policy.accept_within == 10


def test_a_duplicate_override_date_is_a_form_error(root):
    WorkdayOverride.objects.create(date="2027-02-06", is_workday=True, note="春节调休")
    response = root.post(
        reverse("admin:issues_workdayoverride_add"), {"date": "2027-02-06", "is_workday": "", "note": "again"}
    )
    assert "date" in errors_of(response)
    assert WorkdayOverride.objects.get(date="2027-02-06").is_workday


def test_an_override_without_a_valid_date_is_a_form_error(root):
    response = root.post(reverse("admin:issues_workdayoverride_add"), {"date": "2027-02-30", "is_workday": "on"})
    assert "date" in errors_of(response)


def test_an_edited_policy_applies_to_the_next_report(root, world):
    factories.issue(world.loc, kind="community")  # loads the policies into this process's cache
    response = root.post(
        change_url("community", "normal"),
        policy_form(priority="normal", unit="minutes", accept_within="", resolve_within="7"),
    )
    assert response.status_code == 302
    issue, _ = factories.issue(world.loc, kind="community")
    issue = Issue.objects.get(pk=issue.pk)
    assert (issue.resolve_due_at - issue.sla_started_at).total_seconds() == 7 * 60

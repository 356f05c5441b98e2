"""seed_demo's 难事共办 story: the 高安路 meter case and the 区绿化市容局 结对, seeded once."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from cowork.models import Case, Commitment, Partnership
from issues.models import Dispatch

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_the_meter_case_and_the_partnership_once():
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    demo = json.loads(out.getvalue())
    call_command("seed_demo", stdout=io.StringIO())
    case = Case.objects.get()
    assert demo["case_urls"] == [f"{demo['base_url']}/cases/{case.pk}/"]
    assert case.issues.count() == 4 and case.issues.filter(status="coordinating").count() == 4
    assert {(u.department.name, u.part) for u in case.units.all()} == {("市南供电所", "lead"), ("衡复物业", "support")}
    meeting = case.meetings.get()
    assert meeting.status == "final" and meeting.agenda.filter(outcome="decision").count() == 2
    assert case.agreements.get().status == "agreed"
    now = timezone.now()
    assert sorted((a.status, a.is_open and a.due_at < now) for a in case.actions.all()) == [
        ("done", False),
        ("open", True),
    ]
    assert Dispatch.objects.filter(issue__in=case.issues.all()).count() == 8
    partnership = Partnership.objects.get()
    assert partnership.department.name == "区绿化市容局" and partnership.deputy_secretary.username == "demo-deputy"
    assert Commitment.objects.filter(fulfilled_at__isnull=False).count() == 1
    assert demo["users"]["deputy_secretary"] == "demo-deputy"

"""seed_demo names an area secretary (片区书记) for 梧桐片区: demo-secretary, who reads its desk and is
the level-3 contact of its escalation ladder; a second run changes nothing."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from issues.models import EscalationContact
from workstations.models import Role

pytestmark = pytest.mark.django_db


def seed() -> dict:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_has_an_area_secretary_of_wutong():
    demo = seed()
    assert demo["users"]["area_secretary"] == "demo-secretary"
    secretary = get_user_model().objects.get(username="demo-secretary")
    assert secretary.get_full_name() and secretary.is_active and not secretary.is_staff
    [role] = Role.objects.filter(user=secretary)
    assert (role.kind, role.workstation.slug) == (Role.Kind.AREA_SECRETARY, demo["workstation"])
    [contact] = EscalationContact.objects.filter(user=secretary)
    assert (contact.level, contact.workstation.slug, contact.subdistrict) == (3, demo["workstation"], None)


def test_seeding_the_area_secretary_again_changes_nothing():
    seed()
    roles, contacts = Role.objects.count(), EscalationContact.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert (Role.objects.count(), EscalationContact.objects.count()) == (roles, contacts)
    assert EscalationContact.objects.filter(user__username="demo-secretary").count() == 1

"""Estates on top of the shared `world`: 衡复物业 serving an estate around world.loc, its customer
service person, a housing officer, a second company with its own estate and staff (the outsider
company), and an estate without any company."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from estates import services
from estates.models import Estate, PropertySLAPolicy
from tests import factories
from workstations.models import Role

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)  # a Monday morning


@dataclass
class Estates:
    estate: Estate
    company: object
    cs: object  # 衡复物业's customer service
    officer: object
    other_estate: Estate
    other_company: object
    other_cs: object
    bare: Estate  # no company
    bare_loc: object


@pytest.fixture
def estates(world) -> Estates:
    sub = world.ws.subdistrict
    company = services.register_company(name="衡复物业", credit_code="91310000132200821H", subdistrict=sub)
    other = services.register_company(name="安亭物业", credit_code="91110108551385082Q", subdistrict=sub)
    officer = factories.user("officer", role=Role.Kind.HOUSING_OFFICER, workstation=world.ws)
    estate = Estate.objects.create(
        name="永嘉新村",
        neighbourhood=world.grid.neighbourhood,
        households=400,
        company=company,
        housing_officer=officer,
    )
    services.add_locations(estate, locations=[world.loc])
    other_loc = factories.location(world.grid2)
    other_estate = Estate.objects.create(
        name="安亭公寓", neighbourhood=world.grid2.neighbourhood, households=100, company=other, housing_officer=officer
    )
    services.add_locations(other_estate, locations=[other_loc])
    bare_loc = factories.location(world.grid2)
    bare = Estate.objects.create(
        name="高安路19弄", neighbourhood=world.grid2.neighbourhood, households=40, housing_officer=officer
    )
    services.add_locations(bare, locations=[bare_loc])
    cs = factories.user("hengfu-cs", role=Role.Kind.PROPERTY, department=company.department)
    other_cs = factories.user("anting-cs", role=Role.Kind.PROPERTY, department=other.department)
    PropertySLAPolicy.objects.update_or_create(
        kind="consult", priority="normal", defaults={"unit": "days", "accept_within": 1, "resolve_within": 3}
    )
    return Estates(estate, company, cs, officer, other_estate, other, other_cs, bare, bare_loc)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(T0, tick=False)
    return lambda when: time_machine.move_to(when, tick=False)


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests match the English msgids: pages (no Accept-Language) and messages written in
    the workstation's language are English here; test_i18n checks the Chinese catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

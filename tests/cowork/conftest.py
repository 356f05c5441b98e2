"""A case's cast: the `world` workstation with two complex reports, a lead unit (power) and a
supporting unit (property) each with a liaison, and a unit of the subdistrict not in the case."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from cowork import services
from cowork.models import CaseUnit
from tests import factories
from workstations.models import Role


@dataclass
class Cast:
    world: object
    power: object
    estate: object
    stranger_unit: object
    power_liaison: object
    estate_liaison: object
    stranger_liaison: object
    issues: list
    tokens: list


def in_days(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched by their English msgid; the translations are tested in test_i18n."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def cast(world, sla_policies, published) -> Cast:
    sub = world.ws.subdistrict
    power = factories.department(sub, name="市南供电所")
    estate = factories.department(sub, name="衡复物业", category="property")
    stranger = factories.department(sub, name="区建管委", category="bureau")
    made = [
        factories.issue(
            world.loc, description=f"{n}号楼电表合用，要求分表", kind="complex", reporter_phone=f"1380000000{n}"
        )
        for n in (1, 2)
    ]
    return Cast(
        world=world,
        power=power,
        estate=estate,
        stranger_unit=stranger,
        power_liaison=factories.user("power", role=Role.Kind.LIAISON, department=power),
        estate_liaison=factories.user("estate", role=Role.Kind.LIAISON, department=estate),
        stranger_liaison=factories.user("stranger", role=Role.Kind.LIAISON, department=stranger),
        issues=[i for i, _t in made],
        tokens=[t for _i, t in made],
    )


def units(cast: Cast) -> list:
    return [
        services.UnitPlan(department=cast.power, part=CaseUnit.Part.LEAD, due_at=in_days(20)),
        services.UnitPlan(department=cast.estate, part=CaseUnit.Part.SUPPORT, due_at=in_days(20)),
    ]


@pytest.fixture
def case(cast):
    return services.open_case(
        cast.world.ws, actor=cast.world.staff, title="高安路电表分表", issues=cast.issues, units=units(cast)
    )


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests match the English msgids: pages (no Accept-Language) and messages written in
    the workstation's language are English here; test_i18n checks the Chinese catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

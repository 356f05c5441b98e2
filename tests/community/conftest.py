"""An event of the `world` workstation, open for sign-up, and a way to make more."""

import datetime as dt

import pytest
from django.utils import timezone

from community.models import Activity


def make_activity(ws, *, organiser=None, **kw) -> Activity:
    start = timezone.now() + dt.timedelta(days=3)
    activity = Activity.objects.create(
        **{
            "workstation": ws,
            "title": "创业者沙龙",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "place_text": "梧桐院",
            "capacity": 3,
            "status": Activity.Status.PUBLISHED,
            **kw,
        }
    )
    if organiser is not None:
        activity.organisers.add(organiser)
    return activity


@pytest.fixture
def activity(world) -> Activity:
    return make_activity(world.ws)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are checked in English (the msgids); pages default to Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def english_pages(settings):
    """These tests match the English msgids: pages (no Accept-Language) and messages written in
    the workstation's language are English here; test_i18n checks the Chinese catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

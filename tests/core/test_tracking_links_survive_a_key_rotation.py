"""SMS tracking links are rebuilt from the report's idempotency key under SECRET_KEY; with the
old key moved to SECRET_KEY_FALLBACKS (Django's documented rotation) a link sent before the
rotation still opens its page, and a message sent after it carries the same link."""

import pytest
from django.test import Client

from issues import notify, services
from issues.models import Notification

KEY = "k" * 24


@pytest.fixture(autouse=True)
def _no_broker(published) -> None:
    """Routing is published to a list instead of the broker."""


def sms_link(issue) -> str:
    sms = Notification.objects.filter(issue=issue, channel="sms").first()
    return notify.with_tracking_link(sms).rsplit(" ", 1)[-1].split("/t/", 1)[1].rstrip("/")


def test_a_link_sent_before_the_rotation_still_opens_its_page(world, settings):
    settings.SECRET_KEY = "old-secret-" + "x" * 40
    issue, token, _ = services.create_issue(
        world.loc, description="路灯坏了", reporter_phone="13812345678", idempotency_key=KEY
    )
    services.route_issue(issue.pk)  # tells the resident: an SMS with the link
    sent_before = sms_link(issue)
    assert sent_before == token

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "new-secret-" + "y" * 40
    page = Client().get(f"/t/{sent_before}/")
    assert page.status_code == 200 and issue.reference in page.content.decode()
    assert sms_link(issue) == sent_before  # a message sent now carries the same link
    # A retried submission after the rotation leads back to the same page.
    again, again_token, created = services.create_issue(world.loc, description="路灯坏了", idempotency_key=KEY)
    assert (again, again_token, created) == (issue, token, False)


def test_without_the_old_key_the_link_is_not_rebuilt(world, settings):
    settings.SECRET_KEY = "old-secret-" + "x" * 40
    issue, _token, _ = services.create_issue(
        world.loc, description="路灯坏了", reporter_phone="13812345678", idempotency_key=KEY
    )
    services.route_issue(issue.pk)
    settings.SECRET_KEY = "new-secret-" + "y" * 40
    sms = Notification.objects.filter(issue=issue, channel="sms").first()
    assert notify.with_tracking_link(sms) == sms.body  # no wrong link is sent

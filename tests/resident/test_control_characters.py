"""Control characters in what residents and systems send are dropped before anything is kept
(issues.text.plain): text made only of them is empty, line breaks and tabs stay."""

import pytest
from django.test import Client

from issues.models import Issue
from issues.text import plain

KEY = "k" * 20


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def test_plain_keeps_line_breaks_and_tabs_and_drops_the_rest():
    assert plain("路灯\x07不亮\r\n第二行\t完\x1b[31m\x7f\x85") == "路灯不亮\n第二行\t完[31m"


@pytest.mark.django_db
def test_a_report_made_only_of_control_characters_is_empty(world):
    response = english().post(world.loc.report_path(), {"description": "\x01\x02\x1f", "idempotency_key": KEY})
    assert response.status_code == 400
    assert "Please tell us what is wrong." in response.content.decode()
    assert not Issue.objects.exists()


@pytest.mark.django_db
def test_a_report_keeps_its_words_without_the_control_characters(world, published):
    response = english().post(
        world.loc.report_path(), {"description": "路灯\x07不亮\r\n晚上很黑", "idempotency_key": KEY}
    )
    assert response.status_code == 303
    assert Issue.objects.get().description == "路灯不亮\n晚上很黑"

"""The report form at /q/<token>/: what it shows, what it accepts, and what it refuses."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from issues.models import Issue, IssueEvent

KEY = "k" * 20


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def post(client: Client, loc, **fields):
    data = {"description": "路灯坏了", "kind": "", "idempotency_key": KEY, **fields}
    return client.post(loc.report_path(), data)


def test_the_form_offers_the_four_kinds_in_plain_words_and_may_be_skipped(world):
    html = english().get(world.loc.report_path()).content.decode()
    for label in (
        "I have a question",
        "Emergency",
        "A hard matter that needs several parties",
        "A good idea or a good deed",
    ):
        assert label in html
    assert re.search(r'<input type="radio" name="kind" value="" id="id_kind_4"[^>]* checked>', html)
    assert 'name="idempotency_key"' in html and 'name="csrfmiddlewaretoken"' in html
    # The emergency numbers are at the top of the page, before the form.
    assert html.index('href="tel:110"') < html.index('<form method="post" enctype')


def test_each_visitor_gets_a_fresh_key_and_a_working_csrf_token(world, settings):
    keys = set()
    for _ in range(3):
        client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
        html = client.get(world.loc.report_path()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
        assert "hole" not in html
        keys.add(key)
        data = {"csrfmiddlewaretoken": token, "idempotency_key": key, "description": "路灯坏了"}
        assert client.post(world.loc.report_path(), data).status_code == 303
    assert len(keys) == 3
    assert Issue.objects.count() == 3


def test_a_renamed_place_shows_at_once(world):
    assert world.loc.name in english().get(world.loc.report_path()).content.decode()
    world.loc.name = "永嘉路999弄"
    world.loc.save(update_fields=["name"])
    assert "永嘉路999弄" in english().get(world.loc.report_path()).content.decode()


def test_the_form_hands_the_keyword_rules_to_the_browser(world):
    html = english().get(world.loc.report_path()).content.decode()
    assert "data-urgent-words=" in html and "漏电" in html


def test_a_text_only_report_is_created_and_leads_to_its_tracking_page(world, published):
    response = post(english(), world.loc, description="  永嘉路路灯不亮  ", name="王阿姨", phone="138 1234 1234")
    assert response.status_code == 303
    assert re.fullmatch(r"/t/[0-9a-f]{40}/", response["Location"])
    issue = Issue.objects.get()
    assert (issue.description, issue.reporter_name, issue.reporter_phone) == ("永嘉路路灯不亮", "王阿姨", "13812341234")
    assert issue.urgent_keywords == ""


def test_a_double_submit_makes_one_issue_and_the_same_tracking_page(world, published):
    client = english()
    first = post(client, world.loc)
    second = post(client, world.loc)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Issue.objects.count() == 1
    assert IssueEvent.objects.filter(type=IssueEvent.Type.CREATED).count() == 1


def test_a_report_without_description_keeps_what_was_typed(world):
    response = post(english(), world.loc, description="   ", name="王阿姨", phone="021-64001234", kind="complex")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please tell us what is wrong." in html
    assert 'value="王阿姨"' in html and 'value="021-64001234"' in html
    assert re.search(r'value="complex" id="id_kind_2"[^>]* checked', html)
    assert Issue.objects.count() == 0


@pytest.mark.parametrize("phone", ["12345", "23812345678", "138123456789", "abc"])
def test_a_phone_that_is_neither_mobile_nor_landline_is_refused(world, phone):
    response = post(english(), world.loc, phone=phone)
    assert response.status_code == 400
    assert "Please write a mobile number like 13812345678" in response.content.decode()
    assert Issue.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("+86 139-0000-1111", "13900001111"), ("(021) 6400 1234", "021-64001234"), ("64001234", "64001234")],
)
def test_mobiles_and_landlines_are_tidied(world, published, typed, kept):
    assert post(english(), world.loc, phone=typed).status_code == 303
    assert Issue.objects.get().reporter_phone == kept


def test_an_anonymous_report_is_fine(world, published):
    assert post(english(), world.loc, name="", phone="").status_code == 303
    assert Issue.objects.get().reporter_phone == ""


def test_the_honeypot_stops_a_robot_with_a_message(world):
    response = post(english(), world.loc, website="http://spam.example")
    assert response.status_code == 400
    assert "Sorry, we could not accept this report." in response.content.decode()
    assert Issue.objects.count() == 0


def test_too_many_reports_from_one_address_get_a_friendly_429(world, published, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_REPORTS_PER_IP = 2
    client = english()
    for n in range(2):
        assert post(client, world.loc, idempotency_key=f"key-{n}".ljust(20, "x")).status_code == 303
    response = post(client, world.loc, idempotency_key="key-3".ljust(20, "x"), description="第三次")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a while and send again." in html
    assert "第三次" in html  # what was typed is still there
    assert Issue.objects.count() == 2


def test_a_location_over_its_limit_gets_a_friendly_429(world, published, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_REPORTS_PER_LOCATION = 1
    assert post(english(), world.loc, idempotency_key="a" * 20).status_code == 303
    other_client = Client(headers={"accept-language": "en"}, REMOTE_ADDR="10.1.2.3")
    assert post(other_client, world.loc, idempotency_key="b" * 20).status_code == 429
    assert Issue.objects.count() == 1


def test_the_busy_message_gives_the_workstations_phone_for_what_cannot_wait(world, published, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_REPORTS_PER_LOCATION = 0
    world.ws.phone = "021-64370125"
    world.ws.save(update_fields=["phone"])
    html = post(english(), world.loc).content.decode()
    alert = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S).group(1)
    assert "Please wait a while and send again." in alert
    assert 'href="tel:021-64370125"' in alert


def test_csrf_stays_on(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(world.loc.report_path(), {"description": "路灯坏了"}).status_code == 403
    assert Issue.objects.count() == 0


def test_an_unknown_code_is_404_and_a_retired_one_410(world):
    assert english().get(reverse("report", args=["nope"])).status_code == 404
    world.loc.is_active = False
    world.loc.save(update_fields=["is_active"])
    response = english().get(world.loc.report_path())
    assert response.status_code == 410
    assert 'href="tel:021-64000000"' in response.content.decode()  # the workstation can still be told
    assert post(english(), world.loc).status_code == 410

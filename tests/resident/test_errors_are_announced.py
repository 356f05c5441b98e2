"""A screen reader reads a field's error when the field gets focus: Django points each invalid
field's aria-describedby at `<id>_error`, so the page must carry an element with that id holding
the message. A dangling reference says nothing."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from issues import services
from tests import factories

from .conftest import upload


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: dict[str, list[str]] = {}  # field name (or id) -> ids it points at

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby"):
            name = attrs.get("name") or attrs.get("id") or tag
            self.described.setdefault(name, []).extend(attrs["aria-describedby"].split())


def parse(html: str) -> Ids:
    page = Ids()
    page.feed(html)
    return page


def error_text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def test_the_report_forms_errors_are_linked_to_their_fields(world):
    response = english().post(
        world.loc.report_path(),
        {"description": "", "phone": "12345", "photos": [upload(b"not a picture", "a.jpg")]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    page = parse(html)
    for field in ("description", "phone", "photos"):
        assert f"id_{field}_error" in page.described[field], field
    missing = {ref for refs in page.described.values() for ref in refs} - page.ids
    assert missing == set()
    assert "Please tell us what is wrong." in error_text(html, "id_description_error")
    assert "13812345678" in error_text(html, "id_phone_error")
    assert "a.jpg" in error_text(html, "id_photos_error")


@pytest.fixture
def resolved(world):
    issue, token = factories.issue(world.loc)
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.arrive_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="已更换路灯")
    return token


def test_the_tracking_pages_errors_are_linked_to_their_fields(world, resolved):
    client = english()
    for action, data in (("track_confirm", {"rating": "9"}), ("track_reopen", {"reason": ""})):
        html = client.post(reverse(action, args=[resolved]), data).content.decode()
        page = parse(html)
        refs = {ref for refs in page.described.values() for ref in refs}
        assert any(ref.endswith("_error") for ref in refs), action
        assert refs - page.ids == set(), action


def test_a_note_refused_on_the_tracking_page_says_why_beside_the_field(world):
    _, token = factories.issue(world.loc)
    html = english().post(reverse("track_note", args=[token]), {"note": ""}).content.decode()
    page = parse(html)
    refs = {ref for refs in page.described.values() for ref in refs}
    assert refs - page.ids == set()

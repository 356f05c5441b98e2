"""The site's icon: named by every page on base.html, and /favicon.ico (which browsers ask for
wherever a page names none) leads to it instead of a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_permanently_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"


def test_the_icon_is_a_static_svg_in_the_sites_blue():
    icon = finders.find("favicon.svg")
    assert icon, "static/favicon.svg is missing"
    with open(icon, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("<svg") and "#0b4f8a" in text


def test_pages_name_the_icon(client):
    response = client.get("/faq/")
    assert response.status_code == 200
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in response.content.decode()

"""A form sent without a valid CSRF token (a page left open for long, cookies blocked) gets a page
in plain words, in the reader's language, that shows back what was written and leads to the page
again; nothing is made."""

import pytest
from django.test import Client
from django.urls import reverse

from issues.models import Issue

pytestmark = pytest.mark.django_db


def test_a_report_without_its_token_is_explained_and_what_was_written_is_kept(world):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "zh-hans"})
    form = reverse("report", args=[world.loc.qr_token])
    response = client.post(form, {"description": "弄口的路灯<不亮>了"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "允许本网站使用 Cookie" in page
    assert "弄口的路灯&lt;不亮&gt;了</textarea>" in page  # shown back, escaped
    assert f'href="{form}"' in page
    assert "<script>" not in page and "style=" not in page
    assert not Issue.objects.exists()
    # The page set a token cookie: opening the form again and sending works.
    again = client.get(form)
    token = again.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    sent = client.post(form, {"description": "弄口的路灯不亮了", "csrfmiddlewaretoken": token})
    assert sent.status_code == 303 and Issue.objects.count() == 1


def test_it_reads_in_english_for_an_english_reader(world):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    response = client.post(reverse("login"), {"username": "staff", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page has expired" in page and 'href="/accounts/login/"' in page
    assert "<textarea" not in page  # nothing to show back

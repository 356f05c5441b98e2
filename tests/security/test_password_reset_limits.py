"""Issue 14 item 12: password-reset mails are limited per client address and per account, and
the answer is the same whether or not an account has the address typed."""

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_PASSWORD_RESETS_PER_IP = 5
    settings.RATELIMIT_PASSWORD_RESETS_PER_ACCOUNT = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def ask(client, email: str, ip: str):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def test_one_account_gets_a_few_mails_however_often_it_is_asked(client, limits):
    person = factories.user("reset-me")
    for n in range(4):
        response = ask(client, person.email, f"10.1.1.{n + 1}")
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 2
    assert all(m.to == [person.email] for m in mail.outbox)


def test_the_answer_is_the_same_for_an_address_no_account_has(client, limits):
    factories.user("reset-me")
    answers = [ask(client, "nobody@example.invalid", f"10.2.2.{n + 1}") for n in range(4)]
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, reverse("password_reset_done"))] * 4
    assert mail.outbox == []


def test_one_address_asking_for_many_accounts_is_refused(client, limits):
    people = [factories.user(f"reset-{n}") for n in range(6)]
    for person in people[:5]:
        assert ask(client, person.email, "10.3.3.3").status_code == 302
    response = ask(client, people[5].email, "10.3.3.3")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many password resets were asked from this address" in body
    assert people[5].email in body  # what was typed stays
    assert len(mail.outbox) == 5
    # Someone else, elsewhere, is not affected.
    assert ask(client, people[5].email, "10.4.4.4").status_code == 302
    assert len(mail.outbox) == 6

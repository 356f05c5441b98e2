"""/accounts/notifications/: every person who handles reports chooses how they are told, sees
only their own choices, and can send themselves a test message through the notifier."""

import logging

import pytest
from django.urls import reverse

from issues import notify
from issues.models import Notification, NotificationPreference
from issues.tasks import deliver_notifications_task
from tests import factories
from tests.desk.conftest import client_for
from workstations.models import Role

URL = "/accounts/notifications/"
OFF = {"email_address": "", "sms_address": "", "wechat_address": "", "webhook_address": ""}


def saved(user) -> dict[str, tuple[bool, str]]:
    return {p.channel: (p.enabled, p.address) for p in NotificationPreference.objects.filter(user=user)}


def post(client, **data):
    return client.post(URL, {**OFF, **data})


@pytest.fixture
def liaison(world):
    dept = factories.department(world.ws.subdistrict)
    return factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)


@pytest.fixture
def supervisor(world):
    return factories.user("sub-sup", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)


@pytest.fixture
def delivered(monkeypatch):
    """The delivery task runs in place (no broker): a press of the button reaches the channel."""
    monkeypatch.setattr(
        deliver_notifications_task, "apply_async", lambda args=None, **kw: [notify.deliver(pk) for pk in args[0]]
    )


# --- Who may open it -----------------------------------------------------------------------


def test_the_url_is_named_and_needs_a_login(world):
    assert reverse("notification_settings") == URL
    response = client_for().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for().post(reverse("notification_test")).status_code == 302
    assert not Notification.objects.exists()


def test_someone_without_a_role_is_refused(db):
    nobody = factories.user("no-role")
    assert client_for(nobody).get(URL).status_code == 403
    assert post(client_for(nobody), email_enabled="on").status_code == 403
    assert client_for(nobody).post(reverse("notification_test")).status_code == 403
    assert not NotificationPreference.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "who, nav",
    [
        ("staff", "/staff/worklog/"),
        ("head", "/staff/worklog/"),
        ("worker", "/tasks/patrol/"),
        ("liaison", "/dispatches/"),
        ("supervisor", "/staff/"),
    ],
)
def test_every_role_opens_it_with_its_own_nav(world, liaison, supervisor, who, nav):
    user = {"liaison": liaison, "supervisor": supervisor}.get(who) or getattr(world, who)
    response = client_for(user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{nav}"' in page
    assert f'href="{URL}" aria-current="page"' in page


def test_each_person_sees_and_changes_only_their_own(world):
    post(client_for(world.staff), sms_enabled="on", sms_address="13955550001")
    page = client_for(world.outsider).get(URL).content.decode()
    assert "13955550001" not in page and world.staff.email not in page
    assert world.outsider.email in page
    # No user in the URL or the form: a forged field changes only the sender's own rows.
    response = post(client_for(world.outsider), user=world.staff.pk, sms_enabled="on", sms_address="13900000000")
    assert response.status_code == 303
    assert saved(world.staff)["sms"] == (True, "13955550001")
    assert saved(world.outsider)["sms"] == (True, "13900000000")


# --- What it shows and saves ---------------------------------------------------------------


def test_without_a_choice_it_shows_the_email_fallback_honestly(world):
    response = client_for(world.worker).get(URL)
    form = response.context["form"]
    assert form["email_enabled"].value() is True and not form["sms_enabled"].value()
    assert response.context["told_at"] == [f"Email to {world.worker.email}"]
    page = response.content.decode()
    assert "You have not chosen yet" in page
    assert f'placeholder="{world.worker.email}"' in page


def test_saving_writes_every_channel_and_tidies_the_mobile(world):
    client = client_for(world.worker)
    response = post(client, sms_enabled="on", sms_address="+86 138-1234-5678", email_address="")
    assert response.status_code == 303 and response["Location"] == URL
    assert saved(world.worker) == {
        "email": (False, ""),
        "sms": (True, "13812345678"),
        "wechat": (False, ""),
        "webhook": (False, ""),
    }
    assert notify.addresses_for(world.worker) == [("sms", "13812345678")]
    page = client.get(URL).content.decode()
    assert "Saved. New messages go where you chose." in page
    assert "SMS (text message) to 13812345678" in page and "You have not chosen yet" not in page


def test_email_left_blank_follows_the_account_address(world):
    post(client_for(world.staff), email_enabled="on")
    assert saved(world.staff)["email"] == (True, "")
    assert notify.addresses_for(world.staff) == [("email", world.staff.email)]
    post(client_for(world.staff), email_enabled="on", email_address="desk@example.org")
    assert notify.addresses_for(world.staff) == [("email", "desk@example.org")]


def test_every_channel_at_once(world):
    post(
        client_for(world.head),
        email_enabled="on",
        sms_enabled="on",
        sms_address="13912345678",
        wechat_enabled="on",
        wechat_address="oAbCdEfGhIjKlMnOpQrStUvWxYz0",
        webhook_enabled="on",
        webhook_address="https://hooks.example.org/minqing?x=1",
    )
    assert notify.addresses_for(world.head) == [
        ("email", world.head.email),
        ("sms", "13912345678"),
        ("wechat", "oAbCdEfGhIjKlMnOpQrStUvWxYz0"),
        ("webhook", "https://hooks.example.org/minqing?x=1"),
    ]


def test_an_unticked_channel_keeps_its_address_for_later(world):
    post(client_for(world.worker), email_enabled="on", sms_address="13812345678")
    assert saved(world.worker)["sms"] == (False, "13812345678")
    assert notify.addresses_for(world.worker) == [("email", world.worker.email)]


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"sms_enabled": "on", "sms_address": "12345"}, "sms_address", "Please write a mobile number like 1381"),
        ({"sms_enabled": "on", "sms_address": "021-12345678"}, "sms_address", "not a landline"),
        ({"sms_enabled": "on", "sms_address": ""}, "sms_address", "Please enter your mobile number"),
        ({"sms_address": "1" * 200}, "sms_address", "at most 30 characters"),
        ({"email_enabled": "on", "email_address": "not-an-email"}, "email_address", "valid email"),
        ({"wechat_enabled": "on", "wechat_address": ""}, "wechat_address", "Please enter your WeChat openid"),
        ({"wechat_enabled": "on", "wechat_address": "o" * 65}, "wechat_address", "at most 64 characters"),
        ({"wechat_enabled": "on", "wechat_address": "oAb Cd"}, "wechat_address", "no spaces"),
        ({"webhook_enabled": "on", "webhook_address": ""}, "webhook_address", "Please enter the webhook URL"),
        ({"webhook_enabled": "on", "webhook_address": "ftp://example.org/x"}, "webhook_address", "valid URL"),
        ({"webhook_enabled": "on", "webhook_address": "not a url"}, "webhook_address", "valid URL"),
        ({"webhook_enabled": "on", "webhook_address": "http://127.0.0.1:8000/x"}, "webhook_address", "private"),
        ({"webhook_enabled": "on", "webhook_address": "http://169.254.169.254/"}, "webhook_address", "private"),
        ({"webhook_enabled": "on", "webhook_address": "http://[::1]/x"}, "webhook_address", "private"),
        ({"webhook_enabled": "on", "webhook_address": "http://localhost/x"}, "webhook_address", "private"),
        (
            {"webhook_enabled": "on", "webhook_address": "https://example.org/" + "a" * 300},
            "webhook_address",
            "at most 300",
        ),
    ],
)
def test_a_bad_address_is_refused_beside_its_field_with_what_was_typed(world, data, field, message):
    response = post(client_for(world.worker), **data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field] and message in str(form.errors[field])
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and 'aria-invalid="true"' in page
    if data[field] and len(data[field]) < 100:
        assert f'value="{data[field]}"' in page  # what was typed is kept
    assert "Not saved yet" in page
    assert not NotificationPreference.objects.exists()


def test_email_ticked_without_any_address_is_refused(world):
    world.worker.email = ""
    world.worker.save(update_fields=["email"])
    response = post(client_for(world.worker), email_enabled="on")
    assert response.status_code == 400
    assert "Please enter an email address, or untick email." in str(response.context["form"].errors["email_address"])
    assert "Your account has no email address" in response.content.decode()


def test_everything_off_is_allowed_with_a_plain_warning_and_means_nowhere(world):
    client = client_for(world.worker)
    response = post(client)
    assert response.status_code == 303
    assert saved(world.worker) == {ch: (False, "") for ch in ("email", "sms", "wechat", "webhook")}
    assert notify.addresses_for(world.worker) == []
    page = client.get(URL).content.decode()
    assert "you will now be told nowhere" in page
    assert "Right now you are told nowhere." in page


# --- The next real notification goes where the page says -----------------------------------


def test_a_choice_on_the_page_changes_where_the_next_notification_goes(
    world, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    post(client_for(world.worker), sms_enabled="on", sms_address="13812345678")
    with caplog.at_level(logging.INFO, logger="issues.notify"), django_capture_on_commit_callbacks(execute=True):
        rows = notify.save(notify.build(world.worker, key="k:page", subject="任务", body="新任务"), inline=True)
    assert [(r.channel, r.address) for r in rows] == [("sms", "13812345678")]
    assert Notification.objects.get(key="k:page").sent_at is not None
    assert "SMS to 138****5678: 新任务" in caplog.text
    assert mailoutbox == []


def test_after_everything_off_the_next_notification_is_recorded_as_no_address(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    post(client_for(world.worker))
    with django_capture_on_commit_callbacks(execute=True):
        notify.save(notify.build(world.worker, key="k:off", subject="任务", body="新任务"), inline=True)
    note = Notification.objects.get(key="k:off")
    assert (note.address, note.last_error) == ("", "no address") and note.sent_at is not None
    assert mailoutbox == []


# --- The test message ------------------------------------------------------------------------


def test_the_test_message_goes_through_the_notifier_and_says_where(
    world, mailoutbox, delivered, django_capture_on_commit_callbacks
):
    client = client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notification_test"), {"press": "a" * 32}, follow=True)
    note = Notification.objects.get(user=world.staff)
    assert note.key == f"test-message:{world.staff.pk}:{'a' * 32}" and note.sent_at is not None
    assert [m.to for m in mailoutbox] == [[world.staff.email]]
    assert f"A test message is on its way: Email to {world.staff.email}." in response.content.decode()


def test_a_double_tap_sends_once_and_a_new_press_again(world):
    client = client_for(world.staff)
    client.post(reverse("notification_test"), {"press": "b" * 32})
    response = client.post(reverse("notification_test"), {"press": "b" * 32}, follow=True)
    assert "That test message was already sent." in response.content.decode()
    assert Notification.objects.filter(user=world.staff).count() == 1
    client.post(reverse("notification_test"), {"press": "x' OR 1=1"})  # a forged press: a key of its own
    assert Notification.objects.filter(user=world.staff).count() == 2


def test_the_test_message_uses_every_channel_chosen(world):
    client = client_for(world.worker)
    post(client, email_enabled="on", sms_enabled="on", sms_address="13812345678")
    response = client.post(reverse("notification_test"), follow=True)
    assert sorted(Notification.objects.filter(user=world.worker).values_list("channel", "address")) == [
        ("email", world.worker.email),
        ("sms", "13812345678"),
    ]
    assert "SMS (text message) to 13812345678" in response.content.decode()


def test_the_test_message_when_told_nowhere_says_so(world):
    client = client_for(world.worker)
    post(client)
    response = client.post(reverse("notification_test"), follow=True)
    assert "recorded but not sent" in response.content.decode()
    assert Notification.objects.get(user=world.worker).address == ""


def test_the_test_message_is_rate_limited(world):
    client = client_for(world.worker)
    for _ in range(3):
        client.post(reverse("notification_test"))
    response = client.post(reverse("notification_test"), follow=True)
    assert "Please wait ten minutes" in response.content.decode()
    assert Notification.objects.filter(user=world.worker).count() == 3
    # Another person's limit is their own.
    client_for(world.staff).post(reverse("notification_test"))
    assert Notification.objects.filter(user=world.staff).count() == 1


def test_the_test_message_needs_a_post(world):
    assert client_for(world.worker).get(reverse("notification_test")).status_code == 405


# --- The page itself -------------------------------------------------------------------------


def test_the_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world.worker)
    # The session, the user, their roles, their preferences.
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
    post(client, email_enabled="on", sms_enabled="on", sms_address="13812345678")
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
    # Saving is one upsert of the four rows.
    with django_assert_max_num_queries(4):
        assert post(client, sms_enabled="on", sms_address="13812345678").status_code == 303


def test_the_page_is_for_a_phone_and_needs_no_script(world):
    response = client_for(world.worker).get(URL)
    page = response.content.decode()
    assert "<script>" not in page and " style=" not in page and "onclick" not in page
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert 'name="viewport"' in page
    assert 'type="tel"' in page and 'type="url"' in page and 'type="email"' in page
    assert page.count('type="checkbox"') == 4
    assert 'name="press"' in page


@pytest.mark.parametrize(
    "who, url",
    [
        ("worker", "/tasks/"),
        ("worker", "/tasks/patrol/"),
        ("staff", "/staff/"),
        ("staff", "/staff/worklog/"),
        ("liaison", "/dispatches/"),
    ],
)
def test_the_desk_pages_link_to_it(world, liaison, who, url):
    user = liaison if who == "liaison" else getattr(world, who)
    page = client_for(user).get(url).content.decode()
    assert f'<a href="{URL}"' in page and ">Notifications</a>" in page


def test_the_task_page_links_to_it(world):
    issue, _ = factories.issue(world.loc, kind="consult")
    page = client_for(world.worker).get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert f'<a href="{URL}">Notifications</a>' in page


def test_it_reads_in_chinese(world):
    """Needs the msgids of this page in locale/zh_Hans (see the lead's merge of the report)."""
    from django.test import Client

    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(world.worker)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "通知设置" in page and "用这种方式通知我" in page
    post(client, email_enabled="on", sms_enabled="on", sms_address="13955550001")
    page = client.post(reverse("notification_test"), follow=True).content.decode()
    assert f"电子邮件：{world.worker.email}、短信：13955550001" in page

"""The 派单 card (issue 18): the liaison sees the issue's photos (only those the resident sees),
the grid worker to call, the resident's masked phone with the same audited reveal grid workers
have, and a link to the issue's public timeline."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from issues import services
from issues.models import Category, Dispatch, IssueEvent, IssuePhoto, NotificationPreference
from issues.photos import clean_photo
from tests import factories
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")

PHONE = "13812345678"


def photo(colour: str):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return clean_photo(SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"))


def client_for(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


@pytest.fixture
def card(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    category = Category.objects.create(name="电力", slug="power", keywords="电线")
    category.departments.add(dept)
    liaison = factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    issue, _ = factories.issue(
        world.loc,
        kind="urgent",
        description="弄堂口电线断了",
        reporter_name="王阿姨",
        reporter_phone=PHONE,
        photos=[photo("red")],
    )
    services.add_work_note(issue, actor=world.worker, note="内部：先拉了警戒线", photos=[photo("blue")])
    NotificationPreference.objects.create(user=world.worker, channel="sms", address="13900001111")
    world.worker.first_name = "李网格"
    world.worker.save(update_fields=["first_name"])
    return issue, Dispatch.objects.get(issue=issue), liaison


def test_the_card_shows_the_residents_photos_the_worker_and_a_masked_phone(world, card):
    issue, dispatch, liaison = card
    public = IssuePhoto.objects.get(issue=issue, is_public=True)
    internal = IssuePhoto.objects.get(issue=issue, is_public=False)
    c = client_for(liaison)
    page = c.get(reverse("dispatches")).content.decode()
    assert reverse("desk_photo_thumb", args=[public.pk]) in page
    assert reverse("desk_photo_thumb", args=[internal.pk]) not in page
    assert "李网格" in page and 'href="tel:13900001111"' in page
    assert "138****5678" in page and PHONE not in page
    assert reverse("dispatch_action", args=[dispatch.pk, "phone"]) in page
    assert reverse("dispatch_timeline", args=[dispatch.pk]) in page
    # The photo itself opens for the liaison; the internal one, and anything for another department, do not.
    assert c.get(reverse("desk_photo", args=[public.pk])).status_code == 200
    assert c.get(reverse("desk_photo_thumb", args=[internal.pk])).status_code == 404
    other = factories.user("other", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    assert client_for(other).get(reverse("desk_photo", args=[public.pk])).status_code == 404


def test_the_liaison_has_the_number_shown_and_it_is_on_record(world, card):
    issue, dispatch, liaison = card
    c = client_for(liaison)
    response = c.post(reverse("dispatch_action", args=[dispatch.pk, "phone"]))
    assert response.status_code == 303 and response["Location"].endswith(f"#dispatch-{dispatch.pk}")
    page = c.get(reverse("dispatches")).content.decode()
    assert f'href="tel:{PHONE}"' in page
    shown = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.PHONE_SHOWN)
    assert (shown.actor, shown.is_public) == (liaison, False)
    # The grid worker's list of who had it shown is the same timeline.
    assert services.shown_phone(issue, liaison) == PHONE


def test_once_the_dispatch_is_done_the_number_is_refused_and_nothing_is_written(world, card):
    issue, dispatch, liaison = card
    c = client_for(liaison)
    c.post(reverse("dispatch_action", args=[dispatch.pk, "done"]), {"note": "已抢修"})
    before = IssueEvent.objects.filter(issue=issue).count()
    response = c.post(reverse("dispatch_action", args=[dispatch.pk, "phone"]), follow=True)
    assert "may call the resident" in response.content.decode()
    assert IssueEvent.objects.filter(issue=issue).count() == before
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.PHONE_SHOWN).exists()


def test_another_department_and_readers_are_refused_the_number(world, card):
    issue, dispatch, _liaison = card
    other = factories.user("other", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    assert client_for(other).post(reverse("dispatch_action", args=[dispatch.pk, "phone"])).status_code == 404
    supervisor = factories.user("sup", role=Role.Kind.SUBDISTRICT_SUPERVISOR, subdistrict=world.ws.subdistrict)
    with pytest.raises(services.IssueError):
        services.reveal_phone(issue, actor=supervisor)
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.PHONE_SHOWN).exists()


def test_the_public_timeline_for_the_liaison(world, card):
    issue, dispatch, liaison = card
    page = client_for(liaison).get(reverse("dispatch_timeline", args=[dispatch.pk])).content.decode()
    assert issue.reference in page and "弄堂口电线断了" in page
    assert "内部：先拉了警戒线" not in page and "王阿姨" not in page and "138****5678" not in page
    assert "<script>" not in page and " style=" not in page
    other = factories.user("other", role=Role.Kind.LIAISON, department=factories.department(world.ws.subdistrict))
    assert client_for(other).get(reverse("dispatch_timeline", args=[dispatch.pk])).status_code == 404
    assert client_for(world.worker).get(reverse("dispatch_timeline", args=[dispatch.pk])).status_code == 403


@pytest.mark.parametrize("n", [1, 8])
def test_the_card_list_runs_the_same_queries_at_any_length(world, card, n, django_assert_max_num_queries):
    for i in range(n):
        factories.issue(world.loc, kind="urgent", description=f"电线断了 {i}", reporter_phone=PHONE)
    c = client_for(card[2])
    for d in Dispatch.objects.all():
        c.post(reverse("dispatch_action", args=[d.pk, "phone"]))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("dispatches")).status_code == 200

"""Issue 18, item 8: resolving takes an optional after-repair photo (the residents' upload rules),
which the resident then sees with what was done; and a resolve blocked by an open 派单 is a
waiting notice, not a green "done" box."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from issues import services
from issues.lifecycle import Status
from issues.models import Category, IssueEvent, IssuePhoto
from tests import factories
from tests.desk.conftest import client_for
from workstations.models import Role

pytestmark = pytest.mark.usefixtures("sla_policies")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg(name: str = "after.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 160, 60)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def on_site(world):
    issue, token = factories.issue(world.loc, kind="urgent", description="楼道灯不亮")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    return issue, token


def test_the_worker_resolves_with_a_photo_that_the_resident_sees_with_what_was_done(world, on_site):
    issue, token = on_site
    response = client_for(world.worker).post(
        reverse("task_action", args=[issue.pk, "resolve"]), {"note": "已更换灯泡", "photos": [jpeg()]}
    )
    assert response.status_code == 303
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == (Status.RESOLVED, "已更换灯泡")
    photo = IssuePhoto.objects.get(issue=issue)
    assert (photo.is_public, photo.is_after_repair) == (True, True)
    html = Client(headers={"accept-language": "en"}).get(reverse("track", args=[token])).content.decode()
    done = html[html.index('id="h-done"') : html.index('id="confirm"')]
    assert reverse("track_photo_thumb", args=[token, photo.pk]) in done
    assert "After the repair, photo 1" in done
    assert "Your photo 1" not in html  # not among the resident's own
    thumb = Client().get(reverse("track_photo_thumb", args=[token, photo.pk]))
    assert thumb.status_code == 200


def test_a_resident_photo_and_an_after_repair_photo_are_shown_apart(world):
    issue, token = factories.issue(world.loc, kind="urgent", description="楼道灯不亮")
    services.add_resident_note(issue, note="", photos=[_clean(jpeg("mine.jpg"))])
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    services.resolve_issue(issue, actor=world.worker, note="好了", photos=[_clean(jpeg())])
    html = Client(headers={"accept-language": "en"}).get(reverse("track", args=[token])).content.decode()
    told = html[html.index('id="h-told"') :]
    assert told.count('class="thumb"') == 1 and "Your photo 1" in told
    assert html.count("After the repair, photo") == 1


def _clean(upload):
    from issues.photos import clean_photo

    return clean_photo(upload)


def test_a_bad_photo_refuses_the_resolution_and_keeps_what_was_written(world, on_site):
    issue, _token = on_site
    bad = SimpleUploadedFile("after.jpg", b"not a picture", content_type="image/jpeg")
    response = client_for(world.worker).post(
        reverse("task_action", args=[issue.pk, "resolve"]), {"note": "已更换灯泡", "photos": [bad]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "after.jpg" in html and "已更换灯泡</textarea>" in html
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == (Status.ON_SITE, "")
    assert not IssuePhoto.objects.filter(issue=issue).exists()
    assert not IssueEvent.objects.filter(issue=issue, type=IssueEvent.Type.RESOLVED).exists()


def test_resolving_without_a_photo_still_works(world, on_site):
    issue, _ = on_site
    response = client_for(world.worker).post(reverse("task_action", args=[issue.pk, "resolve"]), {"note": "好了"})
    assert response.status_code == 303
    issue.refresh_from_db()
    assert issue.status == Status.RESOLVED and not issue.photos.exists()


def test_the_resolve_form_offers_the_photo(world, on_site):
    issue, _ = on_site
    html = client_for(world.worker).get(reverse("task_detail", args=[issue.pk])).content.decode()
    form = html[html.index('class="resolve-form"') :]
    form = form[: form.index("</form>")]
    assert 'enctype="multipart/form-data"' in html[html.index("resolve-form") - 200 : html.index("resolve-form") + 200]
    assert 'type="file"' in form and 'name="photos"' in form and "Photo after the repair" in form


def test_a_resolve_blocked_by_a_dispatch_is_a_waiting_notice(world):
    dept = factories.department(world.ws.subdistrict, name="市南供电所")
    Category.objects.create(name="电力", slug="power", keywords="电线").departments.add(dept)
    factories.user("power-liaison", role=Role.Kind.LIAISON, department=dept)
    issue, _ = factories.issue(world.loc, kind="urgent", description="弄堂口的电线断了")
    services.accept_issue(issue, actor=world.worker)
    services.arrive_issue(issue, actor=world.worker)
    html = client_for(world.worker).get(reverse("task_detail", args=[issue.pk])).content.decode()
    assert '<div class="task-state task-waiting" role="status">' in html
    notice = html[html.index("task-waiting") :]
    notice = notice[: notice.index("</div>")]
    assert "Cannot be resolved yet" in notice and "市南供电所" in notice
    zh = Client(headers={"accept-language": "zh-hans"})
    zh.force_login(world.worker)
    assert "暂时还不能办结" in zh.get(reverse("task_detail", args=[issue.pk])).content.decode()

"""Refused uploads keep what was typed (issue 14, item 10): a staff or worker note whose photo is
refused stays on the page with the reason; a report with 101 files keeps its description and
says how many photos it may have."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from issues import services
from issues.models import Issue, IssueEvent, IssuePhoto
from tests import factories

from .conftest import jpeg


def english(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def not_a_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.jpg", b"not a picture at all", content_type="image/jpeg")


def test_a_staff_note_whose_photo_is_refused_keeps_its_text_with_the_reason(world):
    issue, _token = factories.issue(world.loc)
    events = IssueEvent.objects.count()
    response = english(world.staff).post(
        reverse("staff_issue_action", args=[issue.pk, "note"]),
        {"note": "现场已拍照，电表箱门坏了", "photos": [not_a_photo()]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "现场已拍照，电表箱门坏了" in html
    assert "This file is not a photo we can read." in html
    assert IssueEvent.objects.count() == events and not IssuePhoto.objects.exists()


def test_a_workers_note_whose_photo_is_refused_keeps_its_text_with_the_reason(world):
    issue, _token = factories.issue(world.loc)
    services.accept_issue(issue, actor=world.worker)
    events = IssueEvent.objects.count()
    response = english(world.worker).post(
        reverse("task_action", args=[issue.pk, "note"]), {"note": "门口积水很深", "photos": [not_a_photo()]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "门口积水很深" in html and "This file is not a photo we can read." in html
    assert IssueEvent.objects.count() == events and not IssuePhoto.objects.exists()


def test_a_report_with_101_files_keeps_its_description_with_a_message(world):
    files = [jpeg() for _ in range(101)]
    response = english().post(
        world.loc.report_path(),
        {"description": "楼道里堆满了杂物", "name": "李伯伯", "idempotency_key": "f" * 20, "photos": files},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "楼道里堆满了杂物" in html and 'value="李伯伯"' in html
    assert "at most 6 photos" in html
    assert not Issue.objects.exists() and not IssuePhoto.objects.exists()


def test_six_photos_still_go_through(world):
    response = english().post(
        world.loc.report_path(),
        {"description": "六张照片", "idempotency_key": "g" * 20, "photos": [jpeg() for _ in range(6)]},
    )
    assert response.status_code == 303
    assert IssuePhoto.objects.count() == 6

"""Photos (issue 14, items 1 and 5): a photo is public only if the event it came with is; photos
are served through views that check the viewer, never from a public /media/ URL."""

import re

from django.test import Client
from django.urls import reverse

from issues import services
from issues.forms import clean_photo_list
from issues.models import IssuePhoto
from tests import factories

from .conftest import jpeg


def english(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def report_with_photo(world) -> tuple[str, IssuePhoto]:
    response = english().post(
        world.loc.report_path(), {"description": "楼道灯坏了", "idempotency_key": "k" * 20, "photos": [jpeg()]}
    )
    assert response.status_code == 303
    token = response["Location"].rstrip("/").split("/")[-1]
    return token, IssuePhoto.objects.get()


def photo_links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="([^"]*photos?[^"]*)"', html))


def test_a_photo_of_an_internal_staff_note_is_not_on_the_tracking_page(world):
    token, own = report_with_photo(world)
    issue = own.issue
    services.add_work_note(
        issue, actor=world.staff, note="内部：现场照片", photos=clean_photo_list([jpeg((0, 0, 200))])
    )
    internal = IssuePhoto.objects.exclude(pk=own.pk).get()

    html = english().get(reverse("track", args=[token])).content.decode()

    assert reverse("track_photo", args=[token, own.pk]) in html
    assert photo_links(html) == {
        reverse("track_photo", args=[token, own.pk]),
        reverse("track_photo_thumb", args=[token, own.pk]),
    }
    assert reverse("track_photo", args=[token, internal.pk]) not in html
    assert english().get(reverse("track_photo", args=[token, internal.pk])).status_code == 404
    # The desk still sees both.
    desk = english(world.staff).get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert reverse("desk_photo", args=[own.pk]) in desk and reverse("desk_photo", args=[internal.pk]) in desk


def test_a_photo_the_resident_adds_later_is_on_their_page(world):
    token, own = report_with_photo(world)
    response = english().post(reverse("track_note", args=[token]), {"note": "", "photos": [jpeg((0, 200, 0))]})
    assert response.status_code == 303
    later = IssuePhoto.objects.exclude(pk=own.pk).get()
    html = english().get(reverse("track", args=[token])).content.decode()
    assert reverse("track_photo", args=[token, later.pk]) in html


def test_the_tracking_token_opens_its_own_photos_only(world):
    token, photo = report_with_photo(world)
    _other, other_token = factories.issue(world.loc2, description="别的")

    response = english().get(reverse("track_photo", args=[token, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"]
    thumb = english().get(reverse("track_photo_thumb", args=[token, photo.pk]))
    assert thumb.status_code == 200

    assert english().get(reverse("track_photo", args=[other_token, photo.pk])).status_code == 404
    assert english().get(reverse("track_photo", args=["x" * 40, photo.pk])).status_code == 404


def test_the_desk_opens_photos_of_issues_it_may_see_and_no_others(world):
    _token, photo = report_with_photo(world)
    assert english(world.staff).get(reverse("desk_photo", args=[photo.pk])).status_code == 200
    assert english(world.staff).get(reverse("desk_photo_thumb", args=[photo.pk])).status_code == 200
    assert english(world.outsider).get(reverse("desk_photo", args=[photo.pk])).status_code == 404
    assert english(world.worker2).get(reverse("desk_photo", args=[photo.pk])).status_code == 404
    anonymous = english().get(reverse("desk_photo", args=[photo.pk]))
    assert anonymous.status_code in (302, 404) and not anonymous.get("Content-Type", "").startswith("image/")


def test_the_assigned_worker_opens_the_photos_of_their_task(world):
    _token, photo = report_with_photo(world)
    services.route_issue(photo.issue_id)
    photo.issue.refresh_from_db()
    assert photo.issue.assignee_id == world.worker.pk
    assert english(world.worker).get(reverse("desk_photo", args=[photo.pk])).status_code == 200
    html = english(world.worker).get(reverse("task_detail", args=[photo.issue_id])).content.decode()
    assert reverse("desk_photo", args=[photo.pk]) in html


def test_no_photo_is_served_from_a_public_media_url_and_names_are_unguessable(world, settings):
    _token, photo = report_with_photo(world)
    assert photo.issue.reference not in photo.image.name
    assert re.search(r"[0-9a-f]{32}", photo.image.name)
    assert english().get("/" + settings.MEDIA_URL.strip("/") + "/" + photo.image.name).status_code == 404
    html = english(world.staff).get(reverse("staff_issue", args=[photo.issue_id])).content.decode()
    assert settings.MEDIA_URL.strip("/") + "/" not in html

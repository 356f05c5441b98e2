"""A NUL character anywhere a view reads text is a 400 with its reason, never a 500 from the
database (PostgreSQL cannot hold one in text) and never a half-made record; file contents are
left alone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from issues.models import Issue
from tests.resident.conftest import image_bytes

pytestmark = pytest.mark.django_db
REASON = "The request contains a NUL character, which is not allowed."


def english() -> Client:
    return Client(headers={"accept-language": "en"})


@pytest.mark.parametrize("url", ["/staff/?q=%00", "/staff/?q%00=x", "/staff/%00/"])
def test_a_nul_in_the_path_or_the_query_is_refused(world, url):
    client = english()
    client.force_login(world.staff)
    response = client.get(url)
    assert response.status_code == 400
    assert response.content.decode() == REASON


def test_the_api_refuses_it_in_json(world):
    from api.models import ApiToken

    _, key = ApiToken.issue(world.staff, name="city platform")
    response = english().get("/api/v1/issues/?search=%00", headers={"authorization": f"Token {key}"})
    assert response.status_code == 400
    assert response.json() == {"detail": REASON}


def test_a_form_field_with_a_nul_makes_nothing(world):
    response = english().post(reverse("report", args=[world.loc.qr_token]), {"description": "路灯\x00不亮"})
    assert response.status_code == 400
    assert not Issue.objects.exists()


def test_the_message_is_in_the_readers_language(world):
    client = Client(headers={"accept-language": "zh-hans"})
    response = client.post(reverse("report", args=[world.loc.qr_token]), {"description": "路灯\x00不亮"})
    assert response.content.decode() == "请求中含有空字符（NUL），无法处理。"


def test_nul_bytes_inside_an_uploaded_photo_are_fine(world):
    photo = image_bytes("PNG")
    assert b"\x00" in photo
    response = english().post(
        reverse("report", args=[world.loc.qr_token]),
        {"description": "路灯不亮", "photos": [SimpleUploadedFile("p.png", photo, content_type="image/png")]},
    )
    assert response.status_code == 303
    assert Issue.objects.count() == 1


def test_open311_refuses_it_before_looking_at_the_key():
    response = english().post("/open311/v2/requests.json", {"service_code": "consult", "description": "a\x00b"})
    assert response.status_code == 400
    assert not Issue.objects.exists()

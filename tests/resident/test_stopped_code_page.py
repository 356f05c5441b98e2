"""The page of a QR code that is no longer in use (此二维码已停用) leads somewhere: the workstation's
phone (tests/workstations/test_qr_codes.py), the common questions, and the reports this phone
has already sent, whose tracking pages still work."""

import pytest
from django.test import Client
from django.urls import reverse

from workstations import services


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stopped_code_links_to_the_common_questions_and_this_phones_reports(world, language):
    services.revoke_qr(world.loc, actor=world.head)
    response = Client(headers={"accept-language": language}).get(reverse("report", args=[world.loc.qr_token]))
    assert response.status_code == 410
    page = response.content.decode()
    assert f'href="{reverse("faq")}"' in page
    assert f'href="{reverse("my_reports")}"' in page

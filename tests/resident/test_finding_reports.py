"""Finding a report again: the phone's list shows what each report said and where it stands now
(one query for all of them), and a report is found by its reference number and the last four
digits of its phone, with one answer for every miss and a limit on tries."""

import pytest
from django.test import Client
from django.urls import reverse

from issues import services

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MISS = "No report matches this reference number and these digits."


def english() -> Client:
    return Client(headers={"accept-language": "en"})


def sent(world, n: int = 0, **fields):
    """A report sent from the form (which always carries an idempotency key)."""
    key = f"find-key-{n:04d}-abcdefgh"
    issue, token, _ = services.submit_report(
        world.loc, description=fields.pop("description", "弄堂口路灯不亮了，晚上很黑"), idempotency_key=key, **fields
    )
    return issue, token


def status_of(client: Client, urls: list[str]) -> dict:
    response = client.post(reverse("my_reports_status"), {"urls": urls})
    assert response.status_code == 200
    return response.json()["reports"]


def test_the_list_shows_the_first_words_and_the_current_status(world):
    issue, token = sent(world, reporter_phone=PHONE)
    url = reverse("track", args=[token])
    services.route_issue(issue.pk)
    issue.refresh_from_db()
    services.accept_issue(issue, actor=issue.assignee)
    services.resolve_issue(issue, actor=issue.assignee, note="换了灯")
    [report] = status_of(english(), [url, "/t/not-a-real-token-at-all/"]).values()
    assert report["reference"] == issue.reference
    assert report["words"].startswith("弄堂口路灯不亮了")
    assert report["status"] == "Resolved"
    tracking = english().get(url).content.decode()
    assert report["received"] in tracking  # the same format as the tracking page


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_costs_one_query_whatever_its_length(world, count, django_assert_max_num_queries):
    urls = [reverse("track", args=[sent(world, n)[1]]) for n in range(count)]
    client = english()
    with django_assert_max_num_queries(1):
        assert len(status_of(client, urls)) == count


def test_the_list_page_asks_for_the_status_by_post_only(world):
    assert english().get(reverse("my_reports_status")).status_code == 405


def find(client: Client, reference: str, last_four: str):
    return client.post(reverse("find_report"), {"reference": reference, "last_four": last_four})


def test_the_reference_and_the_last_four_digits_lead_to_the_tracking_page(world):
    issue, token = sent(world, reporter_phone=PHONE)
    response = find(english(), issue.reference.lower(), "５６７８")  # typed in lower case, full-width digits
    assert response.status_code == 303
    assert response["Location"] == reverse("track", args=[token])


def test_no_such_report_and_wrong_digits_get_the_same_answer_and_keep_what_was_typed(world):
    issue, _token = sent(world, reporter_phone=PHONE)
    wrong_digits = find(english(), issue.reference, "1111")
    no_such = find(english(), issue.reference[:-4] + "9999", "5678")
    assert wrong_digits.status_code == no_such.status_code == 200
    for response, reference in ((wrong_digits, issue.reference), (no_such, issue.reference[:-4] + "9999")):
        page = response.content.decode()
        assert MISS in page and f'value="{reference}"' in page
    assert error_of(wrong_digits) == error_of(no_such)


def error_of(response) -> str:
    page = response.content.decode()
    return page[page.index('id="find-error"') :].split("</p>")[0]


def test_a_report_without_a_phone_cannot_be_found_by_its_number(world):
    issue, _token = sent(world)
    assert MISS in find(english(), issue.reference, "0000").content.decode()


def test_tries_are_limited_per_reference(world):
    issue, token = sent(world, reporter_phone=PHONE)
    for digits in ("0001", "0002", "0003", "0004", "0005"):
        assert find(english(), issue.reference, digits).status_code == 200
    refused = find(english(), issue.reference, "5678")  # even the right digits, now
    assert refused.status_code == 429
    assert "Too many tries" in refused.content.decode()


def test_a_report_without_a_phone_asks_to_save_its_page(world):
    _issue, token = sent(world)
    assert "Please save this page" in english().get(reverse("track", args=[token])).content.decode()
    _issue, token = sent(world, 1, reporter_phone=PHONE)
    assert "Please save this page" not in english().get(reverse("track", args=[token])).content.decode()


@pytest.mark.parametrize("page", ["home", "faq", "my_reports"])
def test_the_lookup_is_on_the_home_faq_and_my_reports_pages(db, page):
    html = english().get(reverse(page)).content.decode()
    assert 'action="/find/"' in html and 'name="last_four"' in html

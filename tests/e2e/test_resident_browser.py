"""The resident's side in Chromium on a 360×740 phone screen: a report with a photo, a double
submit, a bad photo, FAQ suggestions, the urgent-keyword hint, a report kept offline and sent
later, and confirm / reopen / rate on the tracking page. Every resident page passes axe-core's
WCAG 2 A/AA checks in Chinese and in English, and no page breaks the Content Security Policy.
"""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from issues import services
from issues.lifecycle import Status
from issues.models import FAQ, Issue, IssuePhoto, KeywordRule
from tests import factories
from tests.e2e.conftest import PHONE_SCREEN, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("resident_pages")]

TRACK_URL = re.compile(r".*/t/[0-9a-f]{40}/$")


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (120, 80), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 26.0, 10.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def photo(data: bytes, name: str = "photo.jpg", mime: str = "image/jpeg") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_report_with_a_photo(world, live_server, phone, tmp_path):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "弄堂口的路灯不亮了，晚上很黑")
    page.set_input_files("input[name='photos']", [photo(jpeg_with_gps())])
    page.locator(".js-photo-previews img").wait_for()  # a preview of the chosen photo
    page.screenshot(path=str(tmp_path / "report-form.png"), full_page=True)
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(TRACK_URL)

    issue = Issue.objects.get()
    assert page.locator(".reference").inner_text().strip() == issue.reference
    stored = IssuePhoto.objects.get(issue=issue)
    with stored.image.open("rb") as f:
        raw = f.read()
    assert b"Exif" not in raw and b"GPS" not in raw
    assert Image.open(io.BytesIO(raw)).size == (80, 120)  # turned upright
    assert page.locator("ul.photos img.thumb").count() == 1
    page.screenshot(path=str(tmp_path / "track.png"), full_page=True)

    # The browser remembers the report: "reports sent from this phone" lists it.
    page.goto(live_server.url + reverse("my_reports"))
    page.get_by_role("link", name=issue.reference).wait_for()


def test_a_double_submit_makes_one_issue(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "垃圾桶满了没人清")
    page.get_by_role("button", name="Send report").dblclick()
    page.wait_for_url(TRACK_URL)
    assert Issue.objects.count() == 1


def test_a_retry_after_a_lost_answer_makes_one_issue(world, live_server, phone):
    """Weak signal: the report arrives but the answer is lost. Sending again from a freshly
    loaded form carries the same key (kept with the draft), so it is still one report."""
    page = phone()
    form_url = live_server.url + world.loc.report_path()
    page.goto(form_url)
    page.fill("textarea[name='description']", "小区门口的井盖松了")
    answered = []

    def lose_the_answer(route):
        answered.append(route.fetch(max_redirects=0).status)  # the server gets it and answers...
        route.abort("connectionreset")  # ...but the phone never sees the answer

    page.route(form_url, lambda route: lose_the_answer(route) if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="Send report").click()
    page.wait_for_timeout(500)
    assert answered == [303] and Issue.objects.count() == 1
    page.unroute(form_url)

    page.goto(form_url)  # a new page load: the server offers a new key, the draft brings the old one
    assert page.input_value("textarea[name='description']") == "小区门口的井盖松了"
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(TRACK_URL)
    issue = Issue.objects.get()
    assert page.locator(".reference").inner_text().strip() == issue.reference


def test_a_bad_photo_gives_a_message_and_nothing_is_lost(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "楼道里堆满杂物")
    page.locator("label:has(input[name='kind'][value='complex'])").click()
    page.fill("input[name='name']", "张老伯")
    page.fill("input[name='phone']", "13912345678")
    # A file that only claims to be a JPEG: the server decodes it and refuses it.
    page.set_input_files("input[name='photos']", [photo(b"definitely not a picture", "IMG_2024.jpg")])
    page.get_by_role("button", name="Send report").click()
    error = page.locator(".photos-field .field-error")
    error.wait_for()
    assert "IMG_2024.jpg" in error.inner_text() and "not a photo we can read" in error.inner_text()
    assert page.input_value("textarea[name='description']") == "楼道里堆满杂物"
    assert page.input_value("input[name='name']") == "张老伯"
    assert page.input_value("input[name='phone']") == "13912345678"
    assert page.locator("input[name='kind'][value='complex']").is_checked()
    assert Issue.objects.count() == 0

    # A file of the wrong type is caught in the browser before anything is sent.
    page.set_input_files("input[name='photos']", [photo(b"%PDF-1.4", "scan.pdf", "application/pdf")])
    page.locator(".js-photo-errors .field-error", has_text="scan.pdf").wait_for()
    page.get_by_role("button", name="Send report").click()
    assert page.url.endswith(world.loc.report_path())
    assert Issue.objects.count() == 0

    # Without a photo it goes through, and everything typed is in the report.
    page.set_input_files("input[name='photos']", [])
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(TRACK_URL)
    issue = Issue.objects.get()
    assert (issue.description, issue.kind, issue.reporter_phone) == ("楼道里堆满杂物", "complex", "13912345678")


def test_an_faq_suggestion_appears_while_typing(world, live_server, phone):
    FAQ.objects.create(
        question="电梯坏了找谁修？",
        answer="请先拨打电梯内的维保电话，再告诉物业。",
        category="房屋设施",
        is_published=True,
    )
    page = phone("zh-CN")
    page.goto(live_server.url + world.loc.report_path())
    page.locator("textarea[name='description']").press_sequentially("我们楼的电梯坏了三天了", delay=20)
    suggestion = page.locator(".js-faq-suggest a", has_text="电梯坏了找谁修？")
    suggestion.wait_for()
    assert "维保电话" in page.locator(".js-faq-suggest").inner_text()
    # The resident can still send the report.
    page.get_by_role("button", name="提交反映").click()
    page.wait_for_url(TRACK_URL)
    assert Issue.objects.count() == 1


def test_an_urgent_word_suggests_emergency(world, live_server, phone):
    # Transactional tests empty the tables between tests: the migration's starting rules are
    # gone, so this test adds the rule it needs, as an administrator would.
    KeywordRule.objects.get_or_create(phrase="燃气")
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    hint = page.locator(".js-keyword-hint")
    assert hint.is_hidden()
    page.locator("textarea[name='description']").press_sequentially("楼道里有燃气味", delay=20)
    hint.wait_for()
    page.get_by_role("button", name="Yes, it is an emergency").click()
    assert page.locator("input[name='kind'][value='urgent']").is_checked()
    assert hint.is_hidden()
    assert "is-urgent" in page.locator("body").get_attribute("class")


def test_a_report_written_offline_is_sent_when_the_connection_returns(world, live_server, phone):
    page = phone()
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "地下室进水了")
    page.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    page.locator(".js-offline-note", has_text="You are offline").wait_for()
    assert Issue.objects.count() == 0
    page.context.set_offline(False)
    link = page.locator(".js-sent-link")
    link.wait_for(timeout=20_000)
    issue = Issue.objects.get()
    assert issue.description == "地下室进水了"
    link.click()
    page.wait_for_url(TRACK_URL)
    assert page.locator(".reference").inner_text().strip() == issue.reference


def test_confirm_reopen_and_rate(world, live_server, phone):
    issue, token = factories.issue(world.loc, description="路灯坏了", kind="consult")
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="已换灯泡")
    page = phone()
    page.goto(live_server.url + reverse("track", args=[token]))

    # Not solved: a reason, and it goes back to the grid worker.
    page.fill("textarea[name='reason']", "晚上还是不亮")
    page.get_by_role("button", name="No, it is not solved").click()
    page.get_by_text("We have sent it back to the grid worker.").wait_for()
    issue.refresh_from_db()
    assert issue.status == Status.REOPENED
    # While it is open again the resident adds a note.
    page.fill("textarea[name='note']", "灯闪了一下又灭了")
    page.get_by_role("button", name="Add to my report").click()
    page.get_by_text("灯闪了一下又灭了").first.wait_for()

    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="更换了整个灯头")
    page.reload()
    page.locator("label:has(input[name='rating'][value='4'])").click()
    page.fill("textarea[name='comment']", "第二次修好了")
    page.get_by_role("button", name="Yes, it is solved").click()
    page.get_by_text("You gave 4 out of 5.").wait_for()
    issue.refresh_from_db()
    assert (issue.status, issue.rating, issue.rating_comment) == (Status.CLOSED, 4, "第二次修好了")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_every_resident_page_passes_the_accessibility_check(world, live_server, phone, locale):
    FAQ.objects.create(question="电梯坏了找谁修？", answer="请拨打维保电话。", category="房屋设施", is_published=True)
    FAQ.objects.create(question="停水了怎么办？", answer="看小区公告。", category="水电燃气", is_published=True)
    _, open_token = factories.issue(world.loc, description="路灯坏了", kind="consult")
    done, done_token = factories.issue(world.loc, description="井盖松了", kind="consult")
    done = services.accept_issue(done, actor=world.worker)
    services.resolve_issue(done, actor=world.worker, note="已固定")
    # bypass_csp only for this context: axe is injected as a script of the test.
    page = phone(locale, bypass_csp=True)
    pages = [
        world.loc.report_path(),
        reverse("track", args=[open_token]),
        reverse("track", args=[done_token]),
        reverse("faq"),
        reverse("faq") + "?q=电梯",
        reverse("my_reports"),
    ]
    problems = []
    for path in pages:
        page.goto(live_server.url + path)
        problems += axe_violations(page, path)
    # The form with its errors shown.
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "测试")
    page.fill("input[name='phone']", "123")
    page.locator("form.report-form button[type='submit']").click()
    page.locator(".field-error").first.wait_for()
    problems += axe_violations(page, "report with errors")
    # Larger text on a 360 px screen: nothing may stick out sideways.
    page.locator(".js-large-text").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    assert problems == []


def test_the_form_works_without_javascript(world, live_server, phone):
    page = phone("zh-CN", java_script_enabled=False)
    page.goto(live_server.url + world.loc.report_path())
    page.fill("textarea[name='description']", "弄堂口的水管在漏水")
    page.locator("label:has(input[name='kind'][value='urgent'])").click()
    page.set_input_files("input[name='photos']", [photo(jpeg_with_gps())])
    page.get_by_role("button", name="提交反映").click()
    page.wait_for_url(TRACK_URL)
    issue = Issue.objects.get()
    assert (issue.kind, issue.photos.count()) == ("urgent", 1)
    assert page.locator(".reference").inner_text().strip() == issue.reference

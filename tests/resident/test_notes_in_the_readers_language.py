"""Notes the system writes on the timeline are shown in the reader's language (issue 4): a
sentence written while Chinese was active (the Celery worker, a staff member's request) reads in
English on the English tracking page and API, and in Chinese on the Chinese ones. A person's own
words inside such a note stay exactly as typed; notes stored before sources existed still show."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from issues import notes, services
from issues.models import IssueEvent
from tests import factories
from tests.desk.conftest import client_for as staff_client

LANGUAGES = {"en": "en", "zh-hans": "zh-CN,zh;q=0.9"}


def reader(language: str) -> Client:
    return Client(headers={"accept-language": LANGUAGES[language]})


def page(token: str, language: str) -> str:
    response = reader(language).get(reverse("track", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


def api_notes(token: str, language: str) -> list[str]:
    response = reader(language).get(f"/api/v1/track/{token}/")
    assert response.status_code == 200
    return [event["note"] for event in response.json()["events"]]


@pytest.fixture
def routed_in_chinese(world):
    """A report routed by a worker whose active language was Chinese."""
    with translation.override("zh-hans"):
        issue, token = factories.issue(world.loc, kind="consult", description="楼道灯不亮")
    assert issue.assignee == world.worker
    return issue, token


def test_a_note_written_in_chinese_reads_in_english_on_the_english_page_and_api(world, routed_in_chinese):
    issue, token = routed_in_chinese
    grid = world.loc.grid.name
    stored = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.ASSIGNED)
    assert stored.note == f"已交给{grid}的网格员办理。"  # the writer's language, for the desk and exports

    english = page(token, "en")
    assert f"A grid worker of {grid} is on it." in english
    assert "已交给" not in english
    assert f"A grid worker of {grid} is on it." in api_notes(token, "en")

    chinese = page(token, "zh-hans")
    assert f"已交给{grid}的网格员办理。" in chinese
    assert "is on it." not in chinese
    assert f"已交给{grid}的网格员办理。" in api_notes(token, "zh-hans")


def test_a_chinese_reader_sees_chinese_for_a_note_written_in_english(world, settings):
    settings.LANGUAGE_CODE = "en"  # a site run in English: routing writes its notes in it
    with translation.override("en"):
        issue, token = factories.issue(world.loc, kind="consult")
    settings.LANGUAGE_CODE = "zh-hans"
    assert IssueEvent.objects.get(issue=issue, type="assigned").note.endswith("is on it.")
    assert f"已交给{world.loc.grid.name}的网格员办理。" in page(token, "zh-hans")


def test_the_check_in_position_is_for_staff_in_their_language_and_not_on_the_residents_timeline(
    world, routed_in_chinese
):
    """Where the worker's phone was is the worker's whereabouts: the resident reads that the
    worker came, the desk reads where the phone said it was."""
    issue, token = routed_in_chinese
    worker = Client(headers={"accept-language": "zh-CN"})
    worker.force_login(world.worker)
    for action, data in (("accept", {}), ("arrive", {"latitude": "31.20512", "longitude": "121.44431"})):
        worker.post(reverse("task_action", args=[issue.pk, action]), data)
    check_in = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.NOTE)
    assert (check_in.note, check_in.is_public) == ("已在现场签到，位置：31.20512, 121.44431。", False)
    assert IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.ARRIVED).note == ""

    for language in ("en", "zh-hans"):
        assert "31.20512" not in page(token, language)
        assert not any("31.20512" in note for note in api_notes(token, language))
    assert "The grid worker came to the place." in page(token, "en")
    staff_page = staff_client(world.staff).get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert "Checked in on site at 31.20512, 121.44431." in staff_page


def test_the_residents_own_words_in_a_rating_stay_as_typed_in_both_languages(world, routed_in_chinese):
    issue, token = routed_in_chinese
    comment = "灯亮了 100% 满意 %(n)s <谢谢>"
    with translation.override("zh-hans"):
        issue = services.accept_issue(issue, actor=world.worker)
        issue = services.resolve_issue(issue, actor=world.worker, note="换了灯泡")
        services.confirm_issue(issue, rating=5, comment=f"  {comment} ")

    assert f"Rated 5 of 5. {comment}" in api_notes(token, "en")
    assert f"评价 5 分（满分 5 分）。{comment}" in api_notes(token, "zh-hans")
    assert "Rated 5 of 5. 灯亮了 100% 满意 %(n)s &lt;谢谢&gt;" in page(token, "en")  # escaped, not run
    assert "评价 5 分（满分 5 分）。灯亮了 100% 满意 %(n)s &lt;谢谢&gt;" in page(token, "zh-hans")


def test_a_rating_without_a_comment_is_the_sentence_alone(world, routed_in_chinese):
    issue, token = routed_in_chinese
    issue = services.accept_issue(issue, actor=world.worker)
    issue = services.resolve_issue(issue, actor=world.worker, note="换了灯泡")
    services.confirm_issue(issue, rating=4)
    assert "Rated 4 of 5." in api_notes(token, "en")


def test_a_merge_reason_stays_as_typed_and_the_sentence_is_translated(world, routed_in_chinese):
    duplicate, token = routed_in_chinese
    original, _ = factories.issue(world.loc, kind="consult")
    with translation.override("zh-hans"):
        services.merge_issue(duplicate, into=original, actor=world.staff, reason="同一盏灯")

    assert f"Merged into {original.reference}. 同一盏灯" in page(token, "en")
    assert f"已合并到 {original.reference}。同一盏灯" in page(token, "zh-hans")


def test_a_note_stored_before_sources_existed_still_shows(world, routed_in_chinese):
    issue, token = routed_in_chinese
    IssueEvent.objects.create(issue=issue, type=IssueEvent.Type.MILESTONE, note="旧的说明：已联系物业")
    for language in LANGUAGES:
        assert "旧的说明：已联系物业" in page(token, language)
        assert "旧的说明：已联系物业" in api_notes(token, language)


@pytest.mark.parametrize(
    "source",
    [
        ["A grid worker of %(grid)s is on it.", {}],  # a param gone
        ["Added %(n)d photo(s).", {"n": "two"}],  # a param of the wrong type
        ["only a msgid"],
        "not a list",
        [1, 2],
        [None, {"x": []}],
    ],
)
def test_a_source_that_does_not_fit_falls_back_to_the_stored_note(world, routed_in_chinese, source):
    issue, token = routed_in_chinese
    IssueEvent.objects.create(issue=issue, type=IssueEvent.Type.MILESTONE, note="保存的文字", note_source=source)
    with translation.override("en"):
        assert IssueEvent.objects.get(issue=issue, type="milestone").note_for_reader == "保存的文字"
    assert "保存的文字" in page(token, "en")


def test_a_choice_label_in_a_note_is_translated_when_read():
    with translation.override("zh-hans"):
        note = notes.system_note(gettext_lazy("Logged at the desk: %(channel)s."), channel=gettext_lazy("phone"))
    assert note.source == ["Logged at the desk: %(channel)s.", {"channel": ["phone"]}]
    with translation.override("en"):
        assert notes.render(note.source, note.text) == "Logged at the desk: phone."
    with translation.override("zh-hans"):
        assert notes.render(note.source, note.text) == note.text


def test_the_staff_timeline_shows_notes_in_the_staff_members_language(world, routed_in_chinese):
    issue, _ = routed_in_chinese
    html = staff_client(world.staff).get(reverse("staff_issue", args=[issue.pk])).content.decode()
    assert f"A grid worker of {world.loc.grid.name} is on it." in html
    assert "已交给" not in html

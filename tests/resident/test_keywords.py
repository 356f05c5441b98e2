"""Keyword rules (admin-editable) suggest `urgent` while typing and flag the report for staff."""

from django.test import Client

from issues import keywords
from issues.models import Issue, IssueEvent, KeywordRule


def post(loc, **fields):
    data = {"description": "路灯坏了", "idempotency_key": "w" * 20, **fields}
    return Client(headers={"accept-language": "en"}).post(loc.report_path(), data)


def test_the_starting_rules_are_there_and_matching_ignores_spaces_width_and_case(db):
    assert {"电线", "漏电", "燃气", "漏水", "着火"} <= set(KeywordRule.objects.values_list("phrase", flat=True))
    assert keywords.matches("楼道里 漏 电 了，电线掉下来") == ["漏电", "电线"] or set(
        keywords.matches("楼道里 漏 电 了，电线掉下来")
    ) == {"漏电", "电线"}
    KeywordRule.objects.create(phrase="GAS")
    assert keywords.matches("ｇａｓ here") == ["gas"]
    assert keywords.matches("路灯坏了") == []


def test_an_inactive_rule_does_not_match(db):
    KeywordRule.objects.filter(phrase="漏水").update(is_active=False)
    keywords.invalidate()
    assert keywords.matches("厨房漏水") == []


def test_a_rule_added_in_the_admin_counts_at_once(db):
    assert keywords.matches("井盖不见了") == []
    KeywordRule.objects.create(phrase="井盖")
    assert keywords.matches("井盖不见了") == ["井盖"]


def test_a_report_with_a_keyword_and_no_kind_becomes_urgent_and_is_flagged(world):
    assert post(world.loc, description="楼下燃气味很重", kind="").status_code == 303
    issue = Issue.objects.get()
    assert issue.kind == "urgent"
    assert issue.urgent_keywords == "燃气"
    flag = IssueEvent.objects.get(issue=issue, type=IssueEvent.Type.FLAGGED)
    assert not flag.is_public and "燃气" in flag.note


def test_the_residents_own_choice_is_kept_but_staff_are_still_told(world):
    assert post(world.loc, description="想问一下漏水的维修费谁出", kind="consult").status_code == 303
    issue = Issue.objects.get()
    assert (issue.kind, issue.urgent_keywords) == ("consult", "漏水")


def test_a_report_without_keywords_is_not_flagged(world):
    assert post(world.loc, description="建议在弄堂口放个长椅", kind="community").status_code == 303
    issue = Issue.objects.get()
    assert (issue.kind, issue.urgent_keywords) == ("community", "")
    assert not IssueEvent.objects.filter(type=IssueEvent.Type.FLAGGED).exists()


# --- English (issue 18, item 6): the same dangers, the same rule, whole words ------------------


def test_english_reports_of_the_same_dangers_are_found(db):
    cases = {
        "A live wire is hanging over the lane": "live wire",
        "There is a strong smell of gas in the stairwell": "smell of gas",
        "The water pipe BURST and the hall is flooding": "burst",
        "Fire on the third floor!": "fire",
        "An old lady is stuck in the lift": "stuck in the lift",
        "The wall has collapsed": "collapsed",
    }
    for text, phrase in cases.items():
        assert phrase in keywords.matches(text), text


def test_an_english_phrase_matches_whole_words_only(db):
    assert keywords.matches("Too many fireworks at night") == []
    assert keywords.matches("Neighbours smoking in the corridor") == []
    assert keywords.matches("Please fix the wireless sign") == []
    assert keywords.matches("fire.") == ["fire"]
    # Chinese is matched inside words, as before, and the two mix in one text.
    assert set(keywords.matches("电线 sparks 弄堂口")) == {"电线", "sparks"}


def test_an_english_report_with_a_keyword_becomes_urgent_and_is_flagged(world):
    assert post(world.loc, description="Gas leak in the kitchen of No. 12", kind="").status_code == 303
    issue = Issue.objects.get()
    assert issue.kind == "urgent"
    assert issue.urgent_keywords.split("、")[0] == "gas leak"


def test_every_starting_danger_has_english_words(db):
    notes = dict(KeywordRule.objects.values_list("phrase", "note"))
    chinese = {note for phrase, note in notes.items() if not phrase.isascii()}
    english = {note for phrase, note in notes.items() if phrase.isascii()}
    assert chinese <= english

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
    assert keywords.matches("ｇａｓ smell") == ["gas"]
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

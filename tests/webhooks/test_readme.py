"""webhooks/README.md lists every event type a subscription can ask for, and no other."""

import re
from pathlib import Path

from issues.models import IssueEvent

README = Path(__file__).resolve().parents[2] / "webhooks" / "README.md"


def test_the_readme_lists_every_event_type():
    section = README.read_text().split("## Event types", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert listed == list(IssueEvent.Type.values)


def test_the_readme_lists_the_other_apps_event_types():
    from webhooks import events

    section = README.read_text().split("## Events of cases", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`((?:case|initiative|activity|signup|disclosure|complaint)\.[a-z_]+)`", section))
    registered = {value for value, _label in events.choices()} - set(IssueEvent.Type.values)
    assert listed == registered

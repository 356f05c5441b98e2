"""The event types a subscription may ask for: an issue's (IssueEvent.Type) and those other apps
register here when they load (cowork's `case.*`, community's `initiative.*`, `activity.*`,
`signup.*`, estates' `disclosure.published` and `complaint.handed_over`). The API's subscription form offers exactly these; webhooks/README.md lists them."""

from django.utils.functional import Promise

_registered: dict[str, str | Promise] = {}


def register(choices) -> None:
    """Add (value, label) pairs; an app's ready() calls this once."""
    for value, label in choices:
        _registered[value] = label


def choices() -> list[tuple[str, str | Promise]]:
    from issues.models import IssueEvent

    return [*IssueEvent.Type.choices, *_registered.items()]

"""The `issues` app's tables, by what they hold (Django registers every model imported here):

- issue.py: the issue, its timeline (IssueEvent), photos, reference numbers, the outbox;
- dispatch.py: categories and 派单 (Dispatch) to departments;
- notification.py: notifications, preferences, the upper levels of the escalation ladder;
- config.py: what administrators set up (SLA policies, working days, urgent keywords, FAQ).
"""

from .config import FAQ, KeywordRule, SLAPolicy, WorkdayOverride
from .dispatch import Category, Dispatch
from .issue import (
    Intake,
    Issue,
    IssueEvent,
    IssuePhoto,
    Kind,
    Outbox,
    PendingPhoto,
    Priority,
    ReferenceCounter,
    hash_token,
    mask_phone,
    photo_path,
)
from .notification import Channel, EscalationContact, Notification, NotificationKind, NotificationPreference

__all__ = [
    "FAQ",
    "Category",
    "Channel",
    "Dispatch",
    "EscalationContact",
    "Intake",
    "Issue",
    "IssueEvent",
    "IssuePhoto",
    "KeywordRule",
    "Kind",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "Outbox",
    "PendingPhoto",
    "Priority",
    "ReferenceCounter",
    "SLAPolicy",
    "WorkdayOverride",
    "hash_token",
    "mask_phone",
    "photo_path",
]

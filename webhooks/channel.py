"""The webhook channel of issues.notify (settings.NOTIFY_CHANNELS["webhook"] names this class)."""

import json

from issues.models import Notification
from minqing.outbound import post


class WebhookChannel:
    """POSTs the message as JSON to the person's URL, through the webhooks app's one guarded POST
    (minqing.outbound.post: http(s) only, never to this server or a private network unless
    WEBHOOK_ALLOW_PRIVATE_NETWORKS, no redirects followed, a short timeout)."""

    def send(self, notification: Notification) -> None:
        body = json.dumps(
            {
                "key": notification.key,
                "issue": notification.issue.reference if notification.issue_id else None,
                "subject": notification.subject,
                "body": notification.body,
            },
            ensure_ascii=False,
        ).encode()
        outcome = post(notification.address, body, {"Content-Type": "application/json; charset=utf-8"})
        if not outcome.ok:
            raise OSError(f"webhook: {outcome.error or f'answered {outcome.status_code}'}")

"""Signals of the issues app.

`events_created` is sent after IssueEvent rows were written in bulk (the SLA sweep writes a
batch's events in one statement, so no post_save runs for them), inside the same transaction,
with `events`: a list of (event id, issue id, event type). Receivers that react to every event
(webhooks.receivers) listen to both this and post_save.

`issue_routed` is sent by issues.routing.route_issue when it has routed a new issue, inside its
transaction with the issue row locked, with `issue`. Apps above the core send their own 派单 from
it (cowork: the 结对 partner bureau of a co-owned topic) through issues.dispatch.create_dispatch.
"""

from django.dispatch import Signal

events_created = Signal()
issue_routed = Signal()

"""Signals of the issues app.

`events_created` is sent after IssueEvent rows were written in bulk (the SLA sweep writes a
batch's events in one statement, so no post_save runs for them), inside the same transaction,
with `events`: a list of (event id, issue id, event type). Receivers that react to every event
(webhooks.receivers) listen to both this and post_save.
"""

from django.dispatch import Signal

events_created = Signal()

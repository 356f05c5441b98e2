"""Claiming work for a sweeper, shared by every phase of the SLA sweep (issues.escalation,
issues.resend)."""

from django.db import connection


def claimable_ids(queryset, order: str, batch: int) -> list[int]:
    """The first `batch` ids of `queryset` by `order`, for a sweeper to claim. On PostgreSQL they
    are locked (FOR UPDATE SKIP LOCKED), so two sweepers take different rows instead of queueing;
    elsewhere the caller's compare-and-set UPDATE decides which rows were its own."""
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.order_by(order).values_list("id", flat=True)[:batch])

"""Counting seats: below both the services that take them and the outbox that reports them."""

from dataclasses import dataclass

from django.db.models import Q, Sum

from .models import Activity, SignUp

Status = SignUp.Status


@dataclass(frozen=True)
class Seats:
    """Seats held, by pool. Reserved seats go to the reserved group first; the group may also
    take general seats; the others take general seats only."""

    capacity: int
    reserved: int
    group_held: int
    others_held: int
    waiting: int

    @property
    def held(self) -> int:
        return self.group_held + self.others_held

    @property
    def free(self) -> int:
        return max(self.capacity - self.held, 0)

    @property
    def reserved_unused(self) -> int:
        return max(self.reserved - self.group_held, 0)

    def free_for(self, *, group: bool) -> int:
        return self.free if group else max(self.free - self.reserved_unused, 0)


def seats_of(activity: Activity) -> Seats:
    """One query: seats held by the group and by the others, and seats waiting."""
    totals = SignUp.objects.filter(activity=activity, walk_in=False).aggregate(
        group=Sum("seats", filter=Q(status__in=SignUp.HOLDING, in_reserved_group=True)),
        others=Sum("seats", filter=Q(status__in=SignUp.HOLDING, in_reserved_group=False)),
        waiting=Sum("seats", filter=Q(status=Status.WAITING)),
    )
    return Seats(
        capacity=activity.capacity,
        reserved=activity.reserved_seats,
        group_held=totals["group"] or 0,
        others_held=totals["others"] or 0,
        waiting=totals["waiting"] or 0,
    )

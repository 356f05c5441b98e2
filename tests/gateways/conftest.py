import pytest

from issues.models import Notification
from tests import factories

PHONE = "13800138000"


@pytest.fixture
def received(world) -> Notification:
    """The "given to a grid worker" SMS (template: received) a resident who left a phone gets, not yet sent."""
    issue, _token = factories.issue(
        world.loc,
        description="楼道灯不亮",
        kind="consult",
        reporter_phone=PHONE,
        idempotency_key="3f2b9c1e-7d4a-4c8e-9b1f-2a6d8e0c5b7a",
    )
    return Notification.objects.get(key=f"resident:assigned:{issue.pk}")


@pytest.fixture
def later():
    """Past the claim lease, when the sweep hands an unsent row to delivery again."""
    import time_machine

    from issues.notify import CLAIM_LEASE

    def travel():
        from django.utils import timezone

        return time_machine.travel(timezone.now() + CLAIM_LEASE * 2, tick=True)

    return travel

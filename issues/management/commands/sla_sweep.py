"""One SLA sweep now: the same work celery beat runs every minute."""

from django.core.management.base import BaseCommand

from issues import services


class Command(BaseCommand):
    help = "Run one SLA sweep: escalate missed deadlines and re-send routing that never happened."

    def handle(self, *args, **options) -> None:
        counts = services.sla_sweep()
        self.stdout.write(f"escalated: {counts['escalated']}, resent: {counts['resent']}")

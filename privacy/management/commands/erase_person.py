"""Find, and on request erase, one person's name and phone in every report that holds them.

manage.py erase_person --phone 13800138000 --actor demo-head           # lists what it finds
manage.py erase_person --phone 13800138000 --actor demo-head --erase   # erases, audited
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from privacy import erasure


class Command(BaseCommand):
    help = "Find one person's reports by phone or name; with --erase, erase their name and phone (audited)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--phone", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--actor", required=True, help="username of the staff member who handles the request")
        parser.add_argument("--erase", action="store_true")

    def handle(self, *args, phone: str, name: str, actor: str, erase: bool, **options) -> None:
        if not phone.strip() and not name.strip():
            raise CommandError("Give --phone or --name.")
        person = get_user_model().objects.filter(username=actor, is_active=True).first()
        if person is None:
            raise CommandError(f"No active user {actor!r}.")
        found = erasure.find_person(phone=phone, name=name)
        for issue in found:
            self.stdout.write(f"{issue.reference}\t{issue.workstation}\t{issue.created_at:%Y-%m-%d}\t{issue.status}")
        if not erase:
            self.stdout.write(f"{found.count()} report(s) found; run again with --erase to erase.")
            return
        erased = erasure.erase_on_request(found, actor=person)
        self.stdout.write(f"{erased} report(s) erased.")

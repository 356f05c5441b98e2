from django.core.management.base import BaseCommand, CommandError

from open311.models import ApiKey


class Command(BaseCommand):
    help = "Make an Open311 api_key for a client and print it (shown once; only its hash is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="The client, e.g. the city's 12345 platform.")

    def handle(self, *args, **options) -> None:
        if ApiKey.objects.filter(name=options["name"]).exists():
            raise CommandError(f"There is already a key for {options['name']!r}; revoke it in the admin first.")
        _, key = ApiKey.issue(name=options["name"])
        self.stdout.write(key)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minqing.progress import ProgressBar
from workstations import places_csv


class Command(BaseCommand):
    help = (
        "Add or update neighbourhoods, grids and locations from a CSV file (one row per location; "
        "see workstations/places_csv.py for the columns). All or nothing: a file with any error "
        "changes nothing and every error is listed as 'row N: reason'. Nothing is ever deleted, "
        "and existing locations keep their QR codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, or GB18030 as saved by Chinese Excel)")
        parser.add_argument("--dry-run", action="store_true", help="only check the file; change nothing")

    def handle(self, *args, file: str, dry_run: bool, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        try:
            rows = places_csv.parse(places_csv.decode(data))
        except places_csv.ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{file}: {len(exc.errors)} error(s); nothing was imported. Fix the rows above and run again."
            ) from None
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"{file}: {len(rows)} rows, no errors. Nothing written (--dry-run)."))
            return
        bar = ProgressBar(len(rows), label="places", stream=self.stderr._out)
        result = places_csv.apply(rows, progress=bar.update)
        created, updated = result.created, result.updated
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows)} rows imported: "
                f"{created['neighbourhoods']} neighbourhoods, {created['grids']} grids, "
                f"{created['locations']} locations created; "
                f"{updated['neighbourhoods']} neighbourhoods, {updated['grids']} grids, "
                f"{updated['locations']} locations updated."
            )
        )

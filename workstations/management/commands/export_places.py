import csv

from django.core.management.base import BaseCommand, CommandError

from minqing.progress import ProgressBar
from workstations import places_csv
from workstations.models import Location, Workstation


class Command(BaseCommand):
    help = (
        "Write neighbourhoods, grids and locations as CSV, in the format import_places reads, with each "
        "location's report URL. To a file it writes UTF-8 with a BOM, so Excel shows the Chinese correctly."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="CSV file to write (default: standard output)")
        parser.add_argument("--workstation", action="append", help="only this workstation (slug); repeatable")

    def handle(self, *args, output: str | None, workstation: list[str] | None, **options):
        locations = Location.objects.select_related("grid__neighbourhood__workstation").order_by(
            "grid__neighbourhood__workstation__slug", "grid__neighbourhood__slug", "grid__code", "name", "id"
        )
        if workstation:
            known = set(Workstation.objects.filter(slug__in=workstation).values_list("slug", flat=True))
            unknown = sorted(set(workstation) - known)
            if unknown:
                raise CommandError(f"no workstation with slug {', '.join(unknown)}")
            locations = locations.filter(grid__neighbourhood__workstation__slug__in=workstation)
        total = locations.count()
        if output is None:
            self._write(self.stdout._out, locations, None)
            return
        try:
            with open(output, "w", encoding="utf-8-sig", newline="") as stream:
                bar = ProgressBar(total, label="places", stream=self.stderr._out)
                self._write(stream, locations, bar)
        except OSError as exc:
            raise CommandError(f"could not write {output}: {exc.strerror or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"{total} locations written to {output}"))

    @staticmethod
    def _write(stream, locations, bar: ProgressBar | None) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        for done, row in enumerate(places_csv.export_rows(locations.iterator(chunk_size=500))):
            writer.writerow(row)
            if bar and done:
                bar.update(done)
        if bar and bar.total == 0:
            bar.update(0)

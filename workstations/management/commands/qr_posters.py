from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from minqing.progress import ProgressBar
from workstations.models import Grid, Location, Neighbourhood, Workstation
from workstations.posters import FALLBACK_FONT, font_file, write_posters


class Command(BaseCommand):
    help = (
        "Write printable A4 QR posters for a workstation's locations into one PDF, one poster a page. "
        "Locations that are inactive or whose code is revoked are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workstation", required=True, help="workstation slug, e.g. wutong")
        parser.add_argument("--neighbourhood", help="only this neighbourhood of the workstation (slug)")
        parser.add_argument("--grid", help="only this grid of the workstation (grid code)")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")
        parser.add_argument("--language", default="zh-hans", help="language of the poster text (zh-hans or en)")

    def handle(self, *args, workstation: str, neighbourhood: str | None, grid: str | None, output: str, **options):
        try:
            ws = Workstation.objects.get(slug=workstation)
        except Workstation.DoesNotExist:
            raise CommandError(f"no workstation with slug {workstation!r}") from None
        locations = (
            Location.objects.filter(grid__neighbourhood__workstation=ws, is_active=True, qr_revoked_at__isnull=True)
            .select_related("grid__neighbourhood__workstation")
            .order_by("grid__neighbourhood__name", "grid__name", "name", "id")
        )
        if neighbourhood:
            if not Neighbourhood.objects.filter(workstation=ws, slug=neighbourhood).exists():
                raise CommandError(f"workstation {ws.slug!r} has no neighbourhood with slug {neighbourhood!r}")
            locations = locations.filter(grid__neighbourhood__slug=neighbourhood)
        if grid:
            if not Grid.objects.filter(neighbourhood__workstation=ws, code=grid).exists():
                raise CommandError(f"workstation {ws.slug!r} has no grid with code {grid!r}")
            locations = locations.filter(grid__code=grid)
        total = locations.count()
        if not total:
            raise CommandError("no active locations match; nothing to print")
        if font_file() is None:
            self.stderr.write(
                self.style.WARNING(
                    f"No TrueType CJK font found: the Chinese text uses {FALLBACK_FONT}, which is not embedded "
                    "(PDF viewers supply it; a print shop may not). For print, install fonts-wqy-microhei "
                    "(apt-get install fonts-wqy-microhei) or set POSTER_FONT to a .ttf/.ttc file."
                )
            )
        bar = ProgressBar(total, label="posters", stream=self.stderr._out)
        try:
            with translation.override(options["language"]):
                count = write_posters(locations.iterator(chunk_size=500), output, progress=bar.update)
        except OSError as exc:
            raise CommandError(f"could not write {output}: {exc.strerror or exc}") from None
        self.stdout.write(self.style.SUCCESS(f"{count} posters written to {output}"))

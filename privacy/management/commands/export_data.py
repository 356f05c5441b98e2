"""Write one workstation's data (rows and stored files) to a zip for import_data elsewhere.

manage.py export_data --workstation wutong -o wutong.zip
"""

from django.core.management.base import BaseCommand, CommandError

from minqing.progress import ProgressBar
from privacy import transfer
from workstations.models import Workstation


class Command(BaseCommand):
    help = "Export one workstation's data (with its photos and documents) to a zip for import_data."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workstation", required=True, help="slug of the workstation")
        parser.add_argument("-o", "--output", required=True, help="the zip file to write")

    def handle(self, *args, workstation: str, output: str, **options) -> None:
        found = Workstation.objects.filter(slug=workstation).first()
        if found is None:
            raise CommandError(f"No workstation with the slug {workstation!r}.")
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            bar = bar or ProgressBar(total, label="rows", stream=self.stderr._out)
            bar.update(done)

        try:
            manifest = transfer.write_export(found, output, progress=progress)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"{rows} rows of {found.slug} written to {output}.")

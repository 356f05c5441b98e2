"""Import a zip written by export_data into this installation, in one transaction.

manage.py import_data wutong.zip

Refuses, and writes nothing, when this installation already holds the workstation or any of its
unique values (QR tokens, reference numbers). Shared rows (subdistrict, departments, categories,
user accounts) are matched by slug / username and used as they are when present.
"""

from django.core.management.base import BaseCommand, CommandError

from minqing.progress import ProgressBar
from privacy import transfer


class Command(BaseCommand):
    help = "Import a workstation's data written by export_data (refuses when it conflicts with data here)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the zip written by export_data")

    def handle(self, *args, file: str, **options) -> None:
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            bar = bar or ProgressBar(total, label="rows", stream=self.stderr._out)
            bar.update(done)

        try:
            manifest = transfer.import_export(file, progress=progress)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"{rows} rows of {manifest['workstation']} imported from {file}.")

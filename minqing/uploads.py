"""Uploads beyond what any form keeps (issue 14): counted, not stored.

Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FILES files with a bare 400, and
every field of it is lost (the resident's description too). We let such a request through with
a higher ceiling, keep the first KEPT_FILES files as usual, and stand in a one-byte placeholder
for each file after that, so the form still counts them and says "at most 6 photos" beside the
text it keeps. A placeholder's data is read and dropped, never held."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

# More than any form accepts (6 photos a report, 12 an issue), so a form's own count decides.
KEPT_FILES = 20


class CountingUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes the first KEPT_FILES files on to Django's handlers."""

    def __init__(self, request=None):
        super().__init__(request)
        self.files_seen = 0
        self.skipping = False

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files_seen += 1
        self.skipping = self.files_seen > KEPT_FILES
        if self.skipping:
            raise StopFutureHandlers  # the other handlers never see this file

    def receive_data_chunk(self, raw_data, start):
        return None if self.skipping else raw_data

    def file_complete(self, file_size):
        if not self.skipping:
            return None  # the next handler returns the file
        self.skipping = False
        return SimpleUploadedFile(self.file_name or "file", b"\0", content_type="application/octet-stream")

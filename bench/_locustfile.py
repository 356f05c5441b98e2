"""The resident's path for locust (bench/load.py runs it headless): open a location's report
form, send a report — text only, or with a 2 MB photo — and open its tracking page."""

import io
import os
import random
import re

from locust import HttpUser, between, task
from PIL import Image

FORM_PATHS = os.environ["LOAD_FORM_PATHS"].split(",")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]+)"')
DESCRIPTION = "弄堂口的路灯不亮了，晚上很黑，老人走路不方便。"


def two_megabyte_photo() -> bytes:
    """A phone-sized JPEG of about 2 MB (noise does not compress)."""
    side, quality = 1600, 92
    while True:
        image = Image.frombytes("RGB", (side, side * 3 // 4), os.urandom(side * (side * 3 // 4) * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if out.tell() >= 2_000_000:
            return out.getvalue()
        side += 200


PHOTO = two_megabyte_photo()


class Resident(HttpUser):
    wait_time = between(0, 0.1)

    def _visit(self, *, photo: bool) -> None:
        path = random.choice(FORM_PATHS)
        form = self.client.get(path, name="GET form")
        csrf, key = CSRF_RE.search(form.text), KEY_RE.search(form.text)
        if not (csrf and key):
            form.failure("no CSRF token or idempotency key on the form")
            return
        # Production marks the CSRF cookie Secure; over the bench's plain HTTP a client keeps it
        # to itself, so it is sent by hand, as a browser behind the TLS proxy would send it.
        cookie = form.cookies.get("csrftoken") or self.client.cookies.get("csrftoken", "")
        data = {"csrfmiddlewaretoken": csrf.group(1), "idempotency_key": key.group(1), "description": DESCRIPTION}
        files = (
            {"photos": ("photo.jpg", PHOTO, "image/jpeg")}
            if photo
            else {"photos": ("", b"", "application/octet-stream")}
        )
        name = "POST report 2MB photo" if photo else "POST report text"
        with self.client.post(
            path,
            data=data,
            files=files,
            headers={"Cookie": f"csrftoken={cookie}", "Referer": self.host + path},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 303:
                answer.failure(f"answered {answer.status_code}, not 303: {answer.text[:120]}")
                return
            answer.success()
        self.client.get(answer.headers["Location"], name="GET tracking")

    @task(4)
    def text_report(self) -> None:
        self._visit(photo=False)

    @task(1)
    def photo_report(self) -> None:
        self._visit(photo=True)

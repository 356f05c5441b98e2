"""`make run` (DEBUG on, SITE_ERROR_PAGES on) shows the site's own 404 and 500 pages, as
production does, never Django's technical pages; and the README's manage.py commands work as
written on a fresh checkout, with `base_url` following SITE_URL / PORT."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from issues.models import Issue

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def make_run(settings):
    settings.DEBUG = True
    settings.SITE_ERROR_PAGES = True


def test_a_mistyped_qr_code_shows_the_sites_own_404_page(client, make_run):
    response = client.get("/q/not-a-real-code/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Using the URLconf" not in page and "Technical" not in page
    assert 'href="/"' in page or "/static/" in page  # the site's page, with its layout


def test_a_path_that_matches_nothing_shows_the_sites_own_404_page(client, make_run):
    response = client.get("/no-such-page/at-all/")
    assert response.status_code == 404
    assert "Using the URLconf" not in response.content.decode()


@pytest.mark.urls("tests.error_page_urls")
def test_a_failing_view_shows_the_sites_own_500_page(make_run):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Traceback" not in page and "RuntimeError" not in page


def test_without_the_setting_debug_keeps_djangos_technical_404(client, settings):
    settings.DEBUG = True
    settings.SITE_ERROR_PAGES = False
    assert "Using the URLconf" in client.get("/no-such-page/at-all/").content.decode()


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "SITE_URL", "PORT", "DATABASE_URL"}
    }
    environment.update({"VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_the_readmes_seed_demo_json_works_without_debug_and_follows_port_and_site_url(tmp_path):
    assert manage("migrate", "--noinput", tmp_path=tmp_path).returncode == 0
    on_port = manage("seed_demo", "--json", tmp_path=tmp_path, PORT="8123")
    assert on_port.returncode == 0, on_port.stderr
    demo = json.loads(on_port.stdout)
    assert demo["base_url"] == "http://127.0.0.1:8123"
    assert all(url.startswith("http://127.0.0.1:8123/q/") for url in demo["qr_urls"])
    public = json.loads(manage("seed_demo", "--json", tmp_path=tmp_path, SITE_URL="https://mq.example.cn/").stdout)
    assert public["base_url"] == "https://mq.example.cn"
    assert not Issue.objects.exists()  # the subprocesses wrote to their own database

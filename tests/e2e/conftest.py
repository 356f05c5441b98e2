"""A real Celery worker (and a real browser) for the end-to-end tests.

The worker runs in a thread of the test process and consumes from the configured broker: Redis
when REDIS_URL is set, kombu's filesystem transport otherwise. Nothing runs eagerly. Each test
gets its own queue (and, on the filesystem transport, its own folders), so a developer's worker
or another test run on the same broker can neither steal our tasks nor feed us theirs.
"""

import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

from minqing.celery import app as celery_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _forget_broker_connections() -> None:
    """Drop the app's cached connection pools and queue table so that the next publish (by the
    web request, through issues.services.publish_route) and the worker use the current conf."""
    kombu.pools.reset()  # closes and forgets every pooled connection and producer
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:
    # A fresh in-process cache per test: rate-limit counters kept by earlier runs (in Redis or
    # the file cache under var/) must not refuse our reports.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@dataclass
class TaskRun:
    name: str
    args: tuple
    thread: int


@dataclass
class RoutingWorker:
    """The running worker, and every task it has finished, in order."""

    controller: object
    runs: list[TaskRun] = field(default_factory=list)

    def runs_of(self, name: str) -> list[TaskRun]:
        return [run for run in list(self.runs) if run.name == name]


@pytest.fixture
def routing_worker(transactional_db, tmp_path: Path) -> Iterator[RoutingWorker]:
    """Start a real worker on the configured broker; stop it (and forget its queue) afterwards."""
    assert not celery_app.conf.task_always_eager, "the end-to-end tests need a real worker, not eager mode"
    queue = f"minqing-e2e-{uuid.uuid4().hex[:12]}"
    keys = ("task_default_queue", "broker_transport_options", "worker_hijack_root_logger")
    saved = {key: celery_app.conf[key] for key in keys}
    overrides: dict = {"task_default_queue": queue, "worker_hijack_root_logger": False}
    if not settings.REDIS_URL:
        folder, processed = tmp_path / "broker-queue", tmp_path / "broker-processed"
        folder.mkdir()
        processed.mkdir()
        overrides["broker_transport_options"] = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(processed),
            "control_folder": str(tmp_path / "broker-control"),
            "store_processed": False,
            "polling_interval": 0.1,
        }
    celery_app.conf.update(overrides)
    _forget_broker_connections()
    try:
        with celery_app.connection_for_write() as conn:
            celery_app.control.purge(connection=conn)
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as controller:
            worker = RoutingWorker(controller)

            def record(sender=None, args=None, **kwargs) -> None:
                worker.runs.append(TaskRun(sender.name, tuple(args or ()), threading.get_ident()))

            task_postrun.connect(record, weak=False)
            try:
                yield worker
            finally:
                task_postrun.disconnect(record)
    finally:
        if settings.REDIS_URL:
            # The queue, its bindings and anything else kombu keyed on our unique name.
            with celery_app.connection_for_write() as conn:
                client = conn.default_channel.client
                keys = list(client.scan_iter(match=f"*{queue}*"))
                if keys:
                    client.delete(*keys)
        celery_app.conf.update(saved)
        _forget_broker_connections()


@pytest.fixture
def wait_until() -> Callable:
    """Poll `predicate` until it returns something truthy, or fail after `timeout` seconds."""

    def wait(predicate: Callable, *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(interval)

    return wait


@pytest.fixture
def chromium(monkeypatch) -> Iterator[object]:
    """Debian's Chromium through Playwright. Skipped locally when missing; never skipped in CI."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        message = f"{CHROMIUM} is not installed"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the browser journey")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed: CI must run the browser journey")
        pytest.skip("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here by the
    # test itself are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # The ORM calls the test made under Playwright's loop used connections of their own
            # (asgiref keys them by context); left open, they would block dropping the test database.
            connections.close_all()


# --- Phone-sized pages (the resident's and the grid worker's screens) -------------------------

PHONE_SCREEN = {"width": 360, "height": 740}
CSP_SIGNS = ("Content Security Policy", "Content-Security-Policy", "Refused to")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def resident_pages(settings, tmp_path):
    """Uploads in a folder of the test's own, no rate limits, and the resident side's per-process
    caches (keyword rules, FAQ index) empty before and after."""
    from issues import faq, keywords

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMIT_ENABLE = False
    for clear in (keywords.invalidate, faq.invalidate):
        clear()
    yield
    for clear in (keywords.invalidate, faq.invalidate):
        clear()


@pytest.fixture
def phone(chromium):
    """new(locale, **context options) opens a page in a fresh phone-sized context. Afterwards no
    page may have broken the Content Security Policy or thrown a JavaScript error."""
    contexts, console, errors = [], [], []

    def new(locale: str = "en-US", **options):
        context = chromium.new_context(viewport=PHONE_SCREEN, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield new
    for context in contexts:
        context.close()
    assert [line for line in console if any(sign in line for sign in CSP_SIGNS)] == []
    assert errors == []


def axe_violations(page, label: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the page (the page's context needs bypass_csp:
    axe is injected as a script of the test); the page must also fit the phone's width."""
    assert page.evaluate("document.documentElement.lang") in ("zh-hans", "en")
    width = PHONE_SCREEN["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{label} is wider than the phone"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        f"{label}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
    ]

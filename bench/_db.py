"""A scratch database for a benchmark: SQLite under the scratch VAR_DIR by default; with
DATABASE_URL set, a fresh PostgreSQL database `<name>_bench` beside it (dropped afterwards)."""

import os
from urllib.parse import urlparse


def scratch_database() -> str | None:
    """Point DATABASE_URL at a fresh bench database; returns its URL (None for SQLite)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_bench"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    bench_url = parsed._replace(path="/" + name).geturl()
    os.environ["DATABASE_URL"] = bench_url
    return bench_url


def drop(bench_url: str | None) -> None:
    if not bench_url:
        return
    import psycopg
    from django.conf import settings
    from django.db import connections

    if settings.configured:  # a bench that runs Django only in its subprocesses has none open
        connections.close_all()
    parsed = urlparse(bench_url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')

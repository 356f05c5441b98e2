"""What `make run` prints: `seed_demo` says what it did in one line, and scripts/run.sh's banner
lists the URLs and demo logins once, the roles in one column however long a username is."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
RUN_SH = Path(__file__).resolve().parent.parent / "scripts" / "run.sh"


def seed_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def banner(demo: dict) -> str:
    """The Python that run.sh feeds to the interpreter between <<'PYTHON' and PYTHON, run as it is."""
    script = re.search(r"<<'PYTHON'\n(.*?)\nPYTHON\n", RUN_SH.read_text(), re.S).group(1)
    env = {**os.environ, "DEMO_JSON": json.dumps(demo, ensure_ascii=False), "LOG_DIR": "var/log"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_seed_demo_says_what_it_did_without_listing_the_logins():
    first, again = seed_demo(), seed_demo()
    assert re.search(r"Demo data ready: \d+ rows created", first)
    assert "nothing changed" in again
    for out in (first, again):
        assert len(out.strip().splitlines()) == 1
        assert "demo-head" not in out and "/staff/" not in out


def test_seed_demo_json_is_one_object_with_the_contracts_keys():
    demo = json.loads(seed_demo("--json"))
    assert {"base_url", "workstation", "qr_urls", "users", "password", "open311_api_key"} <= demo.keys()
    assert demo["users"]["station_head"] == "demo-head"


def test_the_banner_lists_each_login_once_with_the_roles_in_one_column():
    demo = json.loads(seed_demo("--json"))
    text = banner(demo)
    rows = [line for line in text.splitlines() if any(line.split()[:1] == [u] for u in demo["users"].values())]
    assert [line.split() for line in rows] == [[u, role] for role, u in demo["users"].items()]
    assert len({len(line) - len(role) for line, role in zip(rows, demo["users"], strict=True)}) == 1
    assert max(map(len, demo["users"].values())) > 13  # demo-supervisor: the case that broke
    assert text.count(demo["qr_urls"][0]) == 1

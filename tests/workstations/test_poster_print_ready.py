"""Issue 18, item 21: a print shop's preflight refuses PDFs with fonts that are not embedded, so
every font a poster names is embedded (`pdffonts`, from poppler-utils, lists none with emb = no);
and the address printed under the QR code is short enough to type, leading to the same place."""

import io
import re
import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from workstations import posters
from workstations.models import SHORT_CODE_ALPHABET
from workstations.posters import write_posters
from workstations.services import revoke_qr, rotate_qr

pytestmark = pytest.mark.django_db


def pdf_fonts(pdf: bytes, tmp_path) -> list[dict]:
    """`pdffonts`' table: one dict per font (name, type, emb …). Skips, saying why, only when
    pdffonts itself is not installed."""
    tool = shutil.which("pdffonts")
    if tool is None:
        pytest.skip("pdffonts is not installed (apt-get install poppler-utils): the fonts were not checked")
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header, rule, *rows = lines
    # Columns are fixed-width: the dashes of the second line give their extents.
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() or header[a:].split()[0] for a, b in spans]
    return [dict(zip(names, (row[a:b].strip() for a, b in spans), strict=True)) for row in rows]


@pytest.fixture
def truetype_font():
    """Not a skip: without a TrueType CJK font (fonts-wqy-microhei, or POSTER_FONT) the posters'
    text is in STSong-Light, which is not embedded, and the check below rightly fails."""
    assert posters.font_file(), "install fonts-wqy-microhei (or set POSTER_FONT): posters need an embedded font"


def test_every_font_of_a_location_poster_is_embedded(truetype_font, tmp_path):
    grid = factories.grid()
    out = io.BytesIO()
    write_posters([factories.location(grid), factories.location(grid)], out)
    fonts = pdf_fonts(out.getvalue(), tmp_path)
    assert fonts, "pdffonts found the poster's fonts"
    assert [f["name"] for f in fonts if f["emb"] != "yes"] == []
    assert not any(re.search(r"Helvetica|Courier|Times", f["name"]) for f in fonts)


def test_every_font_of_an_event_poster_is_embedded(truetype_font, tmp_path, world):
    from community.posters import poster_pdf
    from tests.community.conftest import make_activity

    fonts = pdf_fonts(poster_pdf(make_activity(world.ws)), tmp_path)
    assert fonts and [f["name"] for f in fonts if f["emb"] != "yes"] == []


def test_the_printed_address_is_short_and_unambiguous(settings):
    settings.SITE_URL = "https://mq.example.cn"
    location = factories.location()
    typed = location.typed_url()
    assert re.fullmatch(r"mq\.example\.cn/k/[0-9A-Z]{4}-[0-9A-Z]{4}", typed), typed
    assert len(typed) <= 30 and len(typed) < len(location.report_url()) - 15
    assert set(location.short_code) <= set(SHORT_CODE_ALPHABET)  # no I, L, O or U


def test_the_typed_address_leads_to_the_report_form_however_it_is_typed(world):
    location = world.loc
    code = location.short_code_display
    sloppy = code.lower().replace("0", "o").replace("1", "l").replace("-", "")
    for typed in (code, code + "/", sloppy, f"{code[:4]} {code[5:]}".replace(" ", "%20")):
        response = Client().get(f"/k/{typed}")
        assert (response.status_code, response["Location"]) == (302, location.report_path()), typed
    assert Client().get(reverse("short_code", args=["ZZZZ-ZZZZ"])).status_code == 404
    assert Client().get("/k/short").status_code == 404


def test_after_a_rotation_the_old_address_follows_the_old_poster(world):
    location = world.loc
    old_code, old_token = location.short_code_display, location.qr_token
    rotated = rotate_qr(location, actor=world.head)
    assert rotated.short_code_display != old_code
    client = Client()
    assert client.get(f"/k/{old_code}")["Location"] == reverse("report", args=[old_token])
    assert client.get(f"/k/{old_code}", follow=True).redirect_chain[-1][0] == rotated.report_path()
    assert client.get(f"/k/{rotated.short_code_display}")["Location"] == rotated.report_path()
    revoke_qr(rotated, actor=world.head)
    assert client.get(f"/k/{rotated.short_code_display}", follow=True).status_code == 410

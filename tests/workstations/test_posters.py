"""Posters must decode back to exactly the location's report URL when printed and scanned."""

import io
import re

import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from reportlab.pdfgen.canvas import Canvas

from tests import factories
from workstations import posters
from workstations.pdfcat import PdfConcatenator, UnsupportedPDF
from workstations.posters import write_posters
from workstations.services import revoke_qr


def decode_pages(pdf_bytes: bytes, dpi: int = 150) -> list[list[str]]:
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    pages = []
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        # QR codes only: the printed short code (e.g. "A08D-…") can read as a Codabar barcode.
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append([result.text for result in found])
    return pages


@pytest.mark.django_db
def test_each_poster_decodes_to_its_locations_url():
    grid = factories.grid()
    locations = [factories.location(grid), factories.location(grid)]
    out = io.BytesIO()
    assert write_posters(locations, out) == 2
    assert decode_pages(out.getvalue()) == [[loc.report_url()] for loc in locations]


@pytest.mark.django_db
def test_the_poster_carries_the_names_in_chinese_with_an_embedded_font():
    location = factories.location()
    out = io.BytesIO()
    write_posters([location], out)
    text = pypdfium2.PdfDocument(out.getvalue())[0].get_textpage().get_text_range()
    assert "民情快办" in text
    assert location.name in text
    assert location.grid.neighbourhood.workstation.name in text
    assert location.typed_url() in text  # the short address to type; the code carries the full one
    assert b"FontFile2" in out.getvalue()  # the TrueType font is embedded, not referenced


@pytest.mark.django_db
def test_the_command_writes_a_pdf_for_a_workstation_and_shows_progress(tmp_path, capsys):
    grid = factories.grid()
    factories.location(grid)
    factories.location(grid, is_active=False)
    target = tmp_path / "posters.pdf"
    call_command("qr_posters", "--workstation", grid.neighbourhood.workstation.slug, "-o", str(target))
    assert len(pypdfium2.PdfDocument(str(target))) == 1  # the inactive location is left out
    captured = capsys.readouterr()
    assert "1 posters written" in captured.out
    assert "1/1" in captured.err


@pytest.mark.django_db
def test_an_unknown_workstation_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no workstation"):
        call_command("qr_posters", "--workstation", "nowhere", "-o", str(tmp_path / "x.pdf"))


# --- Many posters, streamed in batches ---------------------------------------------------------


@pytest.mark.django_db
def test_posters_across_several_batches_make_one_valid_pdf_in_order():
    grid = factories.grid()
    locations = [factories.location(grid) for _ in range(7)]
    out = io.BytesIO()
    assert write_posters(locations, out, batch_size=3) == 7  # batches of 3, 3 and 1
    data = out.getvalue()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert decode_pages(data) == [[loc.report_url()] for loc in locations]
    pdf = pypdfium2.PdfDocument(data)
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert all(loc.name in text for loc, text in zip(locations, texts, strict=True))


def test_the_concatenated_file_has_a_consistent_cross_reference_table():
    """Each xref offset points at its object: what strict readers (qpdf, Acrobat) check."""
    parts = []
    for n in (1, 2):
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        for page in range(n):
            canvas.drawString(100, 100, f"part {n} page {page}")
            canvas.showPage()
        canvas.save()
        parts.append(buffer.getvalue())
    out = io.BytesIO()
    document = PdfConcatenator(out, title="测试")
    assert [document.add(p) for p in parts] == [1, 2]
    document.close()
    data = out.getvalue()
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[xref_at:].startswith(b"xref\n0 ")
    size = int(re.search(rb"/Size (\d+)", data).group(1))
    entries = data[xref_at:].split(b"\n")[2 : 2 + size]
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number), number
    assert len(pypdfium2.PdfDocument(data)) == 3


def test_other_pdfs_are_refused_rather_than_guessed():
    with pytest.raises(UnsupportedPDF):
        PdfConcatenator(io.BytesIO()).add(b"%PDF-1.5\nnot really\nstartxref\n9\n%%EOF\n")


@pytest.mark.django_db
def test_writing_to_a_path_leaves_no_half_file_behind(tmp_path, monkeypatch):
    location = factories.location()
    target = tmp_path / "posters.pdf"

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(posters, "_render_batch", broken)
    with pytest.raises(RuntimeError):
        write_posters([location], target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_the_command_prints_one_neighbourhood_or_grid_and_skips_revoked_codes(tmp_path, capsys):
    ws = factories.workstation()
    g1, g2 = factories.grid(ws), factories.grid(ws)
    a, b = factories.location(g1), factories.location(g1)
    c = factories.location(g2)
    revoke_qr(b, actor=None)
    target = tmp_path / "hood.pdf"
    call_command("qr_posters", "--workstation", ws.slug, "--neighbourhood", g1.neighbourhood.slug, "-o", str(target))
    assert decode_pages(target.read_bytes()) == [[a.report_url()]]
    call_command("qr_posters", "--workstation", ws.slug, "--grid", g2.code, "-o", str(target))
    assert decode_pages(target.read_bytes()) == [[c.report_url()]]
    with pytest.raises(CommandError, match="no neighbourhood with slug"):
        call_command("qr_posters", "--workstation", ws.slug, "--neighbourhood", "nowhere", "-o", str(target))
    other_hood = factories.grid().neighbourhood
    with pytest.raises(CommandError, match="no neighbourhood with slug"):
        call_command("qr_posters", "--workstation", ws.slug, "--neighbourhood", other_hood.slug, "-o", str(target))


@pytest.mark.django_db
def test_without_a_truetype_font_the_command_still_writes_posters_and_warns(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("POSTER_FONT", raising=False)
    monkeypatch.setattr(posters, "FONT_CANDIDATES", [str(tmp_path / "no-such-font.ttc")])
    location = factories.location()
    target = tmp_path / "posters.pdf"
    call_command("qr_posters", "--workstation", location.grid.neighbourhood.workstation.slug, "-o", str(target))
    pdf = target.read_bytes()
    assert decode_pages(pdf) == [[location.report_url()]]
    assert b"STSong-Light" in pdf
    assert "fonts-wqy-microhei" in capsys.readouterr().err

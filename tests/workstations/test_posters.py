"""Posters must decode back to exactly the location's report URL when printed and scanned."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.core.management import CommandError, call_command

from tests import factories
from workstations.posters import write_posters


def decode_pages(pdf_bytes: bytes, dpi: int = 150) -> list[list[str]]:
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    pages = []
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        pages.append([result.text for result in zxingcpp.read_barcodes(image)])
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
    assert location.report_url() in text
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

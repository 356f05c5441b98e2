"""Printable QR posters (A4 PDF) for a lane wall: 民情快办 · 扫码反映.

The QR code is drawn as vector squares, so it stays sharp at any print size, with error
correction H so a weathered or partly covered poster still scans. Chinese text needs an embedded
TrueType font (ReportLab cannot embed CFF/OpenType-CFF fonts such as Noto CJK); without one the
text falls back to a font the viewer supplies; see README. Every font a poster names is embedded
when that font is installed (`pdffonts` lists none with emb = no): no base-14 font (Helvetica,
Courier) is used, not even as the canvas's initial font. The address printed under the code is
the short one to type (Location.typed_url), the code itself carries the full report URL.
"""

import io
import os
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .models import Location
from .pdfcat import PdfConcatenator

FONT_NAME = "MinqingCJK"
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
]


# ReportLab's built-in Chinese font: not embedded, the PDF viewer supplies the glyphs (Acrobat,
# browsers and phones do; a print shop's RIP may not). Only when no TrueType font is found.
FALLBACK_FONT = "STSong-Light"


def font_file() -> str | None:
    """The TrueType CJK font to embed: POSTER_FONT, else one of Debian's WenQuanYi fonts."""
    configured = os.environ.get("POSTER_FONT") or getattr(settings, "POSTER_FONT", "")
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def register_font() -> str:
    """Register the CJK font once and return its name: the embedded TrueType font when there is
    one, else FALLBACK_FONT, so that posters can be printed on any machine (the command warns)."""
    path = font_file()
    if path is None:
        if FALLBACK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        return FALLBACK_FONT
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


MONO_FONT_NAME = "MinqingMono"
MONO_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
]


def register_mono_font(text_font: str) -> str:
    """The font of the address to type: an embedded TrueType monospace (0 and O, 1 and l told
    apart), else the poster's own font. Never a PDF base-14 font such as Courier, which is not
    embedded and which print shops' preflight refuses."""
    path = next((c for c in MONO_FONT_CANDIDATES if Path(c).exists()), None)
    if path is None:
        return text_font
    if MONO_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(MONO_FONT_NAME, path))
    return MONO_FONT_NAME


def new_canvas(out: BinaryIO, font: str) -> Canvas:
    """An A4 canvas whose initial font is the poster's own: ReportLab's default (Helvetica) would
    otherwise be named in every page, not embedded."""
    return Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=12)


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code as one filled path of dark modules, bottom-left corner at (x, y)."""
    matrix = qr_matrix(data)
    n = len(matrix)
    module = size / n
    path = canvas.beginPath()
    for row, line in enumerate(matrix):
        col = 0
        while col < n:
            if line[col]:
                start = col
                while col < n and line[col]:
                    col += 1
                # One rectangle per run of dark modules in a row keeps the PDF small.
                path.rect(x + start * module, y + size - (row + 1) * module, (col - start) * module, module)
            else:
                col += 1
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def draw_poster(canvas: Canvas, location: Location) -> None:
    font = register_font()
    width, height = A4
    workstation = location.grid.neighbourhood.workstation
    url = location.report_url()  # the QR code's; the printed one is location.typed_url()
    centre = width / 2

    canvas.setFillColorRGB(0.75, 0.1, 0.1)
    canvas.rect(0, height - 130, width, 130, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, 40)
    canvas.drawCentredString(centre, height - 75, "民情快办 · 扫码反映")
    canvas.setFont(font, 16)
    canvas.drawCentredString(centre, height - 110, _("Tell us what is wrong here. We will handle it fast."))

    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 30)
    canvas.drawCentredString(centre, height - 190, location.name)

    qr_size = 330
    qr_y = height - 230 - qr_size
    # A white quiet zone of four modules around the code is part of the paper margin.
    draw_qr(canvas, url, centre - qr_size / 2, qr_y, qr_size)

    canvas.setFont(font, 12)
    canvas.drawCentredString(centre, qr_y - 28, _("No smartphone? Type this address:"))
    canvas.setFont(register_mono_font(font), 18)
    canvas.drawCentredString(centre, qr_y - 54, location.typed_url())

    canvas.setFont(font, 18)
    canvas.drawCentredString(centre, 120, workstation.name)
    if workstation.phone:
        canvas.drawCentredString(centre, 92, _("Phone: %(phone)s") % {"phone": workstation.phone})
    canvas.setFont(font, 11)
    canvas.drawCentredString(centre, 60, _("In danger? Call 110 (police), 119 (fire) or 120 (ambulance) first."))


# Pages rendered per ReportLab canvas before they are streamed out (see pdfcat). Each batch
# embeds its own font subset (~25 kB), so larger batches make a smaller file; memory grows
# with the batch, never with the number of posters.
BATCH_SIZE = 50
TITLE = "民情快办 · 扫码反映"


def _render_batch(locations: list[Location]) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, register_font())
    canvas.setTitle(TITLE)
    for location in locations:
        draw_poster(canvas, location)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def write_posters(
    locations: Iterable[Location],
    out: str | os.PathLike | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write one A4 page per location to `out` (a path or a binary file). Returns the count.

    Memory stays that of one batch of `batch_size` pages whatever the number of locations:
    each batch is rendered to a small PDF and streamed into `out`. A path is written to a
    temporary file beside it and renamed at the end, so an interrupted run leaves no half PDF."""
    register_font()
    if isinstance(out, str | os.PathLike):
        target = Path(out)
        partial = target.with_name(target.name + ".part")
        try:
            with open(partial, "wb") as stream:
                count = write_posters(locations, stream, progress=progress, batch_size=batch_size)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return count
    document = PdfConcatenator(out, title=TITLE, producer="民情快办 (ReportLab)")
    count = 0
    iterator = iter(locations)
    while batch := list(islice(iterator, batch_size)):
        document.add(_render_batch(batch))
        count += len(batch)
        if progress:
            progress(count)
    document.close()
    return count

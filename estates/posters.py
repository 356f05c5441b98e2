"""An estate's printable A4 poster, drawn with the places' poster code (workstations.posters):
the same embedded CJK font and vector QR code, leading to the estate's public page, with its
short URL printed under the code and the housing officer's contact (有事先找我)."""

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from workstations.posters import draw_qr, register_font

from .models import Estate


def poster_pdf(estate: Estate) -> bytes:
    font = register_font()
    width, height = A4
    centre = width / 2
    url = estate.public_url()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{estate.name} · 信息公开")
    canvas.setFillColorRGB(0.1, 0.3, 0.55)
    canvas.rect(0, height - 130, width, 130, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, 40)
    canvas.drawCentredString(centre, height - 75, "小区信息公开 · 有事先找我")
    canvas.setFont(font, 16)
    canvas.drawCentredString(
        centre, height - 110, _("Scan to read the estate's disclosure and reach your housing officer.")
    )
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 30)
    canvas.drawCentredString(centre, height - 185, estate.name[:30])
    qr_size = 300
    qr_y = height - 220 - qr_size
    draw_qr(canvas, url, centre - qr_size / 2, qr_y, qr_size)
    canvas.setFont(font, 12)
    canvas.drawCentredString(centre, qr_y - 28, _("No smartphone? Type this address:"))
    canvas.setFont("Courier-Bold", 13)
    canvas.drawCentredString(centre, qr_y - 48, url)
    canvas.setFont(font, 16)
    if estate.company_id:
        canvas.drawCentredString(centre, 150, _("Property company: %(name)s") % {"name": estate.company.name})
    officer = estate.housing_officer
    if officer is not None:
        name = officer.get_full_name() or officer.username
        canvas.setFont(font, 18)
        canvas.drawCentredString(centre, 115, _("Housing officer: %(name)s") % {"name": name})
    if estate.housing_officer_phone:
        canvas.setFont(font, 16)
        canvas.drawCentredString(centre, 90, _("Phone: %(phone)s") % {"phone": estate.housing_officer_phone})
    canvas.setFont(font, 12)
    canvas.drawCentredString(centre, 60, estate.neighbourhood.workstation.name)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

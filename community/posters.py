"""An event's printable A4 poster, drawn with the places' poster code (workstations.posters):
the same embedded CJK font and vector QR code, leading to the event's public page."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4

from workstations.posters import draw_qr, new_canvas, register_font, register_mono_font

from .models import Activity


def poster_pdf(activity: Activity) -> bytes:
    font = register_font()
    width, height = A4
    centre = width / 2
    url = activity.public_url()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, font)
    canvas.setTitle(activity.title)
    canvas.setFillColorRGB(0.1, 0.45, 0.25)
    canvas.rect(0, height - 130, width, 130, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(font, 40)
    canvas.drawCentredString(centre, height - 75, "好事常办 · 扫码报名")
    canvas.setFont(font, 16)
    canvas.drawCentredString(centre, height - 110, _("Scan to sign up. No app, no login."))
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 26)
    canvas.drawCentredString(centre, height - 180, activity.title[:30])
    start = timezone.localtime(activity.starts_at)
    end = timezone.localtime(activity.ends_at)
    canvas.setFont(font, 16)
    canvas.drawCentredString(centre, height - 210, f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}")
    canvas.drawCentredString(centre, height - 235, activity.place[:40])
    qr_size = 300
    qr_y = height - 270 - qr_size
    draw_qr(canvas, url, centre - qr_size / 2, qr_y, qr_size)
    canvas.setFont(font, 12)
    canvas.drawCentredString(centre, qr_y - 28, _("No smartphone? Type this address:"))
    canvas.setFont(register_mono_font(font), 12)
    canvas.drawCentredString(centre, qr_y - 48, url.split("://", 1)[-1])
    canvas.setFont(font, 16)
    canvas.drawCentredString(centre, 110, _("%(n)d seats") % {"n": activity.capacity})
    canvas.setFont(font, 18)
    canvas.drawCentredString(centre, 80, activity.workstation.name)
    if activity.workstation.phone:
        canvas.setFont(font, 14)
        canvas.drawCentredString(centre, 56, _("Phone: %(phone)s") % {"phone": activity.workstation.phone})
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()

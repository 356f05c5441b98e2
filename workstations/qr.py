"""QR codes for locations. High error correction (H, ~30%) so a code on a weathered,
scratched or partly covered wall still scans."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_H
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage


def _code(data: str, *, box_size: int, border: int) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_H, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A black-on-white PNG of `data`; `box_size` pixels per module, `border` modules of quiet zone."""
    image = _code(data, box_size=box_size, border=border).make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """The same code as one SVG path: scales to any poster size without blurring."""
    image = _code(data, box_size=box_size, border=border).make_image(image_factory=SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()

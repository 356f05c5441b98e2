"""Concatenate PDF files written by ReportLab into one PDF, streaming.

ReportLab's canvas keeps every page in memory until `save()`, so a thousand posters would cost
a thousand pages of memory. `posters.write_posters` instead renders small batches, each into
its own little PDF, and hands each to `PdfConcatenator.add`, which copies its objects to the
output straight away (renumbered) and keeps only the byte offsets for the final cross-reference
table. Memory then stays that of one batch, whatever the number of posters.

This is deliberately not a general PDF library. It reads what ReportLab writes: a classic
`xref` table (no object streams, no incremental updates, no encryption), a flat page tree,
direct `/Length` values. Anything else raises `UnsupportedPDF` rather than guessing.
"""

import re
from typing import BinaryIO

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\r?\n")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_REF = re.compile(rb"(?<![\d.])(\d+) 0 R(?![A-Za-z])")
_OBJ_HEADER = re.compile(rb"(\d+) 0 obj\s")
# The end of a stream object's dictionary: `>>` then the `stream` keyword and its EOL.
_STREAM_START = re.compile(rb">>\s*stream(\r\n|\n)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")


class UnsupportedPDF(ValueError):
    pass


def _ref(dictionary: bytes, key: bytes) -> int:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", dictionary)
    if match is None:
        raise UnsupportedPDF(f"no /{key.decode()} reference")
    return int(match.group(1))


def _utf16_hex(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class PdfConcatenator:
    """Write PDFs' pages, in order, into one PDF on `out` (any writable binary stream)."""

    # Objects 1-3 are this document's own, written by close(); the parts' objects follow.
    CATALOG, PAGES, INFO = 1, 2, 3

    def __init__(self, out: BinaryIO, *, title: str = "", producer: str = "") -> None:
        self.out = out
        self.title = title
        self.producer = producer
        self.position = 0
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.next_number = 4
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add(self, pdf: bytes) -> int:
        """Append every page of `pdf`; returns how many pages it had."""
        offsets, trailer = self._read_xref(pdf)
        root = _ref(trailer, b"Root")
        info = re.search(rb"/Info\s+(\d+) 0 R", trailer)
        catalog = self._body(pdf, offsets, root)
        pages_root = _ref(catalog, b"Pages")
        pages = self._body(pdf, offsets, pages_root)
        kids_match = re.search(rb"/Kids\s*\[(.*?)\]", pages, re.S)
        if kids_match is None:
            raise UnsupportedPDF("the page tree has no /Kids")
        kids = [int(n) for n in _REF.findall(kids_match.group(1))]

        skip = {root, pages_root} | ({int(info.group(1))} if info else set())
        mapping = {pages_root: self.PAGES}
        for old in sorted(offsets):
            if old not in skip:
                mapping[old] = self.next_number
                self.next_number += 1

        def renumber(match: re.Match) -> bytes:
            old = int(match.group(1))
            if old not in mapping:
                raise UnsupportedPDF(f"reference to object {old}, which this file does not define")
            return b"%d 0 R" % mapping[old]

        for old in sorted(offsets):
            if old in skip:
                continue
            body = self._body(pdf, offsets, old)
            stream = _STREAM_START.search(body)
            # Only the dictionary is rewritten; stream data (fonts, page contents) is copied as is.
            head, tail = (body[: stream.start()], body[stream.start() :]) if stream else (body, b"")
            if head.lstrip().startswith(b"<<") and b"/Type /Pages" in head:
                raise UnsupportedPDF("nested page trees are not supported")
            self._object(mapping[old], _REF.sub(renumber, head) + tail)
        for kid in kids:
            self.pages.append(mapping[kid])
        return len(kids)

    @staticmethod
    def _read_xref(pdf: bytes) -> tuple[dict[int, int], bytes]:
        tail = _STARTXREF.search(pdf[-64:])
        if tail is None:
            raise UnsupportedPDF("no startxref at the end")
        start = int(tail.group(1))
        if not pdf.startswith(b"xref", start):
            raise UnsupportedPDF("cross-reference streams are not supported")
        position = start + len(b"xref")
        while pdf[position : position + 1] in (b"\r", b"\n", b" "):
            position += 1
        offsets: dict[int, int] = {}
        while True:
            section = _XREF_SECTION.match(pdf, position)
            if section is None:
                break
            first, count = int(section.group(1)), int(section.group(2))
            position = section.end()
            for number in range(first, first + count):
                entry = _XREF_ENTRY.match(pdf, position)
                if entry is None:
                    raise UnsupportedPDF("a malformed cross-reference entry")
                if entry.group(3) == b"n" and number != 0:
                    offsets[number] = int(entry.group(1))
                position = entry.end()
                while pdf[position : position + 1] in (b"\r", b"\n", b" "):
                    position += 1
        trailer = _TRAILER.search(pdf, position)
        if trailer is None:
            raise UnsupportedPDF("no trailer")
        if b"/Encrypt" in trailer.group(1) or b"/Prev" in trailer.group(1):
            raise UnsupportedPDF("encrypted or incrementally updated files are not supported")
        return offsets, trailer.group(1)

    @staticmethod
    def _body(pdf: bytes, offsets: dict[int, int], number: int) -> bytes:
        if number not in offsets:
            raise UnsupportedPDF(f"object {number} is missing")
        header = _OBJ_HEADER.match(pdf, offsets[number])
        if header is None or int(header.group(1)) != number:
            raise UnsupportedPDF(f"object {number} is not where the table says")
        start = header.end()
        end = pdf.find(b"endobj", start)
        if end < 0:
            raise UnsupportedPDF(f"object {number} never ends")
        stream = _STREAM_START.search(pdf, start, end)
        if stream is not None:
            # Skip the data by its length: compressed bytes may happen to spell "endobj".
            length = _LENGTH.search(pdf, start, stream.start())
            if length is None:
                raise UnsupportedPDF(f"object {number} has no direct /Length")
            end = pdf.find(b"endobj", stream.end() + int(length.group(1)))
            if end < 0:
                raise UnsupportedPDF(f"object {number} never ends")
        return pdf[start:end].strip(b"\r\n ")

    def close(self) -> None:
        """Write the page tree, catalog, document information and cross-reference table."""
        kids = b" ".join(b"%d 0 R" % n for n in self.pages)
        self._object(self.PAGES, b"<< /Type /Pages /Count %d /Kids [ %s ] >>" % (len(self.pages), kids))
        self._object(self.CATALOG, b"<< /Type /Catalog /Pages %d 0 R /PageMode /UseNone >>" % self.PAGES)
        info = b"<< /Title " + _utf16_hex(self.title)
        if self.producer:
            info += b" /Producer " + _utf16_hex(self.producer)
        self._object(self.INFO, info + b" >>")
        xref_at = self.position
        size = self.next_number
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, self.CATALOG, self.INFO, xref_at)
        )

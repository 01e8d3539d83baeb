"""Reading a report page without a browser: tags, element text, embedded PNGs."""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VOID = {"img", "br", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col"}


class Page(HTMLParser):
    """Every start tag with its attributes, and the text inside elements with an id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of open elements
        self._buffers: dict[str, list[str]] = {}
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in VOID:
            return
        ident = attributes.get("id")
        if ident is not None:
            self._buffers[ident] = []
        self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, ident = self._open.pop()
            if ident is not None:
                self.text_by_id[ident] = " ".join("".join(self._buffers.pop(ident)).split())
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for buf in self._buffers.values():
            buf.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@dataclass(frozen=True)
class Png:
    width: int
    height: int


def decode_png(data: bytes) -> Png:
    """Check a PNG thoroughly (signature, chunk CRCs, IHDR, IEND, IDAT size); return its size.

    No PIL, no matplotlib: the chunks are read by hand and the pixel data inflated with
    zlib, which must give exactly one filter byte plus one row of pixels per line.
    """
    assert data[:8] == PNG_SIGNATURE, "PNG signature missing"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and len(chunks[0][1]) == 13, "IHDR must come first"
    assert chunks[-1][0] == b"IEND", "IEND must come last"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert depth == 8, f"unexpected bit depth {depth}"
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + width * channels), "pixel data does not match IHDR"
    return Png(width, height)


def png_header_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk only (for large screenshots)."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def data_uri_png(src: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), f"image source is not an embedded PNG: {src[:60]!r}"
    return base64.b64decode(src[len(prefix) :], validate=True)

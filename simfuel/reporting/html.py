"""HTML building blocks of the report: escaping, tables, figures and the page shell.

Every piece of text goes through :func:`esc`; fragments that are already HTML are
:class:`Html` strings and are never escaped twice. The page carries its own CSS and one
small script, both allowed by hash in a Content-Security-Policy that forbids every
network request (``default-src 'none'``; images only from ``data:`` URIs). Its print rules
lay every page (the report, the decision brief) out on A4: tables to the page's width with
their cells wrapping, nothing scrolling, cards, figures and table rows kept whole.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Html",
    "Image",
    "details",
    "esc",
    "figure",
    "join",
    "page",
    "png_size",
    "table",
]


class Html(str):
    """A fragment of HTML that is safe to insert as is (already escaped)."""

    __slots__ = ()


def esc(value: object) -> Html:
    """``value`` as HTML text: escaped, unless it already is :class:`Html`."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def join(parts: Iterable[object], sep: str = "") -> Html:
    """Concatenate fragments, escaping those that are plain text."""
    return Html(esc(sep).join(esc(p) for p in parts))


def tag(name: str, content: object = "", **attrs: object) -> Html:
    """``<name attrs>content</name>``; attribute names use ``_`` for ``-`` and ``cls``."""
    text = "".join(
        f' {_attr_name(k)}="{esc(v)}"' for k, v in attrs.items() if v is not None and v is not False
    )
    return Html(f"<{name}{text}>{esc(content)}</{name}>")


def _attr_name(key: str) -> str:
    return "class" if key == "cls" else key.rstrip("_").replace("_", "-")


# ---------------------------------------------------------------- images

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels from a PNG's IHDR chunk.

    Raises
    ------
    ValueError
        If ``data`` is not a PNG (signature, or IHDR not the first chunk).
    """
    if len(data) < 24 or data[:8] != _PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@dataclass(frozen=True)
class Image:
    """A PNG image held in memory, shown at ``css_width`` CSS pixels (HiDPI-sharp)."""

    png: bytes
    width: int
    height: int
    css_width: int

    @classmethod
    def from_png(cls, png: bytes, scale: float = 1.0) -> Image:
        """Wrap PNG bytes; ``scale`` = pixels per CSS pixel (the figure's dpi / 96)."""
        w, h = png_size(png)
        return cls(png, w, h, max(1, round(w / scale)))

    @property
    def css_height(self) -> int:
        """Displayed height [CSS px], keeping the aspect ratio."""
        return max(1, round(self.height * self.css_width / self.width))

    def data_uri(self) -> str:
        """The image as a ``data:image/png;base64,...`` URI."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def figure(image: Image, alt: str, caption: object, fig_id: str) -> Html:
    """An ``<figure>`` with the embedded image and its caption."""
    img = Html(
        f'<img src="{image.data_uri()}" alt="{esc(alt)}" width="{image.css_width}" '
        f'height="{image.css_height}" loading="eager" decoding="sync">'
    )
    return tag("figure", join([img, tag("figcaption", caption)]), id=fig_id)


# ---------------------------------------------------------------- tables and blocks


def table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    caption: object = None,
    numeric: Sequence[int] = (),
    cls: str | None = None,
    row_ids: Sequence[str] | None = None,
) -> Html:
    """A ``<table>``; cells are escaped text or :class:`Html`; ``numeric`` columns align right."""
    num = set(numeric)
    head = join(
        tag("th", h, scope="col", cls="num" if i in num else None) for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cells = join(tag("td", c, cls="num" if i in num else None) for i, c in enumerate(row))
        body.append(tag("tr", cells, id=row_ids[r] if row_ids else None))
    parts = [tag("caption", caption)] if caption is not None else []
    parts += [tag("thead", tag("tr", head)), tag("tbody", join(body))]
    return tag("div", tag("table", join(parts), cls=cls), cls="table-wrap")


def details(summary: object, content: object, *, open_: bool = False) -> Html:
    """A collapsible ``<details>`` block."""
    return tag("details", join([tag("summary", summary), content]), open=open_ or None)


# ---------------------------------------------------------------- the page

CSS = """
:root { --ink: #1d232b; --muted: #5b6570; --line: #d9dee3; --accent: #3b6ea8;
        --bg-soft: #f5f7f9; --warn: #a13a1e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
             Arial, "Noto Sans", "Liberation Sans", sans-serif; }
header.top { background: #1f3b57; color: #fff; padding: 28px 0 22px; }
header.top .wrap { display: block; }
header.top h1 { margin: 0 0 4px; font-size: 30px; line-height: 1.2; }
header.top .sub { margin: 0; color: #d2deea; font-size: 15px; }
header.top .meta { margin-top: 10px; color: #b9c9d9; font-size: 13px; }
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
nav.toc { background: var(--bg-soft); border-bottom: 1px solid var(--line); font-size: 14px; }
nav.toc ol { list-style: none; margin: 0; padding: 10px 0; display: flex; flex-wrap: wrap;
             gap: 6px 22px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding-bottom: 32px; }
section { padding: 8px 0 12px; border-bottom: 1px solid var(--line); }
section:last-of-type { border-bottom: 0; }
h2 { font-size: 23px; margin: 26px 0 10px; }
h3 { font-size: 18px; margin: 22px 0 8px; }
p { margin: 8px 0; }
.lead { font-size: 17px; max-width: 900px; }
.note { color: var(--muted); font-size: 14px; }
.warn { color: var(--warn); font-weight: 600; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
            monospace; font-size: 13px; }
code { background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; }
pre code { background: none; padding: 0; border-radius: 0; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 4px;
      padding: 12px; overflow: auto; max-height: 640px; line-height: 1.4; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 10px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(245px, 1fr));
         gap: 14px; margin: 14px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px;
        background: #fff; }
.card .label { color: var(--muted); font-size: 13px; text-transform: uppercase;
               letter-spacing: .03em; }
.card .value { font-size: 26px; font-weight: 650; margin: 2px 0; line-height: 1.25; }
.card .value .unit { font-size: 15px; font-weight: 400; color: var(--muted); }
.card .range { font-size: 14px; }
.card .extra { font-size: 13px; color: var(--muted); margin-top: 2px; }
.table-wrap { overflow-x: auto; margin: 10px 0 14px; }
table { border-collapse: collapse; font-size: 14px; min-width: 50%; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 13px;
          padding: 0 0 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left;
         vertical-align: top; }
thead th { border-bottom: 2px solid #aab3bd; background: var(--bg-soft); vertical-align: bottom; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td .src { display: block; color: var(--muted); font-size: 12px; }
table.first-wide td:first-child { min-width: 15em; }
table.events td:first-child { white-space: nowrap; }
table.events td:nth-child(2) { min-width: 9em; }
table.events { width: 100%; }
table.events td:nth-child(3) { min-width: 14em; }
table.events td:nth-child(4) { min-width: 17em; }
table.events td:nth-child(5) { min-width: 13em; }
table.nowrap-2 td:nth-child(2) { white-space: nowrap; }
figure { margin: 18px 0 22px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
             border-radius: 4px; background: #fff; }
figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; max-width: 960px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
         gap: 0 20px; }
details { margin: 10px 0; border: 1px solid var(--line); border-radius: 4px;
          padding: 6px 12px; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
details[open] > summary { margin-bottom: 6px; }
footer { border-top: 1px solid var(--line); background: var(--bg-soft); color: var(--muted);
         font-size: 13px; padding: 16px 0 26px; }
.caveat { border: 1px solid #e3c28a; border-left: 5px solid #c98a1b; background: #fdf7ec;
          border-radius: 4px; padding: 10px 14px; margin: 18px 0 4px; font-size: 15px; }
.bottom-line { font-size: 16px; max-width: 980px; }
.bottom-line p { margin: 8px 0; }
.ci { display: block; color: var(--muted); font-size: 12px; white-space: nowrap; }
.strong { font-weight: 650; }
table.brief td:first-child, table.brief-metrics td:first-child { min-width: 9em; }
table.brief td:nth-child(3) { white-space: nowrap; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 10.5pt; line-height: 1.4; }
  nav.toc { display: none; }
  header.top { background: #fff; color: #000; padding: 0 0 8px; }
  header.top h1 { font-size: 20pt; }
  header.top .sub, header.top .meta { color: #333; }
  .wrap { max-width: none; padding: 0; }
  h2 { font-size: 15pt; margin: 14px 0 6px; break-after: avoid; }
  h3 { font-size: 12pt; break-after: avoid; }
  /* Nothing scrolls on paper: a table is laid out to the page's width, its cells wrap. */
  .table-wrap { overflow: visible; }
  table { width: 100%; min-width: 0; font-size: 8.5pt; table-layout: auto; }
  th, td { padding: 3px 5px; overflow-wrap: break-word; hyphens: auto; }
  td.num, .ci, table.events td:first-child, table.nowrap-2 td:nth-child(2) {
    white-space: normal; }
  table.first-wide td:first-child, table.events td, table.brief td:first-child,
  table.brief-metrics td:first-child { min-width: 0; }
  tr, .card, figure, .caveat, dl.facts, .bottom-line p { break-inside: avoid; }
  thead { display: table-header-group; }
  .cards { grid-template-columns: repeat(3, 1fr); gap: 8px; }
  .card .value { font-size: 16pt; }
  .grid2 { grid-template-columns: 1fr 1fr; gap: 0 12px; }
  figure img { max-width: 100%; height: auto; }
  details { border: 0; padding: 0; }
  pre { max-height: none; overflow: visible; white-space: pre-wrap; overflow-wrap: anywhere;
        font-size: 7.5pt; }
  footer { background: #fff; }
  a { color: inherit; text-decoration: none; }
}
""".strip()

# Counts the images the browser decoded and checks the CSS applied (the body's margin is
# 0 only under the page's own style), for checks in a headless browser; no network.
SCRIPT = """
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute("data-images-loaded", String(ok.length));
  document.body.setAttribute("data-images-seen", String(imgs.length));
  var styled = window.getComputedStyle(document.body).marginTop === "0px";
  document.body.setAttribute("data-styles-applied", styled ? "1" : "0");
});
""".strip()


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CSP = (
    "default-src 'none'; img-src data:; "
    f"style-src {_csp_hash(CSS)}; script-src {_csp_hash(SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)


def page(
    *,
    title: str,
    header: Html,
    toc: Sequence[tuple[str, str]],
    body: Html,
    footer: Html,
    images_total: int,
) -> str:
    """The complete HTML document (UTF-8)."""
    toc_html = join(tag("li", tag("a", label, href=f"#{anchor}")) for anchor, label in toc)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="simfuel">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{CSS}</style>\n"
        "</head>\n"
        f'<body data-images-total="{images_total}">\n'
        f"{header}\n"
        f'<nav class="toc" aria-label="Contents"><div class="wrap"><ol>{toc_html}</ol>'
        "</div></nav>\n"
        f'<main class="wrap">\n{body}\n</main>\n'
        f'<footer><div class="wrap">{footer}</div></footer>\n'
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )

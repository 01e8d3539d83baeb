"""Report and decision brief on paper: headless Chromium prints them to A4 PDF.

Two checks. Chromium's ``--print-to-pdf`` must write an A4 PDF (the stylesheet's ``@page``;
Chromium's own default is US Letter) of a sensible number of pages. And the page laid out
with its print rules, at the width of the A4 page inside its margins, must have nothing
wider than the page and nothing that scrolls: no clipped table, no scroll bar. Headless
Chromium has no switch to emulate print media, so for that check a copy of the page turns
its ``@media print`` block into ``@media all`` (and drops its CSP, which would refuse the
changed style and the measuring script); a copy without the print block must fail the
same check, which shows the check can fail.

Skipped when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import simfuel
from simfuel.observations import incidents
from simfuel.reporting.compare import render_brief
from simfuel.reporting.html import CSS
from tests.report.conftest import Report, report_scenario
from tests.report.pages import Page
from tests.report.test_browser import _chromium, chromium  # noqa: F401  (a fixture)

#: A4 in PDF points (1/72 in): 210 x 297 mm.
A4_PT = (595.3, 841.9)
#: Width of the printed area [CSS px, 96 per inch]: A4's 210 mm less the @page margins.
MARGIN_MM = 12
PRINT_WIDTH_PX = round((210 - 2 * MARGIN_MM) / 25.4 * 96)

MEASURE = """
<script>
window.addEventListener("load", function () {
  var width = document.documentElement.clientWidth;
  var bad = [];
  var all = document.querySelectorAll("table, pre, .table-wrap, figure, img, .card, .caveat");
  Array.prototype.forEach.call(all, function (el) {
    var box = el.getBoundingClientRect();
    if (box.width === 0) { return; }  // not rendered (inside a closed <details>)
    if (box.right > width + 1 || el.scrollWidth > el.clientWidth + 1) {
      bad.push(el.tagName.toLowerCase() + "." + (el.className || "-"));
    }
  });
  if (document.documentElement.scrollWidth > width + 1) { bad.push("page"); }
  document.body.setAttribute("data-too-wide", bad.join(" "));
  document.body.setAttribute("data-width", String(width));
});
</script>
"""


def _print_block(css: str) -> str:
    start = css.index("@media print {")
    depth = 0
    for i in range(start, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if css[i] == "}" and depth == 0:
            return css[start : i + 1]
    raise AssertionError("unbalanced @media print block")


def _as_printed(html: str, *, print_rules: bool = True) -> str:
    """The page with its print rules applied on screen, CSP dropped, a measuring script."""
    block = _print_block(CSS)
    assert block in html
    html = html.replace(
        block, block.replace("@media print", "@media all", 1) if print_rules else ""
    )
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    return html.replace("</body>", MEASURE + "</body>")


def _too_wide(binary: str, tmp: Path, html: str) -> list[str]:
    page = tmp / "as-printed.html"
    page.write_text(html, encoding="utf-8")
    done = _chromium(
        binary,
        tmp,
        "--dump-dom",
        "--virtual-time-budget=5000",
        f"--window-size={PRINT_WIDTH_PX},1400",
        page.resolve().as_uri(),
    )
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body is not None, f"no DOM dumped; Chromium said:\n{done.stderr[-2000:]}"
    attrs = Page(body.group(0) + "</body>").all("body")[0]
    assert attrs.get("data-width") == str(PRINT_WIDTH_PX), attrs  # the script ran
    return (attrs.get("data-too-wide") or "").split()


def _pdf(binary: str, tmp: Path, page: Path) -> bytes:
    pdf = tmp / "printed.pdf"
    done = _chromium(
        binary, tmp, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()
    )
    assert pdf.is_file(), f"no PDF; Chromium said:\n{done.stderr[-2000:]}"
    return pdf.read_bytes()


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size [pt] of every page of a PDF (Chromium writes one MediaBox per page)."""
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) == count > 0, (len(boxes), count)
    return [(float(w), float(h)) for w, h in boxes]


@pytest.fixture(scope="module")
def brief_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    early, late = report_scenario(), report_scenario()
    late["events"][-1]["date"] = "2025-01-16"
    options = {
        "early escorts": simfuel.run_ensemble(early, 8, seed=1, workers=1, progress=False),
        "late escorts": simfuel.run_ensemble(late, 8, seed=1, workers=1, progress=False),
    }
    out = tmp_path_factory.mktemp("brief") / "compare.html"
    with warnings.catch_warnings():  # the reports fall outside the tiny horizon: it says so
        warnings.simplefilter("ignore", UserWarning)
        text = render_brief(options, incidents=incidents("mali-2025"))
    out.write_text(text, encoding="utf-8")
    return out


def test_the_print_rules_keep_blocks_whole() -> None:
    block = _print_block(CSS)
    assert "@page { size: A4;" in block
    for selector in ("tr", ".card", "figure", ".caveat"):
        rule = re.search(rf"(^|[\s,]){re.escape(selector)}[\s,][^{{}}]*\{{([^}}]*)\}}", block)
        assert rule is not None and "break-inside: avoid" in rule.group(2), selector


@pytest.mark.parametrize(("which", "pages"), [("report", (4, 30)), ("brief", (2, 12))])
def test_it_prints_to_a4(
    chromium: str,  # noqa: F811
    tiny_report: Report,
    brief_page: Path,
    tmp_path: Path,
    which: str,
    pages: tuple[int, int],
) -> None:
    page = tiny_report.path if which == "report" else brief_page
    sizes = _pages(_pdf(chromium, tmp_path, page))
    low, high = pages
    assert low <= len(sizes) <= high, len(sizes)
    for w, h in sizes:
        assert w == pytest.approx(A4_PT[0], abs=2) and h == pytest.approx(A4_PT[1], abs=2)


@pytest.mark.parametrize("which", ["report", "brief"])
def test_nothing_is_wider_than_the_printed_page(
    chromium: str,  # noqa: F811
    tiny_report: Report,
    brief_page: Path,
    tmp_path: Path,
    which: str,
) -> None:
    html = (tiny_report.path if which == "report" else brief_page).read_text(encoding="utf-8")
    assert _too_wide(chromium, tmp_path, _as_printed(html)) == []


def test_without_the_print_rules_the_check_fails(
    chromium: str,  # noqa: F811
    tiny_report: Report,
    tmp_path: Path,
) -> None:
    html = tiny_report.path.read_text(encoding="utf-8")
    assert _too_wide(chromium, tmp_path, _as_printed(html, print_rules=False)) != []


def test_the_brief_loads_in_the_browser_under_its_csp(
    chromium: str,  # noqa: F811
    brief_page: Path,
    tmp_path: Path,
) -> None:
    done = _chromium(
        chromium, tmp_path, "--dump-dom", "--virtual-time-budget=5000", brief_page.as_uri()
    )
    body = re.search(r"<body[^>]*>", done.stdout)
    assert body is not None, f"no DOM dumped; Chromium said:\n{done.stderr[-2000:]}"
    attrs = Page(body.group(0) + "</body>").all("body")[0]
    total = int(attrs["data-images-total"] or 0)
    assert total == 3  # fans, stock-out curves, reported losses
    assert attrs.get("data-images-loaded") == str(total), attrs
    assert attrs.get("data-styles-applied") == "1", "the inline CSS was blocked or not applied"

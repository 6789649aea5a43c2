"""The HTML report in a real headless browser, at a desktop (1280 px) and a phone (390 px) width.

Each test renders the demo report, lets Chromium lay it out with every `<details>` open (the worst case:
everything a reader can unfold), and measures what a reader would see: nothing wider than the window,
no table cut off, and the stacked tables' cells labelled on a phone. The screenshots are written too, to
be looked at (ASSESS_SCREENSHOTS=DIR keeps them; otherwise they go to the test's temporary folder).

Needs a Chromium: `apt-get install -y --no-install-recommends chromium-headless-shell` (Debian/Ubuntu).
Without one these tests skip and say so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from assess.models import AssessmentResult
from assess.report.html import render_html

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "chrome-headless-shell")
INSTALL = "apt-get install -y --no-install-recommends chromium-headless-shell"
WIDTHS = (1280, 390)
PHONE = 390
STACKED_TABLES = ("answers", "pools", "answers-all")  # tables whose rows stack into labelled blocks on a phone

# Runs in the page after load: opens every <details>, then measures. The result goes into the DOM, which
# --dump-dom prints; the report itself allows no script but its own, so the measuring copy drops the CSP.
MEASURE = """
<script>
const folded = document.documentElement.scrollHeight;
for (const d of document.querySelectorAll("details")) d.open = true;
const width = window.innerWidth;
const right = (el) => el.getBoundingClientRect().right;
const tables = [...document.querySelectorAll("table")].map((t) => ({
  cls: t.className,
  right: right(t),
  cellsPastEdge: [...t.querySelectorAll("td, th")].filter((c) => right(c) > width + 0.5).length,
  headVisible: !!t.tHead && getComputedStyle(t.tHead).display !== "none",
  cells: [...t.querySelectorAll("tbody td")].map((c) => ({
    label: c.dataset.label || "",
    before: getComputedStyle(c, "::before").content,
  })),
}));
const wide = [...document.body.querySelectorAll("*")]
  .filter((el) => right(el) > width + 0.5 && !el.closest("pre"))
  .map((el) => el.tagName.toLowerCase() + "." + el.className);
const out = document.createElement("pre");
out.id = "assess-measure";
out.textContent = JSON.stringify({
  width,
  scrollWidth: document.documentElement.scrollWidth,
  height: folded,
  tables,
  wide: wide.slice(0, 20),
});
document.body.appendChild(out);
</script>
"""


@dataclass
class Layout:
    width: int
    scroll_width: int
    height: int  # as first seen, details folded
    tables: list[dict[str, Any]]
    wide: list[str]

    def table(self, cls: str) -> dict[str, Any]:
        return next(t for t in self.tables if t["cls"] == cls)


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless Chromium on PATH (install: {INSTALL})")


def _run(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report_files(demo_result: AssessmentResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo report as written, and a measuring copy (CSP dropped, the measuring script appended)."""
    folder = tmp_path_factory.mktemp("screens")
    html = render_html(demo_result)
    report = folder / "report.html"
    report.write_text(html, encoding="utf-8")
    measured = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
    measuring = folder / "measure.html"
    measuring.write_text(measured.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    return report, measuring


def _shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("ASSESS_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def layouts(browser: str, report_files: tuple[Path, Path]) -> dict[int, Layout]:
    out: dict[int, Layout] = {}
    for width in WIDTHS:
        proc = _run(browser, f"--window-size={width},900", "--dump-dom", report_files[1].as_uri())
        found = re.search(r'<pre id="assess-measure">(.*?)</pre>', proc.stdout, re.S)
        assert found, f"the browser gave no measure at {width} px: {proc.stderr[-500:]}"
        data = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        out[width] = Layout(data["width"], data["scrollWidth"], data["height"], data["tables"], data["wide"])
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_is_wider_than_the_window(layouts: dict[int, Layout], width: int) -> None:
    layout = layouts[width]
    assert layout.width == width
    assert layout.scroll_width <= width, f"the page scrolls sideways at {width} px: {layout.wide}"
    assert not layout.wide, f"past the right edge at {width} px: {layout.wide}"


@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_is_cut_off(layouts: dict[int, Layout], width: int) -> None:
    for table in layouts[width].tables:
        assert table["right"] <= width + 0.5, f"table.{table['cls']} ends past the window at {width} px"
        assert table["cellsPastEdge"] == 0, f"table.{table['cls']}: cells cut off at {width} px"


def test_stacked_tables_keep_their_labels_on_a_phone(layouts: dict[int, Layout]) -> None:
    phone = layouts[PHONE]
    seen = set()
    for table in phone.tables:
        if table["cls"] not in STACKED_TABLES:
            continue
        seen.add(table["cls"])
        assert not table["headVisible"], f"table.{table['cls']}: the header row stays on a phone"
        for cell in table["cells"]:
            assert cell["label"], f"table.{table['cls']}: a cell without data-label"
            assert cell["before"] == json.dumps(cell["label"]), f"table.{table['cls']}: label not shown"
    assert {"pools", "answers"} <= seen, "the demo report has a cost table and answers tables"


def test_desktop_tables_keep_their_header_row(layouts: dict[int, Layout]) -> None:
    desktop = layouts[1280]
    pools = desktop.table("pools")
    assert pools["headVisible"]
    assert all(cell["before"] in ("none", "normal") for cell in pools["cells"]), "labels are for phones only"


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshot(
    browser: str,
    report_files: tuple[Path, Path],
    layouts: dict[int, Layout],
    tmp_path_factory: pytest.TempPathFactory,
    width: int,
) -> None:
    """The report as a reader first sees it (details folded), the whole page: written to be looked at."""
    shot = _shots_dir(tmp_path_factory) / f"report-{width}.png"
    height = min(layouts[width].height, 16000)
    proc = _run(browser, f"--window-size={width},{height}", f"--screenshot={shot}", report_files[0].as_uri())
    assert shot.is_file(), proc.stderr[-500:]
    with Image.open(shot) as image:
        assert image.width == width
        top = image.convert("L").crop((0, 0, width, min(image.height, 600)))
        low, high = top.getextrema()
        assert high - low > 100, "the top of the page is blank"

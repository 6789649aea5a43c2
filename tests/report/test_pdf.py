"""The PDF read back: metadata, page structure, first-page content, contents page numbers, fonts, and a URL
fetcher that refuses the network and every file outside templates/."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assess import paths
from assess.models import AssessmentResult
from assess.report import pdf as pdf_module
from assess.report.html import MARKS, ReportOptions, money
from assess.report.pdf import (
    FetchRefused,
    allowed_file,
    fetcher_for,
    normalise_page_size,
    page_size_from_locale,
    render_pdf,
)
from tests.report.conftest import HOSTILE_PATH, RenderedPdf, fixed_result, hostile_result, read_pdf

A4 = (595.3, 841.9)
LETTER = (612.0, 792.0)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_metadata_title_and_language(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    meta = demo_pdf.reader.metadata
    assert meta is not None and meta.title == f"AI cost-risk assessment: {demo_result.project.root}"
    root: Any = demo_pdf.reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root, "tagged PDF (pdf_tags) for screen readers"
    assert meta.creator is not None and "assess" in meta.creator


def test_page_count_and_size(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    # cover, contents, the items, exposure, appendix; findings share pages, so the count grows slowly with them
    assert 5 <= len(demo_pdf.pages) <= 8 + len(demo_result.findings), len(demo_pdf.pages)
    box = demo_pdf.reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == A4


def test_first_page_stands_alone(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    first = _flat(demo_pdf.pages[0])
    assert demo_result.project.root in first
    assert f"Grade {demo_result.grade}" in first and re.search(rf"\b{demo_result.score}\b", first)
    for item in demo_result.checklist:
        glyph, word = MARKS[item.status]
        assert f"{glyph} {word}" in first and item.title in first
    assert "what a leaked key could cost" in first.lower() and "per hour" in first
    assert demo_result.exposure is not None
    assert money(demo_result.exposure.scenarios[0].usd_per_hour) in first
    assert "Fix first" in first
    for fix in demo_result.top_fixes:
        assert fix.title in first
    assert "Page 1 of" in first


def test_contents_page_numbers_point_at_the_sections(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    contents = demo_pdf.pages[1]
    assert "Contents" in contents
    for item in demo_result.checklist:
        match = re.search(rf"{re.escape(item.title)}\s*\.*\s*(\d+)", contents)
        assert match, f"{item.title} has no page number in the contents"
        page = int(match.group(1))
        # the section's heading is on that page (the running header names it from there on)
        assert item.title in demo_pdf.pages[page - 1], f"{item.title} is not on page {page}"
        assert page >= 2
    assert re.search(r"Appendix: what was checked\s*\.*\s*(\d+)", contents)


def test_every_finding_is_shown_whole_on_one_page(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    pages = [_flat(p) for p in demo_pdf.pages]
    for finding in demo_result.findings:
        where = f"{finding.path}:{finding.line}"
        holding = [i for i, text in enumerate(pages[1:], 2) if where in text]
        assert holding, f"{where} is missing from the PDF"
        snippet = _flat(finding.snippet)[:30]
        assert any(snippet in pages[i - 1] for i in holding), f"{where}: location and code are on different pages"


def test_running_header_and_footer(demo_pdf: RenderedPdf, demo_result: AssessmentResult) -> None:
    total = len(demo_pdf.pages)
    for number, text in enumerate(demo_pdf.pages[1:], 2):
        assert f"Page {number} of {total}" in text
        assert demo_result.project.root in text and f"Score {demo_result.score}/100" in text


def test_fonts_are_the_bundled_ones(demo_pdf: RenderedPdf) -> None:
    names: set[str] = set()
    for page in demo_pdf.reader.pages:
        fonts: Any = page["/Resources"].get("/Font", {})
        names.update(str(font.get_object()["/BaseFont"]).split("+", 1)[-1] for font in fonts.values())
    assert names and all(name.startswith("Assess-") for name in names), names
    assert (paths.templates_dir() / "fonts" / "LICENSE-DejaVu.txt").is_file()


# --- safety: the fetcher ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fetcher() -> Any:
    return fetcher_for(pdf_module._load_weasyprint())


def test_fetcher_serves_only_files_under_templates(fetcher: Any, tmp_path: Path) -> None:
    font = (paths.templates_dir() / "fonts" / "DejaVuSans.ttf").resolve()
    response = fetcher.fetch(font.as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
    outside = (paths.templates_dir() / ".." / "pyproject.toml").resolve()
    link = paths.templates_dir() / "fonts" / "link-out.ttf"
    refused = [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "file:///etc/passwd",
        outside.as_uri(),
        paths.templates_dir().resolve().as_uri() + "/../pyproject.toml",
        "data:text/plain,hello",
        "ftp://example.com/x",
        f"file://example.com{font}",
    ]
    for url in refused:
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert allowed_file(link.as_uri()) is None  # missing file


def test_hostile_snippet_is_inert_in_the_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = pdf_module.allowed_file

    def spy(url: str, root: Path | None = None) -> Path | None:
        asked.append(url)
        return real(url, root)

    monkeypatch.setattr(pdf_module, "allowed_file", spy)
    pdf_module._print_styles.cache_clear()  # the fonts load once per process: make this render load them
    rendered = read_pdf(render_pdf(hostile_result(), ReportOptions(page_size="Letter", pdf_detail="full")))
    assert asked, "the bundled fonts go through the fetcher"
    assert all(url.startswith("file://") and "/templates/fonts/" in url for url in asked), asked
    text = _flat(rendered.text)
    assert 'src="http://example.com/x.png"' in text  # shown as text, never fetched
    assert "file:///etc/passwd" in text
    assert HOSTILE_PATH[:20] in text
    box = rendered.reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == LETTER


# --- page size -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "size"),
    [
        ({"LANG": "en_US.UTF-8"}, "Letter"),
        ({"LANG": "en_GB.UTF-8"}, "A4"),
        ({"LANG": "fr_CA.UTF-8"}, "Letter"),
        ({"LANG": "de_DE.UTF-8", "LC_PAPER": "en_US.UTF-8"}, "Letter"),
        ({"LC_ALL": "de_DE", "LC_PAPER": "en_US.UTF-8"}, "A4"),
        ({"LANG": "C.UTF-8"}, "A4"),
        ({}, "A4"),
    ],
)
def test_page_size_from_locale(environ: dict[str, str], size: str) -> None:
    assert page_size_from_locale(environ) == size


def test_page_size_flag() -> None:
    assert normalise_page_size("letter") == "Letter" and normalise_page_size("A4") == "A4"
    with pytest.raises(ValueError, match="page size"):
        normalise_page_size("tabloid")


# --- loading WeasyPrint ----------------------------------------------------------------------------


def _fresh_python(code: str) -> str:
    """stdout of `code` in a new interpreter, where WeasyPrint is not imported yet."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search is skipped on Linux only")
def test_weasyprint_loads_without_the_library_search() -> None:
    # ctypes' find_library runs ldconfig, gcc and ld for every name WeasyPrint tries first: 0.2-0.5 s a PDF
    out = _fresh_python(
        "import ctypes.util, subprocess\n"
        "search = ctypes.util.find_library\n"
        "started = []\n"
        "popen = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    started.append(args)\n"
        "    popen(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from assess.report.pdf import _load_weasyprint\n"
        "_load_weasyprint()\n"
        "from weasyprint.text import ffi\n"
        "print(started, ctypes.util.find_library is search, ffi.harfbuzz_subset is not None)\n"
    )
    plain = _fresh_python("from weasyprint.text import ffi\nprint(ffi.harfbuzz_subset is not None)\n")
    assert out.split() == ["[]", "True", plain.strip()], out


def test_weasyprint_import_falls_back_to_the_library_search() -> None:
    # a library under a soname WeasyPrint does not list: its hint on stdout is dropped, the search finds it
    out = _fresh_python(
        "from contextlib import contextmanager\n"
        "from assess.report import pdf\n"
        "real = pdf._no_library_search\n"
        "@contextmanager\n"
        "def failing():\n"
        "    with real():\n"
        "        print('WeasyPrint could not import some external libraries')\n"
        "        raise OSError('cannot load library')\n"
        "    yield\n"
        "pdf._no_library_search = failing\n"
        "print(pdf._load_weasyprint().__name__)\n"
    )
    assert out == "weasyprint\n"


def test_the_print_stylesheet_is_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing the CSS and loading the fonts was a tenth of every PDF; a second PDF reuses them."""
    weasyprint = pdf_module._load_weasyprint()
    parsed: list[object] = []
    real = weasyprint.CSS

    def counting(*args: object, **kwargs: object) -> object:
        parsed.append(kwargs.get("string"))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "CSS", counting)
    pdf_module._print_styles.cache_clear()
    first = read_pdf(render_pdf(fixed_result(), ReportOptions(page_size="A4")))
    second = read_pdf(render_pdf(fixed_result(), ReportOptions(page_size="A4")))
    assert len(parsed) == 1, "the stylesheet is parsed for the first PDF only"
    assert first.text == second.text
    for pdf in (first, second):  # the bundled fonts still reach the second PDF through the kept stylesheet
        fonts = pdf.reader.pages[0]["/Resources"]["/Font"]
        names = {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}
        assert any("Assess-Sans" in name for name in names), names

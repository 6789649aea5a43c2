"""PDF from the report HTML with WeasyPrint, fetching nothing outside templates/.

The HTML is rendered with `media="print"`: the same template plus pdf.css (bundled fonts, page boxes,
running header, the contents' page numbers). The URL fetcher serves files under templates/ (the fonts)
and refuses everything else: the network, data: URLs and any other file, so a path or snippet from a
scanned project can never make the renderer read or send anything.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from assess import paths
from assess.errors import OutputUnavailable
from assess.models import AssessmentResult
from assess.report.html import PAGE_SIZES, ReportOptions, inline_css, render_html

PANGO_HINT = (
    "PDF skipped: WeasyPrint needs Pango from the system "
    "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango)"
)
# Territories whose paper is US Letter (glibc's LC_PAPER data); everywhere else uses A4.
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "DO", "SV", "NI", "PR"})


class PdfUnavailable(OutputUnavailable):
    """WeasyPrint or its system libraries are missing; every other output is still written."""


class FetchRefused(ValueError):
    """A URL outside templates/ was asked for; WeasyPrint logs it and leaves the resource out."""


def page_size_from_locale(environ: Mapping[str, str] | None = None) -> str:
    """Letter for a US-style paper locale (LC_ALL, then LC_PAPER, then LANG), otherwise A4."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(name, "")
        if value:
            territory = value.split(".")[0].split("@")[0].partition("_")[2].upper()
            return "Letter" if territory in LETTER_TERRITORIES else "A4"
    return "A4"


def normalise_page_size(value: str | None) -> str:
    """`a4`/`letter` from a flag (any case) or None for the locale's choice."""
    if value is None:
        return page_size_from_locale()
    for size in PAGE_SIZES:
        if value.lower() == size.lower():
            return size
    raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")


@contextmanager
def _no_library_search() -> Iterator[None]:
    """`ctypes.util.find_library` answers 'not found' at once, and stdout is set aside, until the block ends.

    WeasyPrint asks for each system library (Pango, HarfBuzz, fontconfig...) by names such as
    `libpango-1.0-0` before the exact Linux soname `libpango-1.0.so.0`. Every miss makes cffi call
    find_library, which on Linux runs ldconfig, gcc and ld in subprocesses: 22 lookups, 0.2-0.5 s of each
    PDF (WeasyPrint issue #1125). Its answer is a soname that dlopen then looks for on the usual path, so
    without it cffi goes straight on to the exact soname and finds the same file. If that fails, WeasyPrint
    prints its install hint on stdout before raising; it is dropped here, the caller imports again with the
    search. Both replacements are process-wide while they last: nothing else here looks a library up or
    prints while WeasyPrint is imported.
    """
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with redirect_stdout(io.StringIO()):
            yield
    finally:
        ctypes.util.find_library = search


def _forget_weasyprint() -> None:
    for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
        del sys.modules[name]


def _load_weasyprint() -> Any:
    if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
        try:
            with _no_library_search():
                import weasyprint
        except (ImportError, OSError):
            _forget_weasyprint()  # a library under another soname, or none: import again with the full search
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: libpango not found by cffi
        raise PdfUnavailable(PANGO_HINT) from exc
    return weasyprint


def allowed_file(url: str, root: Path | None = None) -> Path | None:
    """The file a `file:` URL names when it is a regular file under templates/, else None."""
    allowed = (root or paths.templates_dir()).resolve()
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    target = Path(unquote(parts.path)).resolve()
    if target.is_relative_to(allowed) and target.is_file():
        return target
    return None


def fetcher_for(weasyprint: Any) -> Any:
    """A URLFetcher that serves files under templates/ and refuses everything else."""
    base = getattr(weasyprint, "URLFetcher", None) or weasyprint.urls.URLFetcher

    class TemplatesOnly(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if allowed_file(url) is None:
                raise FetchRefused(f"refused to fetch {url[:80]!r}: only files under templates/ are allowed")
            return super().fetch(url, headers)

    return TemplatesOnly(allowed_protocols=["file"], allow_redirects=False)


@cache
def _print_styles(weasyprint: Any) -> tuple[Any, Any]:
    """The print stylesheet parsed once, and the FontConfiguration its bundled fonts are loaded into once.

    Parsing report.css + pdf.css and loading three fonts took a tenth of every PDF; kept for the process,
    a second PDF (the TUI's, a test's) starts with them ready and with Pango's font caches warm.
    """
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    styles = weasyprint.CSS(
        string=inline_css("print"), base_url=_base_url(), url_fetcher=fetcher_for(weasyprint), font_config=fonts
    )
    return fonts, styles


def _base_url() -> str:
    return paths.templates_dir().resolve().as_uri() + "/"


def render_pdf(result: AssessmentResult, options: ReportOptions | None = None) -> bytes:
    """The report as a tagged PDF (title, language, outline) in the options' page size."""
    weasyprint = _load_weasyprint()
    html = render_html(result, media="print", options=options)
    fonts, styles = _print_styles(weasyprint)
    # the same rules, parsed once: given as a stylesheet, not again from the page's <style>
    css = inline_css("print")
    extra = {"stylesheets": [styles], "font_config": fonts} if css in html else {}
    document = weasyprint.HTML(
        string=html.replace(css, "", 1) if extra else html, base_url=_base_url(), url_fetcher=fetcher_for(weasyprint)
    )
    data: bytes = document.write_pdf(pdf_tags=True, **extra)
    return data

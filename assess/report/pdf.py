"""PDF from the report HTML with WeasyPrint, fetching nothing outside templates/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from assess import paths
from assess.models import AssessmentResult
from assess.report.html import render_html

PANGO_HINT = (
    "PDF skipped: WeasyPrint needs Pango from the system "
    "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango)"
)


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries are missing; every other output is still written."""


def _load_weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: libpango not found by cffi
        raise PdfUnavailable(PANGO_HINT) from exc
    return weasyprint


def _fetcher_for(weasyprint: Any) -> Any:
    """A URLFetcher that serves files under templates/ and refuses everything else."""
    allowed = paths.templates_dir().resolve()
    base = getattr(weasyprint, "URLFetcher", None) or weasyprint.urls.URLFetcher

    class TemplatesOnly(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                target = Path(unquote(url[len("file://") :].split("?", 1)[0].split("#", 1)[0])).resolve()
                if target.is_relative_to(allowed) and target.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url[:80]!r}: only files under templates/ are allowed")

    return TemplatesOnly(allowed_protocols=["file"], allow_redirects=False)


def render_pdf(result: AssessmentResult) -> bytes:
    weasyprint = _load_weasyprint()
    html = render_html(result, media="print")
    document = weasyprint.HTML(
        string=html, base_url=str(paths.templates_dir()) + "/", url_fetcher=_fetcher_for(weasyprint)
    )
    data: bytes = document.write_pdf()
    return data

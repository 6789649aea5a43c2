"""The boundaries hold at import time (checked in a fresh interpreter, as harlequin does):

- the core (everything outside assess/tui) never imports Textual;
- renderers (assess/report/*) never import the scanner or the catalog: a report is a pure function
  of the result, so a saved result re-renders anywhere;
- the result model imports nothing of the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assess"


def _modules(under: Path) -> list[str]:
    """Dotted names of the package's modules below `under`. Not `__main__` (importing it runs assess),
    nor the bundled demo project's files (data the demo scans, not code of assess)."""
    names = []
    for path in sorted(under.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__" or (parts[:2] == ("assess", "demo") and len(parts) > 3):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _loaded_after_import(modules: list[str]) -> list[str]:
    """Every module in sys.modules after importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def _under(loaded: list[str], *prefixes: str) -> list[str]:
    return [m for m in loaded if any(m == p or m.startswith(p + ".") for p in prefixes)]


def test_the_module_list_is_the_package() -> None:
    core = _modules(PACKAGE)
    assert "assess.cli" in core and "assess.report.sarif" in core and "assess.tui.app" in core
    assert not any(name.startswith("assess.demo.") for name in core)


def test_the_core_never_imports_textual() -> None:
    core = [m for m in _modules(PACKAGE) if not m.startswith("assess.tui")]
    assert _under(_loaded_after_import(core), "textual") == []


@pytest.mark.parametrize("renderer", _modules(PACKAGE / "report"))
def test_renderers_never_import_the_scanner_or_the_catalog(renderer: str) -> None:
    assert _under(_loaded_after_import([renderer]), "assess.scan", "assess.catalog") == []


def test_the_model_imports_nothing_of_the_project() -> None:
    project = _under(_loaded_after_import(["assess.models"]), "assess")
    assert project == ["assess", "assess.models"]

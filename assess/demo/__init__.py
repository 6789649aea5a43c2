"""The bundled demo project: unpacked to a folder with generated fake keys, then assessed."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assess import paths
from assess.errors import InputError
from assess.fakekeys import has_tokens, materialize

DEMO_NAME = "quillmate (assess demo)"


def default_outputs() -> dict[str, Path]:
    folder = Path("assess-demo")
    return {
        "html": folder / "report.html",
        "pdf": folder / "report.pdf",
        "markdown": folder / "report.md",
        "json": folder / "result.json",
    }


def _copy_with_keys(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if "__pycache__" in rel.parts:  # pip byte-compiles the demo's .py files when installing the wheel
            continue
        dest = target / rel
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace") if b"<<ASSESS_FAKE_KEY:" in data else None
        if text is not None and has_tokens(text):
            dest.write_text(materialize(text, seed="demo"), encoding="utf-8")
        else:
            dest.write_bytes(data)


@contextlib.contextmanager
def unpack_demo(workdir: Path | None = None) -> Iterator[Path]:
    """The demo project as a real folder on disk; a temp folder is removed afterwards."""
    source = paths.demo_project_dir()
    if not source.is_dir():
        raise InputError("the bundled demo project is missing from this installation", source)
    if workdir is not None:
        target = workdir / "quillmate"
        if target.exists():
            shutil.rmtree(target)
        _copy_with_keys(source, target)
        yield target
        return
    with tempfile.TemporaryDirectory(prefix="assess-demo-") as tmp:
        target = Path(tmp) / "quillmate"
        _copy_with_keys(source, target)
        yield target

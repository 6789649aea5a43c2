"""The bundled demo project: unpacked to a folder with generated fake keys, then assessed."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assess import paths
from assess.errors import InputError
from assess.fakekeys import has_tokens, materialize

DEMO_NAME = "quillmate (assess demo)"
# Left in a demo folder assess made: only such a folder is refreshed in place; any other is never touched.
MARKER = Path(".assess") / "made-by-assess-demo"


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
        if rel.parts[0] == ".assess" and (dest.exists() or dest.is_symlink()):
            continue  # the answers of an earlier demo session are kept
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace") if b"<<ASSESS_FAKE_KEY:" in data else None
        if text is not None and has_tokens(text):
            dest.write_text(materialize(text, seed="demo"), encoding="utf-8")
        else:
            dest.write_bytes(data)


@contextlib.contextmanager
def unpack_demo(workdir: Path | None = None) -> Iterator[Path]:
    """The demo project as a real folder on disk; a temp folder is removed afterwards.

    With `workdir`, WORKDIR/quillmate is created, or refreshed when an earlier demo made it: the demo's
    files are written again and everything else (answers, reports) is kept. Nothing is ever deleted, and a
    folder of that name the demo did not make is refused."""
    source = paths.demo_project_dir()
    if not source.is_dir():
        raise InputError("the bundled demo project is missing from this installation", source)
    if workdir is not None:
        target = workdir / "quillmate"
        ours = target.is_dir() and not target.is_symlink() and (target / MARKER).is_file()
        if (target.exists() or target.is_symlink()) and not ours:
            raise InputError(
                "this folder exists and was not made by 'assess demo'; it is left alone: choose another --workdir",
                target,
            )
        _copy_with_keys(source, target)
        (target / MARKER).parent.mkdir(parents=True, exist_ok=True)
        (target / MARKER).write_text("made by 'assess demo': refreshed, never deleted, when the demo runs again\n")
        yield target
        return
    with tempfile.TemporaryDirectory(prefix="assess-demo-") as tmp:
        target = Path(tmp) / "quillmate"
        _copy_with_keys(source, target)
        yield target

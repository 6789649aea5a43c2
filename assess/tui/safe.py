"""Text from the scanned project, made safe to put on screen.

A file path or snippet can hold Rich markup (`[bold]x`), terminal escape sequences or bidi overrides.
Everything from the project goes through `safe_text`: control and format characters become visible
escapes, and the result is a `Text`, which Textual never parses as markup.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from rich.text import Text

_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp"))


def visible(value: str) -> str:
    """`value` with every control/format character spelled out (`\\x1b`, `\\u202e`)."""
    if value.isprintable():
        return value
    out: list[str] = []
    for ch in value:
        if ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in _HIDDEN:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_text(value: str, style: str = "") -> Text:
    """Untrusted text as a Text object: no markup, no escape sequences."""
    return Text(visible(value), style=style, no_wrap=False)


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to here when inside, else with ~ for home."""
    resolved = path.resolve() if not path.is_absolute() else path
    try:
        rel = resolved.relative_to(Path.cwd().resolve())
        return visible(str(rel) if str(rel) != "." else ".")
    except ValueError:
        pass
    home = Path.home()
    try:
        return visible(os.path.join("~", str(resolved.relative_to(home))))
    except ValueError:
        return visible(str(resolved))

"""Text from the scanned project, with every control character spelled out before any output shows it.

A file name or snippet can hold a newline (a forged `::error` workflow command on its own line), a bidi
override that reverses what follows (`invoice\u202efdp.js` reads as `invoicesj.pdf`), a terminal escape or
a line separator. Outputs show them as visible escapes (`\\n`, `\\u202e`), never as the characters.
"""

from __future__ import annotations

import unicodedata

_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp"))  # control, format (bidi, zero-width), line and paragraph separators
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(value: str, keep: str = "") -> str:
    """`value` with every control and format character escaped (`\\n`, `\\x1b`, `\\u202e`), except those in
    `keep` (a multi-line block keeps its "\\n")."""
    if value.isprintable():
        return value
    out: list[str] = []
    for ch in value:
        if ch in keep or unicodedata.category(ch) not in _HIDDEN:
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)

"""Which files can lead, through imports, to a file whose code the judges follow calls into.

The judges follow calls from an endpoint (or a retry wrapper, or an LLM call's callers) into project
functions; every step of such a chain is a call in one file to a function that file defines or imports. So
only files that import (directly or not) a file holding an LLM call or a rate-limit check can ever be on
a chain. A file parsed only for its imports (or its routes: an endpoint counts only when its code reaches
an LLM call), that leads to no such file, adds nothing to any judgement: the engine defers it (deferred
files are not parsed) and this module decides which deferred files lead somewhere after all, to be parsed
then.

The import specifiers come from a regex over the text and resolve generously (every file a name could
mean, not only the one ProjectIndex would pick): the set of files that lead somewhere may be too large,
never too small.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from assess.scan.files.modules import ModuleResolver

# Any string literal that names a relative or aliased module: import, export ... from, require, import().
_JS_SPECIFIER = re.compile(r"""(['"`])((?:\.{1,2}/|\.{1,2}(?=['"`])|[@~#]/|src/|app/|lib/)[^'"`\n]*)\1""")
# at a line start or after `;` (`_statements`); the names may run on in parentheses or after a backslash at the
# line end (the parenthesised list is bounded: an unclosed one in a hostile file must not make the scan quadratic)
_PY_FROM = re.compile(r"from[ \t]+([.\w]+)[ \t]+import[ \t]*(\([^)]{0,4000}\)|(?:[^\n#;\\]|\\\n)*)")
_PY_IMPORT = re.compile(r"import[ \t]+((?:[^\n#;\\]|\\\n)+)")
_PY_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def specifiers(lang: str, text: str) -> tuple[str, ...]:
    """The module names the imports in code of `lang` may refer to (Python's `from a import b`: a and a.b)."""
    found: set[str] = set()
    if lang == "python":
        if "import" not in text:
            return ()
        for match in _statements(_PY_FROM, "from", text):
            base = match.group(1)
            found.add(base)
            names = re.sub(r"\bas\s+\w+", "", match.group(2))
            for name in _PY_NAME.findall(names):
                found.add(base + name if base.endswith(".") else f"{base}.{name}")
        for match in _statements(_PY_IMPORT, "import", text):
            found.update(_PY_NAME.findall(re.sub(r"\bas\s+\w+", "", match.group(1))))
    elif lang != "text":
        found.update(m.group(2) for m in _JS_SPECIFIER.finditer(text))
    return tuple(sorted(found))


def _statements(pattern: re.Pattern[str], keyword: str, text: str) -> Iterator[re.Match[str]]:
    """The matches of `pattern` (which opens with `keyword`) that open a statement: only blanks between them and
    a line start or a `;`. The same as `(?:^|;)[ \t]*` before the pattern with re.M, ~4x faster: the keyword is
    found with str.find, where `(?:^|;)` is tried at every character; the pattern is only tried where a
    statement opens, so no text is read twice."""
    pos = 0
    while (start := text.find(keyword, pos)) >= 0:
        before = start
        while before and text[before - 1] in " \t":
            before -= 1
        match = pattern.match(text, start) if before == 0 or text[before - 1] in "\n;" else None
        if match is None:
            pos = start + 1
            continue
        yield match
        pos = max(match.end(), start + 1)


def leading_to(imports: Mapping[str, tuple[str, ...]], targets: Iterable[str], files: Iterable[str]) -> set[str]:
    """The files among `imports` (file -> specifiers) from which one of `targets` can be reached through
    imports, the targets included. `files`: every source file of the project, for resolving."""
    resolver = ModuleResolver(files)
    importers: dict[str, set[str]] = defaultdict(set)  # file -> the files that import it
    for rel, specs in imports.items():
        for spec in specs:
            for module in resolver.every(rel, spec):
                importers[module].add(rel)
    reached = set(targets)
    pending = list(reached)
    while pending:
        for importer in importers.get(pending.pop(), ()):
            if importer not in reached:
                reached.add(importer)
                pending.append(importer)
    return reached

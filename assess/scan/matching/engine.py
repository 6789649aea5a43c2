"""Match checks against files: read once, prefilter by keyword, parse once, run every check on that tree."""

from __future__ import annotations

import codecs
import errno
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import cast

from ast_grep_py import Config, SgNode, SgRoot

from assess.models import TEST_EXEMPT_ITEMS, Check, OnceWithin
from assess.redact import Redactor, redact, redact_pieces, secret_hash
from assess.safe_read import RefusedFile, read_capped
from assess.scan.files.discover import KEYS_ONLY_SIZE_FACTOR, Candidate
from assess.scan.files.facts import ProjectFacts
from assess.scan.files.languages import (
    AST_GREP_LANGS,
    Region,
    display_language,
    keep_only,
    parsed_language,
    script_regions,
)
from assess.scan.files.roles import BACKEND, file_role, is_test_path, scope_applies
from assess.scan.matching.backed import fill, needs_util
from assess.scan.matching.factscan import ALWAYS, Fact, TreeVariant, collect_text_facts, collect_tree_facts
from assess.scan.matching.importgraph import specifiers
from assess.scan.matching.keys import KeyPlace, bundle_role, public_prefixes
from assess.scan.plan import ScanPlan
from assess.suppress import SUPPRESSION_MARK, Suppression, find_suppressions

BINARY_SNIFF = 8192
SNIPPET_MAX = 200
SNIPPET_WINDOW = SNIPPET_MAX + 1024  # redacted around the snippet: longer than any key
_INDENT = re.compile(r"\s*")
PROGRESS_EVERY = 50


@dataclass(slots=True)
class RawFinding:
    """One finding as the engine makes it, before settings (severity overrides) and suppressions apply."""

    check: Check
    rel: str
    line: int  # 1-based
    column: int  # 1-based
    snippet: str  # already redacted
    message: str
    fingerprint: str
    role: str
    suppressed: bool = False
    provider: str | None = None
    key_hash: str | None = None  # secret_hash of the key a key check found; the key itself is never kept
    model: str | None = None  # server-side cost findings: facts of the call site / endpoint (project_checks)
    endpoint: str | None = None
    framework: str | None = None
    attempts: int | None = None


@dataclass
class ScanOutput:
    """What scanning some files gave; the outputs of single files add up (`add`) to that of all of them."""

    findings: list[RawFinding] = field(default_factory=list)
    files_scanned: int = 0
    files_keys_only: int = 0  # bundles and minified files: read for keys, skipped by every other check
    skipped: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    providers: set[str] = field(default_factory=set)
    suppressions: list[Suppression] = field(default_factory=list)
    # for the project checks judged after the walk: each file's facts, files in scan order
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    # For deferred files (importgraph.py): each code file's import specifiers, the files holding a fact the
    # judges follow calls to, and the files deferred (parsed only if they lead to one of those).
    imports: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)
    deferred: list[str] = field(default_factory=list)
    # (check id, file, message) of a check that raised on a file: the scan goes on without it
    errors: list[tuple[str, str | None, str]] = field(default_factory=list)
    # files whose code nests too deeply to match in bounded time (MAX_NESTING): read for keys only
    cut_short: list[str] = field(default_factory=list)

    def add(self, other: ScanOutput) -> None:
        """Add the output of files scanned after these, as one scan of them all would have filled it.
        A file already here is replaced by its facts in `other` (the second round's full scan)."""
        for name, how in _ADDING:
            mine, theirs = getattr(self, name), getattr(other, name)
            if how == "update":
                mine.update(theirs)
            elif how == "extend":
                mine.extend(theirs)
            else:
                setattr(self, name, mine + theirs)

    def all_facts(self) -> list[Fact]:
        """Every file's facts, in scan order: what the project index is built from."""
        return [fact for facts in self.facts.values() for fact in facts]


def _adding() -> tuple[tuple[str, str], ...]:
    """How ScanOutput.add adds each field, read once (it runs for every file scanned)."""
    ways: list[tuple[str, str]] = []
    empty = ScanOutput()
    for spec in fields(ScanOutput):
        mine = getattr(empty, spec.name)
        if isinstance(mine, Counter | set | dict):
            ways.append((spec.name, "update"))
        elif isinstance(mine, list):
            ways.append((spec.name, "extend"))
        elif isinstance(mine, int):
            ways.append((spec.name, "sum"))
        else:
            raise TypeError(f"ScanOutput.{spec.name}: no rule to add {type(mine).__name__}")
    return tuple(ways)


_ADDING = _adding()


def decode(data: bytes) -> str | None:
    """Text of a file, or None for binary. UTF-16 with a BOM is text even though it holds NUL bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\0" in data[:BINARY_SNIFF]:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def line_snippet(line: str, redactor: Redactor, secret: str | None = None) -> str:
    """The reported line as a snippet: stripped, `secret` and every other key redacted, cut to SNIPPET_MAX.

    Only a window of the line is redacted, so a finding on a 4 MB line costs what one on a short line does
    (a bundle line with many keys would otherwise be redacted whole once per key). The window reaches past
    the cut by more than any key is long: a key at its edge is never part of the snippet."""
    indent = _INDENT.match(line)
    start = indent.end() if indent else 0
    window = line[start : start + SNIPPET_WINDOW].rstrip()
    if secret:
        window = window.replace(secret, redact(secret))
    return redactor(window)[:SNIPPET_MAX]


def fingerprint(check_id: str, rel: str, text: str, ordinal: int) -> str:
    """A finding's stable id: check, path, whitespace-normalised text and ordinal, never the line number."""
    normalised = " ".join(text.split())
    raw = "\0".join((check_id, rel, normalised, str(ordinal)))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


class _FileMatcher:
    """Findings of one file: snippet lines, suppressions and fingerprints computed on demand."""

    def __init__(self, rel: str, text: str, role: str, redactor: Redactor) -> None:
        self.rel = rel
        self.text = text
        self.role = role
        self.redactor = redactor
        self.errors: list[tuple[str, str | None, str]] = []
        self.cut_short = False
        self._lines: list[str] | None = None
        self._pieces: dict[int, list[tuple[int, int]]] | None = None
        self._seen: Counter[tuple[str, str]] = Counter()
        self.findings: list[RawFinding] = []

    @property
    def lines(self) -> list[str]:
        """The file's lines as ast-grep and the key scan number them: split on "\\n" only (str.splitlines
        also splits on form feed, U+2028 and the like, and a snippet would come from another line)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
            if self._lines and not self._lines[-1]:
                self._lines.pop()
        return self._lines

    def split_pieces(self, line: int) -> list[tuple[int, int]]:
        """Offsets in line `line` of string pieces that make a secret only when joined, across lines too."""
        if self._pieces is None:
            self._pieces = {}
            at, line_start, counted = 1, 0, 0
            for start, end in self.redactor.pieces(self.text):  # in order: the file is read once
                breaks = self.text.count("\n", counted, start)
                if breaks:
                    at += breaks
                    line_start = self.text.rfind("\n", counted, start) + 1
                counted = start
                self._pieces.setdefault(at, []).append((start - line_start, end - line_start))
        return self._pieces.get(line, [])

    def add(
        self,
        check: Check,
        line: int,
        column: int,
        message: str,
        secret: str | None = None,
        provider: str | None = None,
        role: str | None = None,
    ) -> None:
        source = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        if "'" in self.text or '"' in self.text or "`" in self.text:
            source = redact_pieces(source, self.split_pieces(line))
        snippet = line_snippet(source, self.redactor, secret)
        key = (check.id, " ".join(snippet.split()))
        ordinal = self._seen[key]
        self._seen[key] += 1
        self.findings.append(
            RawFinding(
                check=check,
                rel=self.rel,
                line=line,
                column=column,
                snippet=snippet,
                message=message,
                fingerprint=fingerprint(check.id, self.redactor.path(self.rel), snippet, ordinal),
                role=role or self.role,
                provider=provider,
                key_hash=secret_hash(secret) if secret else None,
            )
        )


def check_error(check_id: str, rel: str | None, exc: Exception, redactor: Redactor) -> tuple[str, str | None, str]:
    """What the result keeps of a check that raised: its id, the file, the exception on one redacted line."""
    return check_id, rel, redactor(f"{type(exc).__name__}: {exc}").replace("\n", " ")[:300]


def _message(check: Check, **values: str) -> str:
    try:
        return check.message.format_map(values)
    except (KeyError, IndexError, ValueError):
        return check.message


def scan_text(
    rel: str,
    data: bytes,
    text: str,
    plan: ScanPlan,
    facts: ProjectFacts,
    *,
    kind: str = "source",
    tracked: bool | None = None,
    facts_out: list[Fact] | None = None,
    graph: ScanOutput | None = None,
) -> list[RawFinding]:
    """Findings for one file's content. Pure: reads nothing from disk, so tests can call it directly.

    `kind` and `tracked` come from discovery: a "bundle" or "minified" file gets the key scan only.
    `graph` receives the file's import specifiers, whether it is a target, or that it was deferred, and the
    checks that raised on it.
    """
    if kind == "bundle":
        package = facts.package_for(rel)
        role = bundle_role(rel, package.kinds if package else frozenset())
    else:
        role = file_role(rel, data[:1024], facts)
    matcher = _FileMatcher(rel, text, role, plan.keys.redactor)
    regions = script_regions(rel, text) if kind == "source" else None
    if kind == "source":
        words = plan.lexicon.find(data)
        parts = _code_parts(rel, regions, role)
        if graph is not None and parts and plan.defer:  # only the graph of a deferring scan reads them
            graph.imports.append((rel, specifiers(parts[0][0], text)))
        start = len(facts_out) if facts_out is not None else 0
        in_tests = is_test_path(rel)
        for lang, spans, code_role in parts:
            work = _structural_work(plan, words, lang, code_role, facts_out, in_tests)
            if work is None:
                continue  # nothing can match: no parse
            if graph is not None and facts_out is not None and _deferred(plan, work, spans):
                graph.deferred.append(rel)
                facts_out.append(Fact("file", "deferred", rel, role, 1, 1, 1, ""))  # the index still knows it
                continue
            _match_structural(matcher, plan, words, work, lang, code_role, text, spans, facts_out, in_tests)
        if facts_out is not None and plan.fact_plan.text:
            collect_text_facts(rel, role, text, words, plan.fact_plan, facts_out)
        if graph is not None and facts_out is not None and any(f.kind in plan.reach for f in facts_out[start:]):
            graph.targets.add(rel)
    if plan.key_routes:
        server = tuple(r for r in regions or () if r.server)
        place = KeyPlace(rel, role, kind, tracked, server, public_prefixes(facts.frameworks))
        _report_keys(matcher, plan, place, text, data, facts)
    if graph is not None:
        graph.errors += matcher.errors
        if matcher.cut_short:
            graph.cut_short.append(rel)
    return matcher.findings


def _code_parts(
    rel: str, regions: list[Region] | None, role: str
) -> list[tuple[str, list[tuple[int, int]] | None, str]]:
    """(language, spans to parse or None for the whole text, role) for the code in one file."""
    if regions is None:
        lang = parsed_language(rel)
        return [] if lang == "text" else [(lang, None, role)]
    parts: dict[tuple[str, bool], list[tuple[int, int]]] = {}
    for region in regions:  # script blocks of a markup file, grouped so each language parses once
        parts.setdefault((region.lang, region.server), []).append((region.start, region.end))
    return [(lang, spans, BACKEND if server else role) for (lang, server), spans in parts.items()]


Work = tuple[list[Check], list[TreeVariant]]  # the checks and anchor fact rules to run on one code part


def _structural_work(
    plan: ScanPlan, words: frozenset[bytes], lang: str, role: str, facts_out: list[Fact] | None, in_tests: bool = False
) -> Work | None:
    """The checks and anchor fact rules to run on one file part, or None when it needs no parse: none has
    its keywords there. The rule gate may then leave none, and the part is parsed all the same
    (piggyback facts depend on it). `in_tests`: the file only runs under tests: no efficiency, retry... checks,
    and of the facts only what names the project's LLM calls (factscan.ALWAYS): tests are not on a request's
    path, so their routes, imports, calls and limiters would only mislead the judges (and cost a parse)."""
    checks = [
        check
        for check in plan.checks_with_words(lang, words)
        if scope_applies(check.scope, role)
        and all(not words.isdisjoint(group) for group in plan.requires.get(check.id, ()))
        and not (in_tests and check.checklist in TEST_EXEMPT_ITEMS)
    ]
    anchors = plan.fact_plan.tree_variants(lang, words) if facts_out is not None else []
    if in_tests:
        anchors = [v for v in anchors if v.fact.id in ALWAYS]
    if not checks and not anchors:
        return None
    checks = [c for c in checks if plan.gate.may_match(c.rule_for(lang), words)]
    anchors = [v for v in anchors if plan.gate.may_match(v.config, words)]
    return checks, anchors


def _deferred(plan: ScanPlan, work: Work, spans: list[tuple[int, int]] | None) -> bool:
    """Whether a whole code file would be parsed only for its imports (deferred when the plan says so)."""
    checks, anchors = work
    return plan.defer and spans is None and not checks and all(v.fact.id in plan.deferrable for v in anchors)


def _match_structural(
    matcher: _FileMatcher,
    plan: ScanPlan,
    words: frozenset[bytes],
    work: Work,
    lang: str,
    role: str,
    text: str,
    spans: list[tuple[int, int]] | None,
    facts_out: list[Fact] | None = None,
    in_tests: bool = False,
) -> None:
    """Parse one code part and run `work` (from _structural_work) on it: the fact rules, then the checks."""
    checks, anchors = work
    # script blocks are parsed in place: everything around them blanked, so positions stay true
    code = text if spans is None else keep_only(text, spans)
    root = SgRoot(code, AST_GREP_LANGS[lang]).root()
    if nesting_exceeds(root, MAX_NESTING):
        matcher.cut_short = True
        return
    calls = None  # the LLM calls of this tree, from its facts: what backed checks test (backed.py)
    if facts_out is not None:  # the same tree: facts for the project checks, never a second parse
        extras = [] if in_tests else plan.fact_plan.extra_variants(lang, words)
        extras = [v for v in extras if plan.gate.may_match(v.config, words)]
        variants = [_narrowed(plan, v, words) for v in (*anchors, *extras)]
        calls = collect_tree_facts(root, matcher.rel, lang, role, code, plan.fact_plan, variants, facts_out)
    for check in checks:
        config = check.rule_for(lang)
        backed = plan.backed.get((check.id, lang)) if calls is not None else None
        if backed is not None and calls is not None:
            if not calls and needs_util(backed["rule"]):
                continue  # only an LLM call can match, and this file has none
            config = fill(plan.narrowing.narrowed(backed, words), calls)
        elif config is not None:
            config = plan.narrowing.narrowed(config, words)
        try:
            nodes = root.find_all(cast("Config", config))
            once = check.once_within.get(lang) or check.once_within.get(_RULE_FAMILY.get(lang, lang))
            for node in _first_per_construct(nodes, once) if once else nodes:
                start = node.range().start
                matcher.add(check, start.line + 1, start.column + 1, _message(check), role=role)
        except Exception as exc:  # one broken check marks its item unknown; the file's other checks still run
            matcher.errors.append(check_error(check.id, matcher.rel, exc, matcher.redactor))


def _narrowed(plan: ScanPlan, variant: TreeVariant, words: frozenset[bytes]) -> TreeVariant:
    """`variant` with its config and shared-walk form narrowed to what this file can match (narrowing.py)."""
    config = plan.narrowing.narrowed(variant.config, words)
    form = plan.narrowing.narrowed(variant.form, words) if variant.form is not None else None
    if config is variant.config and form is variant.form:
        return variant
    return variant.with_config(config, form)


# Deeper than this, rule matching is cut short: tree-sitter finds a node's parent by walking down from the
# root, so every `inside` costs the depth and a file of 20000 nested ternaries takes minutes. Real code
# nests a few dozen levels; generated data a few hundred at most.
MAX_NESTING = 1000


def nesting_exceeds(root: SgNode, limit: int) -> bool:
    """Whether the tree nests deeper than `limit` along its heaviest path (each step into the largest child).

    Pathological nesting (long ternary or operator chains, brackets in brackets) makes one construct hold
    most of the file, so that path finds it at a cost of the depth times the children per level."""
    node, depth = root, 0
    while depth <= limit:
        children = node.children()
        if not children:
            return False
        node = children[0] if len(children) == 1 else max(children, key=_span)
        depth += 1
    return True


def _span(node: SgNode) -> int:
    r = node.range()
    return r.end.index - r.start.index


_RULE_FAMILY = {"typescript": "javascript", "tsx": "javascript"}  # as Check.rules: one entry serves them all


def _first_per_construct(nodes: list[SgNode], once: OnceWithin) -> list[SgNode]:
    """The first node (in source order) within each outermost enclosing construct of `once.kinds`."""
    kinds, stop = set(once.kinds), set(once.stop)
    seen: set[tuple[int, int]] = set()
    kept: list[SgNode] = []
    for node in sorted(nodes, key=lambda n: n.range().start.index):
        construct = None
        for ancestor in node.ancestors():
            kind = ancestor.kind()
            if kind in stop:
                break
            if kind in kinds:
                construct = ancestor.range()
        if construct is None:
            kept.append(node)
            continue
        key = (construct.start.index, construct.end.index)
        if key not in seen:
            seen.add(key)
            kept.append(node)
    return kept


def _report_keys(
    matcher: _FileMatcher, plan: ScanPlan, place: KeyPlace, text: str, data: bytes, facts: ProjectFacts
) -> None:
    """Every key in the file, reported by the check of each place it sits (keys.py)."""
    for hit in plan.keys.find(text, data, facts.providers):
        line = text.count("\n", 0, hit.start) + 1
        column = hit.start - (text.rfind("\n", 0, hit.start) + 1) + 1
        provider = hit.pattern.provider if hit.ai else None
        for route, values in place.routes(hit, text):
            check = plan.key_routes.get(route)
            if check is None:
                continue
            message = _message(check, provider=hit.pattern.provider, redacted=redact(hit.secret), **values)
            matcher.add(check, line, column, message, secret=hit.secret, provider=provider)


def scan_files(
    files: list[Candidate],
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    progress: Callable[[int, int], None] | None = None,
) -> ScanOutput:
    """Read and scan `files` in this process, one after another: what each worker does with its batch."""
    out = ScanOutput()
    total = len(files)
    for index, cand in enumerate(files):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, total)
        limit = max_bytes * KEYS_ONLY_SIZE_FACTOR if cand.keys_only else max_bytes
        try:
            data = read_capped(cand.path, limit)
        except RefusedFile as exc:  # grew, or was swapped for a FIFO or device, since discovery
            out.skipped["too-large" if exc.errno == errno.EFBIG else "special-file"] += 1
            continue
        except OSError:
            out.skipped["unreadable"] += 1
            continue
        text = decode(data)
        if text is not None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            data = text.encode("utf-8")  # keywords are matched on bytes: give them UTF-8 bytes
        if text is None:
            out.skipped["binary"] += 1
            continue
        out.files_scanned += 1
        language = None if cand.keys_only else display_language(cand.rel)
        out.files_keys_only += cand.keys_only
        if language:
            out.languages[language] += 1
        if SUPPRESSION_MARK in data:
            out.suppressions.extend(find_suppressions(cand.rel, text))
        file_facts: list[Fact] = []
        found = scan_text(
            cand.rel, data, text, plan, facts, kind=cand.kind, tracked=cand.tracked, facts_out=file_facts, graph=out
        )
        if file_facts:
            out.facts[cand.rel] = file_facts
        out.findings.extend(found)
        out.providers.update(f.provider for f in found if f.provider)
    return out

"""The data behind project-level checks: shared ast-grep utils and fact rules, loaded and validated once.

- `checks/_shared/utils.yaml` holds ast-grep utils per language family (`llm-call`, `loop`, ...). A check or
  fact rule refers to one with `matches: <name>`; only the utils it reaches are merged into its config.
- `checks/_facts/<id>.yaml` holds one fact rule: ast-grep variants per language family and regex variants
  for text files (Terraform, CloudFormation, nginx). Facts are collected during the one parse of each file
  and read after the walk by the judges of `engine: project` checks.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field

from assess.errors import InputError
from assess.models import Check
from assess.providers import ProviderRegistry, load_registry
from assess.scan.files.languages import AST_GREP_LANGS, FAMILY
from assess.scan.matching.asciiregex import ascii_rules
from assess.yamlio import load_model

SHARED_UTILS = Path("_shared") / "utils.yaml"
FACTS_DIR = "_facts"
# ast-grep language per catalog language, and the family whose rules and utils it uses
_CAPTURE = re.compile(r"^(?:\$\$\$)?[A-Z][A-Z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SharedUtils(_Strict):
    """checks/_shared/utils.yaml: ast-grep utils per family, merged into the rules that reach them."""

    python: dict[str, dict[str, Any]] = Field(default_factory=dict)
    javascript: dict[str, dict[str, Any]] = Field(default_factory=dict)


class FactVariant(_Strict):
    """One ast-grep shape of a fact; `label` says which shape (a framework, a provider, a library)."""

    label: str = ""
    keywords: list[str] = Field(default_factory=list)  # narrower prefilter; the fact's keywords otherwise
    paths: list[str] = Field(default_factory=list)  # only files matching one of these (fnmatch on name or path)
    # More placeholders than the fact's `{names}`: `{key}` in this shape's regexes becomes the names captured
    # by these facts in the same file (`objects: [instance.OBJ]`). The shape runs only when each one has a
    # name (also one its rule does not use: a precondition), so a dear walk (`x = Maker(); ... x.run()`)
    # starts only from names that can lead somewhere.
    names: dict[str, list[str]] = Field(default_factory=dict)
    # Another label for the matches that bind a metavariable ({member: MEMBER}): shapes that can never match
    # one node (their objects are of other kinds) written as one rule, so they cost one walk and one compile.
    labels: dict[str, str] = Field(default_factory=dict)
    rule: dict[str, Any]


class TextVariant(_Strict):
    """A regex over text files whose name matches `paths` (fnmatch on the file name)."""

    label: str = ""
    paths: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    regex: str


class FactRule(_Strict):
    """One checks/_facts/*.yaml file: a fact the project checks read, with its shapes per family."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    about: str
    keywords: list[str] = Field(default_factory=list)  # a file is searched only if one of these occurs in it
    # Metavariables recorded per match; `$$$NAME` records the list of named nodes it matched.
    captures: list[str] = Field(default_factory=list)
    keep_text: int = Field(default=0, ge=0)  # record this many characters of the matched text (0: none)
    # Collected only when the file is parsed for another reason: never a reason to parse on its own.
    piggyback: bool = False
    # A dynamic rule: `{names}` in its regexes becomes the names captured by these facts in the same file,
    # e.g. ["function.NAME", "import.NAMES"]; the rule runs only when there is at least one name.
    names_from: list[str] = Field(default_factory=list)
    # Deferral (deferred.py): the judges follow calls to a `reach` fact, so a file that leads to one through
    # imports is parsed in full; a `deferrable` fact matters only in such files, so a file parsed for
    # nothing else waits until it is known to lead to a `reach` fact.
    reach: bool = False
    deferrable: bool = False
    # Only feeds other rules' placeholders (FactVariant.names): never kept, never read by a judge.
    internal: bool = False
    python: list[FactVariant] = Field(default_factory=list)
    javascript: list[FactVariant] = Field(default_factory=list)
    text: list[TextVariant] = Field(default_factory=list)

    def variants(self, family: str) -> list[FactVariant]:
        """The shapes of this fact for one ast-grep family (python, javascript)."""
        return self.python if family == "python" else self.javascript if family == "javascript" else []

    def placeholders(self, variant: FactVariant) -> dict[str, list[str]]:
        """Every names placeholder of one shape and the facts that fill it (`{names}`: the fact's own)."""
        return {**({"names": self.names_from} if self.names_from else {}), **variant.names}

    def sources(self) -> set[str]:
        """Every `fact.CAPTURE` this rule's placeholders read."""
        found = set(self.names_from)
        for variant in (*self.python, *self.javascript):
            found.update(s for sources in variant.names.values() for s in sources)
        return found

    def dynamic(self, variant: FactVariant) -> bool:
        """Whether a shape has placeholders filled per file (run after the facts that fill them)."""
        return bool(self.names_from or variant.names)


@dataclass(frozen=True)
class Rulebook:
    """The shared utils and fact rules of a catalog, loaded and validated once."""

    utils: SharedUtils = field(default_factory=SharedUtils)
    facts: dict[str, FactRule] = field(default_factory=dict)

    def with_utils(self, config: Mapping[str, Any], family: str) -> dict[str, Any]:
        """`config` with every shared util it reaches (directly or through other utils) merged in."""
        shared = self.utils.python if family == "python" else self.utils.javascript
        local = dict(config.get("utils") or {})
        wanted: dict[str, dict[str, Any]] = {}
        pending = list(matches_in(config))
        while pending:
            name = pending.pop()
            if name in local or name in wanted or name not in shared:
                continue
            wanted[name] = shared[name]
            pending.extend(matches_in(shared[name]))
        if not wanted:
            return dict(config)
        return {**config, "utils": {**wanted, **local}}

    def prepare(self, check: Check, path: Path) -> Check:
        """A check ready to scan: per-language rules with shared utils merged in (project checks as they are:
        their judges are validated by scan/plan.py)."""
        if check.engine in ("secrets", "project"):
            return check
        rules: dict[str, dict[str, Any]] = {}
        for lang in check.languages:
            if lang not in AST_GREP_LANGS:
                raise InputError(f"language '{lang}' cannot be parsed by ast-grep", path)
            base = check.rules.get(lang) or check.rules.get(FAMILY[lang]) or check.rule
            if not base or "rule" not in base:
                raise InputError(f"an ast-grep check needs 'rule' (or 'rules.{FAMILY[lang]}') with a 'rule' key", path)
            rules[lang] = ascii_rules(self.with_utils(base, FAMILY[lang]))
            compile_rule(rules[lang], lang, path)
        return check.model_copy(update={"rules": rules})


def matches_in(node: object) -> Iterator[str]:
    """The util names a rule (or any part of a config) refers to with `matches:`, at any depth."""
    return values_of(node, "matches")


def values_of(node: object, wanted: str) -> Iterator[str]:
    """Every string value of the key `wanted` in a rule or config, at any depth, as often as it occurs."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == wanted and isinstance(value, str):
                yield value
            else:
                yield from values_of(value, wanted)
    elif isinstance(node, list):
        for item in node:
            yield from values_of(item, wanted)


def compile_rule(config: dict[str, Any], lang: str, path: Path, what: str = "") -> None:
    """ast-grep reports a bad rule only when used: run it once on an empty tree."""
    from ast_grep_py import Config, SgRoot

    try:
        SgRoot("", AST_GREP_LANGS[lang]).root().find_all(cast("Config", config))
    except BaseException as exc:  # ast-grep raises a PanicException (a BaseException) on bad rules
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise InputError(f"invalid ast-grep rule{what} for {lang}: {_cause(str(exc))}", path) from None


def _cause(message: str) -> str:
    """The innermost 'Caused by' line of an ast-grep error: the one that names the problem."""
    head = message.split("Stack backtrace", 1)[0]
    causes = [m.group(1).strip() for m in re.finditer(r"^\s*\d+: (.+)$", head, re.M)]
    return (causes[-1] if causes else head.strip().splitlines()[0])[:300]


def _load_fact(path: Path, utils: Rulebook, registry: ProviderRegistry) -> FactRule:
    fact = _with_providers(load_model(path, FactRule), registry, path)
    if fact.id != path.stem:
        raise InputError(f"fact id '{fact.id}' must match its file name '{path.stem}'", path)
    bad = [c for c in fact.captures if not _CAPTURE.match(c)]
    if bad:
        raise InputError(f"captures must be metavariable names like MODEL or $$$ARGS: {bad}", path)
    if not fact.keywords and not fact.piggyback and not fact.names_from:
        raise InputError("a fact rule needs keywords (or piggyback: true)", path)
    resolved: dict[str, Any] = {}
    for family, langs in (("python", ("python",)), ("javascript", ("javascript", "typescript", "tsx"))):
        variants = []
        for variant in fact.variants(family):
            unbound = [m for m in variant.labels.values() if not re.search(rf"\${re.escape(m)}\b", str(variant.rule))]
            if unbound:
                raise InputError(
                    f"variant '{variant.label}': labels name metavariables its rule never binds: {unbound}", path
                )
            config = ascii_rules(utils.with_utils(variant.rule, family))
            filled = fill_placeholders(config, "x", list(fact.placeholders(variant)))
            for lang in langs:
                compile_rule(filled, lang, path, f" (variant '{variant.label}')")
            variants.append(variant.model_copy(update={"rule": config}))
        resolved[family] = variants
    for text_variant in fact.text:
        try:
            re.compile(text_variant.regex)
        except re.error as exc:
            raise InputError(f"text variant '{text_variant.label}': bad regex: {exc}", path) from None
    return fact.model_copy(update=resolved)


def _with_providers(fact: FactRule, registry: ProviderRegistry, path: Path) -> FactRule:
    """`fact` with the registry's hosts and local servers filled into its rules and keyword lists."""

    def variant(v: FactVariant) -> FactVariant:
        update = {"rule": registry.fill(v.rule, path), "keywords": registry.keywords(v.keywords, path)}
        return v.model_copy(update=update)

    def text(v: TextVariant) -> TextVariant:
        update = {"regex": registry.fill(v.regex, path), "keywords": registry.keywords(v.keywords, path)}
        return v.model_copy(update=update)

    return fact.model_copy(
        update={
            "keywords": registry.keywords(fact.keywords, path),
            "python": [variant(v) for v in fact.python],
            "javascript": [variant(v) for v in fact.javascript],
            "text": [text(v) for v in fact.text],
        }
    )


def fill_placeholders(node: Any, names: str, keys: Sequence[str]) -> Any:
    """A dynamic rule with each `{key}` placeholder filled with `names` (already regex-escaped)."""
    marks = ["{" + key + "}" for key in keys]
    if isinstance(node, dict):
        return {k: fill_placeholders(v, names, keys) for k, v in node.items()}
    if isinstance(node, list):
        return [fill_placeholders(v, names, keys) for v in node]
    if isinstance(node, str):
        for mark in marks:
            node = node.replace(mark, names)
    return node


def load_rulebook(checks_root: Path, registry: ProviderRegistry | None = None) -> Rulebook:
    """Shared utils and fact rules beside the checks; both optional (a catalog may have neither).

    `{provider_hosts}` and `{local_servers}` in them are filled from `registry` (default: the one beside
    the checks, checks/_providers.yaml).
    """
    registry = registry if registry is not None else load_registry(checks_root)
    utils_path = checks_root / SHARED_UTILS
    utils = load_model(utils_path, SharedUtils) if utils_path.is_file() else SharedUtils()
    utils = SharedUtils(
        python=registry.fill(utils.python, utils_path), javascript=registry.fill(utils.javascript, utils_path)
    )
    book = Rulebook(utils=utils)
    for family in ("python", "javascript"):
        langs = ("python",) if family == "python" else ("javascript", "typescript", "tsx")
        shared = utils.python if family == "python" else utils.javascript
        for name, rule in shared.items():
            for lang in langs:
                compile_rule(
                    {"rule": {"matches": name}, "utils": book.with_utils({"utils": {name: rule}}, family)["utils"]},
                    lang,
                    utils_path,
                )
    facts: dict[str, FactRule] = {}
    for path in sorted((checks_root / FACTS_DIR).glob("*.yaml")):
        fact = _load_fact(path, book, registry)
        facts[fact.id] = fact
    for fact in facts.values():
        for source in sorted(fact.sources()):
            if source.split(".")[0] not in facts:
                raise InputError(
                    f"names_from '{source}': no fact rule '{source.split('.')[0]}'", checks_root / FACTS_DIR
                )
    return Rulebook(utils=utils, facts=facts)


def path_pattern(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for fnmatch patterns, tried on the file name and on the whole relative path."""
    parts = [fnmatch.translate(p) for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def path_matches(rel: str, pattern: re.Pattern[str] | None) -> bool:
    """Whether `rel` matches a compiled path pattern (None matches every path)."""
    return pattern is None or bool(pattern.match(rel.rsplit("/", 1)[-1]) or pattern.match(rel))

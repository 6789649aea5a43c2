"""Load and validate the catalogs: checks/<id>/check.yaml and questions/*.yaml.

Every problem is an InputError naming the file (and line where known); the CLI turns it into exit 2.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic import ValidationError

from assess import paths
from assess.errors import InputError
from assess.models import CHECKLIST_ORDER, Check, ChecklistItem, Question, QuestionSection
from assess.providers import PROVIDERS_FILE, ProviderRegistry, load_registry
from assess.scan.matching.narrowing import Slots, branch_slots
from assess.scan.matching.rulebook import FACTS_DIR, SHARED_UTILS, FactRule, Rulebook, load_rulebook
from assess.scan.matching.rulegate import Formula, literals, rule_formula
from assess.scan.project.judges import validate_project_check
from assess.yamlio import load_model, read_yaml, validation_error

if TYPE_CHECKING:
    from assess.scan.matching.factscan import Forms


@dataclass(frozen=True)
class Catalog:
    checks: dict[str, Check]
    items: dict[str, ChecklistItem]
    questions: dict[str, Question]
    check_dirs: dict[str, Path] = field(default_factory=dict)
    facts: dict[str, FactRule] = field(default_factory=dict)  # checks/_facts: what project checks judge
    # the rule gate's formula of every ast-grep config above (the same dict objects), derived at load and
    # kept with the cached catalog: deriving them parses every regex of the catalog (~0.1 s a run)
    gate: tuple[tuple[dict[str, Any], Formula, frozenset[bytes]], ...] = ()  # ... and the literals it tests
    # the `any` branches of each config a scan may narrow (narrowing.py), with the literals they test: the same
    # objects as the configs', which one pickle keeps; deriving them costs ~0.15 s a run
    narrowing: tuple[tuple[dict[str, Any], Slots, frozenset[bytes]], ...] = ()
    # per (check, language): its config backed by the file's LLM-call facts (backed.py); None: not derived
    backed: dict[tuple[str, str], dict[str, Any]] | None = None
    # each fact shape's node kinds and the form it joins a shared walk in (factscan.fact_forms), derived once
    forms: Forms | None = None
    providers: ProviderRegistry = field(default_factory=ProviderRegistry)  # checks/_providers.yaml

    def questions_for(self, item: str) -> list[Question]:
        return [q for q in self.questions.values() if q.checklist == item]

    def checks_for(self, item: str) -> list[Check]:
        return [c for c in self.checks.values() if c.checklist == item]


def _validate_rule(check: Check, path: Path) -> None:
    if check.engine == "secrets":
        if not check.patterns and not check.key_routes:
            raise InputError("a secrets check needs 'patterns' (or 'key_routes' to report other checks' keys)", path)
        for pattern in check.patterns:
            try:
                re.compile(pattern.regex)
                if pattern.context:
                    re.compile(pattern.context)
            except re.error as exc:
                raise InputError(f"pattern '{pattern.name}': bad regex: {exc}", path) from None
        return
    # ast-grep rules were merged with their utils and compiled by the rulebook (Rulebook.prepare); project
    # checks' judges, facts and params are validated by validate_project_check


def load_checks(root: Path, rulebook: Rulebook | None = None) -> tuple[dict[str, Check], dict[str, Path]]:
    rulebook = rulebook or load_rulebook(root)
    checks: dict[str, Check] = {}
    dirs: dict[str, Path] = {}
    if not root.is_dir():
        raise InputError("checks folder not found", root)
    for check_file in sorted(root.glob("*/check.yaml")):
        check = load_model(check_file, Check)
        if check.id != check_file.parent.name:
            raise InputError(f"id '{check.id}' must match its folder '{check_file.parent.name}'", check_file)
        if check.id in checks:
            raise InputError(f"duplicate check id '{check.id}'", check_file)
        check = rulebook.prepare(check, check_file)  # per-language rules with shared utils merged in
        _validate_rule(check, check_file)
        if check.engine == "project":
            validate_project_check(check, rulebook.facts, check_file)
        checks[check.id] = check
        dirs[check.id] = check_file.parent
    return checks, dirs


def load_questions(root: Path) -> tuple[dict[str, ChecklistItem], dict[str, Question]]:
    items: dict[str, ChecklistItem] = {}
    questions: dict[str, Question] = {}
    if not root.is_dir():
        raise InputError("questions folder not found", root)
    for section_file in sorted(root.glob("*.yaml")):
        section = load_model(section_file, QuestionSection)
        item = section.checklist
        if item.id in items:
            raise InputError(f"checklist item '{item.id}' is defined twice", section_file)
        items[item.id] = item
        doc = None
        for index, raw in enumerate(section.questions):
            try:
                question = Question.model_validate({"checklist": item.id, **raw})
            except ValidationError as exc:
                doc = doc or read_yaml(section_file)
                raise validation_error(doc, exc, ("questions", index)) from None
            if question.id in questions:
                doc = doc or read_yaml(section_file)
                raise InputError(
                    f"duplicate question id '{question.id}'", section_file, doc.line_of(("questions", index))
                )
            questions[question.id] = question
    missing = [i for i in CHECKLIST_ORDER if i not in items]
    if missing:
        raise InputError(f"no question section for checklist item(s): {', '.join(missing)}", root)
    # checklist order, then the order within each file: the TUI, `assess checks` and reports agree
    ordered = sorted(questions.values(), key=lambda q: CHECKLIST_ORDER.index(q.checklist))
    return items, {q.id: q for q in ordered}


def _cross_check(checks: dict[str, Check], questions: dict[str, Question], qroot: Path) -> None:
    for question in questions.values():
        for rule in question.detect:
            unknown = [c for c in rule.checks if c not in checks]
            if unknown:
                raise InputError(f"question '{question.id}' detects unknown check(s) {unknown}", qroot)
            if question.choice(rule.value) is None:
                raise InputError(f"question '{question.id}' detects unknown choice '{rule.value}'", qroot)
        if question.when:
            other = questions.get(question.when.question)
            if other is None:
                raise InputError(f"question '{question.id}' depends on unknown '{question.when.question}'", qroot)
            bad = [v for v in question.when.in_ if other.choice(v) is None]
            if bad:
                raise InputError(f"question '{question.id}' depends on unknown choice(s) {bad}", qroot)


def load_catalog(checks_root: Path | None = None, questions_root: Path | None = None) -> Catalog:
    """The catalog, validated; from this machine's catalog cache while every file it reads is unchanged."""
    checks_root = checks_root or paths.checks_dir()
    questions_root = questions_root or paths.questions_dir()
    key = _cache_scope(checks_root, questions_root)
    catalog = _cached(key) if key is not None else None
    if catalog is None:
        catalog = _load(checks_root, questions_root)
        if key is not None:
            _store(key, catalog)
    _freeze_once()
    return catalog


_frozen = False


def _freeze_once() -> None:
    """Leave what the process holds at its first catalog out of the garbage collector's full walks.

    The catalog (tens of thousands of rule dicts and models), the modules and their data live until the
    process ends, and each full collection walked them all again: ~30 ms a time on a repeated scan in one
    process (the TUI's rescans, the bench). Done once: later catalogs and what tests make stay collectable."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


# Loading validates every rule by compiling it (ast-grep reports a bad rule only when used) and reads the
# YAML with line marks: about 0.4 s, paid on every run. The result is kept, signed (assess/signed.py), in
# the user's cache folder, for the exact bytes of every file it was read from and of assess's own code.
_CATALOG_CACHE = "catalog.bin"


def _catalog_files(checks_root: Path, questions_root: Path) -> list[Path]:
    facts = checks_root / FACTS_DIR
    return [
        *sorted(checks_root.glob("*/check.yaml")),
        *sorted(facts.glob("*.yaml")),
        checks_root / SHARED_UTILS,
        checks_root / PROVIDERS_FILE,
        *sorted(questions_root.glob("*.yaml")),
    ]


def _cache_scope(checks_root: Path, questions_root: Path) -> str | None:
    from assess import __version__
    from assess.signed import cache_enabled

    if not cache_enabled():
        return None
    # the pickled models are only as good as the libraries that made them: their versions are in the key
    versions = f"{__version__}\0{sys.version}\0{pydantic.VERSION}\0{_library_version('ast-grep-py')}"
    digest = hashlib.sha256(f"{versions}\0{checks_root}\0{questions_root}".encode("utf-8", "surrogateescape"))
    try:
        for path in [*sorted(Path(__file__).parent.rglob("*.py")), *_catalog_files(checks_root, questions_root)]:
            digest.update(f"\0{path}\0".encode("utf-8", "surrogateescape"))
            digest.update(path.read_bytes() if path.is_file() else b"\0missing")
    except OSError:
        return None
    return digest.hexdigest()


def _library_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _cache_path() -> Path:
    from assess.signed import machine_key_path

    return machine_key_path().parent / _CATALOG_CACHE


def _cached(scope: str) -> Catalog | None:
    from assess.signed import machine_key, read_owned, unseal

    key = machine_key()
    # only a file of this user that nobody else could have written, signed with a key nobody else can read
    blob = read_owned(_cache_path(), forbidden=0o022) if key is not None else None
    try:
        payload = unseal(blob, key, scope) if key is not None and blob is not None else None
        catalog = _unpickled(payload) if payload is not None else None
    except Exception:  # missing, damaged, from another version: load it again
        return None
    return catalog if isinstance(catalog, Catalog) else None


def _unpickled(payload: bytes | memoryview) -> object:
    """The catalog out of its pickle with the garbage collector off: each of the ~27k containers it makes
    would count toward a collection, and the older generations' walks take in all made so far (a cached
    catalog loaded in ~45 ms; ~21 ms so)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    finally:
        if enabled:
            gc.enable()


def _store(scope: str, catalog: Catalog) -> None:
    from assess.atomic import write_bytes_atomic
    from assess.signed import machine_key, seal

    key = machine_key()
    if key is None:
        return
    try:
        write_bytes_atomic(_cache_path(), seal(key, scope, pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL)))
        _cache_path().chmod(0o600)  # read back only when nobody else can write it (`_cached`)
    except Exception:  # a read-only home, a full disk: load it again next time
        return


def _check_provider_names(
    registry: ProviderRegistry,
    rulebook: Rulebook,
    checks: dict[str, Check],
    questions: dict[str, Question],
    roots: tuple[Path, Path],
) -> None:
    """Every provider the catalog names (key shapes, questions) is one of the registry's, and every call
    shape the registry names is a label of the llm-call fact."""
    if not registry.providers:
        return
    checks_root, questions_root = roots
    known = registry.names()
    if registry.key_shapes is not None and registry.key_shapes not in checks:
        raise InputError(f"key_shapes: no check '{registry.key_shapes}'", checks_root / PROVIDERS_FILE)
    llm_call = rulebook.facts.get("llm-call")
    if llm_call is not None:
        labels = {v.label for v in (*llm_call.python, *llm_call.javascript)} | {v.label for v in llm_call.text}
        for provider in registry.providers:
            unknown = [c for c in (*provider.call_labels, *provider.shared_call_labels) if c not in labels]
            if unknown:
                raise InputError(
                    f"provider '{provider.id}': no llm-call shape(s) {unknown}", checks_root / PROVIDERS_FILE
                )
    for check in checks.values():
        for pattern in check.patterns:
            for name in (pattern.provider, pattern.ai_only_if.provider if pattern.ai_only_if else None):
                if name is not None and name not in known:
                    raise InputError(
                        f"pattern '{pattern.name}': provider '{name}' is not in {PROVIDERS_FILE}",
                        checks_root / check.id / "check.yaml",
                    )
    for question in questions.values():
        unknown = [p for p in question.providers if p not in known]
        if unknown:
            raise InputError(f"question '{question.id}': provider(s) {unknown} not in {PROVIDERS_FILE}", questions_root)


def _load(checks_root: Path, questions_root: Path) -> Catalog:
    from assess.scan.matching.backed import backed_config  # ast-grep-py: not for `--help`
    from assess.scan.matching.factscan import fact_forms

    registry = load_registry(checks_root)
    rulebook = load_rulebook(checks_root, registry)
    checks, dirs = load_checks(checks_root, rulebook)
    items, questions = load_questions(questions_root)
    _cross_check(checks, questions, questions_root)
    _check_provider_names(registry, rulebook, checks, questions, (checks_root, questions_root))
    ordered = {i: items[i] for i in CHECKLIST_ORDER}
    configs = [rule for check in checks.values() for rule in check.rules.values()]
    configs += [
        v.rule for fact in rulebook.facts.values() for v in (*fact.python, *fact.javascript) if not fact.dynamic(v)
    ]
    gate = tuple(
        (config, formula, frozenset(literals(formula))) for config in configs for formula in [rule_formula(config)]
    )
    backed = {
        (check.id, lang): config
        for check in checks.values()
        for lang, rule in check.rules.items()
        if (config := backed_config(rule)) is not None
    }
    forms = fact_forms(rulebook.facts.values())
    static_forms = [
        form
        for fact in rulebook.facts.values()
        for family in ("python", "javascript")
        for index, variant in enumerate(fact.variants(family))
        if not fact.dynamic(variant)  # filled per file: narrowed never, and `{names}` is no literal
        for _, form, fact_backed in [forms.tree[(fact.id, family, index)]]
        if form is not None and fact_backed is None
    ]
    narrowed = [*configs, *backed.values(), *static_forms]
    narrowing = tuple((config, *branch_slots(config)) for config in {id(c): c for c in narrowed}.values())
    return Catalog(
        checks=checks,
        items=ordered,
        questions=questions,
        check_dirs=dirs,
        facts=rulebook.facts,
        gate=gate,
        narrowing=narrowing,
        backed=backed,
        forms=forms,
        providers=registry,
    )

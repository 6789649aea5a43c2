"""The ast-grep CLI baseline: an sgconfig with the same rules assess runs, generated from the catalog.

Every ast-grep check contributes one rule file per language (its prepared `rule_for(lang)` config, shared
utils merged in, exactly what assess passes to ast-grep-py). Fact rules (checks/_facts) are part of the
work assess does on each parsed tree, so their tree variants are included too; a dynamic rule whose regex
is filled per file with the names a file defines (`{names}`) gets one fixed name instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

SG_LANG = {"javascript": "JavaScript", "typescript": "TypeScript", "tsx": "Tsx", "python": "Python"}
FAMILY_LANGS = {"python": ("python",), "javascript": ("javascript", "typescript", "tsx")}


def _inline_top(rule: Any, utils: dict[str, Any], depth: int = 0) -> Any:
    """`rule` with `matches: util` replaced by the util's body where the CLI needs to see node kinds.

    ast-grep's CLI rejects a rule whose kinds it cannot infer (a top-level `matches`); ast-grep-py
    accepts it. Inlining the util is the same rule, so both tools do the same matching.
    """
    if not isinstance(rule, dict) or depth > 8:
        return rule
    out = dict(rule)
    for key in ("all", "any"):
        if isinstance(out.get(key), list):
            out[key] = [_inline_top(item, utils, depth + 1) for item in out[key]]
    name = out.get("matches")
    if isinstance(name, str) and name in utils:
        del out["matches"]
        body = _inline_top(utils[name], utils, depth + 1)
        return {"all": [body, out]} if out else body
    return out


def _rule_file(rule_id: str, lang: str, config: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in config.items() if k in ("rule", "constraints", "utils", "transform")}
    body["rule"] = _inline_top(body["rule"], body.get("utils") or {})
    return {"id": rule_id, "language": SG_LANG[lang], "severity": "warning", "message": rule_id, **body}


def collect_rules() -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Rule files for every check rule and fact variant assess runs, and how many of each kind."""
    from assess.catalog import load_catalog
    from assess.scan.matching.rulebook import fill_placeholders

    catalog = load_catalog()
    rules: list[dict[str, Any]] = []
    counts = {"checks": 0, "check_rules": 0, "fact_variants": 0}
    for check in catalog.checks.values():
        if check.engine not in ("ast-grep", None):
            continue
        counts["checks"] += 1
        for lang in check.languages:
            config = check.rule_for(lang)
            if lang in SG_LANG and config:
                rules.append(_rule_file(f"{check.id}--{lang}", lang, config))
                counts["check_rules"] += 1
    for fact in getattr(catalog, "facts", {}).values():
        for family, langs in FAMILY_LANGS.items():
            for index, variant in enumerate(fact.variants(family)):
                keys = list(fact.placeholders(variant))
                config = fill_placeholders(variant.rule, "benchName", keys) if keys else variant.rule
                for lang in langs:
                    rules.append(_rule_file(f"fact-{fact.id}-{index}--{lang}", lang, config))
                    counts["fact_variants"] += 1
    return rules, counts


def write_sgconfig(dest: Path, sg: str = "ast-grep") -> dict[str, int]:
    """dest/sgconfig.yml and dest/rules/*.yml (JSON is valid YAML); returns the rule counts."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "rules").mkdir(parents=True)
    rules, counts = collect_rules()
    for rule in rules:
        (dest / "rules" / f"{rule['id']}.yml").write_text(json.dumps(rule, indent=1))
    (dest / "sgconfig.yml").write_text("ruleDirs:\n  - rules\n")
    counts["rejected_by_cli"] = _drop_rejected(dest, sg)
    return counts


def _drop_rejected(dest: Path, sg: str = "ast-grep") -> int:
    """Remove the rules the CLI refuses (no node kind it can infer); ast-grep-py runs them on every node."""
    empty = dest / "empty"
    empty.mkdir(exist_ok=True)
    dropped = 0
    for _ in range(200):
        out = subprocess.run([sg, "scan", "-c", "sgconfig.yml", str(empty)], cwd=dest, capture_output=True, text=True)
        match = re.search(r"Cannot parse rule (\S+)", out.stderr)
        if out.returncode == 0 or match is None:
            break
        Path(match.group(1)).unlink()
        dropped += 1
    return dropped


if __name__ == "__main__":
    import sys

    print(write_sgconfig(Path(sys.argv[1]), str(Path(sys.executable).parent / "ast-grep")))

"""An AI SDK the project depends on whose calls no rule recognised: the results may be incomplete.

Every server check starts from the paid LLM calls it finds; a project that installs an AI SDK but shows no
call the checks know would otherwise look clean. Reported once per manifest that names such a package.
"""

from __future__ import annotations

from assess.scan.matching.factscan import Fact
from assess.scan.project.judges.base import Context, Judge, Judgement, NoParams, Verdict


def judge(ctx: Context, _params: NoParams) -> Judgement:
    """A verdict per manifest naming an AI SDK, when no paid LLM call was recognised anywhere."""
    if ctx.sites:
        return Judgement([], False)
    verdicts = []
    by_package = ctx.index.project.registry.by_package
    for manifest, names in sorted(ctx.index.project.dependencies.items()):
        sdks = sorted(name for name in names if name in by_package)
        if not sdks:
            continue
        at = Fact("manifest", "dependency", manifest, "any", 1, 1, 1, "")
        providers = sorted({by_package[name] for name in sdks})
        values = {"packages": ", ".join(sdks), "providers": ", ".join(providers)}
        verdicts.append(Verdict(at, values, provider=providers[0]))
    return Judgement(verdicts, bool(verdicts))


JUDGE = Judge(run=judge, params=NoParams, needs=("llm-call",))

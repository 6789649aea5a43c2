"""An LLM workload deployed with infrastructure code that defines no budget or cost alarm.

Code cannot prove a provider-side spend limit (the questionnaire asks); it can prove that the
infrastructure in the repository sets none of its own.
"""

from __future__ import annotations

import re

from assess.scan.project.judges.base import Context, Judge, Judgement, NoParams, Verdict

_LLM_RESOURCE = re.compile(r"bedrock|cognitive|vertex_ai|sagemaker", re.I)
_TOOL = (
    (re.compile(r"\.tf(?:\.json)?$"), "Terraform"),
    (re.compile(r"(?:^|/)serverless\.ya?ml$"), "Serverless Framework"),
    (re.compile(r"\.(?:ya?ml|json|template)$"), "CloudFormation"),
)


def _tool(rel: str) -> str:
    return next((name for pattern, name in _TOOL if pattern.search(rel)), "infrastructure code")


def judge(ctx: Context, _params: NoParams) -> Judgement:
    facts = ctx.index.of("iac")
    workloads = [f for f in facts if f.label == "workload"]
    guards = [f for f in facts if f.label in ("budget", "alarm", "llm-budget")]
    llm_in_code = bool(ctx.backend_sites())
    llm_resources = [f for f in workloads if _LLM_RESOURCE.search(f.values.get("TYPE", ""))]
    if not workloads or not (llm_in_code or llm_resources):
        return Judgement([], applied=False)
    if guards:
        return Judgement([], applied=True)
    providers = sorted({s.provider for s in ctx.backend_sites() if s.provider})
    verdicts = []
    seen: set[str] = set()
    for fact in sorted(llm_resources or workloads, key=lambda f: (f.rel, f.line)):
        if fact.rel in seen:
            continue  # one finding per file: the first workload it deploys
        seen.add(fact.rel)
        verdicts.append(
            Verdict(
                at=fact,
                values={
                    "tool": _tool(fact.rel),
                    "resource": fact.values.get("TYPE", "a workload"),
                    "providers": ", ".join(providers) or "an LLM provider",
                },
                provider=providers[0] if len(providers) == 1 else None,
            )
        )
    return Judgement(verdicts, applied=True)


JUDGE = Judge(run=judge, params=NoParams, needs=("iac", "llm-call"))

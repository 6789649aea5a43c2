"""An LLM workload deployed with infrastructure code that defines no budget or cost alarm.

Code cannot prove a provider-side spend limit (the questionnaire asks); it can prove that the
infrastructure in the repository sets none of its own.

A stack is a Terraform module (its folder) or one template/program file (CloudFormation, Bicep, ARM, CDK,
Pulumi). Where some stack shows it deploys an LLM workload (a Bedrock, Vertex AI or Azure OpenAI resource,
permission to invoke Bedrock models, a Vertex AI role), only those stacks are reported; otherwise, when
the code calls an LLM, the stacks that deploy code are.
"""

from __future__ import annotations

import posixpath
import re

from assess.scan.matching.factscan import Fact
from assess.scan.project.judges.base import Context, Judge, Judgement, NoParams, Verdict

_LLM_RESOURCE = re.compile(r"bedrock|cognitive|vertex|sagemaker|aiplatform|OpenAI|AIServices", re.I)
_TOOL = (
    (re.compile(r"\.tf(?:\.json)?$"), "Terraform"),
    (re.compile(r"(?:^|/)serverless\.ya?ml$"), "Serverless Framework"),
    (re.compile(r"\.bicep$"), "Bicep"),
    (re.compile(r"\.(?:ya?ml|template)$"), "CloudFormation"),
    (re.compile(r"\.json$"), "a deployment template"),
)
_PULUMI_TYPE = re.compile(r"^(?:aws|gcp|azure|azure_?native)\.")
_IAC_PROVIDER = (("bedrock", "AWS Bedrock"), ("aiplatform", "Google Vertex AI"), ("vertex", "Google Vertex AI"))


def _tool(fact: Fact, stack: list[Fact]) -> str:
    if fact.rel.endswith((".py", ".ts", ".js", ".mjs", ".cjs")):
        return "Pulumi" if any(_PULUMI_TYPE.match(f.values.get("TYPE", "")) for f in stack) else "AWS CDK"
    if fact.rel.endswith(".json") and fact.values.get("TYPE", "").startswith("Microsoft."):
        return "ARM"
    if fact.rel.endswith(".json") and "AWS::" in fact.values.get("TYPE", ""):
        return "CloudFormation"
    return next((name for pattern, name in _TOOL if pattern.search(fact.rel)), "infrastructure code")


def _stack(rel: str) -> str:
    """Terraform reads every .tf file of a folder as one module; other tools deploy one file."""
    return posixpath.dirname(rel) + "/" if rel.endswith((".tf", ".tf.json")) else rel


def _is_llm(fact: Fact) -> bool:
    return fact.label == "llm" or (fact.label == "workload" and bool(_LLM_RESOURCE.search(fact.values.get("TYPE", ""))))


def _iac_providers(llm_facts: list[Fact]) -> list[str]:
    """The providers the infrastructure itself names, for stacks whose code the scan did not see call them."""
    found = set()
    for fact in llm_facts:
        kind = fact.values.get("TYPE", "")
        found |= {name for key, name in _IAC_PROVIDER if key in kind.lower()}
        if re.search(r"OpenAI|AIServices|cognitive", kind, re.I):
            found.add("Azure OpenAI")
    return sorted(found)


def judge(ctx: Context, _params: NoParams) -> Judgement:
    """IaC stacks that deploy an LLM workload with no budget or cost alarm anywhere in the repository."""
    facts = sorted(ctx.index.of("iac"), key=lambda f: (f.rel, f.line))
    workloads = [f for f in facts if f.label == "workload"]
    guards = [f for f in facts if f.label in ("budget", "alarm", "llm-budget")]
    llm_facts = [f for f in facts if _is_llm(f)]
    llm_in_code = bool(ctx.backend_sites())
    if not (workloads or llm_facts) or not (llm_in_code or llm_facts):
        return Judgement([], applied=False)
    if guards:
        return Judgement([], applied=True)
    llm_stacks = {_stack(f.rel) for f in llm_facts}
    stacks = llm_stacks or {_stack(f.rel) for f in workloads}
    providers = sorted({s.provider for s in ctx.backend_sites() if s.provider}) or _iac_providers(llm_facts)
    verdicts = []
    for stack in sorted(stacks):
        in_stack = [f for f in facts if _stack(f.rel) == stack]
        # the first thing it deploys that runs code, else its LLM resource or permission
        at = next((f for f in in_stack if f.label == "workload"), None) or next(f for f in in_stack if _is_llm(f))
        verdicts.append(
            Verdict(
                at=at,
                values={
                    "tool": _tool(at, in_stack),
                    "resource": at.values.get("TYPE", "a workload"),
                    "providers": ", ".join(providers) or "an LLM provider",
                },
                provider=providers[0] if len(providers) == 1 else None,
            )
        )
    return Judgement(verdicts, applied=True)


JUDGE = Judge(run=judge, params=NoParams, needs=("iac", "llm-call"))

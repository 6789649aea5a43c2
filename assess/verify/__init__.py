"""Verify what code cannot see: spend limits, alerts and quotas read from the providers' own settings.

Opt-in and read-only (`assess verify --openai --aws`, `assess scan --verify openai,aws`). Credentials come
only from the environment or the provider's usual chain and are never stored, logged or rendered. A provider
that is down, refuses, or lacks its optional SDK gives one clear error line and answers nothing: `unknown`,
never a pass. This module imports no SDK; each provider module imports its own only when it runs.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable

from assess.models import Question, StoredAnswer, Verification

# provider id -> (label, module); the label is what reports say: "verified at OpenAI"
PROVIDERS: dict[str, tuple[str, str]] = {
    "openai": ("OpenAI", "assess.verify.openai"),
    "aws": ("AWS", "assess.verify.aws"),
    "anthropic": ("Anthropic", "assess.verify.anthropic"),
    "gcp": ("Google Cloud", "assess.verify.gcp"),
    "azure": ("Azure", "assess.verify.azure"),
}
LABELS: dict[str, str] = {name: label for name, (label, _) in PROVIDERS.items()}

# the provider names a scan reports (checks/_providers.yaml) -> the verification that reads their billing
BILLED_BY = {
    "OpenAI": "openai",
    "Anthropic": "anthropic",
    "AWS Bedrock": "aws",
    "Google Gemini": "gcp",
    "Azure OpenAI": "azure",
}

Note = Callable[[str], None]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def parse_names(text: str) -> tuple[str, ...]:
    """`openai,aws` -> ("openai", "aws"); an unknown name is bad input (ValueError names the known ones)."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in PROVIDERS]
    if unknown:
        raise ValueError(f"unknown provider(s) {', '.join(unknown)}; use {', '.join(PROVIDERS)}")
    return names


def run_verification(names: Iterable[str], note: Note | None = None, *, errors: bool = True) -> list[Verification]:
    """Each named provider read in turn; one that fails in any way is a Verification with errors, never raised.
    Progress (and, with `errors`, each error line) goes to `note`."""
    say = note or (lambda _message: None)
    results: list[Verification] = []
    for name in names:
        label, module_name = PROVIDERS[name]
        say(f"verify: reading {label} settings …")
        module = importlib.import_module(module_name)
        try:
            result: Verification = module.verify(say)
        except Exception as exc:  # a provider module bug must not stop the assessment: unknown, not a pass
            result = Verification(provider=name, read_at=now_iso(), errors=[f"{label}: {type(exc).__name__}"])
        for error in result.errors if errors else ():
            say(f"verify: {error}")
        results.append(result)
    return results


def merge_answers(verifications: Iterable[Verification], questions: dict[str, Question]) -> dict[str, tuple[str, str]]:
    """question id -> (value, provider) over every provider read: the lowest-scoring value wins (a spend limit
    is only verified when every provider read has one); spend caps add up."""
    merged: dict[str, tuple[str, str]] = {}
    caps: list[float] = []
    for v in verifications:
        for qid, value in v.answers.items():
            if qid == "spend-cap-amount":
                if value.isdigit():
                    caps.append(float(value))
                    merged[qid] = (value, v.provider)
                continue
            question = questions.get(qid)
            if question is None or question.choice(value) is None:
                continue
            held = merged.get(qid)
            if held is None or _score(question, value) < _score(question, held[0]):
                merged[qid] = (value, v.provider)
    if "spend-cap-amount" in merged and "spend-cap-amount" in questions:
        total = nearest_cap(sum(caps), questions["spend-cap-amount"])
        merged["spend-cap-amount"] = (total, merged["spend-cap-amount"][1])
    return merged


def _score(question: Question, value: str) -> float:
    choice = question.choice(value)
    return choice.score if choice else 0.0


def nearest_cap(usd: float, question: Question) -> str:
    """The `spend-cap-amount` choice nearest to a dollar amount (by ratio: $700 is nearer $500 than $1,000)."""
    amounts = [float(c.value) for c in question.choices if c.value.isdigit()]
    if usd <= 0 or not amounts:
        return "not-sure"
    best = min(amounts, key=lambda a: max(a, usd) / min(a, usd))
    return str(int(best))


SPIKE_FACTOR = 3.0  # the last 3 days' mean cost against the days before


def cost_lines(daily_usd: list[float]) -> list[str]:
    """Evidence from daily costs, oldest first: the total, and a spike when the last 3 days cost far more."""
    lines = [f"costs: {money(round(sum(daily_usd), 2))} over the last {len(daily_usd)} day(s)"]
    recent, before = daily_usd[-3:], daily_usd[:-3]
    if len(before) >= 7 and recent:
        usual, now = sum(before) / len(before), sum(recent) / len(recent)
        if usual > 0 and now > SPIKE_FACTOR * usual:
            lines.append(
                f"cost spike: {money(round(now, 2))}/day over the last 3 days, {now / usual:.1f}x the "
                f"{money(round(usual, 2))}/day before"
            )
    return lines


def money(usd: float) -> str:
    return f"${usd:,.0f}" if usd == int(usd) else f"${usd:,.2f}"


def raise_to_floors(
    verifications: Iterable[Verification],
    questions: dict[str, Question],
    stored: dict[str, StoredAnswer],
    merged: dict[str, tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    """Floors (what a provider proves at least) that lift a lower answer given or unanswered; never lower one."""
    raised: dict[str, tuple[str, str]] = {}
    for v in verifications:
        for qid, floor in v.floors.items():
            question = questions.get(qid)
            if question is None or question.choice(floor) is None or qid in merged:
                continue
            given = stored.get(qid)
            if given is None or _score(question, given.value) < _score(question, floor):
                raised[qid] = (floor, v.provider)
    return raised


def describe(
    verifications: Iterable[Verification], questions: dict[str, Question], stored: dict[str, StoredAnswer]
) -> str:
    """What `assess verify` prints: per provider, where it read, the answers it gives (and the person's
    contrary answer), what it saw and what it could not read. Never a credential: none reaches a Verification."""
    lines: list[str] = []
    for v in verifications:
        where = f" ({v.account})" if v.account else ""
        lines.append(f"{LABELS.get(v.provider, v.provider)}{where}, read {v.read_at}:")
        for qid, value in v.answers.items():
            question = questions.get(qid)
            choice = question.choice(value) if question else None
            shown = choice.label if choice else (money(float(value)) + "/month" if value.isdigit() else value)
            given = stored.get(qid)
            differs = f"  (your answer: {given.value})" if given and given.value != value else ""
            lines.append(f"  {qid}: {shown}{differs}")
        lines.extend(f"  - {line}" for line in v.evidence)
        lines.extend(f"  ! {line}" for line in v.errors)
        if not v.answers:
            lines.append("  nothing verified: these answers stay as given (unknown, never a pass)")
    return "\n".join(lines) + "\n"


def headline(v: Verification) -> str:
    """One line for page 1 and the summaries: what was verified where, against which account, when."""
    label = LABELS.get(v.provider, v.provider)
    if v.summary:
        what = v.summary
    elif v.answers:
        what = f"settings verified at {label}"
    else:
        what = f"not verified at {label}: {v.errors[0] if v.errors else 'nothing could be read'}"
    when = v.read_at.replace("T", " ").replace("+00:00", " UTC")
    return f"{what[0].upper()}{what[1:]} ({v.account or 'account not named'}, read {when})"


def unverified(used: Iterable[str], paid: Callable[[str], bool], verifications: Iterable[Verification]) -> list[str]:
    """The paid providers the project uses whose billing settings no verification read (`paid` tells a billed
    API from a library such as LangChain)."""
    read = {v.provider for v in verifications if v.answers}
    return sorted(name for name in used if paid(name) and BILLED_BY.get(name) not in read)


def keep_proven(
    merged: dict[str, tuple[str, str]],
    questions: dict[str, Question],
    stored: dict[str, StoredAnswer],
    gaps: list[str],
) -> dict[str, tuple[str, str]]:
    """With providers left unread (`gaps`), the questions ask about "every provider": a verified answer proves
    a shortfall (it scores below the person's) but never that all is well, and caps do not add up."""
    if not gaps:
        return merged
    kept: dict[str, tuple[str, str]] = {}
    for qid, (value, provider) in merged.items():
        question, given = questions.get(qid), stored.get(qid)
        if question is None or not question.scored or given is None:
            continue
        if _score(question, value) < _score(question, given.value):
            kept[qid] = (value, provider)
    return kept


def relevant(verifications: Iterable[Verification], used: Iterable[str]) -> list[Verification]:
    """The verifications of providers the project uses (AWS settings say nothing about an OpenAI-only app); all
    of them when the scan named no provider they read."""
    wanted = {BILLED_BY[name] for name in used if name in BILLED_BY}
    chosen = list(verifications)
    return [v for v in chosen if v.provider in wanted] if wanted else chosen

"""The scale a score is read on: item status thresholds, severity caps, grade letters with their floors
and what each grade means for the reader. Scoring applies it; reports explain it; neither owns it.
"""

from __future__ import annotations

SEVERITY_CAP = {"critical": 0, "high": 30, "medium": 60, "low": 85, "info": 100}
PASS_AT = 80
PARTIAL_AT = 40
GRADES = ((90, "A"), (75, "B"), (60, "C"), (40, "D"), (0, "F"))  # (floor, letter), best first
NOT_ASSESSED = "not assessed"
# An open finding of these severities caps the overall score (as SSL Labs caps a grade): a critical finding
# at 39 (F), a high one at 74 (C), however well the other items do.
OVERALL_CAP = {"critical": 39, "high": 74}
# what each grade means for the reader, and the status colour it is shown in
BANDS = {
    "A": ("Well protected", "pass"),
    "B": ("Mostly protected", "pass"),
    "C": ("Gaps to close", "partial"),
    "D": ("Exposed", "partial"),
    "F": ("High risk", "fail"),
}
GRADE_FLOORS = tuple((grade, floor) for floor, grade in sorted(GRADES))  # (letter, floor), lowest first


def grade_for(score: int | None) -> str:
    """The letter for a 0-100 score; NOT_ASSESSED for None."""
    if score is None:
        return NOT_ASSESSED
    return next(letter for floor, letter in GRADES if score >= floor)


def band(grade: str | None) -> tuple[str, str]:
    """(label, status class) of a grade as the result holds it; anything else reads as not assessed."""
    return BANDS.get((grade or "").strip()[:1].upper(), ("Not assessed", "unknown"))


def overall_cap(severities: list[str]) -> tuple[int, str] | None:
    """The cap the worst open finding puts on the overall score, with the sentence that says so."""
    for severity, cap in sorted(OVERALL_CAP.items(), key=lambda kv: kv[1]):
        if severity in severities:
            return cap, f"an open {severity} finding caps the score at {cap} ({grade_for(cap)})"
    return None


def score_line(score: int | None, grade: str | None, note: str = "") -> str:
    """ "62/100, grade C" or, with no score, what the result is instead ("not assessed: ...")."""
    if score is None:
        return f"{NOT_ASSESSED}: {note}" if note else NOT_ASSESSED
    return f"score {score}/100, grade {grade}"

"""App-wide messages: posted from worker threads (post_message is thread-safe) and handled by the app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from assess.assessment import ScanSnapshot
from assess.catalog import Catalog
from assess.models import Verification


@dataclass
class ScanProgress(Message):
    phase: str  # discover, facts, scan, done
    done: int
    total: int


@dataclass
class ScanLanded(Message):
    snapshot: ScanSnapshot
    catalog: Catalog  # the full catalog, checks included, that the scan used


@dataclass
class ScanFailed(Message):
    reason: str


@dataclass
class ReportWritten(Message):
    kind: str  # "PDF" or "HTML"
    path: Path


@dataclass
class ReportFailed(Message):
    kind: str
    reason: str


@dataclass
class VerifyProgress(Message):
    line: str  # "verify: reading OpenAI settings …" (never a credential: none reaches the verify notes)


@dataclass
class VerifyDone(Message):
    verifications: list[Verification]  # one per provider asked, errors included


@dataclass
class VerifyFailed(Message):
    reason: str

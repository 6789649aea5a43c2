"""Where the bundled data lives: under assess/_data in a wheel, at the repository top in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    installed = _PACKAGE / "_data"
    if (installed / "checks").is_dir():
        return installed
    return _PACKAGE.parent


def checks_dir() -> Path:
    return data_dir() / "checks"


def questions_dir() -> Path:
    return data_dir() / "questions"


def templates_dir() -> Path:
    return data_dir() / "templates"


def demo_project_dir() -> Path:
    return _PACKAGE / "demo" / "project"

"""Settings: CLI flags > ASSESS_* environment > [tool.assess] (pyproject.toml) or .assess.toml > defaults.

Unknown keys are errors naming the key, the file and its line: a typo in a gate must not silently
turn the gate off.

The project's config is the scanned repository's, so it is not trusted: the paths it names (outputs,
answers, ignore file) are relative to the project and stay inside it (no absolute path, no `..`, no symlink
out); anything else is an error naming the file and the key. Flags and ASSESS_* are the user's own and may
name any path.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from assess.errors import InputError
from assess.formats import NAMES as OUTPUT_NAMES
from assess.models import Severity
from assess.safe_read import read_text_capped
from assess.suppress import GitignoreGlob

if TYPE_CHECKING:
    from assess.assessment import ScanOptions

CONFIG_FILE = ".assess.toml"
STALE_ANSWER_DAYS = 180
MAX_FILE_SIZE_LIMIT = 1 << 40  # --max-file-size above this is a typo (and overflows a read)
MAX_CONFIG_BYTES = 2 * 1024 * 1024  # a config file larger than this is refused, whatever it claims to be


class _Outputs(BaseModel):
    """[outputs]: a file per output format (assess/formats.py); unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def target(self, name: str) -> str | None:
        """Where the output `name` goes, or None when it is not asked for."""
        value: str | None = getattr(self, f"out_{name}")
        return value

    def targets(self) -> dict[str, str | None]:
        """Every output format's target, keyed by format name."""
        return {name: self.target(name) for name in OUTPUT_NAMES}


# one field per row of the format table ("out_json" read and written as "json": a field may not shadow
# a BaseModel attribute such as .json)
if TYPE_CHECKING:
    Outputs = _Outputs
else:
    Outputs = create_model(
        "Outputs",
        __base__=_Outputs,
        **{f"out_{name}": (str | None, Field(default=None, alias=name)) for name in OUTPUT_NAMES},
    )


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    exclude: list[GitignoreGlob] = Field(default_factory=list)  # gitignore-style globs, relative to the project
    include: list[GitignoreGlob] = Field(default_factory=list)  # when set, only matching files are checked
    disable: list[str] = Field(default_factory=list)  # check ids
    severity: dict[str, Severity] = Field(default_factory=dict)  # check id -> severity override
    fail_under: int | None = Field(default=None, ge=0, le=100)
    fail_on: Severity | None = None
    answers: str | None = None
    ignore_file: str | None = None
    max_file_size: int = Field(default=1_000_000, gt=0, le=MAX_FILE_SIZE_LIMIT)
    include_vendored: bool = False
    stale_answer_days: int = Field(default=STALE_ANSWER_DAYS, gt=0, le=36_500)  # a century: dates stay valid
    outputs: Outputs = Field(default_factory=Outputs)


# ASSESS_<NAME> environment variables, and how to read each
_ENV: dict[str, str] = {
    "fail_under": "int",
    "fail_on": "str",
    "answers": "str",
    "ignore_file": "str",
    "max_file_size": "int",
    "include_vendored": "bool",
    "stale_answer_days": "int",
    "exclude": "list",
    "include": "list",
    "disable": "list",
}


def check_known_ids(root: Path, settings: Settings, known: set[str]) -> None:
    """InputError naming the project's config file and line when it names a check the catalog lacks
    (`disable`, `[severity]`); ids given by flags or the environment are left to the caller's message."""
    _, path, text = _read_file_settings(root)
    if path is None:
        return
    for check_id in (*settings.disable, *settings.severity):
        if check_id not in known and check_id in text:
            line = next((n for n, row in enumerate(text.splitlines(), 1) if check_id in row), None)
            raise InputError(f"unknown check id '{check_id}' (see 'assess checks')", path, line)


def _line_of_key(text: str, key: str) -> int | None:
    match = re.search(rf"(?m)^\s*\"?{re.escape(key)}\"?\s*=", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _project_path(root: Path, value: str, config: Path, text: str, key: str) -> str:
    """A path the project's config names, as an absolute path inside the project; InputError when it is
    absolute, goes up with `..`, names a file in `.git`, or leads out through a symlink. `key` is the dotted
    key, for the message."""
    path = Path(value)
    problem = None
    if "\0" in value:
        problem = "holds a NUL character"
    elif path.is_absolute() or path.drive:
        problem = "is an absolute path"
    elif ".." in path.parts:
        problem = "goes up with '..'"
    elif any(part.lower() == ".git" for part in path.parts):
        problem = "names a file in .git"  # hooks and git's own config are the user's, not the project's
    elif not _inside(root, root / path):
        problem = "leads out of the project through a symlink"
    if problem is not None:
        raise InputError(
            f"{key} = {value!r} {problem}: the project's config may only name paths inside the project "
            "(give the path on the command line to write elsewhere)",
            config,
            _line_of_key(text, key.rsplit(".", 1)[-1]),
        )
    return str(Path(os.path.abspath(root)) / path)


def _inside(root: Path, path: Path) -> bool:
    """Whether `path` stays in `root` once every symlink on the way (even a dangling last one) is followed."""
    base = os.path.realpath(root)
    target = os.path.realpath(path)
    return target == base or target.startswith(base.rstrip(os.sep) + os.sep)


def _check_defaults(root: Path, settings: Settings) -> None:
    """The default answers and ignore files (PATH/.assess/...) are the project's: a committed `.assess` (or
    file in it) that links out of the project would have assess read, and the TUI write, elsewhere."""
    from assess.answers import default_path
    from assess.assessment import IGNORE_FILE

    defaults = [
        path
        for given, path in ((settings.answers, default_path(root)), (settings.ignore_file, root / IGNORE_FILE))
        if given is None
    ]
    for path in defaults:
        if not _inside(root, path):
            raise InputError(
                "leads out of the project through a symlink (give --answers or --ignore-file to use files elsewhere)",
                path,
            )


def _confined(root: Path, file_values: dict[str, Any], config: Path, text: str, overridden: set[str]) -> dict[str, Any]:
    """`file_values` with every path it names made absolute and checked to stay in the project
    (`_project_path`), except those the user's flags or environment replace anyway (`overridden`: the
    setting's name, or an output format's)."""
    prefix = "tool.assess." if config.name == "pyproject.toml" else ""
    values = dict(file_values)
    for key in ("answers", "ignore_file"):
        value = values.get(key)
        if isinstance(value, str) and value and key not in overridden:
            values[key] = _project_path(root, value, config, text, prefix + key)
    outputs = values.get("outputs")
    if isinstance(outputs, dict):
        values["outputs"] = {
            name: _project_path(root, value, config, text, f"{prefix}outputs.{name}")
            if isinstance(value, str) and value not in ("", "-") and name not in overridden
            else value
            for name, value in outputs.items()
        }
    return values


def _read_file_settings(root: Path) -> tuple[dict[str, Any], Path | None, str]:
    for name, section in ((CONFIG_FILE, None), ("pyproject.toml", "tool.assess")):
        path = root / name
        try:
            if not path.is_file():
                continue
            text = read_text_capped(path, MAX_CONFIG_BYTES)
            data = tomllib.loads(text)
        except RecursionError:
            raise InputError("invalid TOML: nested too deeply", path) from None
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise InputError(f"invalid TOML: {exc}", path, int(found.group(1)) if found else None) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", path) from None
        if section:
            tool = data.get("tool", {})
            if not isinstance(tool, dict):
                raise InputError("'tool' must be a table", path, _line_of_key(text, "tool"))
            section_data = tool.get("assess")
            if section_data is None:
                continue
            if not isinstance(section_data, dict):
                raise InputError("[tool.assess] must be a table", path)
            return section_data, path, text
        return data, path, text
    return {}, None, ""


def _env_settings(environ: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, kind in _ENV.items():
        name = f"ASSESS_{key.upper()}"
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        if kind == "int":
            try:
                values[key] = int(raw)
            except ValueError:
                raise InputError(f"{name}={raw!r} is not a whole number") from None
        elif kind == "bool":
            if raw.lower() not in ("1", "true", "yes", "0", "false", "no"):
                raise InputError(f"{name}={raw!r}: use true or false")
            values[key] = raw.lower() in ("1", "true", "yes")
        elif kind == "list":
            values[key] = [part.strip() for part in raw.split(",") if part.strip()]
        else:
            values[key] = raw
    return values


def load_settings(root: Path, cli: dict[str, Any], environ: dict[str, str] | None = None) -> Settings:
    """Merge the layers; `cli` holds only the flags the user actually gave (None means not given)."""
    file_values, path, text = _read_file_settings(root)
    if path is not None:
        try:
            Settings.model_validate(file_values)
        except ValidationError as exc:
            err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
            key = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "")  # "exclude", not 0
            where = ".".join(str(p) for p in err["loc"])
            message = f"unknown key '{where}'" if err["type"] == "extra_forbidden" else f"{where}: {err['msg']}"
            raise InputError(message, path, _line_of_key(text, key)) from None
    env = _env_settings(dict(os.environ if environ is None else environ))
    if path is not None:
        overridden = {key for key, value in cli.items() if value is not None} | set(env)
        file_values = _confined(root, file_values, path, text, overridden)
    merged: dict[str, Any] = {**file_values, **env}
    outputs = dict(merged.get("outputs", {}))
    for key, value in cli.items():
        if value is None:
            continue
        if key in OUTPUT_NAMES:
            outputs[key] = value
        elif key in ("exclude", "disable", "include") and not value:
            continue
        else:
            merged[key] = value
    merged["outputs"] = outputs
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"setting {where}: {err['msg']}") from None


def settings_path(root: Path, value: str | None) -> Path | None:
    """A path from settings: as given when absolute (the project's config's paths are made absolute, inside
    the project, by `load_settings`) or when it exists from here (a flag), else relative to the project."""
    if value is None:
        return None
    path = Path(value)
    return path if path.is_absolute() or path.exists() else root / path


def scan_options(root: Path, settings: Settings) -> ScanOptions:
    """The scan options the settings ask for, the same for `assess scan` and the TUI. Options that belong
    to one run (--files, --only, --baseline...) are added by the caller with `dataclasses.replace`."""
    from assess.assessment import ScanOptions

    _check_defaults(root, settings)
    return ScanOptions(
        max_bytes=settings.max_file_size,
        include_vendored=settings.include_vendored,
        answers_path=settings_path(root, settings.answers),
        exclude=tuple(settings.exclude),
        include=tuple(settings.include),
        disabled=frozenset(settings.disable),
        severity=tuple(settings.severity.items()),
        ignore_path=settings_path(root, settings.ignore_file),
        stale_answer_days=settings.stale_answer_days,
    )

"""Safe YAML for files people write: no aliases, no custom tags, errors that name file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assess.errors import InputError
from assess.safe_read import read_text_capped

try:  # the C loader is ~10x faster; both are safe loaders
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

M = TypeVar("M", bound=BaseModel)
MAX_YAML_BYTES = 2 * 1024 * 1024


class YamlDocument:
    """Parsed data plus the node tree, so a validation error can point at its line."""

    def __init__(self, path: Path, data: Any, node: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.node = node

    def line_of(self, loc: tuple[int | str, ...]) -> int | None:
        """The line of the deepest node on `loc` that exists: a mapping entry is found by its key."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                entry = next(((k, v) for k, v in node.value if k.value == part), None)
                if entry is None:
                    break
                line = entry[0].start_mark.line + 1
                node = entry[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


def _refuse_aliases(node: yaml.Node, path: Path) -> None:  # and duplicate keys
    # An alias composes to the very same node object; refusing any revisit stops
    # entity-expansion ("billion laughs") files before anything walks them.
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise InputError("YAML aliases are not allowed", path, current.start_mark.line + 1)
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[object] = set()
            for key, value in current.value:
                # YAML keeps the last of two equal keys without a word: half a rule would vanish silently
                marker = key.value if isinstance(key, yaml.ScalarNode) else id(key)
                if marker in keys:
                    raise InputError(f"duplicate key '{key.value}'", path, key.start_mark.line + 1)
                keys.add(marker)
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _bad_scalar_line(node: yaml.Node) -> int | None:
    """The line of the first scalar that cannot be built (an impossible date, a number too long)."""
    constructor = yaml.constructor.SafeConstructor()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                constructor.construct_object(current)
            except (ValueError, OverflowError, yaml.YAMLError):
                return current.start_mark.line + 1
        elif isinstance(current, yaml.MappingNode):
            stack.extend(part for pair in reversed(current.value) for part in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
    return None


def _plain(value: Any) -> Any:
    """Dates stay strings: YAML would otherwise turn an unquoted timestamp into a datetime."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = read_text_capped(path, MAX_YAML_BYTES)
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return YamlDocument(path, None, None)
            _refuse_aliases(node, path)
            try:
                data = loader.construct_document(node)
            except (ValueError, OverflowError) as exc:  # 2027-02-30, a 5000-digit number...
                line = _bad_scalar_line(node)
                raise InputError(f"invalid value: {exc}", path, line) from None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"invalid YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path) from None
    return YamlDocument(path, _plain(data), node)


def validation_error(doc: YamlDocument, exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> InputError:
    """The first validation problem, as one line naming the file, line and field."""
    errors = exc.errors()
    # an unknown key is usually a typo that also explains a "missing" error: report it first
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = prefix + tuple(err["loc"])
    field = ".".join(str(p) for p in loc) or "document"
    kind = err["type"]
    if kind == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif kind == "missing":
        message = f"missing field '{field}'"
        loc = loc[:-1]
    else:
        message = f"{field}: {err['msg']}"
    return InputError(message, doc.path, doc.line_of(loc))


def load_model(path: Path, model: type[M]) -> M:
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError("expected a mapping at the top level", path, 1)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None

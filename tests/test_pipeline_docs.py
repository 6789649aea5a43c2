"""Every public function, class and method of the scan pipeline says in one line what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

SCAN = Path(__file__).resolve().parent.parent / "assess" / "scan"


def _public(tree: ast.Module) -> list[tuple[str, ast.AST]]:
    found: list[tuple[str, ast.AST]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            found.append((node.name, node))
            if isinstance(node, ast.ClassDef):
                found += [
                    (f"{node.name}.{m.name}", m)
                    for m in node.body
                    if isinstance(m, ast.FunctionDef | ast.AsyncFunctionDef) and not m.name.startswith("_")
                ]
    return found


def test_every_public_name_of_the_pipeline_has_a_docstring() -> None:
    missing = [
        f"{path.relative_to(SCAN.parent.parent)}: {name}"
        for path in sorted(SCAN.rglob("*.py"))
        for name, node in _public(ast.parse(path.read_text(encoding="utf-8")))
        if not ast.get_docstring(node)  # type: ignore[arg-type]
    ]
    assert not missing, "\n".join(missing)

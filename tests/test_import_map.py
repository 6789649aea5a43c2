"""The package's shape, read from its source: no import cycles, and the scan stages import only backwards."""

from __future__ import annotations

from tests.import_map import arrows_back_up, cycles, graph, modules


def test_the_map_sees_the_imports() -> None:
    edges = graph()
    assert len(modules()) > 50
    assert "assess.scan.plan" in edges["assess.scan.run"]  # a plain import
    assert "assess.models" in edges["assess.assessment"]


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(graph()) == []


def test_cycles_are_found_when_there_are_some() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_scan_stage_imports_a_later_one() -> None:
    assert arrows_back_up(graph()) == []

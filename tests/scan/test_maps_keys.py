"""Google `AIza` keys serving Maps: not AI keys in a project without Gemini (nothing is reported), AI keys
in a project that uses Gemini (one finding per key and place, whichever check owns the place)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assess.catalog import Catalog
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import gather_facts
from assess.scan.matching.engine import scan_files
from assess.scan.plan import ScanPlan
from tests.conftest import copy_materialized

MAPS_FIXTURES = Path(__file__).resolve().parents[2] / "checks" / "google-api-key" / "fixtures"
KEY_CHECKS = {"hardcoded-ai-key", "client-hardcoded-ai-key", "google-api-key", "committed-env-ai-key"}
# the Maps-context places of the fixture project (every other key there is Firebase, Gemini or unknown use)
MAPS_PLACES = {
    ("index.html", 5),
    ("android/app/src/main/AndroidManifest.xml", 6),
    ("ios/Stores/AppDelegate.swift", 9),
    ("ios/Stores/AppDelegate.swift", 10),
    ("src/StoreMap.tsx", 5),
    ("src/loader.ts", 10),
    ("app.json", 4),
    ("app.json", 5),
    ("tools/geocode.py", 4),
}


def _keys(root: Path, catalog: Catalog) -> list[tuple[str, str, int]]:
    discovery = discover_files(root, include_vendored=True)
    out = scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 1_000_000)
    return sorted((f.check.id, f.rel, f.line) for f in out.findings if f.check.id in KEY_CHECKS)


def _maps_project(tmp_path: Path) -> Path:
    root = copy_materialized(MAPS_FIXTURES, tmp_path / "project")
    shutil.rmtree(root / "docs")
    return root


def test_maps_keys_without_gemini_are_not_reported(tmp_path: Path, catalog: Catalog) -> None:
    found = _keys(_maps_project(tmp_path), catalog)
    assert not {(rel, line) for _, rel, line in found} & MAPS_PLACES
    # the keys that are not plainly Maps keys still are: unknown use (info), Gemini named beside the key
    assert ("google-api-key", "src/config.ts", 2) in found
    assert ("hardcoded-ai-key", "tools/summarize.py", 3) in found


@pytest.mark.parametrize("manifest", ["package.json", "requirements.txt", "vertex"])
def test_maps_keys_in_a_gemini_project_are_ai_keys_once_each(tmp_path: Path, catalog: Catalog, manifest: str) -> None:
    root = _maps_project(tmp_path)
    if manifest == "package.json":
        package = json.loads((root / "package.json").read_text())
        package["dependencies"]["@google/generative-ai"] = "^0.21.0"
        (root / "package.json").write_text(json.dumps(package))
    elif manifest == "requirements.txt":
        (root / "tools" / "requirements.txt").write_text("google-generativeai==0.8.3\n")
    else:
        (root / "tools" / "requirements.txt").write_text("google-cloud-aiplatform>=1.60\n")
    found = _keys(root, catalog)
    places = [(rel, line) for _, rel, line in found]
    assert len(places) == len(set(places)), "one finding per key and place"
    reported = {(rel, line): check for check, rel, line in found}
    for place in MAPS_PLACES:
        assert reported.get(place) in {"hardcoded-ai-key", "client-hardcoded-ai-key"}, place
    assert reported[("tools/geocode.py", 4)] == "hardcoded-ai-key"  # a script: in the repository, ships nowhere
    assert reported[("ios/Stores/AppDelegate.swift", 9)] == "client-hardcoded-ai-key"  # in the app package


def test_gemini_used_in_the_file_makes_its_maps_key_an_ai_key(tmp_path: Path, catalog: Catalog) -> None:
    root = tmp_path / "project"
    (root / "server").mkdir(parents=True)
    text = (
        'import { GoogleGenerativeAI } from "@google/generative-ai";\n'
        "const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);\n"
        + "\n" * 6
        + 'export const MAPS_API_KEY = "<<ASSESS_FAKE_KEY:google>>";\n'
    )
    (root / "server" / "places.ts").write_text(text)
    materialized = copy_materialized(root, tmp_path / "copy")
    assert _keys(materialized, catalog) == [("hardcoded-ai-key", "server/places.ts", 9)]

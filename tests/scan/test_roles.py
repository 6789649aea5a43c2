"""Which files ship to a client: a table per framework, judged from paths, directives and manifests."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from assess.scan.files.discover import discover_files
from assess.scan.files.facts import ProjectFacts, gather_facts
from assess.scan.files.languages import suffix
from assess.scan.files.roles import TEST_PATH, file_role, is_test_path, scope_applies
from assess.scan.matching.keys import bundle_role

MANIFESTS: dict[str, str] = {
    "next/package.json": json.dumps({"dependencies": {"next": "15", "react": "19"}}),
    "vite/package.json": json.dumps({"dependencies": {"react": "18"}, "devDependencies": {"vite": "5"}}),
    "kit/package.json": json.dumps({"devDependencies": {"@sveltejs/kit": "2", "svelte": "5", "vite": "5"}}),
    "nuxt/package.json": json.dumps({"dependencies": {"nuxt": "3"}}),
    "astro/package.json": json.dumps({"dependencies": {"astro": "5"}}),
    "ng/package.json": json.dumps({"dependencies": {"@angular/core": "19"}}),
    "gatsby/package.json": json.dumps({"dependencies": {"gatsby": "5"}}),
    "expo/package.json": json.dumps({"dependencies": {"expo": "52", "react-native": "0.76"}}),
    "api/package.json": json.dumps({"dependencies": {"express": "4"}}),
    "full/package.json": json.dumps(
        {"dependencies": {"express": "4", "react": "18"}, "devDependencies": {"vite": "5"}}
    ),
    "ext/package.json": json.dumps({"devDependencies": {"wxt": "0.19"}}),
    "plainext/manifest.json": json.dumps({"manifest_version": 3, "name": "x"}),
    "pwa/manifest.json": json.dumps({"name": "a web app manifest, not an extension"}),
    "droid/app/src/main/AndroidManifest.xml": "<manifest/>",
    "flutter/pubspec.yaml": "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n",
}

CASES = [
    # Next.js: the App Router is server-first; pages/ ships except pages/api
    ("next/app/chat/Chat.tsx", b'"use client";\nexport default 1', "frontend"),
    ("next/app/chat/Chat.tsx", b'// a comment that says "use client"\nexport default 1', "unknown"),
    ("next/app/page.tsx", b"export default function Page() {}", "backend"),
    ("next/app/api/chat/route.ts", b"export async function POST() {}", "backend"),
    ("next/app/actions.ts", b"'use server';\nexport async function save() {}", "backend"),
    ("next/lib/ai.ts", b'import "server-only";\n', "backend"),
    ("next/pages/index.tsx", b"export default function Home() {}", "frontend"),
    ("next/pages/api/chat.ts", b"export default function handler() {}", "backend"),
    ("next/components/Button.tsx", b"export const Button = 1", "unknown"),
    ("next/middleware.ts", b"export function middleware() {}", "backend"),
    ("next/next.config.mjs", b"export default {}", "backend"),
    # Vite SPA: src/ ships, config and server folders do not; tests never ship
    ("vite/src/lib/openai.ts", b"", "frontend"),
    ("vite/src/api/client.ts", b"", "frontend"),
    ("vite/api/chat.ts", b"", "backend"),
    ("vite/vite.config.ts", b"", "backend"),
    ("vite/src/lib/openai.test.ts", b"", "unknown"),
    ("vite/index.html", b"", "frontend"),
    # SvelteKit, Nuxt, Astro, Angular, Gatsby
    ("kit/src/routes/+page.svelte", b"", "frontend"),
    ("kit/src/routes/+page.ts", b"", "frontend"),
    ("kit/src/routes/+page.server.ts", b"", "backend"),
    ("kit/src/routes/api/+server.ts", b"", "backend"),
    ("kit/src/lib/server/ai.ts", b"", "backend"),
    ("nuxt/pages/index.vue", b"", "frontend"),
    ("nuxt/composables/useAi.ts", b"", "frontend"),
    ("nuxt/server/api/chat.post.ts", b"", "backend"),
    ("astro/src/pages/index.astro", b"", "frontend"),
    ("astro/src/pages/api/chat.ts", b"", "backend"),
    ("astro/src/components/Chat.tsx", b"", "frontend"),
    ("ng/src/app/app.component.ts", b"", "frontend"),
    ("ng/server.ts", b"", "backend"),
    ("gatsby/src/pages/index.tsx", b"", "frontend"),
    ("gatsby/gatsby-node.js", b"", "backend"),
    ("gatsby/src/api/chat.ts", b"", "backend"),
    # React Native / Expo, browser extensions
    ("expo/App.tsx", b"", "mobile"),
    ("expo/app/(tabs)/index.tsx", b"", "mobile"),
    ("expo/app/api/chat+api.ts", b"", "backend"),
    ("ext/entrypoints/background.ts", b"", "frontend"),
    ("plainext/background.js", b"", "frontend"),
    ("pwa/sw.js", b"", "unknown"),
    # servers, full-stack packages and native mobile code
    ("api/src/routes/chat.js", b"", "backend"),
    ("api/public/app.js", b"", "frontend"),
    ("full/src/server/index.ts", b"", "backend"),
    ("full/src/client/App.tsx", b"", "frontend"),
    ("full/src/index.ts", b"", "unknown"),
    ("ios/App/ChatService.swift", b"", "mobile"),
    ("droid/app/src/main/java/com/x/Ai.kt", b"", "mobile"),
    ("server/src/main/kotlin/Server.kt", b"", "backend"),
    ("flutter/lib/main.dart", b"", "mobile"),
    ("worker/summarize.py", b"", "backend"),
    # no manifest at all
    ("site/index.html", b"", "frontend"),
    ("templates/base.html", b"", "frontend"),
    ("static/js/chat.js", b"", "frontend"),
    ("scripts/seed.js", b"", "backend"),
    ("lib/util.ts", b"", "unknown"),
    ("README.md", b"", "unknown"),
    (".env", b"", "unknown"),
]


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ProjectFacts:
    root = tmp_path_factory.mktemp("roles")
    for rel, content in MANIFESTS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return gather_facts(discover_files(root).files)


@pytest.mark.parametrize(("rel", "head", "role"), CASES, ids=[c[0] for c in CASES])
def test_file_role(facts: ProjectFacts, rel: str, head: bytes, role: str) -> None:
    assert file_role(rel, head, facts) == role


def test_package_kinds(facts: ProjectFacts) -> None:
    kinds = {p.root: set(p.kinds) for p in facts.packages}
    assert kinds["next/"] == {"next"} and kinds["expo/"] == {"mobile"} and kinds["flutter/"] == {"mobile"}
    assert kinds["plainext/"] == {"extension"} and "pwa/" not in kinds
    assert kinds["full/"] == {"spa", "server"}
    assert facts.android_roots == ("droid/app/",)


@pytest.mark.parametrize(
    ("rel", "kinds", "role"),
    [
        ("web/dist/assets/index.js", {"spa"}, "frontend"),
        ("app/.next/static/chunks/main.js", {"next"}, "frontend"),
        ("api/dist/server.js", {"server"}, "unknown"),
        ("lib/dist/index.js", set(), "unknown"),
    ],
)
def test_bundle_role(rel: str, kinds: set[str], role: str) -> None:
    assert bundle_role(rel, frozenset(kinds)) == role


@pytest.mark.parametrize(
    ("scope", "applies"),
    [
        ("any", {"frontend", "mobile", "backend", "unknown"}),
        ("client", {"frontend", "mobile"}),
        ("maybe-client", {"frontend", "mobile", "unknown"}),
        ("backend", {"backend"}),
    ],
)
def test_scope_applies(scope: str, applies: set[str]) -> None:
    assert {r for r in ("frontend", "mobile", "backend", "unknown") if scope_applies(scope, r)} == applies


def test_roles_of_the_demo_project(demo_root: Path) -> None:
    facts = gather_facts(discover_files(demo_root).files)
    assert file_role("web/src/lib/openai.ts", b"", facts) == "frontend"
    assert file_role("api/src/lib/llm.js", b"", facts) == "backend"
    assert file_role("web/vite.config.ts", b"", facts) == "backend"


@pytest.mark.parametrize(
    ("rel", "test"),
    [
        ("tests/test_api.py", True),
        ("src/__tests__/chat.tsx", True),
        ("app/__mocks__/openai.ts", True),
        ("e2e/login.ts", True),
        ("pkg/testdata/key.txt", True),
        ("server/fixtures/app.py", True),
        ("src/chat.spec.ts", True),
        ("lib/chat.test.mjs", True),
        ("api/llm_test.py", True),
        ("api/conftest.py", True),
        ("integration-tests/run.js", True),
        ("spec/chat_spec.rb", True),
        ("src/contest/entry.py", False),
        ("src/latest/chat.py", False),  # "test" inside a word
        ("src/testing.py", False),
        ("app/specs.md", False),
        ("app/chat.py", False),
        ("web/mockup/page.tsx", False),
    ],
)
def test_test_paths_are_what_the_pattern_says(rel: str, test: bool) -> None:
    """The substring pre-test never changes the verdict of TEST_PATH, in the conventions of each language."""
    assert is_test_path(rel) is test
    assert is_test_path(rel) is (TEST_PATH.search(rel) is not None)


@pytest.mark.parametrize(
    "rel",
    [
        "app/page.TSX",
        "a/.env",
        "a/b.",
        "x.tar.gz",
        "noext",
        "dir.d/file",
        "src/.eslintrc.js",
        "a/..",
        "Dockerfile",
        "a/b/c.Py",
    ],
)
def test_the_suffix_roles_read_is_pathlibs(rel: str) -> None:
    """file_role reads the suffix with languages.suffix, not pathlib (once a file): the same answer."""
    assert suffix(rel) == PurePosixPath(rel).suffix.lower()

"""Does a file run on a server, in a browser or on a phone? Judged from its path, its first bytes
and the package it belongs to (facts.Package), with rules per framework.

Roles: "frontend" ships to browsers, "mobile" ships inside an app, "backend" runs only on a server,
"unknown" is shared code, tests, or not code at all. Client-only checks stay quiet on unknown files:
a red result must mean the code really reaches a client.
"""

from __future__ import annotations

import re

from assess.scan.files.facts import Package, ProjectFacts
from assess.scan.files.languages import suffix as suffix_of

FRONTEND, BACKEND, MOBILE, UNKNOWN = "frontend", "backend", "mobile", "unknown"
CLIENT_ROLES = frozenset({FRONTEND, MOBILE})

_BACKEND_SUFFIXES = frozenset(
    {".py", ".pyi", ".go", ".rb", ".php", ".rs", ".cs", ".ex", ".exs", ".scala", ".clj", ".pl", ".sh", ".bash"}
)
_APPLE_SUFFIXES = frozenset({".swift", ".m", ".mm", ".dart"})
_JVM_SUFFIXES = frozenset({".kt", ".kts", ".java"})
WEB_SUFFIXES = frozenset(
    {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte", ".astro", ".html", ".htm"}
)
# A directive must be the first statement: only comments may come before it.
_PREAMBLE = rb"""^\s*(?:(?:/\*.*?\*/|//[^\n]*\n)\s*)*"""
_USE_CLIENT = re.compile(_PREAMBLE + rb"""['"]use client['"]""", re.S)
_USE_SERVER = re.compile(_PREAMBLE + rb"""['"]use server['"]""", re.S)
_SERVER_ONLY = re.compile(rb"""^\s*import\s+['"]server-only['"]""", re.M)

Rules = tuple[tuple[re.Pattern[str], str], ...]


def _rules(*pairs: tuple[str, str]) -> Rules:
    return tuple((re.compile(pattern), role) for pattern, role in pairs)


_SCRIPT = r"\.[cm]?[jt]sx?$"
_NEXT_SPECIAL = (
    "page|layout|template|default|not-found|loading|head|sitemap|robots|manifest"
    "|opengraph-image|twitter-image|icon|apple-icon"
)
# Conventions every JavaScript tool shares, judged on the path inside the package.
_GENERIC = _rules(
    (r"(^|/)(__tests__|__mocks__|tests?|e2e|cypress|playwright|stories)/|\.(test|spec|stories)" + _SCRIPT, UNKNOWN),
    (r"(^|/)[^/]*\.server" + _SCRIPT, BACKEND),  # Remix, SvelteKit, Nuxt: never bundled for the client
    (r"(^|/)[^/]*\.client" + _SCRIPT, FRONTEND),
    (r"^[^/]*\.config\.[cm]?[jt]s$", BACKEND),  # build tool configs run in Node
    (r"^(scripts|tools|bin|api|functions|netlify|lambda|serverless|supabase)/", BACKEND),
    (r"(^|/)(server|backend)/", BACKEND),
)
# Per framework, on the path inside the package; the last rule of each is its default.
_FRAMEWORK: dict[str, Rules] = {
    "next": _rules(
        (r"^(src/)?pages/api/", BACKEND),
        (r"^(src/)?pages/_document\.", BACKEND),
        (r"^(src/)?pages/", FRONTEND),  # getServerSideProps & co. are left out by the checks' rules
        (r"^(src/)?app/(.*/)?route\.[cm]?[jt]s$", BACKEND),
        # App Router special files are Server Components unless they say "use client"
        (r"^(src/)?app/(.*/)?(" + _NEXT_SPECIAL + ")" + _SCRIPT, BACKEND),
        (r"^(src/)?(middleware|instrumentation)\.[cm]?[jt]s$", BACKEND),
        (r"^(src/)?hooks/", FRONTEND),
        (r"", UNKNOWN),
    ),
    "sveltekit": _rules(
        (r"(^|/)\+server\.[jt]s$", BACKEND),
        (r"^src/lib/server/", BACKEND),
        (r"\.svelte$", FRONTEND),
        (r"(^|/)\+(page|layout)\.[jt]s$", FRONTEND),  # universal load functions run in the browser too
        (r"^src/(hooks\.client|service-worker)", FRONTEND),
        (r"", UNKNOWN),
    ),
    "nuxt": _rules(
        (r"\.vue$", FRONTEND),
        (r"^(app/)?(composables|plugins|middleware|utils|stores)/", FRONTEND),
        (r"", UNKNOWN),
    ),
    "astro": _rules(
        (r"^src/pages/.*\.[cm]?[jt]s$", BACKEND),  # endpoints
        (r"^src/(middleware|actions)", BACKEND),
        (r"\.astro$", FRONTEND),  # mixed: languages.script_regions keeps the frontmatter on the server
        (r"\.(jsx|tsx|vue|svelte)$", FRONTEND),  # islands
        (r"", UNKNOWN),
    ),
    "remix": _rules((r"^app/(components|hooks)/", FRONTEND), (r"", UNKNOWN)),
    "gatsby": _rules(
        (r"^gatsby-(node|config|ssr)\.", BACKEND),
        (r"^src/api/", BACKEND),  # Gatsby Functions
        (r"^src/", FRONTEND),
        (r"", UNKNOWN),
    ),
    "angular": _rules((r"^(src/)?server\.ts$", BACKEND), (r"^src/", FRONTEND), (r"", UNKNOWN)),
    "mobile": _rules((r"(^|/)[^/]*\+api" + _SCRIPT, BACKEND), (r"", MOBILE)),  # Expo Router API routes
    "extension": _rules((r"", FRONTEND)),  # background workers run in the user's browser too
    "fullstack": _rules(
        (r"^(src/)?(client|components|pages|views|hooks|ui|public)/", FRONTEND),
        (r"", UNKNOWN),
    ),
    "spa": _rules((r"^(src|public|static|app)/", FRONTEND), (r"^index\.html?$", FRONTEND), (r"", UNKNOWN)),
    "server": _rules((r"^(public|static)/", FRONTEND), (r"", BACKEND)),  # static assets served to browsers
    "": _rules(
        (r"\.(vue|svelte|astro)$", FRONTEND),
        (r"(^|/)(public|static|assets|wwwroot|client|frontend)/", FRONTEND),
        (r"(^|/)(components|hooks)/", FRONTEND),
        (r"(^|/)(api|functions|lambda|workers?)/", BACKEND),
        (r"", UNKNOWN),
    ),
}
# When a package has several kinds, the most specific framework decides.
_PRECEDENCE = ("extension", "next", "sveltekit", "nuxt", "astro", "remix", "gatsby", "angular", "mobile")


def _framework(package: Package | None) -> str:
    kinds = package.kinds if package else frozenset()
    for kind in _PRECEDENCE:
        if kind in kinds:
            return kind
    if "spa" in kinds:
        return "fullstack" if "server" in kinds else "spa"
    return "server" if "server" in kinds else ""


def _first(rules: Rules, path: str) -> str | None:
    return next((role for pattern, role in rules if pattern.search(path)), None)


def _directive(head: bytes) -> str | None:
    if _USE_CLIENT.match(head):
        return FRONTEND
    if _USE_SERVER.match(head) or _SERVER_ONLY.search(head):
        return BACKEND
    return None


def file_role(rel: str, head: bytes, facts: ProjectFacts) -> str:
    """'frontend', 'backend', 'mobile' or 'unknown' for one file; `head` is its first bytes."""
    suffix = suffix_of(rel)
    if suffix in _BACKEND_SUFFIXES:
        return BACKEND
    if suffix in _APPLE_SUFFIXES:
        return MOBILE
    if suffix in _JVM_SUFFIXES:
        return MOBILE if any(rel.startswith(root) for root in facts.android_roots) else BACKEND
    if suffix not in WEB_SUFFIXES:
        return UNKNOWN
    if suffix in (".html", ".htm"):
        return FRONTEND  # a page, or a server template: either way its scripts run in the browser
    directive = _directive(head)
    if directive:
        return directive
    package = facts.package_for(rel)
    inner = rel[len(package.root) :] if package else rel
    framework = _framework(package)
    if framework == "extension":
        return FRONTEND
    return _first(_GENERIC, inner) or _first(_FRAMEWORK[framework], inner) or UNKNOWN


# Code that only tests run: test folders and files in every language's convention. It is not judged for the
# items in TEST_EXEMPT_ITEMS (models.py): no endpoint anyone can call, no bill a retry or loop there runs up.
# Keys there are still reported: a key in a test file is as public as one anywhere else.
TEST_PATH = re.compile(
    r"(?:^|/)(?:tests?|__tests__|__mocks__|e2e|fixtures?|testdata|spec|[\w.-]*[_-]tests?)/"
    r"|(?:^|/)(?:test_[^/]*|[^/]*_test|conftest)\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$"
)


# One of these is in every path TEST_PATH matches: most paths hold none, and substring tests are cheaper
# than the regex's attempt at every position of the path (once per scanned file).
_TEST_WORDS = ("test", "spec", "fixture", "mock", "e2e")


def is_test_path(rel: str) -> bool:
    """Whether `rel` is test code (tests/, __tests__/, *.test.*, *.spec.*, test_*.py, fixtures/)."""
    return any(word in rel for word in _TEST_WORDS) and TEST_PATH.search(rel) is not None


def scope_applies(scope: str, role: str) -> bool:
    """Whether a check of `scope` runs on a file of `role`. Unknown files get the benefit of the doubt."""
    if scope == "any":
        return True
    if scope == "client":
        return role in CLIENT_ROLES
    if scope == "maybe-client":
        return role != BACKEND
    return scope == role

"""Where a key sits decides which check reports it, by the check whose `key_routes` name that place.
A key and place make one finding: a key in code that ships to browsers or phones (or a .env variable
whose public prefix inlines it into the bundle) is reported as that exposure, which says more than the
hygiene problem of the same line.

Routes: "code" (a committed source or config file), "env-file" (a .env file git tracks or does not
ignore), "client" (code or a bundle that ships to browsers or phones), "public-env" (a .env variable
with a browser-exposed prefix), "non-ai" (a Google key in a project that does not use Gemini),
"history" (git history, see history.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from assess.scan.files.facts import CLIENT_BUILD_KINDS
from assess.scan.files.languages import Region
from assess.scan.files.roles import CLIENT_ROLES, FRONTEND
from assess.scan.matching.secrets import SecretHit

# .env, .env.local, .env.production, prod.env, direnv's .envrc, Cloudflare's .dev.vars
_ENV_FILE = re.compile(r"^(?:\.env(?:\.[^/]+)?|[^/]+\.env|\.envrc|\.dev\.vars)$")
# Prefixes the bundlers inline into client code (Next.js, Vite, CRA, Expo, Nuxt, Gatsby, Vue CLI).
PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "GATSBY_", "VUE_APP_")
# SvelteKit's $env/static/public and Astro read PUBLIC_ only; elsewhere the prefix means nothing.
PUBLIC_PREFIX_FRAMEWORKS = frozenset({"SvelteKit", "Astro"})
_SHIPS = {"frontend": "code that ships to browsers", "mobile": "mobile app code"}
_ENV_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def is_env_file(rel: str) -> bool:
    """Whether `rel` is a dotenv file (`.env`, `.env.local`, `prod.env`...)."""
    return _ENV_FILE.match(PurePosixPath(rel).name) is not None


@dataclass(frozen=True)
class KeyPlace:
    """What the key scan needs to know about one file to route its keys."""

    rel: str
    role: str
    kind: str = "source"  # "bundle" and "minified" are read for keys only
    tracked: bool | None = None
    server_regions: tuple[Region, ...] = ()  # Astro frontmatter: server code inside a client file
    public_prefixes: tuple[str, ...] = PUBLIC_PREFIXES

    def routes(self, hit: SecretHit, text: str) -> list[tuple[str, dict[str, str]]]:
        """(route, message values) for one key in this file; values fill the reporting check's message."""
        if not hit.ai:
            return [("non-ai", {"place": "this file"})]
        if is_env_file(self.rel) and self.kind == "source":
            name = _assigned_name(text, hit.start)
            if name and name.startswith(self.public_prefixes):
                return [("public-env", {})]
            return [("env-file", {"git": "git tracks" if self.tracked else "no .gitignore ignores"})]
        if self._ships(hit):
            return [("client", {"ships": "a built bundle" if self.kind == "bundle" else _SHIPS[self.role]})]
        if self.kind != "bundle" or self.tracked:
            return [("code", {"place": "this file"})]
        return []

    def _ships(self, hit: SecretHit) -> bool:
        if self.role not in CLIENT_ROLES:
            return False
        return not any(r.start <= hit.start < r.end for r in self.server_regions)


def _assigned_name(text: str, offset: int) -> str | None:
    """The variable a .env line assigns, for the line holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    match = _ENV_ASSIGNMENT.match(text, start)
    return match.group(1) if match else None


def public_prefixes(frameworks: set[str]) -> tuple[str, ...]:
    """The environment-variable prefixes the detected frameworks expose to browsers (VITE_, NEXT_PUBLIC_...)."""
    return (*PUBLIC_PREFIXES, "PUBLIC_") if frameworks & PUBLIC_PREFIX_FRAMEWORKS else PUBLIC_PREFIXES


def bundle_role(rel: str, package_kinds: frozenset[str]) -> str:
    """Build output ships to browsers when its package is a front end (or the folder says so)."""
    if any(part in rel for part in (".next/static/", ".output/public/", "output/client/", "storybook-static/")):
        return FRONTEND
    return FRONTEND if package_kinds & CLIENT_BUILD_KINDS else "unknown"

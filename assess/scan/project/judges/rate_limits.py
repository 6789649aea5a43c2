"""Endpoints that reach an LLM, and the rate limit (if any) in front of each.

An endpoint is covered by a limit on the endpoint itself (middleware argument, decorator, guard,
dependency, a limit check its handler reaches), on its router, on the app it is mounted on (registered
before it, under a prefix that includes it), on the whole package (fastify plugin, Nest APP_GUARD, slowapi
or flask-limiter default limits, DRF default throttles, Next.js middleware), or in the infrastructure
(nginx limit_req, API Gateway throttling, WAF rate rules). A limit on other routes covers nothing here.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assess.scan.files.roles import is_test_path
from assess.scan.matching.factscan import Fact
from assess.scan.project.judges.base import ENDPOINTS, Context, Judge, Judgement, Verdict
from assess.scan.project.project_index import ProjectIndex, Reach, strip_quotes

_LIMITER_NAME = re.compile(r"(?i)rate.?limit|limiter|throttl|quota")
_DRF_THROTTLES = re.compile(r"@?throttle_classes\b")  # a view's own DRF throttles (limiter label "route")
_KEY = re.compile(
    r"(?is)(?:keyGenerator|key_func|keyFunc|getTracker|get_ident|\bkey\b|identifier)\s*[:=(]\s*(.{0,160})"
)
# in a limiter's key (keyGenerator, key_func, the id given to .limit()/.consume()): who is counted
_PER_USER = re.compile(
    r"(?i)user|account|tenant|customer|\borg|api_?key|apikey|session|token|auth|principal|email|\bsub\b|\buid\b"
)
# throttle classes and key names that mean per user wherever they appear
_PER_USER_CLASS = re.compile(r"UserRateThrottle|ScopedRateThrottle|\bkey\s*=\s*[\"']user")
_PER_IP = re.compile(r"(?i)\bip\b|remote_?addr|get_remote_address|x-forwarded-for|AnonRateThrottle")
# route shapes that are endpoints only in some places
_VIEWS_PATH = re.compile(r"(?:^|/)views?(?:/|\.py$)|views_\w+\.py$|(?:^|/)api\.py$")
_PAGES_API = re.compile(r"(?:^|/)pages/api/")
_APP_ROUTE = re.compile(r"(?:^|/)(?:route\.(?:ts|js|mts|mjs|tsx|jsx)|\+server\.(?:ts|js))$|\+api\.(?:ts|js|tsx)$")
_ASTRO_ROUTE = re.compile(r"(?:^|/)src/pages/.+\.(?:ts|js|mjs)$")
# the methods of a class-based view that answer requests (DRF views and viewsets, Django views, Channels)
_VIEW_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "create",
        "list",
        "retrieve",
        "update",
        "partial_update",
        "destroy",
        "receive",
        "receive_json",
        "websocket_receive",
        "connect",
    }
)
_REMIX_METHODS = {"action": "POST", "loader": "GET"}
_NITRO = re.compile(r"(?:^|/)server/(?:api|routes)/")
_FUNCTIONS_DIR = re.compile(r"(?:^|/)(?:api|netlify/functions|functions|lambda|lambdas|handlers)/")
_NEXT_MIDDLEWARE = re.compile(r"(?:^|/)middleware\.(?:ts|js|mjs)$")
_JS_FRAMEWORKS = (
    ("hono", "Hono"),
    ("fastify", "Fastify"),
    ("@koa/router", "Koa"),
    ("koa-router", "Koa"),
    ("koa", "Koa"),
    ("elysia", "Elysia"),
    ("express", "Express"),
)
_PY_FRAMEWORKS = (
    ("fastapi", "FastAPI"),
    ("flask", "Flask"),
    ("quart", "Quart"),
    ("sanic", "Sanic"),
    ("starlette", "Starlette"),
    ("litestar", "Litestar"),
)
_SOCKETS = (
    ("socket.io", "Socket.IO"),
    ("ws", "ws (WebSocket)"),
    ("discord.js", "discord.js"),
    ("telegraf", "Telegraf"),
    ("grammy", "grammY"),
    ("@slack/bolt", "Slack Bolt"),
)
_PY_BOTS = (
    ("discord", "discord.py"),
    ("slack_bolt", "Slack Bolt"),
    ("aiogram", "aiogram"),
    ("telegram", "python-telegram-bot"),
)


class Params(BaseModel):
    """Which finding the check reports: an endpoint with no limit, or with no per-user limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # "unlimited": endpoints with no limit at all; "not-per-user": endpoints whose only limit is global or per IP
    report: Literal["unlimited", "not-per-user"] = "unlimited"


@dataclass(frozen=True)
class Cover:
    """What limits an endpoint: where the limiter sits, what it counts by (user, IP, global) and the fact."""

    where: str  # route, router, app, package, infra
    scope: str  # per-user, per-IP, global
    source: Fact


@dataclass(frozen=True)
class Endpoint:
    """A route and the handler functions it names."""

    route: Fact
    handlers: tuple[Fact, ...]
    framework: str
    description: str
    full_path: str  # for prefix checks; "" when unknown
    anchor: Fact | None = None  # the method of a class-based view that answers; the route itself otherwise

    @property
    def at(self) -> Fact:
        """The fact a finding on this endpoint is reported at."""
        return self.anchor or self.route


def _imports(index: ProjectIndex, rel: str) -> str:
    return " ".join(f.values.get("SOURCE", "") for f in index.of("import", rel))


def _pick(pairs: tuple[tuple[str, str], ...], text: str, deps: set[str], default: str) -> str:
    sources = set(re.findall(r"[@\w./-]+", text))
    for package, name in pairs:
        if package in sources or any(s.startswith(package + "/") for s in sources):
            return name
    return next((name for package, name in pairs if package in deps), default)


def _app_path(rel: str) -> tuple[str, str]:
    """(method, path) a file-routed endpoint serves: `src/app/api/chat/route.ts` -> ("", "/api/chat"),
    `src/routes/api/chat/+server.ts` -> ("", "/api/chat"), Nitro `server/api/chat.post.ts` -> ("POST", "/api/chat")."""
    parts = rel.split("/")
    if "server" in parts[:-1] and parts[parts.index("server") + 1] in ("api", "routes"):
        parts = parts[parts.index("server") + 1 :]  # Nitro: server/api/x serves /api/x, server/routes/x serves /x
        parts = parts[1:] if parts[0] == "routes" else parts
    else:
        for anchor in ("app", "pages", "routes"):
            if anchor in parts[:-1]:
                parts = parts[parts.index(anchor) + 1 :]
                break
    parts = [p for p in parts if not (p.startswith("(") and p.endswith(")"))]
    method = ""
    if parts and parts[-1].startswith("+page"):  # SvelteKit form actions serve their page's path
        parts = parts[:-1]
    elif parts and re.search(r"\+api\.\w+$", parts[-1]):  # Expo Router: app/api/chat+api.ts serves /api/chat
        parts = [*parts[:-1], parts[-1][: parts[-1].rindex("+api.")]]
    elif parts and _APP_ROUTE.search(parts[-1]):
        parts = parts[:-1]
    elif parts:
        stem = posixpath.splitext(parts[-1])[0]
        name, _, verb = stem.rpartition(".")
        if name and verb.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            stem, method = name, verb.upper()
        parts = parts[:-1] if stem == "index" else [*parts[:-1], stem]
    return method, "/" + "/".join(parts)


def _remix_path(rel: str) -> str:
    """The path a Remix / React Router route module serves: `app/routes/api.chat.tsx` -> /api/chat,
    `app/routes/chat.$id/route.tsx` -> /chat/:id, `app/routes/_index.tsx` -> /."""
    parts = rel.split("/")
    tail = parts[parts.index("routes") + 1 :] if "routes" in parts[:-1] else parts[-1:]
    name = tail[0] if len(tail) > 1 else posixpath.splitext(tail[0])[0]
    segments = []
    for segment in name.split("."):
        segment = segment.rstrip("_")
        if not segment or segment.startswith("_") or (segment.startswith("(") and segment.endswith(")")):
            continue  # _index, pathless layouts, optional segments
        segments.append(":" + segment[1:] if segment.startswith("$") and len(segment) > 1 else segment)
    return "/" + "/".join(segments)


def _join(prefix: str, path: str) -> str:
    prefix, path = strip_quotes(prefix).rstrip("/"), strip_quotes(path)
    joined = prefix + ("/" + path.lstrip("/") if path and path != "/" else "")
    return joined or "/"


class _Endpoints:
    """Route facts turned into endpoints: filtered by where they may live, with framework and path."""

    def __init__(self, ctx: Context) -> None:
        self.index = ctx.index
        self._mounts_of: dict[tuple[str, str], list[Fact]] = {}

    @cached_property
    def _mount_table(self) -> tuple[dict[tuple[str, str], list[int]], dict[str, list[int]]]:
        """Mounts by (file, name they mount) and by the other project file a mounted name is imported from,
        as positions in index.of("mount")."""
        by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        by_module: dict[str, list[int]] = defaultdict(list)
        for position, mount in enumerate(self.index.of("mount")):
            names = {re.split(r"[.(]", arg)[0] for arg in mount.lists.get("ARGS", ())}
            bindings = self.index.bindings(mount.rel)
            modules = {b.module for n in names if (b := bindings.get(n)) and b.module}
            for name in names:
                by_name[(mount.rel, name)].append(position)
            for module in modules - {mount.rel}:
                by_module[module].append(position)
        return by_name, by_module

    def mounts_of(self, route: Fact) -> list[Fact]:
        """Mount facts (app.use("/api", router), include_router) that mount the router of `route`."""
        key = (route.rel, route.values.get("OBJ", ""))
        found = self._mounts_of.get(key)
        if found is None:
            by_name, by_module = self._mount_table
            mounts = self.index.of("mount")
            positions = sorted({*by_name.get(key, ()), *by_module.get(route.rel, ())})
            found = self._mounts_of[key] = [mounts[p] for p in positions]
        return list(found)

    def framework(self, route: Fact) -> str:
        index, rel, label = self.index, route.rel, route.label
        deps = index.dependencies_of(rel)
        if label in ("express", "fastify-route"):
            text = _imports(index, rel) + " " + " ".join(_imports(index, m.rel) for m in self.mounts_of(route))
            return "Fastify" if label == "fastify-route" else _pick(_JS_FRAMEWORKS, text, deps, "Express")
        if label in ("decorator", "add-route"):
            return _pick(_PY_FRAMEWORKS, _imports(index, rel), deps, "FastAPI")
        if label == "socket":
            return _pick(_SOCKETS, _imports(index, rel), deps, "WebSocket")
        if label in ("bot", "bot-register"):
            return _pick(_PY_BOTS, _imports(index, rel), deps, "bot")
        if label == "default-handler":
            if _PAGES_API.search(rel):
                return "Next.js"
            if _NITRO.search(rel):
                return "Nuxt"
            return "Netlify Functions" if "netlify/" in rel else "Vercel Functions"
        if label == "lambda":
            return "Netlify Functions" if "netlify/" in rel else "AWS Lambda"
        if label == "next-route" and "+server." in rel:
            return "SvelteKit"
        if label == "next-route" and "+api." in rel:
            return "Expo Router"
        if label == "next-route" and not _APP_ROUTE.search(rel):
            return "Astro"
        return {
            "remix": "Remix",
            "sveltekit-action": "SvelteKit",
            "nest": "NestJS",
            "next-route": "Next.js",
            "server-action": "Next.js",
            "worker-fetch": "Cloudflare Workers",
            "django-view": "Django",
            "drf-view": "Django REST framework",
            "drf-function": "Django REST framework",
            "channels": "Django Channels",
        }.get(label, label)

    def is_endpoint(self, route: Fact) -> bool:
        rel, label = route.rel, route.label
        if route.role == "frontend" or is_test_path(rel):
            return False
        if label == "django-view":
            if not _VIEWS_PATH.search(rel):
                return False
            # the same function already seen as a DRF or Flask/FastAPI route
            return not any(o is not route and o.contains(route) for o in self.index.of("route", rel))
        if label == "next-route":
            return bool(_APP_ROUTE.search(rel) or _ASTRO_ROUTE.search(rel))
        if label == "default-handler":
            return bool(_PAGES_API.search(rel) or _FUNCTIONS_DIR.search(rel) or _NITRO.search(rel))
        return True

    def handlers(self, route: Fact) -> tuple[Fact, ...]:
        """Functions named (not written inline) as the route's handler."""
        index = self.index
        names: list[str] = []
        args = route.lists.get("ARGS", ())
        if route.label in ("express", "socket") and args:
            last = args[-1]
            if re.fullmatch(r"[\w$.]+", last):
                names.append(last)
        if route.label == "sveltekit-action" and route.values.get("METHOD"):  # actions = { default: handler }
            names.append(route.values["METHOD"])
        wrapped = ("bot-register", "add-route", "default-handler", "lambda", "next-route", "remix")
        if route.label in wrapped and route.values.get("NAME"):
            names.append(route.values["NAME"].rsplit(".", 1)[-1] if route.label == "lambda" else route.values["NAME"])
        if route.label == "default-handler" and not route.values.get("NAME"):
            return tuple(index.functions_named(route.rel, "default"))
        found: list[Fact] = []
        for name in names:
            found += [f for f in index.resolve_name(route.rel, name) if not route.contains(f)]
        return tuple(found)

    def describe(self, route: Fact) -> tuple[str, str]:
        """(endpoint text for messages, full path for prefix checks)."""
        v = route.values
        method = strip_quotes(v.get("METHOD", "")).upper()
        if method in ("ROUTE", "API_ROUTE"):  # Flask: @bp.route("/x", methods=["POST"])
            listed = re.findall(r"[A-Za-z]+", v.get("METHODS", ""))
            method = listed[0].upper() if listed else ""
        label = route.label
        if label in ("express", "fastify-route", "decorator", "add-route"):
            path = strip_quotes(v.get("PATH", ""))
            mounts = self.mounts_of(route)
            prefix = strip_quotes(mounts[0].values.get("PREFIX", "")) if mounts else ""
            full = _join(prefix, path) if path else prefix
            shown = f"{method} {full}" if method else full
            return (shown.strip() or "an endpoint", full)
        if label == "nest":
            full = _join(strip_quotes(v.get("PREFIX", "")), strip_quotes(v.get("PATH", "")))
            if method in ("SUBSCRIBEMESSAGE", "MESSAGEPATTERN"):
                return (f"message '{strip_quotes(v.get('PATH', ''))}' ({v.get('NAME', '')})", full)
            return (f"{method} /{full.lstrip('/')}", full)
        if label == "remix":
            path = _remix_path(route.rel)
            return (f"{_REMIX_METHODS.get(v.get('METHOD', ''), '')} {path} ({v.get('METHOD', '')})".strip(), path)
        if label == "sveltekit-action":
            _, path = _app_path(route.rel)
            return (f"form action '{v.get('NAME', '')}' of {path}", path)
        if label in ("next-route", "default-handler") or (label == "lambda" and "netlify/" in route.rel):
            verb, path = _app_path(route.rel)
            method = method or verb
            if "netlify/" in route.rel:
                path = "/.netlify/functions/" + posixpath.splitext(posixpath.basename(route.rel))[0]
            return (f"{method} {path}".strip(), path)
        if label == "socket":
            return (f"{v.get('OBJ', '')}.{v.get('METHOD', '')}({v.get('PATH', '')}) handler", "")
        name = v.get("NAME", "")
        shown = {
            "server-action": f"server action {name}()" if name else "an inline server action",
            "lambda": f"handler {name.rsplit('.', 1)[-1]}()",
            "worker-fetch": "fetch handler",
            "django-view": f"view {name}()",
            "drf-view": f"view {name}",
            "drf-function": f"view {name}()",
            "channels": f"consumer {name}",
            "bot": f"bot handler {name}()",
            "bot-register": f"bot handler {name}()",
        }.get(label, name)
        return (shown, "")

    def methods(self, route: Fact) -> list[Fact]:
        """The request methods of a class-based view (DRF, Django, Channels): post(), create(), receive(), and
        a DRF viewset's @action methods."""
        if route.label not in ("drf-view", "channels"):
            return []
        inside = self.index.inside("function", route)
        actions = {a.line for a in self.index.inside("view-action", route)} if route.label == "drf-view" else set()
        return [
            fn
            for fn in inside
            if (fn.values.get("NAME") in _VIEW_METHODS or fn.line in actions)
            and self.index.enclosing_function(fn) is None
        ]

    def all(self) -> list[Endpoint]:
        endpoints = []
        for route in self.index.of("route"):
            if not self.is_endpoint(route):
                continue
            shown, full = self.describe(route)
            endpoint = Endpoint(route, self.handlers(route), self.framework(route), shown, full)
            endpoints += [
                Endpoint(route, (), endpoint.framework, f"{shown}.{m.values.get('NAME', '')}()", full, m)
                for m in self.methods(route)
            ]
            endpoints.append(endpoint)  # the whole class when none of its methods is seen to reach the LLM
        return endpoints


def _key_scope(text: str) -> str:
    keys = " ".join(m.group(1) for m in _KEY.finditer(text))
    if (keys and _PER_USER.search(keys)) or _PER_USER_CLASS.search(text):
        return "per-user"
    if _PER_IP.search(keys or text):
        return "per-IP"
    return "per-IP"  # every library named here keys by client IP unless told otherwise


def _call_scope(call: Fact) -> str:
    """Scope of an inline check: `ratelimit.limit(userId)` keys by what it is given; a quota by whose
    requests it counts."""
    text = call.text
    args = text[text.find("(") :] if "(" in text and call.label != "quota" else text
    return "per-user" if _PER_USER.search(args) else "per-IP" if _PER_IP.search(args) else "global"


def _prefix_ok(prefix: str | None, full_path: str) -> bool:
    prefix = strip_quotes(prefix or "").rstrip("*").rstrip("/")
    if not prefix:
        return True
    return bool(full_path) and (full_path == prefix or full_path.startswith(prefix + "/"))


class _Coverage:
    def __init__(self, ctx: Context, endpoints: _Endpoints) -> None:
        self.index = ctx.index
        self.endpoints = endpoints

    def _def_scope(self, rel: str, name: str) -> str:
        """Scope of a limiter named in a route: read the key from where it is built (here or imported)."""
        root = name.split(".")[0]
        for fact in self.index.of("limiter-def", rel):
            if fact.values.get("VAR") == root:
                return _key_scope(fact.text)
        binding = self.index.bindings(rel).get(root)
        if binding and binding.module:
            for fact in self.index.of("limiter-def", binding.module):
                if fact.values.get("VAR") in (root, binding.imported):
                    return _key_scope(fact.text)
        return "per-IP"

    def _route_scope(self, lim: Fact) -> str:
        """`@limiter.limit("5/minute")` keys by what its Limiter(key_func=...) says, unless it names its own key;
        DRF `throttle_classes = [BurstThrottle]` by what each throttle class is built on."""
        named = re.match(r"@(\w+)\.(?:limit|shared_limit)\(", lim.text)
        if named and not _KEY.search(lim.text):
            return self._def_scope(lim.rel, named.group(1))
        listed = re.match(r"@?throttle_classes\b[^\[(]*[\[(]([^\])]*)", lim.text)
        if listed and not _PER_USER_CLASS.search(lim.text):
            scopes = {self._def_scope(lim.rel, name) for name in re.findall(r"\w+", listed.group(1))}
            return "per-user" if "per-user" in scopes else "per-IP"
        return _key_scope(lim.text)

    def _throttles_off(self, ep: Endpoint) -> bool:
        """Whether DRF throttling is switched off for this endpoint (fact throttle-off): `throttle_classes = []`
        on its view class, `@action(throttle_classes=[])` on its method, `@throttle_classes([])` on its function.
        Then neither the settings' default throttles, nor a mixin's, nor (for an action) the class's apply."""
        route = ep.route
        if route.label not in ("drf-view", "drf-function"):
            return False
        method = ep.anchor.values.get("NAME") if ep.anchor is not None else None
        for off in self.index.inside("throttle-off", route):
            target = off.values.get("OBJ")
            if off.label == "action" and method is not None and target == method:
                return True
            if off.label in ("view", "function") and target == route.values.get("NAME"):
                return True
        return False

    def _checked_after(self, ep: Endpoint) -> bool:
        """Whether the handler's limit or quota check comes only after its first step toward the LLM call: the
        request is already paid for when it trips. Judged where both sit in the handler's own lines."""
        limit = self.index.first_step(ep.at, "limiter-call")
        llm = self.index.first_step(ep.at, "llm-call")
        return limit is not None and llm is not None and limit > llm

    def _on_bases(self, ep: Endpoint) -> Cover | None:
        """DRF: a mixin base that sets throttle_classes covers the view (a throttle class listed as a base
        does not: DRF only runs the classes in throttle_classes)."""
        route, index = ep.route, self.index
        if route.label != "drf-view":
            return None
        bindings = index.bindings(route.rel)
        for base in re.findall(r"[\w.]+", route.values.get("BASES", "")):
            name = base.rsplit(".", 1)[-1]
            binding = bindings.get(base.split(".")[0])
            module = binding.module if binding and binding.module else route.rel
            wanted = binding.imported if binding and binding.module and "." not in base else name
            for lim in index.of("limiter", module):
                if lim.label == "route" and lim.values.get("OBJ") == wanted:
                    return Cover("route", self._route_scope(lim), lim)
        return None

    def _on_route(self, ep: Endpoint) -> Cover | None:
        route, index = ep.route, self.index
        off = self._throttles_off(ep)
        for lim in index.inside("limiter", route):
            if lim.label == "route":
                if off and _DRF_THROTTLES.match(lim.text):
                    continue  # the class's throttles, which this action switches off
                return Cover("route", self._route_scope(lim), lim)
            # @action(throttle_classes=[...]): only the action it decorates
            if (
                lim.label == "action"
                and ep.anchor is not None
                and lim.values.get("OBJ") == ep.anchor.values.get("NAME")
            ):
                return Cover("route", self._route_scope(lim), lim)
        for lim in index.of("limiter", route.rel):  # a Nest class guard contains the method
            if lim.label == "route" and lim.contains(route) and lim is not route:
                return Cover("route", _key_scope(lim.text), lim)
        reach = index.range_reach(ep.at, "limiter-call", ep.handlers)
        if reach is not None and not self._checked_after(ep):
            return Cover("route", _call_scope(reach.target), reach.target)
        bases = None if off else self._on_bases(ep)
        if bases is not None:
            return bases
        args = list(route.lists.get("ARGS", ()))
        middle = (
            args[1:-1] if args and strip_quotes(args[0]) == strip_quotes(route.values.get("PATH", "")) else args[:-1]
        )
        for arg in middle:
            if _LIMITER_NAME.search(arg) or any(
                d.values.get("VAR") == arg.split("(")[0] for d in index.of("limiter-def", route.rel)
            ):
                return Cover("route", self._def_scope(route.rel, arg.split("(")[0]), route)
            if re.search(r"\brateLimit\s*:", arg):  # fastify route options: config: { rateLimit: {...} }
                return Cover("route", "per-IP", route)
        return None

    def _on_app(self, ep: Endpoint) -> Cover | None:
        route, index = ep.route, self.index
        obj = route.values.get("OBJ")
        for lim in index.of("limiter", route.rel):
            if lim.label == "router" and lim.values.get("OBJ") == obj:
                return Cover("router", _key_scope(lim.text), lim)
            if lim.label == "app" and lim.line < route.line and _prefix_ok(lim.values.get("PREFIX"), ep.full_path):
                scope = self._app_scope(lim)
                return Cover("app" if lim.values.get("OBJ") != obj else "router", scope, lim)
        mounts = self.endpoints.mounts_of(route)
        mount_files = {m.rel for m in mounts}
        for mount in mounts:
            mounted_path = _join(mount.values.get("PREFIX", ""), route.values.get("PATH", ""))
            for lim in index.of("limiter", mount.rel):
                # app.use("/chat", limiter) before the mount, or app.use("/chat", auth, limiter, chatRouter) itself
                if lim.label == "app" and lim.line <= mount.line and _prefix_ok(lim.values.get("PREFIX"), mounted_path):
                    return Cover("app", self._app_scope(lim), lim)
                if lim.label == "mount" and lim.line == mount.line:
                    return Cover("router", _key_scope(lim.text), lim)
        # an app-level limiter registered elsewhere in the package (a middleware module, an app factory)
        for lim in self._app_limiters.get(index.package_of(route.rel), ()):
            elsewhere = lim.rel not in mount_files and lim.rel != route.rel
            if elsewhere and _prefix_ok(lim.values.get("PREFIX"), ep.full_path):
                return Cover("app", self._app_scope(lim), lim)
        return None

    @cached_property
    def _app_limiters(self) -> dict[str, list[Fact]]:
        """App-level limiters per package, in found order."""
        table: dict[str, list[Fact]] = defaultdict(list)
        for lim in self.index.of("limiter"):
            if lim.label == "app":
                table[self.index.package_of(lim.rel)].append(lim)
        return table

    def _app_scope(self, lim: Fact) -> str:
        inline = _key_scope(lim.text) if _KEY.search(lim.text) else None
        if inline:
            return inline
        for arg in re.findall(r"[\w$.]+", lim.text[lim.text.find("(") + 1 :]):
            if _LIMITER_NAME.search(arg):
                return self._def_scope(lim.rel, arg)
        return "per-IP"

    def _on_package(self, ep: Endpoint) -> Cover | None:
        route, index = ep.route, self.index
        package = index.package_of(route.rel)
        # the first limiter, in found order, of the package (or of the DRF settings, for DRF views) or in infra
        drf = route.label in ("drf-view", "drf-function") and not self._throttles_off(ep)
        wanted = ["package", "drf-settings"] if drf else ["package"]
        firsts = self._package_limiters.get(package, {})
        candidates = [firsts[label] for label in wanted if label in firsts] + self._infra_limiter
        if candidates:
            lim = min(candidates, key=lambda candidate: candidate[0])[1]
            if lim.label == "infra":
                return Cover("infra", "global", lim)
            return Cover("package", _key_scope(lim.text), lim)
        if route.label in ("next-route", "default-handler", "server-action"):
            call = self._next_middleware.get(package)
            if call is not None:
                return Cover("package", _call_scope(call), call)
        return None

    @cached_property
    def _package_limiters(self) -> dict[str, dict[str, tuple[int, Fact]]]:
        """Package -> label ("package", "drf-settings") -> the first such limiter there and its position."""
        table: dict[str, dict[str, tuple[int, Fact]]] = defaultdict(dict)
        for position, lim in enumerate(self.index.of("limiter")):
            if lim.label in ("package", "drf-settings"):
                table[self.index.package_of(lim.rel)].setdefault(lim.label, (position, lim))
        return table

    @cached_property
    def _infra_limiter(self) -> list[tuple[int, Fact]]:
        """The first infrastructure limit (nginx, API Gateway, WAF) and its position: it covers every package."""
        found = next(((p, lim) for p, lim in enumerate(self.index.of("limiter")) if lim.label == "infra"), None)
        return [found] if found else []

    @cached_property
    def _next_middleware(self) -> dict[str, Fact]:
        """Package -> the first limit check in its Next.js middleware."""
        table: dict[str, Fact] = {}
        for call in self.index.of("limiter-call"):
            if _NEXT_MIDDLEWARE.search(call.rel):
                table.setdefault(self.index.package_of(call.rel), call)
        return table

    def of(self, ep: Endpoint) -> Cover | None:
        return self._on_route(ep) or self._on_app(ep) or self._on_package(ep)


def _via(reach: Reach) -> str:
    return f" through {' → '.join(reach.via)}" if reach.via else ""


def _llm_endpoints(ctx: Context) -> list[tuple[Endpoint, Reach, Cover | None]]:
    """Every endpoint that reaches an LLM call, how it gets there, and the limit in front of it."""
    endpoints = _Endpoints(ctx)
    coverage = _Coverage(ctx, endpoints)
    found = []
    answered: set[int] = set()  # class-based views one of whose methods reaches the LLM
    for ep in endpoints.all():
        if ep.anchor is None and id(ep.route) in answered:
            continue
        reach = ctx.index.range_reach(ep.at, "llm-call", ep.handlers)
        if reach is not None:
            if ep.anchor is not None:
                answered.add(id(ep.route))
            found.append((ep, reach, coverage.of(ep)))
    return found


def _anonymous_among_signed(ctx: Context, ep: Endpoint) -> bool:
    """Whether `ep` is an open endpoint beside signed-in ones: its file marks the user per route
    (`@login_required`, `Depends(get_current_user)`, `requireAuth` in the route call) on other routes but
    not on this one. Only its caller's address can key a limit there, so a per-IP limit is the right one."""
    index = ctx.index
    marks = [f for f in index.of("route-user") if f.rel == ep.route.rel]
    if not marks:
        return False

    def holds_mark(route: Fact) -> bool:
        return any(route.line <= f.line <= route.end_line for f in marks)

    if holds_mark(ep.route) or any(holds_mark(h) for h in ep.handlers if h.rel == ep.route.rel):
        return False
    return any(holds_mark(r) for r in index.of("route") if r.rel == ep.route.rel and r is not ep.route)


def _knows_users(ctx: Context) -> set[str]:
    """Packages whose server code knows the signed-in user (route-user facts outside browser code and tests):
    only there can a limit be keyed by user, so only there is a per-IP limit a finding."""
    index = ctx.index
    return {index.package_of(f.rel) for f in index.of("route-user") if f.role != "frontend" and not is_test_path(f.rel)}


def judge(ctx: Context, params: Params) -> Judgement:
    """Endpoints that reach a paid LLM call with no rate limit (or no per-user one) on the request's path."""
    verdicts: list[Verdict] = []
    applied = False
    users = _knows_users(ctx) if params.report == "not-per-user" else set()
    for ep, reach, cover in ctx.shared(ENDPOINTS, lambda: _llm_endpoints(ctx)):
        applied = True
        site = ctx.site(reach.target)
        if params.report == "unlimited" and cover is not None:
            continue
        if params.report == "not-per-user" and (
            cover is None
            or cover.scope == "per-user"
            or ctx.index.package_of(ep.route.rel) not in users
            or _anonymous_among_signed(ctx, ep)
        ):
            continue
        target = site.describe() if site else "an LLM"
        values = {
            "endpoint": ep.description,
            "framework": ep.framework,
            "target": target,
            "via": _via(reach),
            "scope": cover.scope if cover else "none",
            "where": cover.where if cover else "none",
            "limit_at": f"{cover.source.rel}:{cover.source.line}" if cover else "",
        }
        verdicts.append(
            Verdict(
                at=ep.at,
                values=values,
                provider=site.provider if site else None,
                model=site.model if site else None,
                endpoint=ep.description,
                framework=ep.framework,
            )
        )
    return Judgement(verdicts, applied)


JUDGE = Judge(
    run=judge,
    params=Params,
    needs=(
        "route",
        "llm-call",
        "function",
        "import",
        "call",
        "limiter",
        "limiter-def",
        "limiter-call",
        "mount",
        "view-action",
    ),
    follows=("llm-call", "limiter-call"),
    # route-user is read by the per-user check only (llm-endpoint-without-per-user-limit lists it)
)

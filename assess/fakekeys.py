"""Keys that are fake but shaped like real ones, made at run time.

No committed file may hold a string a secret scanner takes for a live key, so the demo project and
the fixtures carry `<<ASSESS_FAKE_KEY:kind>>` and get a generated key only when they are used.
Every provider shape the key checks know has a kind here, and so do the public-by-design keys
(Firebase, Stripe and Clerk publishable, Supabase anon) that must stay quiet.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
from collections.abc import Callable

_LOWER = string.ascii_lowercase
_LETTERS = string.ascii_letters
_ALNUM = string.ascii_letters + string.digits
_URLSAFE = _ALNUM + "_-"
_HEX = "0123456789abcdef"
_TOKEN = re.compile(r"<<ASSESS_FAKE_KEY:([a-z0-9-]+)>>")


def _body(rng: random.Random, n: int, alphabet: str = _URLSAFE) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(rng: random.Random, claims: dict[str, object]) -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    return f"{header}.{_b64url(json.dumps(claims).encode())}.{_body(rng, 43)}"


def _azure_2024(rng: random.Random) -> str:
    """Azure AI services keys since 2024: 84 characters with the `JQQJ99` signature in the middle."""
    return (
        _body(rng, 52, _ALNUM)
        + "JQQJ"
        + "99"
        + _body(rng, 1, _ALNUM)
        + "B"
        + _body(rng, 16, _ALNUM)
        + "A"
        + _body(rng, 7, _ALNUM)
    )


def _bedrock(rng: random.Random) -> str:
    """A long-term Bedrock API key: `ABSK` + base64 of "BedrockAPIKey-<id>-at-<account>:<secret>"."""
    raw = f"{'Bedrock' + 'APIKey-'}{_body(rng, 20, _ALNUM)}-at-{_body(rng, 12, string.digits)}:{_body(rng, 60, _ALNUM)}"
    return "ABSK" + base64.b64encode(raw.encode()).decode()


def _clerk_host(rng: random.Random) -> str:
    return _b64url(f"{_body(rng, 8, _LOWER)}-kit-12.clerk.accounts.dev$".encode())


def _shapes(rng: random.Random) -> dict[str, Callable[[], str]]:
    # Markers and prefixes are split so that this file is no key-shaped match itself.
    openai_marker = "T3Blbk" + "FJ"
    return {
        "openai-project": lambda: "sk-proj-" + _body(rng, 74) + openai_marker + _body(rng, 74),
        "openai-legacy": lambda: "sk-" + _body(rng, 20, _ALNUM) + openai_marker + _body(rng, 20, _ALNUM),
        "openai-svcacct": lambda: "sk-svcacct-" + _body(rng, 74) + openai_marker + _body(rng, 74),
        "openai-admin": lambda: "sk-admin-" + _body(rng, 58) + openai_marker + _body(rng, 58),
        "anthropic": lambda: "sk-ant-" + "api03-" + _body(rng, 93) + "AA",
        "anthropic-admin": lambda: "sk-ant-" + "admin01-" + _body(rng, 93) + "AA",
        "google": lambda: "AIza" + "Sy" + _body(rng, 33),
        "gemini": lambda: "AQ." + "Ab8RN6" + _body(rng, 44),
        "groq": lambda: "gsk" + "_" + _body(rng, 52, _ALNUM),
        "xai": lambda: "xai" + "-" + _body(rng, 80, _ALNUM),
        "openrouter": lambda: "sk-or" + "-v1-" + _body(rng, 64, _HEX),
        "mistral": lambda: _body(rng, 32, _ALNUM),
        "cohere": lambda: _body(rng, 40, _ALNUM),
        "huggingface": lambda: "hf" + "_" + _body(rng, 34, _LETTERS),
        "huggingface-org": lambda: "api_org" + "_" + _body(rng, 34, _LETTERS),
        "replicate": lambda: "r8" + "_" + _body(rng, 37, _ALNUM),
        "perplexity": lambda: "pplx" + "-" + _body(rng, 48, _ALNUM),
        "deepseek": lambda: "sk" + "-" + _body(rng, 32, _HEX),
        "together": lambda: "tgp_v1" + "_" + _body(rng, 43),
        "fireworks": lambda: "fw" + "_" + _body(rng, 24, _ALNUM),
        "azure-openai": lambda: _body(rng, 32, _HEX),
        "azure-openai-2024": lambda: _azure_2024(rng),
        "bedrock": lambda: _bedrock(rng),
        "cerebras": lambda: "csk" + "-" + _body(rng, 48, _LOWER + string.digits),
        "nvidia": lambda: "nvapi" + "-" + _body(rng, 64),
        # public by design: shipped to browsers on purpose, never reported as AI keys
        "firebase": lambda: "AIza" + "Sy" + _body(rng, 33),
        "stripe-publishable": lambda: "pk_" + "live_" + _body(rng, 99, _ALNUM),
        "clerk-publishable": lambda: "pk_" + "test_" + _clerk_host(rng),
        "supabase-anon": lambda: _jwt(rng, {"iss": "supabase", "ref": _body(rng, 20, _LOWER), "role": "anon"}),
    }


KINDS: tuple[str, ...] = tuple(_shapes(random.Random(0)))


def fake_key(kind: str, seed: str = "") -> str:
    """A random key of the given provider shape, the same for the same kind and seed."""
    shapes = _shapes(random.Random(f"{kind}:{seed}"))
    if kind not in shapes:
        raise KeyError(f"unknown fake key kind '{kind}'")
    return shapes[kind]()


def materialize(text: str, seed: str = "") -> str:
    """Replace every `<<ASSESS_FAKE_KEY:kind>>` token in `text` with a generated key."""
    return _TOKEN.sub(lambda m: fake_key(m.group(1), seed), text)


def has_tokens(text: str) -> bool:
    return _TOKEN.search(text) is not None

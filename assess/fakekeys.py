"""Keys that are fake but shaped like real ones, made at run time.

No committed file may hold a string a secret scanner takes for a live key, so the demo project and
the fixtures carry `<<ASSESS_FAKE_KEY:kind>>` and get a generated key only when they are used.
"""

from __future__ import annotations

import random
import re
import string

_ALNUM = string.ascii_letters + string.digits
_URLSAFE = _ALNUM + "_-"
_TOKEN = re.compile(r"<<ASSESS_FAKE_KEY:([a-z0-9-]+)>>")


def _body(rng: random.Random, n: int, alphabet: str = _URLSAFE) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def fake_key(kind: str, seed: str = "") -> str:
    """A random key of the given provider shape, the same for the same kind and seed."""
    rng = random.Random(f"{kind}:{seed}")
    # the marker is base64 of "OpenAI"; kept split so this file is no key-shaped match itself
    marker = "T3Blbk" + "FJ"
    shapes = {
        "openai-project": lambda: "sk-proj-" + _body(rng, 74) + marker + _body(rng, 74),
        "openai-legacy": lambda: "sk-" + _body(rng, 20, _ALNUM) + marker + _body(rng, 20, _ALNUM),
        "openai-svcacct": lambda: "sk-svcacct-" + _body(rng, 74) + marker + _body(rng, 74),
        "openai-admin": lambda: "sk-admin-" + _body(rng, 58) + marker + _body(rng, 58),
        "anthropic": lambda: "sk-ant-" + "api03-" + _body(rng, 93) + "AA",
        "anthropic-admin": lambda: "sk-ant-" + "admin01-" + _body(rng, 93) + "AA",
    }
    if kind not in shapes:
        raise KeyError(f"unknown fake key kind '{kind}'")
    return shapes[kind]()


def materialize(text: str, seed: str = "") -> str:
    """Replace every `<<ASSESS_FAKE_KEY:kind>>` token in `text` with a generated key."""
    return _TOKEN.sub(lambda m: fake_key(m.group(1), seed), text)


def has_tokens(text: str) -> bool:
    return _TOKEN.search(text) is not None

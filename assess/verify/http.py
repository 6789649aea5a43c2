"""Bounded, read-only HTTP GETs for the providers' admin APIs (urllib: no new dependency).

Every call has a timeout and at most two retries (429, 5xx, timeouts); 401/403 are never retried. Errors
carry the status and the provider's error code, never the response body (it may echo part of a key).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

Get = Callable[[str, dict[str, str] | None], dict[str, Any]]  # (path, query) -> the JSON body

TIMEOUT_S = 10.0
RETRIES = 2  # at most: three attempts in all
BACKOFF_S = 1.0  # doubled after each retry; tests set it to 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would resend the Authorization header to wherever a redirect points: a redirect is an error."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class ProviderError(Exception):
    """A read that failed: `refused` (401/403), `missing` (404) or `unavailable` (429, 5xx, network)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def get_json(
    url: str, headers: dict[str, str], params: dict[str, str] | None = None, seen: dict[str, str] | None = None
) -> dict[str, Any]:
    """GET `url` (with query `params`) and parse the JSON object it returns; response headers into `seen`."""
    if params:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={**headers, "Accept": "application/json"}, method="GET")
    last = ProviderError("unavailable", "no attempt made")
    for attempt in range(RETRIES + 1):
        if attempt:
            time.sleep(BACKOFF_S * 2 ** (attempt - 1))
        try:
            with _OPENER.open(request, timeout=TIMEOUT_S) as response:
                data = json.loads(response.read().decode("utf-8"))
                if seen is not None:
                    seen.update({k.lower(): v for k, v in response.headers.items()})
        except urllib.error.HTTPError as exc:
            error = _http_error(exc)
            if error.kind != "unavailable":
                raise error from None
            last = error
            continue
        except TimeoutError:
            last = ProviderError("unavailable", f"no answer within {TIMEOUT_S:g} s")
            continue
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = ProviderError("unavailable", f"cannot connect ({type(reason).__name__})")
            continue
        except ValueError:
            raise ProviderError("unavailable", "the answer was not JSON") from None
        if not isinstance(data, dict):
            raise ProviderError("unavailable", "the answer was not a JSON object")
        return data
    raise last


def _http_error(exc: urllib.error.HTTPError) -> ProviderError:
    code = _error_code(exc)
    detail = f"HTTP {exc.code}{f' ({code})' if code else ''}"
    if exc.code in (401, 403):
        return ProviderError("refused", detail)
    if exc.code == 404:
        return ProviderError("missing", detail)
    if exc.code == 429 or exc.code >= 500:
        return ProviderError("unavailable", detail)
    return ProviderError("refused", detail)


def _error_code(exc: urllib.error.HTTPError) -> str:
    """The provider's machine-readable error code (`{"error": {"code"|"type"|"status": ...}}`), never its
    message."""
    try:
        body = json.loads(exc.read().decode("utf-8", "replace") or "{}")
    except (ValueError, OSError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ""
    # OpenAI: code; Anthropic: type; Google: status (its code is the HTTP status again)
    for field in ("code", "type", "status"):
        code = error.get(field)
        if isinstance(code, str) and code.replace("_", "").replace(".", "").isalnum():
            return code
    return ""


def pages(
    get: Get, path: str, query: dict[str, str], *, cursor: str, param: str, limit: int
) -> Iterator[dict[str, Any]]:
    """Each page of a paginated list, at most `limit`: while a page says `has_more`, the next one is asked
    with `param` set to that page's `cursor` field (`last_id` -> `after`, `next_page` -> `page`...)."""
    query = dict(query)
    for _ in range(limit):
        page = get(path, query)
        yield page
        if not page.get("has_more") or not page.get(cursor):
            return
        query[param] = str(page[cursor])

"""A local HTTP server on 127.0.0.1 that answers like a provider's admin API, from canned responses.

Each route holds a list of responses served in order (the last one repeats); every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay: float = 0.0  # seconds before answering (a timeout)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeApi:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self.url = ""

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def reply_for(self, path: str, query: dict[str, str]) -> Reply:
        # a route may name a query: "/x?after=p1" is tried before "/x"
        for key, value in sorted(query.items()):
            replies = self.routes.get(f"{path}?{key}={value}")
            if replies:
                return replies.pop(0) if len(replies) > 1 else replies[0]
        replies = self.routes.get(path)
        if not replies:
            return Reply(404, {"error": {"code": "not_found", "message": "no such route"}})
        return replies.pop(0) if len(replies) > 1 else replies[0]


@contextmanager
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            api.requests.append(Seen(parsed.path, query, {k.lower(): v for k, v in self.headers.items()}))
            reply = api.reply_for(parsed.path, query)
            if reply.delay:
                time.sleep(reply.delay)
            data = json.dumps(reply.body if reply.body is not None else {}).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()

"""A tiny LibreTranslate-compatible server on 127.0.0.1, for tests.

``POST /translate`` with ``q``, ``source``, ``target``, ``format``, ``api_key`` -- in the
query string (what deep-translator 1.11.4 sends), a form body or a JSON body -- answers
``{"translatedText": ...}``: every word upper-cased and prefixed with the target code,
``[[n]]`` tokens left alone (as real engines do), so tests can see what was translated.

Modes (``server.script``, consumed one per request, then ``server.mode``): "ok", "429",
"500", "hang" (waits until the server stops: for timeout tests with a tiny timeout),
"garbage" (answers HTML), "fullwidth" (returns tokens as ［［n］］, like some CJK output).
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = re.compile(r"\[\[\d+\]\]")


def fake_translation(text: str, target: str, fullwidth: bool = False) -> str:
    """Deterministic stand-in for a translation: <target>: WORDS UPPER-CASED, tokens kept."""
    parts = TOKEN.split(text)
    tokens = TOKEN.findall(text)
    out = [parts[0].upper()]
    for tok, part in zip(tokens, parts[1:]):
        if fullwidth:
            tok = tok.replace("[", "［").replace("]", "］")
        out.append(tok)
        out.append(part.upper())
    return f"{target}: " + "".join(out)


class FakeLibreTranslate(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"
        self.script: list[str] = []
        self.released = threading.Event()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def texts(self) -> list[str]:
        """The ``q`` of every request received, in order."""
        return [r.get("q", "") for r in self.requests]

    def next_mode(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else self.mode

    def record(self, fields: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(fields)


class _Handler(BaseHTTPRequestHandler):
    server: FakeLibreTranslate

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _fields(self) -> dict[str, Any]:
        split = urlsplit(self.path)
        fields = {k: v[0] for k, v in parse_qs(split.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if body:
            if "json" in (self.headers.get("Content-Type") or ""):
                fields.update(json.loads(body.decode("utf-8")))
            else:
                fields.update({k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()})
        fields["_path"] = split.path
        return fields

    def _answer(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        fields = self._fields()
        self.server.record(fields)
        if fields["_path"] != "/translate":
            return self._answer(404, {"error": "Not found"})
        mode = self.server.next_mode()
        if mode == "hang":
            self.server.released.wait(10)
            return None
        if mode == "429":
            return self._answer(429, {"error": "Slowdown: too many requests"})
        if mode == "500":
            return self._answer(500, {"error": "internal error"})
        if mode == "garbage":
            return self._answer(200, b"<html>login page</html>", "text/html")
        text = fake_translation(fields.get("q", ""), fields.get("target", "?"),
                                fullwidth=mode == "fullwidth")
        return self._answer(200, {"translatedText": text})


def start() -> FakeLibreTranslate:
    """A running server (stop it with :func:`stop`)."""
    server = FakeLibreTranslate()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server


def stop(server: FakeLibreTranslate) -> None:
    server.released.set()  # frees a handler still hanging
    server.shutdown()
    server.server_close()

"""The HTTP side: one request in, its fault or its endpoint's answer out, then the audit entry."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import email.utils
import json
import socket
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .routes import _route
from .store import AuditEntry, CanvasFailure, RecordedRequest, Reply, _bad_request, _not_found

if TYPE_CHECKING:
    from .server import FakeCanvas


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Canvas: a dropped connection is then a real surprise
    disable_nagle_algorithm = True  # headers and body are separate writes; without this, 40 ms each
    canvas: FakeCanvas

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def date_time_string(self, timestamp=None) -> str:
        """The Date header from the server's clock (the test's), not this machine's."""
        return email.utils.format_datetime(self.canvas.now.astimezone(UTC), usegmt=True)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "date" and not self.canvas.send_date:
            return
        super().send_header(keyword, value)

    def _serve(self, method: str) -> None:
        canvas = self.canvas
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        route, match, endpoint, needs_token = _route(method, url.path)
        reply: Reply | None = None
        with canvas._lock:
            try:
                fault = canvas._faults[route].popleft() if route and canvas._faults[route] else None
                if fault is None or fault.after_apply:
                    reply = self._answer(route, match, endpoint, needs_token, url.query, body)
                if fault is not None:
                    reply = None if fault.drop else Reply(fault.status, fault.body.encode(),
                                                          dict(fault.headers), fault.content_type)
            finally:
                canvas.requests.append(RecordedRequest(method, url.path, route, reply.status if reply else None))
                canvas.audit.append(AuditEntry(canvas.now, f"{method} {url.path}", canvas._openable(canvas.now)))
        if reply is None:
            self._drop()
        else:
            self._send(reply)

    def _answer(self, route, match, endpoint, needs_token, query: str, body: bytes) -> Reply:
        canvas = self.canvas
        try:
            if route is None:
                raise _not_found()
            authorization = self.headers.get("Authorization")
            if authorization == f"Bearer {canvas.student_token}":  # a student: may read a file's JSON only
                if route != "get_file":
                    return Reply(401, {"errors": [{"message": "user not authorized to perform that action"}]})
                return Reply(200, canvas.file_json(canvas._live_file(match["file"]), student=True))
            if (needs_token or authorization) and authorization != f"Bearer {canvas.token}":
                return Reply(401, {"errors": [{"message": "Invalid access token."}]},
                             headers={"WWW-Authenticate": 'Bearer realm="canvas-lms"'})
            if route == "download":
                return endpoint(canvas, match, _params(query, "", b""), teacher=authorization is not None)
            if route == "upload_data":
                return endpoint(canvas, match, _multipart(self.headers.get("Content-Type", ""), body))
            return endpoint(canvas, match, _params(query, self.headers.get("Content-Type", ""), body))
        except CanvasFailure as failure:
            return failure.reply
        except (ValueError, KeyError) as exc:
            return Reply(400, {"errors": [{"message": f"invalid parameter: {exc}"}]})

    def _send(self, reply: Reply) -> None:
        payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", f"{reply.content_type}; charset=utf-8")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        """Close the socket without a word, as a dying proxy or a reset connection would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _params(query: str, content_type: str, body: bytes) -> dict[str, str]:
    """The request's parameters; a repeated ``name[]`` (like include[]) keeps every value, joined by ','."""
    pairs = parse_qsl(query, keep_blank_values=True)
    params = dict(pairs)
    for name in {k for k, _ in pairs if k.endswith("[]")}:
        params[name] = ",".join(v for k, v in pairs if k == name)
    if body and content_type.startswith("application/json"):
        params.update({k: _form_value(v) for k, v in json.loads(body).items()})
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    return params


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """The fields of a multipart/form-data body, in the order they were sent."""
    if not content_type.startswith("multipart/form-data"):
        raise _bad_request("the upload must be multipart/form-data")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return [(part.get_param("name", header="content-disposition"), part.get_payload(decode=True))
            for part in message.iter_parts()]

"""The witness over HTTP: `POST /add-checkpoint` as c2sp.org/tlog-witness defines it, with bounded
request sizes and socket timeouts, one thread per connection, and the check-and-persist of each
request done under the state's lock (so two requests can never roll a log back)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archive.core.cosignature import Cosigner
from archive.core.note import VerifierKey
from archive.witness.protocol import MAX_BODY, Reply, RequestError, decide, parse_request
from archive.witness.state import WitnessState

PATH = "/add-checkpoint"
SOCKET_TIMEOUT = 10.0  # seconds a client may take to send its request


class WitnessServer(ThreadingHTTPServer):
    """An HTTP server holding the witness: its state, its key and the logs it follows."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        state: WitnessState,
        cosigner: Cosigner,
        logs: Mapping[str, Sequence[VerifierKey]],
        log: Callable[[str], None] = lambda _line: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.cosigner = cosigner
        self.logs = logs
        self.log_line = log
        self.clock = clock
        super().__init__(address, _Handler)

    def add_checkpoint(self, body: bytes) -> Reply:
        try:
            request = parse_request(body)
        except RequestError as exc:
            return Reply(400, f"{exc}\n".encode())
        origin = request.note.split("\n", 1)[0]
        with self.state.transaction() as state:
            reply, new = decide(request, self.logs, state.get(origin), self.cosigner, int(self.clock()))
            if new is not None:
                state.put(new)  # persisted before the cosignature is sent
        return reply


class _Handler(BaseHTTPRequestHandler):
    server: WitnessServer
    timeout = SOCKET_TIMEOUT
    protocol_version = "HTTP/1.1"  # keep-alive, as the spec recommends

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def do_POST(self) -> None:
        if self.path != PATH:
            self._send(Reply(404, b"not found\n"))
            return
        length = self.headers.get("Content-Length", "")
        if not length.isascii() or not length.isdigit():
            self.close_connection = True
            self._send(Reply(411, b"Content-Length required\n"))
            return
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._send(Reply(413, b"request body too large\n"))
            return
        body = self.rfile.read(int(length))
        try:
            reply = self.server.add_checkpoint(body)
        except Exception as exc:
            self.server.log_line(f"error: {type(exc).__name__}: {exc}")
            reply = Reply(500, b"internal error\n")
        self.server.log_line(f"{self.client_address[0]} add-checkpoint {reply.status}")
        self._send(reply)

    def do_GET(self) -> None:
        self._send(Reply(405 if self.path == PATH else 404, b"use POST /add-checkpoint\n"))

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request is logged by do_POST

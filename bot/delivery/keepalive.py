"""slack_sdk's WebClient over kept-alive connections.

slack_sdk sends every Web API call through `urllib.request.urlopen`, which opens a new
connection and, to slack.com, a new TLS session for each call, and closes it after one
answer. Here a call borrows an idle connection to the same host, if one was used less than
`MAX_IDLE` ago, and returns it after reading the whole answer. Everything else stays
slack_sdk's: the request it builds, its retry handlers, its error handling. So the answer is
handed back as urllib would have handed it over: a status below 200 or from 300 up raises
`HTTPError`, a failure while sending raises `URLError`, one while reading the answer
propagates as raised. Calls through a proxy (`proxy=`, or `HTTPS_PROXY` and friends in
the environment, which urllib honours) go through urllib unchanged.

No call is sent twice here. A connection the server closed while it sat idle is noticed
before it is reused, as urllib3 does; one closed at the very moment of reuse fails the call
like any dropped connection, and the caller's own policy decides (slack_sdk's retry handlers,
or the ledger, which looks for a post by its metadata before posting again).
"""

from __future__ import annotations

import http.client
import io
import select
import socket
import threading
import time
import urllib.request
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient

# Node's HTTP server, which the independent Slack emulator runs on, closes a connection idle
# for 5 s; load balancers wait a minute or more. Reusing only below the shortest keeps the
# moment a server closes a connection away from the moment it is reused.
MAX_IDLE = 4.0  # seconds
# Idle connections kept per host; more are closed on return (the bot has up to 32 listener
# threads and its delivery workers calling at once, but bursts rarely reach this).
MAX_KEPT = 16

Origin = tuple[str, str, int]


class KeepAliveWebClient(WebClient):
    """A `WebClient` whose calls reuse idle connections; construct it as a `WebClient`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: dict[Origin, list[tuple[float, http.client.HTTPConnection]]] = {}
        self._direct: dict[Origin, bool] = {}
        self._idle_lock = threading.Lock()

    def _perform_urllib_http_request_internal(
        self, url: str, req: urllib.request.Request
    ) -> dict[str, Any]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            return super()._perform_urllib_http_request_internal(url, req)
        origin = (scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80))
        if not self._goes_direct(origin):
            return super()._perform_urllib_http_request_internal(url, req)
        connection = self._borrow(origin)
        try:
            try:
                if connection.sock is None:
                    _connect(connection)
                connection.request(
                    req.get_method(), req.selector, req.data, dict(req.header_items())
                )
            except OSError as error:
                raise URLError(error) from error
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._give_back(origin, connection)
        if not 200 <= response.status < 300:
            raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(body))
        if response.msg.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.msg, "body": body}
        charset = response.msg.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.msg, "body": body.decode(charset)}

    def _goes_direct(self, origin: Origin) -> bool:
        """Whether urllib would connect to `origin` itself rather than through a proxy."""
        with self._idle_lock:
            known = self._direct.get(origin)
        if known is None:
            scheme, host, _port = origin
            known = self.proxy is None and not (
                scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(host)
            )
            with self._idle_lock:
                self._direct[origin] = known
        return known

    def _borrow(self, origin: Origin) -> http.client.HTTPConnection:
        now = time.monotonic()
        while True:
            with self._idle_lock:
                kept = self._idle.get(origin)
                if not kept:
                    break
                returned_at, connection = kept.pop()
            if now - returned_at < MAX_IDLE and _still_open(connection):
                return connection
            connection.close()
        scheme, host, port = origin
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.ssl)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def _give_back(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        now = time.monotonic()
        with self._idle_lock:
            kept = self._idle.setdefault(origin, [])
            # Those idle too long are closed here too, not only when next borrowed: a host
            # called once holds no sockets for the life of the process.
            expired = [old for returned_at, old in kept if now - returned_at >= MAX_IDLE]
            kept[:] = [(returned_at, c) for returned_at, c in kept if now - returned_at < MAX_IDLE]
            if len(kept) < MAX_KEPT:
                kept.append((now, connection))
            else:
                expired.append(connection)
        for old in expired:
            old.close()

    def close(self) -> None:
        """Close every idle connection (a call after this opens a new one)."""
        with self._idle_lock:
            kept = [connection for idle in self._idle.values() for _, connection in idle]
            self._idle.clear()
        for connection in kept:
            connection.close()


def _connect(connection: http.client.HTTPConnection) -> None:
    connection.connect()
    # Headers and body leave in two writes; Nagle would hold the body until the server
    # acknowledged the headers, up to 40 ms later on a kept-alive connection.
    if connection.sock is not None:
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """An idle connection has nothing to read; if it has, the server closed it (or broke the
    protocol) and it must not carry another request."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return not poller.poll(0)
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable

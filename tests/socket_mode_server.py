"""A Socket Mode endpoint for tests: the WebSocket Slack's apps.connections.open points to.

Just enough of RFC 6455 for slack_sdk's built-in client: the handshake, unmasked frames
from the server, masked frames from the client, ping/pong and close. It says `hello` on
connect, as Slack does, and records every envelope the bot acknowledges.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import uuid
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def _frame(opcode: int, payload: bytes) -> bytes:
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    elif len(payload) < 1 << 16:
        head += bytes([126]) + struct.pack(">H", len(payload))
    else:
        head += bytes([127]) + struct.pack(">Q", len(payload))
    return head + payload


def _read_exactly(conn: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _read_frame(conn: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(conn, 2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack(">H", _read_exactly(conn, 2))[0]
    elif length == 127:
        length = struct.unpack(">Q", _read_exactly(conn, 8))[0]
    mask = _read_exactly(conn, 4) if second & 0x80 else b"\0\0\0\0"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(_read_exactly(conn, length)))
    return first & 0x0F, payload


class SocketModeServer:
    """Listen on loopback; `url` is what apps.connections.open should answer."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket=test"
        self.acks: list[str] = []
        self.connected = threading.Event()
        self._acked = threading.Condition()
        self._conn: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="socket-mode")
        self._thread.start()

    def _accept(self) -> None:
        try:
            conn, _ = self._listener.accept()
        except OSError:
            return
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        key = next(
            line.split(":", 1)[1].strip()
            for line in request.decode().split("\r\n")
            if line.lower().startswith("sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._conn = conn
        self.send({"type": "hello", "num_connections": 1, "debug_info": {"host": "test"}})
        self.connected.set()
        try:
            while True:
                opcode, payload = _read_frame(conn)
                if opcode == PING:
                    with self._send_lock:
                        conn.sendall(_frame(PONG, payload))
                elif opcode == CLOSE:
                    return
                elif opcode == TEXT:
                    envelope_id = json.loads(payload).get("envelope_id")
                    with self._acked:
                        self.acks.append(envelope_id)
                        self._acked.notify_all()
        except (ConnectionError, OSError):
            return

    def send(self, message: dict[str, Any]) -> None:
        assert self._conn is not None, "nobody connected"
        with self._send_lock:
            self._conn.sendall(_frame(TEXT, json.dumps(message).encode()))

    def send_event(self, event: dict[str, Any]) -> str:
        """An Events API envelope as Slack sends it over Socket Mode; returns its id."""
        envelope_id = str(uuid.uuid4())
        self.send(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "payload": {
                    "token": "legacy",
                    "team_id": "T0001",
                    "api_app_id": "A0001",
                    "type": "event_callback",
                    "event_id": f"Ev{envelope_id[:8]}",
                    "event_time": 1,
                    "event": event,
                },
            }
        )
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 30) -> bool:
        with self._acked:
            return self._acked.wait_for(lambda: envelope_id in self.acks, timeout)

    def close(self) -> None:
        self._listener.close()
        if self._conn is not None:
            self._conn.close()

"""A local stand-in for Slack's Web API: real HTTP on loopback, real state, recorded calls.

The bot talks to it through an ordinary `slack_sdk.WebClient(base_url=standin.base_url)`;
nothing in slack_sdk is patched. It keeps users, channels, messages, threads, pins, reactions,
views and uploaded files, records every call, and can be told to fail the next calls the way
Slack fails (429 with Retry-After, 5xx, or `ok: false` with an error code).

Deliberate leniencies (real Slack is stricter): private channels are listed and described
even to a bot that is not a member, and deactivated users can still be DMed.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import json
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlparse
from zoneinfo import ZoneInfo

Args = dict[str, Any]
Answer = dict[str, Any]

# Form-encoded callers send these as JSON strings; JSON callers send them as objects.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata", "files")
_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100


class SlackError(Exception):
    """A Slack error code; the dispatcher turns it into `{"ok": false, "error": code}`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Message:
    """One message as the stand-in stores it; chat.update edits it in place."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    edited: bool = False
    reply_broadcast: bool = False
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[str] = field(default_factory=list)
    bot_id: str | None = None
    # A file share (files.completeUploadExternal): the files it shows, as Slack lists them.
    files: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> Answer:
        """The message as Slack's API shows it."""
        shown: Answer = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text}
        optional = {
            "blocks": self.blocks,
            "attachments": self.attachments,
            "thread_ts": self.thread_ts,
            "metadata": self.metadata,
            "bot_id": self.bot_id,
            "edited": {"user": self.user, "ts": self.ts} if self.edited else None,
            "reactions": [{"name": name, "count": 1} for name in self.reactions],
            "files": self.files,
            "upload": bool(self.files),
            "subtype": "file_share" if self.files else None,
        }
        return shown | {key: value for key, value in optional.items() if value}


@dataclass
class Ephemeral:
    """A message only `user` sees in `channel` ("Only visible to you")."""

    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Channel:
    """A conversation; `messages` holds top-level messages and thread replies in post order."""

    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    is_archived: bool = False
    is_ext_shared: bool = False
    members: set[str] = field(default_factory=set)
    messages: list[Message] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    im_user: str | None = None

    @property
    def kind(self) -> str:
        """The `types` value conversations.list filters this channel by."""
        if self.is_im:
            return "im"
        return "private_channel" if self.is_private else "public_channel"

    def info(self, bot_user: str) -> Answer:
        """The channel object of conversations.info / conversations.list."""
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_im and not self.is_private,
            "is_group": self.is_private,
            "is_private": self.is_private,
            "is_im": self.is_im,
            "is_archived": self.is_archived,
            "is_member": bot_user in self.members,
            "is_ext_shared": self.is_ext_shared,
            "num_members": len(self.members),
            **({"user": self.im_user} if self.is_im else {}),
        }


@dataclass
class User:
    """A workspace member; `tz` must be an IANA zone name."""

    id: str
    name: str
    real_name: str
    tz: str
    is_bot: bool = False
    deleted: bool = False

    def to_api(self) -> Answer:
        """The user object of users.info, with the zone's offset as of now."""
        now = datetime.now(UTC).astimezone(ZoneInfo(self.tz))
        offset = now.utcoffset()
        return {
            "id": self.id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {"real_name": self.real_name, "display_name": self.name},
        }


@dataclass
class Call:
    """One Web API call as the stand-in answered it (`args` never include the token)."""

    method: str
    args: Args
    response: Answer
    status: int
    at: float


@dataclass(frozen=True)
class _Failure:
    error: str | None
    status: int
    retry_after: int | None

    def answer(self) -> tuple[int, Answer, dict[str, str]]:
        if self.error == "ratelimited" or self.status == 429:
            headers = {"Retry-After": str(self.retry_after or 0)}
            return 429, {"ok": False, "error": "ratelimited"}, headers
        return self.status, {"ok": False, "error": self.error or "internal_error"}, {}


class Hold(NamedTuple):
    """A held answer: `arrived` is set once the call took effect; set `release` to answer."""

    arrived: threading.Event
    release: threading.Event


class _Reply(NamedTuple):
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def _json_reply(status: int, answer: Answer, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(answer).encode(), headers=tuple((headers or {}).items()))


def _text_reply(status: int, text: str) -> _Reply:
    return _Reply(status, text.encode(), "text/plain; charset=utf-8")


def _flag(value: Any) -> bool:
    """A boolean argument as JSON (`true`) or form-encoded by slack_sdk (`"1"`) sends it."""
    return value is True or str(value).lower() in {"1", "true"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: with the bot's 32 listener threads and its delivery
    # workers calling at once, extra connections had their SYN dropped and the client's
    # retransmit came 1 s then 3 s later, long enough for an ack to miss Slack's 3 s.
    request_queue_size = 128

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.connections_accepted = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
            self.connections_accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            with contextlib.suppress(OSError):  # the client already closed it
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # As Slack does: connections stay open for the next call (slack_sdk's urllib still
    # closes each; the bot's KeepAliveWebClient reuses them).
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; Nagle would hold the body until the client
    # acknowledged the headers, up to 40 ms later on a kept-alive connection.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        reply = self.server.standin._serve(self)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # test output stays readable; `calls` is the log


class SlackStandIn:
    """Start it (or use it as a context manager), then point a WebClient at `base_url`."""

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T0001",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.bot_token = bot_token
        # Message timestamps follow this clock when given (the sandbox's injected clock);
        # without it they count up from a fixed instant.
        self._now = now
        # Who each trigger belongs to, and each person's stack of open modals (view IDs):
        # kept for triggers made with `new_trigger_id(user)`, as the sandbox does.
        self._trigger_users: dict[str, str] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        # Where a response_url's answers are shown: (person, channel).
        self.response_places: dict[str, tuple[str, str]] = {}
        # What only one person sees, with a ts to place it among the messages: ephemerals,
        # answers to a response_url with a known place, and slash command answers.
        self.ephemeral_log: list[Ephemeral] = []
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.team_id = team_id
        self.calls: list[Call] = []
        self.ephemerals: list[tuple[str, str, str, list[dict[str, Any]]]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self._users: dict[str, User] = {}
        self._channels: dict[str, Channel] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._external_ids: dict[str, str] = {}
        self._opened_views: list[dict[str, Any]] = []
        self._home_ids: dict[str, str] = {}
        self._published: dict[str, list[dict[str, Any]]] = {}
        self._triggers: dict[str, str] = {}  # trigger id -> "fresh" | "used" | "expired"
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._lost_answers: dict[str, int] = {}
        self._holds: dict[str, list[list[Any]]] = {}  # method -> [[calls to let by, Hold]]
        self._ids = itertools.count(1)
        self._ts = itertools.count(100)
        # Re-entrant so `wait_for` predicates may call the inspection methods.
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Args], Answer]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._permalink,
            "chat.delete": self._delete_message,
            "conversations.info": self._conversation_info,
            "conversations.list": self._conversation_list,
            "conversations.join": self._join,
            "conversations.open": self._open_im,
            "conversations.history": self._history,
            "conversations.replies": self._thread_replies,
            "conversations.members": self._members,
            "pins.add": self._pin,
            "pins.remove": self._unpin,
            "pins.list": self._pin_list,
            "reactions.add": self._react,
            "reactions.remove": self._unreact,
            "users.info": self._user_info,
            "users.list": self._user_list,
            "views.open": self._open_view,
            "views.push": self._push_view,
            "views.update": self._update_view,
            "views.publish": self._publish_view,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "apps.connections.open": self._open_socket_connection,
        }
        self.add_user(bot_user_id, "escalation-bot", is_bot=True)
        # What auth.test reports in its `x-oauth-scopes` header, as Slack does; None: no header.
        self.granted_scopes: list[str] | None = None
        # Socket Mode: apps.connections.open takes only this app-level token and answers with
        # `socket_mode_url` (a test's WebSocket server); None answers as if Slack had none.
        self.app_token = "xapp-1-test-app-token"
        self.socket_mode_url: str | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Serve on an ephemeral loopback port from a daemon thread; returns self."""
        self._server = _Server(self)
        # A short poll keeps stop() quick: shutdown() waits for the serve loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            # A stopped Slack answers nothing more, even on a connection opened before.
            self._server.close_connections()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def connections_accepted(self) -> int:
        """How many connections clients have opened to this stand-in since it started."""
        assert self._server is not None, "start() the stand-in first"
        return self._server.connections_accepted

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:PORT`, the server's origin."""
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """The WebClient `base_url`, ending in `/` as slack_sdk requires."""
        return self.root_url + "/api/"

    # -- building the world -------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "America/Los_Angeles",
        is_bot: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
    ) -> str:
        """Add (or replace) a user; raises at once if `tz` is not a known zone."""
        ZoneInfo(tz)
        with self._lock:
            self._users[user_id] = User(user_id, name, real_name or name, tz, is_bot, deleted)
        return user_id

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        members: Iterable[str] = (),
        is_ext_shared: bool = False,
        is_archived: bool = False,
        bot_member: bool = False,
    ) -> str:
        """Add a channel and return its ID; the bot is a member only with `bot_member`."""
        with self._lock:
            channel_id = channel_id or f"C{next(self._ids):04d}"
            members = set(members) | ({self.bot_user_id} if bot_member else set())
            self._channels[channel_id] = Channel(
                channel_id,
                name,
                is_private=is_private,
                is_archived=is_archived,
                is_ext_shared=is_ext_shared,
                members=members,
            )
        return channel_id

    def new_trigger_id(self, user: str | None = None) -> str:
        """A trigger_id that views.open / views.push accept once; with `user`, the modal it
        opens goes on that person's stack (`modal_stacks`)."""
        with self._lock:
            trigger = f"{next(self._ids)}.{self.team_id}.trigger"
            self._triggers[trigger] = "fresh"
            if user:
                self._trigger_users[trigger] = user
        return trigger

    def expire_trigger(self, trigger_id: str) -> None:
        """Make `trigger_id` answer `expired_trigger_id` from now on."""
        with self._lock:
            self._triggers[trigger_id] = "expired"

    def new_response_url(self, user: str | None = None, channel: str | None = None) -> str:
        """A response_url on this server; JSON POSTed there is kept for `responses()` (and,
        given `user` and `channel`, `response_places` says where it is shown)."""
        with self._lock:
            key = f"R{next(self._ids):04d}"
            self._responses[key] = []
            if user and channel:
                self.response_places[key] = (user, channel)
        return f"{self.root_url}/response/{key}"

    def post_user_message(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person posts in a channel or thread (no API call is recorded); returns its ts."""
        with self._changed:
            channel = self._channels.get(channel_id)
            if channel is None:
                raise ValueError(f"no channel {channel_id}")
            if thread_ts and not any(m.ts == thread_ts for m in channel.messages):
                raise ValueError(f"no message {thread_ts} in {channel_id} to reply to")
            message = Message(self._next_ts(), channel_id, user_id, text, thread_ts=thread_ts)
            channel.messages.append(message)
            self._changed.notify_all()
            return message.ts

    # -- error injection ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` fail like Slack does, without side effects.

        `error="ratelimited"` (or `status=429`) answers 429 with `Retry-After` (default 0);
        any other status answers that status with `{"ok": false, "error": error}`, the error
        defaulting to `internal_error`. Failures queue up and are consumed in order.
        """
        if error is None and status < 400:
            raise ValueError("fail_next needs an error code or an HTTP error status")
        with self._lock:
            failure = _Failure(error, status, retry_after)
            self._failures.setdefault(method, []).extend([failure] * times)

    def recover(self, method: str) -> None:
        """Drop the failures still queued for `method`: Slack answers normally again."""
        with self._lock:
            self._failures.pop(method, None)

    def hold_answer_next(self, method: str, *, after: int = 0) -> Hold:
        """After `after` calls, the next call to `method` takes effect, then its answer waits
        until released: the moment to kill the caller (Slack did it; the caller never knew)."""
        hold = Hold(threading.Event(), threading.Event())
        with self._lock:
            self._holds.setdefault(method, []).append([after, hold])
        return hold

    def drop_connections(self) -> None:
        """Close every connection clients keep open, as a server ending idle ones does."""
        assert self._server is not None, "start() the stand-in first"
        self._server.close_connections()

    def lose_answer_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls to `method` take effect, then answer 500: the caller can't
        tell whether Slack did it (a timeout or a 500 after success in real life)."""
        with self._lock:
            self._lost_answers[method] = self._lost_answers.get(method, 0) + times

    # -- inspection ---------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Recorded calls to `method`, oldest first."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Re-checks `predicate` after every call and response_url post; its value at the end.

        The predicate runs under the stand-in's lock, so it sees no half-applied call.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return bool(predicate())
                self._changed.wait(remaining)
            return True

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """All calls to `method` once there are at least `count`; AssertionError on timeout.

        A call counts once the stand-in has applied it, just before its answer is sent.
        """
        if not self.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
            with self._lock:
                seen = [call.method for call in self.calls]
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s; calls seen: {seen}"
            )
        return self.calls_to(method)

    def messages(self, channel_id: str) -> list[Message]:
        """Top-level messages in the channel, oldest first (no thread replies)."""
        with self._lock:
            return [m for m in self._channels[channel_id].messages if m.thread_ts is None]

    def replies(self, channel_id: str, thread_ts: str) -> list[Message]:
        """Replies in the thread under `thread_ts`, oldest first (not the parent)."""
        with self._lock:
            return [m for m in self._channels[channel_id].messages if m.thread_ts == thread_ts]

    def pinned(self, channel_id: str) -> list[str]:
        """The ts of each pinned message, in pin order."""
        with self._lock:
            return list(self._channels[channel_id].pins)

    def dm_channel(self, user_id: str) -> str | None:
        """The ID of the bot's IM with `user_id`, if one has been opened."""
        with self._lock:
            return next((c.id for c in self._channels.values() if c.im_user == user_id), None)

    def dms_to(self, user_id: str) -> list[Message]:
        """Top-level messages the bot posted in its IM with `user_id`."""
        with self._lock:
            channel = self.dm_channel(user_id)
            if channel is None:
                return []
            return [m for m in self.messages(channel) if m.user == self.bot_user_id]

    def responses(self, response_url: str) -> list[dict[str, Any]]:
        """Payloads POSTed to `response_url`, oldest first."""
        with self._lock:
            return list(self._responses.get(response_url.rsplit("/", 1)[-1], []))

    def views_published(self, user_id: str) -> list[dict[str, Any]]:
        """App Home views published for `user_id`, oldest first."""
        with self._lock:
            return list(self._published.get(user_id, []))

    def opened_views(self) -> list[dict[str, Any]]:
        """Views opened or pushed, as opened (each with its `id`), oldest first."""
        with self._lock:
            return list(self._opened_views)

    def view(self, view_id: str) -> dict[str, Any]:
        """The current state of a view, after any views.update."""
        with self._lock:
            return self._views[view_id]

    def add_ephemeral(self, channel_id: str, user: str, text: Any, blocks: Any = None) -> str:
        """Show `text` / `blocks` to `user` alone in a channel; returns its ts."""
        with self._changed:
            ts = self._next_ts()
            shown = Ephemeral(ts, channel_id, user, str(text or ""), list(blocks or []))
            self.ephemeral_log.append(shown)
            self._changed.notify_all()
        return ts

    def put_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Store `view` under `view_id` (a submission answered `update` or `push`)."""
        with self._changed:
            stored = self._stored_view(view, view_id)
            self._changed.notify_all()
        return stored

    def open_dm(self, user_id: str) -> str:
        """The ID of the bot's IM with `user_id`, opened if needed (as a person opening it)."""
        with self._changed:
            channel = self._im_for(user_id)[0]
            self._changed.notify_all()
        return channel.id

    def new_view_id(self) -> str:
        with self._lock:
            return f"V{next(self._ids):04d}"

    def users(self) -> list[User]:
        """Every workspace member, bot users included, in the order they were added."""
        with self._lock:
            return list(self._users.values())

    def channels(self) -> list[Channel]:
        """Every conversation, IMs included, in the order they were made."""
        with self._lock:
            return list(self._channels.values())

    def all_messages(self, channel_id: str) -> list[Message]:
        """Top-level messages and thread replies of a channel, in post order."""
        with self._lock:
            return list(self._channels[channel_id].messages)

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Files shared by files.completeUploadExternal, with their `content` bytes."""
        with self._lock:
            return [f for f in self.files.values() if f.get("shared")]

    # -- HTTP ---------------------------------------------------------------------------------

    def _serve(self, request: BaseHTTPRequestHandler) -> _Reply:
        url = urlparse(request.path)
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        route, _, name = url.path.lstrip("/").partition("/")
        if route == "api":
            headers = request.headers
            auth = headers.get("Authorization", "")
            return self._api(name, url.query, body, headers.get("Content-Type", ""), auth)
        if route == "response":
            return self._receive_response(name, body)
        if route == "upload":
            return self._receive_upload(name, body)
        return _text_reply(404, "not found")

    def _api(
        self, method: str, query: str, body: bytes, content_type: str, authorization: str
    ) -> _Reply:
        problem = None
        try:
            args = self._decode_args(query, body, content_type)
        except (ValueError, TypeError, UnicodeDecodeError):
            args, problem = {}, SlackError("invalid_json")
        token = str(args.pop("token", ""))
        token = authorization.removeprefix("Bearer ").strip() or token
        reply = _json_reply(*self._answer(method, args, token, problem))
        hold = None
        with self._lock:
            if self._holds.get(method):
                waiting = self._holds[method][0]
                if waiting[0] > 0:
                    waiting[0] -= 1
                else:
                    hold = self._holds[method].pop(0)[1]
        if hold is not None:
            hold.arrived.set()
            hold.release.wait(timeout=60)
        return reply

    @staticmethod
    def _decode_args(query: str, body: bytes, content_type: str) -> Args:
        args: Args = dict(parse_qsl(query, keep_blank_values=True))
        if body and "json" in content_type:
            args.update(json.loads(body))
        elif body:
            args.update(parse_qsl(body.decode(), keep_blank_values=True))
        for key in _JSON_FIELDS:
            if isinstance(args.get(key), str) and args[key]:
                args[key] = json.loads(args[key])
        return args

    def _answer(
        self, method: str, args: Args, token: str, problem: SlackError | None = None
    ) -> tuple[int, Answer, dict[str, str]]:
        """Apply one call under the lock, record it and wake waiters."""
        with self._changed:
            status, headers = 200, dict[str, str]()
            try:
                if problem:
                    raise problem
                self._authenticate(token, method)
                failures = self._failures.get(method)
                if failures:
                    status, answer, headers = failures.pop(0).answer()
                elif method not in self._methods:
                    raise SlackError("unknown_method")
                else:
                    answer = {"ok": True, **self._methods[method](args)}
                    if method == "auth.test" and self.granted_scopes is not None:
                        headers = {"x-oauth-scopes": ",".join(self.granted_scopes)}
                    if self._lost_answers.get(method):
                        # Done, but the caller never hears so: Slack's 500 after success.
                        self._lost_answers[method] -= 1
                        status, answer = 500, {"ok": False, "error": "internal_error"}
            except SlackError as error:
                answer = {"ok": False, "error": error.code}
            except Exception as error:
                # A bug in the stand-in must fail the call visibly, not hang the client.
                traceback.print_exc()
                status = 500
                answer = {"ok": False, "error": "internal_error", "standin_bug": repr(error)}
            self.calls.append(Call(method, args, answer, status, time.monotonic()))
            self._changed.notify_all()
            return status, answer, headers

    def _authenticate(self, token: str, method: str = "") -> None:
        if not token:
            raise SlackError("not_authed")
        if method == "apps.connections.open":
            if token == self.bot_token:
                raise SlackError("not_allowed_token_type")
            if token != self.app_token:
                raise SlackError("invalid_auth")
            return
        if token != self.bot_token:
            raise SlackError("invalid_auth")

    def _receive_response(self, key: str, body: bytes) -> _Reply:
        with self._changed:
            if key not in self._responses:
                return _text_reply(404, "no_service")
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                return _text_reply(400, "invalid_payload")
            self._responses[key].append(payload)
            if key in self.response_places and isinstance(payload, dict):
                user, channel_id = self.response_places[key]
                self.add_ephemeral(channel_id, user, payload.get("text"), payload.get("blocks"))
            self._changed.notify_all()
        return _text_reply(200, "ok")

    def _receive_upload(self, file_id: str, body: bytes) -> _Reply:
        with self._changed:
            if file_id not in self.files:
                return _text_reply(404, "not found")
            self.files[file_id]["content"] = body
            self._changed.notify_all()
        return _text_reply(200, f"OK - {len(body)}")

    # -- helpers (called with the lock held) --------------------------------------------------

    def _next_ts(self) -> str:
        seconds = int(self._now().timestamp()) if self._now else 1700000000
        return f"{seconds}.{next(self._ts):06d}"

    def _channel(self, channel_id: Any) -> Channel:
        channel = self._channels.get(str(channel_id or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _member_channel(self, channel_id: Any, *, reading: bool = False) -> Channel:
        """A channel the bot is in (any IM counts); only reading is allowed once archived."""
        channel = self._channel(channel_id)
        if channel.is_archived and not reading:
            raise SlackError("is_archived")
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _im_for(self, user_id: str) -> tuple[Channel, bool]:
        """The bot's IM with `user_id`, opening it if needed; and whether it already existed."""
        if user_id not in self._users:
            raise SlackError("user_not_found")
        existing = next((c for c in self._channels.values() if c.im_user == user_id), None)
        if existing:
            return existing, True
        channel = Channel(
            f"D{next(self._ids):04d}",
            user_id,
            is_im=True,
            im_user=user_id,
            members={user_id, self.bot_user_id},
        )
        self._channels[channel.id] = channel
        return channel, False

    @staticmethod
    def _message(channel: Channel, ts: Any, missing: str = "message_not_found") -> Message:
        message = next((m for m in channel.messages if m.ts == str(ts or "")), None)
        if message is None:
            raise SlackError(missing)
        return message

    @staticmethod
    def _page(items: list[Any], args: Args, key: str) -> Answer:
        """One page of `items` by `limit` and an opaque `cursor`, like Slack paginates."""
        limit = min(int(args.get("limit") or 100), 1000)
        start = 0
        if args.get("cursor"):
            try:
                start = int(base64.b64decode(str(args["cursor"])).decode().removeprefix("o:"))
            except (ValueError, binascii.Error) as error:
                raise SlackError("invalid_cursor") from error
        end = start + limit
        cursor = base64.b64encode(f"o:{end}".encode()).decode() if end < len(items) else ""
        return {key: items[start:end], "response_metadata": {"next_cursor": cursor}}

    @staticmethod
    def _check_blocks(blocks: Any, most: int) -> list[dict[str, Any]]:
        if not blocks:
            return []
        valid = isinstance(blocks, list) and all(
            isinstance(block, dict) and block.get("type") for block in blocks
        )
        if not valid or len(blocks) > most:
            raise SlackError("invalid_blocks")
        return list(blocks)

    @staticmethod
    def _check_metadata(metadata: Any) -> dict[str, Any] | None:
        if not metadata:
            return None
        if not isinstance(metadata, dict) or not metadata.get("event_type"):
            raise SlackError("invalid_metadata_format")
        return metadata

    # -- auth and chat ------------------------------------------------------------------------

    def _auth_test(self, _args: Args) -> Answer:
        return {
            "url": "https://example.slack.com/",
            "team": "Example",
            "team_id": self.team_id,
            "user": self._users[self.bot_user_id].name,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _open_socket_connection(self, _args: Args) -> Answer:
        if self.socket_mode_url is None:
            raise SlackError("internal_error")
        return {"url": self.socket_mode_url}

    def _post_message(self, args: Args) -> Answer:
        target = str(args.get("channel") or "")
        if target[:1] in ("U", "W"):
            if target not in self._users:
                raise SlackError("channel_not_found")
            channel = self._im_for(target)[0]
        else:
            channel = self._member_channel(target)
        blocks = self._check_blocks(args.get("blocks"), _MAX_MESSAGE_BLOCKS)
        attachments = args.get("attachments") or []
        if not args.get("text") and not blocks and not attachments:
            raise SlackError("no_text")
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        if thread_ts:
            self._message(channel, thread_ts, missing="thread_not_found")
        message = Message(
            self._next_ts(),
            channel.id,
            self.bot_user_id,
            str(args.get("text") or ""),
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=self._check_metadata(args.get("metadata")),
            reply_broadcast=_flag(args.get("reply_broadcast")),
            unfurl_links=_flag(args["unfurl_links"]) if "unfurl_links" in args else None,
            unfurl_media=_flag(args["unfurl_media"]) if "unfurl_media" in args else None,
            attachments=attachments,
            bot_id=self.bot_id,
        )
        channel.messages.append(message)
        return {"channel": channel.id, "ts": message.ts, "message": message.to_api()}

    def _update_message(self, args: Args) -> Answer:
        channel = self._channel(args.get("channel"))
        message = self._message(channel, args.get("ts"))
        if message.user != self.bot_user_id:
            raise SlackError("cant_update_message")
        if "blocks" in args:
            message.blocks = self._check_blocks(args["blocks"], _MAX_MESSAGE_BLOCKS)
        if "text" in args:
            message.text = str(args["text"] or "")
        if "metadata" in args:
            message.metadata = self._check_metadata(args["metadata"])
        message.edited = True
        return {
            "channel": channel.id,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_api(),
        }

    def _post_ephemeral(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"))
        user = str(args.get("user") or "")
        if user not in self._users:
            raise SlackError("user_not_found")
        if not channel.is_im and user not in channel.members:
            raise SlackError("user_not_in_channel")
        blocks = self._check_blocks(args.get("blocks"), _MAX_MESSAGE_BLOCKS)
        if not args.get("text") and not blocks:
            raise SlackError("no_text")
        self.ephemerals.append((channel.id, user, str(args.get("text") or ""), blocks))
        return {"message_ts": self.add_ephemeral(channel.id, user, args.get("text"), blocks)}

    def _permalink(self, args: Args) -> Answer:
        channel = self._channel(args.get("channel"))
        message = self._message(channel, args.get("message_ts"))
        link = f"https://example.slack.com/archives/{channel.id}/p{message.ts.replace('.', '')}"
        if message.thread_ts:
            link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _delete_message(self, args: Args) -> Answer:
        channel = self._channel(args.get("channel"))
        message = self._message(channel, args.get("ts"))
        if message.user != self.bot_user_id:
            raise SlackError("cant_delete_message")
        channel.messages.remove(message)
        if message.ts in channel.pins:
            channel.pins.remove(message.ts)
        return {"channel": channel.id, "ts": message.ts}

    # -- conversations ------------------------------------------------------------------------

    def _conversation_info(self, args: Args) -> Answer:
        return {"channel": self._channel(args.get("channel")).info(self.bot_user_id)}

    def _conversation_list(self, args: Args) -> Answer:
        kinds = set(str(args.get("types") or "public_channel").split(","))
        skip_archived = _flag(args.get("exclude_archived"))
        channels = [
            c.info(self.bot_user_id)
            for c in self._channels.values()
            if c.kind in kinds and not (skip_archived and c.is_archived)
        ]
        return self._page(channels, args, "channels")

    def _join(self, args: Args) -> Answer:
        channel = self._channel(args.get("channel"))
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_private or channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        already = self.bot_user_id in channel.members
        channel.members.add(self.bot_user_id)
        answer: Answer = {"channel": channel.info(self.bot_user_id)}
        if already:
            answer["warning"] = "already_in_channel"
        return answer

    def _open_im(self, args: Args) -> Answer:
        users = args.get("users") or ""
        users = users if isinstance(users, list) else str(users).split(",")
        if len(users) != 1:
            raise SlackError("not_supported_by_standin")  # group DMs are not modelled
        channel, already_open = self._im_for(users[0].strip())
        return {"channel": {"id": channel.id}, "already_open": already_open}

    def _history(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"), reading=True)
        inclusive = _flag(args.get("inclusive"))
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")

        def in_range(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        shown = [
            self._with_thread_summary(channel, m)
            for m in reversed(channel.messages)
            if (m.thread_ts is None or m.reply_broadcast) and in_range(float(m.ts))
        ]
        page = self._page(shown, args, "messages")
        return page | {"has_more": bool(page["response_metadata"]["next_cursor"])}

    def _thread_replies(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"), reading=True)
        found = self._message(channel, args.get("ts"), missing="thread_not_found")
        parent = self._message(channel, found.thread_ts) if found.thread_ts else found
        thread = [parent, *[m for m in channel.messages if m.thread_ts == parent.ts]]
        shown = [self._with_thread_summary(channel, parent), *[m.to_api() for m in thread[1:]]]
        page = self._page(shown, args, "messages")
        return page | {"has_more": bool(page["response_metadata"]["next_cursor"])}

    @staticmethod
    def _with_thread_summary(channel: Channel, message: Message) -> Answer:
        shown = message.to_api()
        replies = [m for m in channel.messages if m.thread_ts == message.ts]
        if replies:
            shown |= {
                "thread_ts": message.ts,
                "reply_count": len(replies),
                "latest_reply": replies[-1].ts,
            }
        return shown

    def _members(self, args: Args) -> Answer:
        return self._page(sorted(self._channel(args.get("channel")).members), args, "members")

    # -- pins and reactions -------------------------------------------------------------------

    def _pin(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"))
        message = self._message(channel, args.get("timestamp"))
        if message.ts in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(message.ts)
        return {}

    def _unpin(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"))
        message = self._message(channel, args.get("timestamp"))
        if message.ts not in channel.pins:
            raise SlackError("no_pin")
        channel.pins.remove(message.ts)
        return {}

    def _pin_list(self, args: Args) -> Answer:
        channel = self._channel(args.get("channel"))
        pinned = [self._message(channel, ts) for ts in channel.pins]
        return {
            "items": [
                {"type": "message", "channel": channel.id, "message": m.to_api()} for m in pinned
            ]
        }

    def _react(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"))
        message = self._message(channel, args.get("timestamp"))
        name = str(args.get("name") or "").strip(":")
        if not name:
            raise SlackError("invalid_name")
        if name in message.reactions:
            raise SlackError("already_reacted")
        message.reactions.append(name)
        return {}

    def _unreact(self, args: Args) -> Answer:
        channel = self._member_channel(args.get("channel"))
        message = self._message(channel, args.get("timestamp"))
        name = str(args.get("name") or "").strip(":")
        if name not in message.reactions:
            raise SlackError("no_reaction")
        message.reactions.remove(name)
        return {}

    # -- users --------------------------------------------------------------------------------

    def _user_info(self, args: Args) -> Answer:
        user = self._users.get(str(args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_api()}

    def _user_list(self, args: Args) -> Answer:
        return self._page([u.to_api() for u in self._users.values()], args, "members")

    # -- views --------------------------------------------------------------------------------

    def _stored_view(self, view: Any, view_id: str) -> dict[str, Any]:
        """Validate a view payload and keep it under `view_id` with a fresh hash."""
        if not isinstance(view, dict) or not view.get("type"):
            raise SlackError("invalid_arguments")
        self._check_blocks(view.get("blocks"), _MAX_VIEW_BLOCKS)
        stored = view | {"id": view_id, "hash": f"{time.time():.6f}.{next(self._ids)}"}
        self._views[view_id] = stored
        if view.get("external_id"):
            self._external_ids[view["external_id"]] = view_id
        return stored

    def _open_view(self, args: Args) -> Answer:
        trigger = str(args.get("trigger_id") or "")
        state = self._triggers.get(trigger)
        if state is None:
            raise SlackError("invalid_trigger_id")
        if state != "fresh":
            raise SlackError("expired_trigger_id")
        view = self._stored_view(args.get("view"), f"V{next(self._ids):04d}")
        self._triggers[trigger] = "used"
        self._opened_views.append(view)
        user = self._trigger_users.get(trigger)
        if user:
            stack = self.modal_stacks.setdefault(user, [])
            if not (args.get("_pushed") and stack):
                stack.clear()
            stack.append(view["id"])
        return {"view": view}

    def _push_view(self, args: Args) -> Answer:
        return self._open_view(args | {"_pushed": True})

    def _update_view(self, args: Args) -> Answer:
        view_id = args.get("view_id") or self._external_ids.get(str(args.get("external_id")))
        if not view_id or view_id not in self._views:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != self._views[view_id]["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._stored_view(args.get("view"), view_id)}

    def _publish_view(self, args: Args) -> Answer:
        user = str(args.get("user_id") or "")
        if user not in self._users:
            raise SlackError("user_not_found")
        view_id = self._home_ids.setdefault(user, f"V{next(self._ids):04d}")
        view = self._stored_view(args.get("view"), view_id)
        self._published.setdefault(user, []).append(view)
        return {"view": view}

    # -- files (the three steps of WebClient.files_upload_v2) ---------------------------------

    def _upload_url(self, args: Args) -> Answer:
        if not args.get("filename") or not str(args.get("length") or "").isdigit():
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):04d}"
        self.files[file_id] = {
            "id": file_id,
            "filename": args["filename"],
            "length": int(args["length"]),
            "content": None,
            "shared": False,
        }
        return {"upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: Args) -> Answer:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        channel_ids = [str(args["channel_id"])] if args.get("channel_id") else []
        channel_ids += [c for c in str(args.get("channels") or "").split(",") if c]
        channels = [self._member_channel(c) for c in channel_ids]
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        if thread_ts:
            for channel in channels:
                self._message(channel, thread_ts, missing="thread_not_found")
        stored = [self.files.get(str(entry.get("id"))) for entry in entries]
        # Like Slack, an upload is completed once: completing it again finds no such upload.
        if any(f is None or f["content"] is None or f.get("completed") for f in stored):
            raise SlackError("file_not_found")
        shared = []
        for entry, file in zip(entries, stored, strict=True):
            assert file is not None
            file.update(
                title=entry.get("title") or file["filename"],
                channel=channels[0].id if channels else None,
                channels=[c.id for c in channels],
                initial_comment=args.get("initial_comment"),
                thread_ts=thread_ts,
                shared=bool(channels),
                completed=True,
            )
            shared.append({"id": file["id"], "name": file["filename"], "title": file["title"]})
        # Each channel shows the files in one message, the comment as its text.
        for channel in channels:
            channel.messages.append(
                Message(
                    self._next_ts(),
                    channel.id,
                    self.bot_user_id,
                    str(args.get("initial_comment") or ""),
                    thread_ts=thread_ts,
                    bot_id=self.bot_id,
                    files=[dict(entry) for entry in shared],
                )
            )
        return {"files": shared}

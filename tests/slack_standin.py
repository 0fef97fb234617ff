"""A local stand-in for Slack's Web API: real HTTP on loopback, real state, recorded calls.

The bot talks to it through an ordinary `slack_sdk.WebClient(base_url=...)`; nothing in
slack_sdk is patched. It keeps users, channels, messages, threads, pins and views, records
every call, and can be told to fail the next calls the way Slack fails (429 with
Retry-After, 5xx, or an `ok: false` error code).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse
from zoneinfo import ZoneInfo


class SlackError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Message:
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


@dataclass
class Channel:
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

    def info(self, bot_user: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_im,
            "is_private": self.is_private,
            "is_im": self.is_im,
            "is_archived": self.is_archived,
            "is_member": bot_user in self.members,
            "is_ext_shared": self.is_ext_shared,
            "num_members": len(self.members),
            **({"user": self.im_user} if self.is_im else {}),
        }


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    status: int
    at: float


@dataclass
class _Failure:
    error: str | None
    status: int
    retry_after: int | None


class SlackStandIn:
    """Start it (or use it as a context manager), then point a WebClient at `base_url`."""

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T0001",
    ) -> None:
        self.bot_token, self.bot_user_id, self.bot_id, self.team_id = (
            bot_token,
            bot_user_id,
            bot_id,
            team_id,
        )
        self.calls: list[Call] = []
        self.ephemerals: list[tuple[str, str, str, list]] = []
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, Channel] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._opened_views: list[dict[str, Any]] = []
        self._published: dict[str, list[dict[str, Any]]] = {}
        self._triggers: dict[str, str] = {}  # id -> "fresh" | "used" | "expired"
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._ts = itertools.count(100)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._permalink,
            "chat.delete": self._delete,
            "conversations.info": self._conversation_info,
            "conversations.list": self._conversation_list,
            "conversations.join": self._join,
            "conversations.open": self._open_im,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "conversations.members": self._members,
            "pins.add": self._pin,
            "pins.remove": self._unpin,
            "pins.list": self._pins,
            "users.info": self._user_info,
            "users.list": self._user_list,
            "views.open": self._view_open,
            "views.push": self._view_open,
            "views.update": self._view_update,
            "views.publish": self._view_publish,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> SlackStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                standin._handle(self)

            def do_POST(self) -> None:
                standin._handle(self)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/api/"

    # -- building the world ----------------------------------------------------------------------

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
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": real_name or name,
                "tz": tz,
                "is_bot": is_bot,
                "deleted": deleted,
            }
        return user_id

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        is_private: bool = False,
        members: tuple[str, ...] | list[str] = (),
        is_ext_shared: bool = False,
        is_archived: bool = False,
        bot_member: bool = False,
    ) -> str:
        with self._lock:
            channel_id = channel_id or f"C{next(self._ids):04d}"
            channel = Channel(
                channel_id,
                name,
                is_private=is_private,
                is_archived=is_archived,
                is_ext_shared=is_ext_shared,
                members=set(members),
            )
            if bot_member:
                channel.members.add(self.bot_user_id)
            self._channels[channel_id] = channel
        return channel_id

    def new_trigger_id(self) -> str:
        with self._lock:
            trigger = f"trigger-{next(self._ids)}"
            self._triggers[trigger] = "fresh"
        return trigger

    def expire_trigger(self, trigger_id: str) -> None:
        with self._lock:
            self._triggers[trigger_id] = "expired"

    def new_response_url(self) -> str:
        with self._lock:
            key = f"r{next(self._ids)}"
            self._responses[key] = []
        return f"{self.root_url}/response/{key}"

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` fail like Slack does, without side effects."""
        with self._lock:
            self._failures.setdefault(method, []).extend(
                _Failure(error, status, retry_after) for _ in range(times)
            )

    def post_user_message(
        self, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> str:
        """A person posts (what the bot would then hear about through the Events API)."""
        with self._lock:
            message = Message(self._next_ts(), channel_id, user_id, text, thread_ts=thread_ts)
            self._channels[channel_id].messages.append(message)
            self._changed.notify_all()
            return message.ts

    # -- inspection --------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Wakes on every call the stand-in receives; True once `predicate` holds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return predicate()
                self._changed.wait(remaining)
            return True

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        if not self.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
            seen = [call.method for call in self.calls]
            raise AssertionError(f"expected {count} call(s) to {method}; saw {seen}")
        return self.calls_to(method)

    def messages(self, channel_id: str) -> list[Message]:
        with self._lock:
            return [m for m in self._channels[channel_id].messages if m.thread_ts is None]

    def replies(self, channel_id: str, thread_ts: str) -> list[Message]:
        with self._lock:
            return [m for m in self._channels[channel_id].messages if m.thread_ts == thread_ts]

    def pinned(self, channel_id: str) -> list[str]:
        with self._lock:
            return list(self._channels[channel_id].pins)

    def dm_channel(self, user_id: str) -> str | None:
        with self._lock:
            return next((c.id for c in self._channels.values() if c.im_user == user_id), None)

    def dms_to(self, user_id: str) -> list[Message]:
        channel = self.dm_channel(user_id)
        return self.messages(channel) if channel else []

    def responses(self, response_url: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._responses.get(response_url.rsplit("/", 1)[-1], []))

    def views_published(self, user_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._published.get(user_id, []))

    def opened_views(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._opened_views)

    def uploaded_files(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f for f in self._files.values() if f.get("channel")]

    # -- HTTP --------------------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if url.path.startswith("/response/"):
            self._record_response(url.path.rsplit("/", 1)[-1], body)
            return self._reply(request, 200, b"ok", "text/plain")
        if url.path.startswith("/upload/"):
            with self._changed:
                self._files[url.path.rsplit("/", 1)[-1]]["content"] = body
                self._changed.notify_all()
            return self._reply(request, 200, b"OK - 1", "text/plain")
        method = url.path.removeprefix("/api/")
        args = dict(parse_qsl(url.query))
        content_type = request.headers.get("Content-Type", "")
        if body and "json" in content_type:
            args.update(json.loads(body))
        elif body:
            args.update(parse_qsl(body.decode()))
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        token = token or args.pop("token", "")
        for key in ("blocks", "attachments", "view", "metadata", "files"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(json.JSONDecodeError):
                    args[key] = json.loads(args[key])
        status, response, headers = self._dispatch(method, args, token)
        self._reply(request, status, json.dumps(response).encode(), "application/json", headers)

    def _reply(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    def _record_response(self, key: str, body: bytes) -> None:
        with self._changed:
            self._responses.setdefault(key, []).append(json.loads(body or b"{}"))
            self._changed.notify_all()

    def _dispatch(
        self, method: str, args: dict[str, Any], token: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._changed:
            status, headers = 200, {}
            failures = self._failures.get(method)
            if failures:
                failure = failures.pop(0)
                if failure.error == "ratelimited":
                    status, response = 429, {"ok": False, "error": "ratelimited"}
                    headers = {"Retry-After": str(failure.retry_after or 0)}
                elif failure.status >= 500:
                    status = failure.status
                    response = {"ok": False, "error": failure.error or "internal_error"}
                else:
                    response = {"ok": False, "error": failure.error}
            elif not token:
                response = {"ok": False, "error": "not_authed"}
            elif token != self.bot_token:
                response = {"ok": False, "error": "invalid_auth"}
            elif method not in self._methods:
                response = {"ok": False, "error": "unknown_method"}
            else:
                try:
                    response = {"ok": True, **self._methods[method](args)}
                except SlackError as error:
                    response = {"ok": False, "error": error.code}
            self.calls.append(Call(method, args, response, status, time.monotonic()))
            self._changed.notify_all()
            return status, response, headers

    # -- helpers -----------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _channel(self, channel_id: str) -> Channel:
        channel = self._channels.get(channel_id or "")
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _im_for(self, user_id: str) -> Channel:
        if user_id not in self._users:
            raise SlackError("user_not_found")
        existing = next((c for c in self._channels.values() if c.im_user == user_id), None)
        if existing:
            return existing
        channel = Channel(
            f"D{next(self._ids):04d}",
            user_id,
            is_im=True,
            im_user=user_id,
            members={user_id, self.bot_user_id},
        )
        self._channels[channel.id] = channel
        return channel

    def _writable(self, channel_id: str) -> Channel:
        if channel_id and channel_id[0] in "UW":
            return self._im_for(channel_id)
        channel = self._channel(channel_id)
        if channel.is_archived:
            raise SlackError("is_archived")
        if self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def _find(self, channel: Channel, ts: str) -> Message:
        message = next((m for m in channel.messages if m.ts == ts), None)
        if message is None:
            raise SlackError("message_not_found")
        return message

    def _page(self, items: list[dict[str, Any]], args: dict[str, Any], key: str) -> dict[str, Any]:
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        page = items[start : start + limit]
        more = start + limit < len(items)
        return {key: page, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    # -- methods -----------------------------------------------------------------------------------

    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://example.slack.com/",
            "team": "Example",
            "team_id": self.team_id,
            "user": "escalation-bot",
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(args.get("channel", ""))
        if not args.get("text") and not args.get("blocks"):
            raise SlackError("no_text")
        thread_ts = args.get("thread_ts") or None
        if thread_ts and not any(m.ts == thread_ts for m in channel.messages):
            raise SlackError("thread_not_found")
        message = Message(
            self._next_ts(),
            channel.id,
            self.bot_user_id,
            args.get("text", ""),
            blocks=args.get("blocks") or [],
            thread_ts=thread_ts,
            metadata=args.get("metadata"),
            reply_broadcast=bool(args.get("reply_broadcast")),
            unfurl_links=args.get("unfurl_links"),
        )
        channel.messages.append(message)
        return {
            "channel": channel.id,
            "ts": message.ts,
            "message": {"ts": message.ts, "text": message.text, "user": message.user},
        }

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        message = self._find(channel, args.get("ts", ""))
        if message.user != self.bot_user_id:
            raise SlackError("cant_update_message")
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = args["blocks"] or []
        message.edited = True
        return {"channel": channel.id, "ts": message.ts}

    def _post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        if not channel.is_im and args.get("user") not in channel.members:
            raise SlackError("user_not_in_channel")
        self.ephemerals.append(
            (channel.id, args.get("user", ""), args.get("text", ""), args.get("blocks") or [])
        )
        return {"message_ts": self._next_ts()}

    def _permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        message = self._find(channel, args.get("message_ts", ""))
        return {
            "channel": channel.id,
            "permalink": f"https://example.slack.com/archives/{channel.id}/"
            f"p{message.ts.replace('.', '')}",
        }

    def _delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        channel.messages.remove(self._find(channel, args.get("ts", "")))
        return {"channel": channel.id, "ts": args.get("ts")}

    def _conversation_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel(args.get("channel", "")).info(self.bot_user_id)}

    def _conversation_list(self, args: dict[str, Any]) -> dict[str, Any]:
        channels = [
            c.info(self.bot_user_id)
            for c in self._channels.values()
            if not c.is_im
            and not (args.get("exclude_archived") in (True, "true", "1") and c.is_archived)
        ]
        return self._page(channels, args, "channels")

    def _join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        channel.members.add(self.bot_user_id)
        return {"channel": channel.info(self.bot_user_id)}

    def _open_im(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": self._im_for(str(args.get("users", "")).split(",")[0]).id}}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        if not channel.is_im and self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        top = [m for m in channel.messages if m.thread_ts is None]
        return {"messages": [vars(m) for m in reversed(top)], "has_more": False}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        parent = self._find(channel, args.get("ts", ""))
        thread = [parent, *[m for m in channel.messages if m.thread_ts == parent.ts]]
        return {"messages": [vars(m) for m in thread], "has_more": False}

    def _members(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"members": sorted(self._channel(args.get("channel", "")).members)}

    def _pin(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        if self.bot_user_id not in channel.members:
            raise SlackError("not_in_channel")
        ts = self._find(channel, args.get("timestamp", "")).ts
        if ts in channel.pins:
            raise SlackError("already_pinned")
        channel.pins.append(ts)
        return {}

    def _unpin(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        if args.get("timestamp") not in channel.pins:
            raise SlackError("no_pin")
        channel.pins.remove(args["timestamp"])
        return {}

    def _pins(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel", ""))
        return {"items": [{"type": "message", "message": {"ts": ts}} for ts in channel.pins]}

    def _user_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(args.get("user", ""))
        if user is None:
            raise SlackError("user_not_found")
        offset = datetime.now(UTC).astimezone(ZoneInfo(user["tz"])).utcoffset()
        return {
            "user": {
                **user,
                "tz_label": user["tz"],
                "tz_offset": int(offset.total_seconds()),
                "profile": {"real_name": user["real_name"], "display_name": user["name"]},
            }
        }

    def _user_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._page(list(self._users.values()), args, "members")

    def _view_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = args.get("trigger_id", "")
        state = self._triggers.get(trigger)
        if state is None:
            raise SlackError("invalid_trigger_id")
        if state != "fresh":
            raise SlackError("expired_trigger_id")
        self._triggers[trigger] = "used"
        view = dict(args.get("view") or {}, id=f"V{next(self._ids):04d}", hash=str(next(self._ids)))
        self._views[view["id"]] = view
        self._opened_views.append(view)
        return {"view": view}

    def _view_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id", "")
        if view_id not in self._views:
            raise SlackError("not_found")
        view = dict(args.get("view") or {}, id=view_id, hash=str(next(self._ids)))
        self._views[view_id] = view
        return {"view": view}

    def _view_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = args.get("user_id", "")
        if user not in self._users:
            raise SlackError("user_not_found")
        self._published.setdefault(user, []).append(args.get("view") or {})
        return {"view": args.get("view") or {}}

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):04d}"
        self._files[file_id] = {
            "id": file_id,
            "filename": args.get("filename"),
            "length": int(args.get("length") or 0),
        }
        return {"upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        for entry in files:
            stored = self._files.get(entry.get("id"))
            if stored is None:
                raise SlackError("file_not_found")
            channel = args.get("channel_id")
            if channel:
                self._channel(channel)
            stored.update(
                title=entry.get("title"),
                channel=channel,
                initial_comment=args.get("initial_comment"),
            )
        return {"files": [{"id": entry.get("id")} for entry in files]}

"""The one door to Slack's Web API: retries, rate limits and Slack's error codes live here."""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.models import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from bot.delivery.keepalive import KeepAliveWebClient

log = logging.getLogger(__name__)

# Block Kit as slack_sdk's models or as the JSON Slack would send back.
Blocks = Sequence[Block | dict[str, Any]]

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")

# What a person should read when Slack refuses; `{channel}` is filled in where it helps.
PLAIN_WORDS = {
    "channel_not_found": "I can't find the channel {channel}. It may have been renamed or "
    "deleted, or it is private and I haven't been invited.",
    "not_in_channel": "I'm not a member of {channel}. Invite me with `/invite @Escalation Bot`.",
    "method_not_supported_for_channel_type": "{channel} is private, so I can't join it myself. "
    "Invite me with `/invite @Escalation Bot`.",
    "is_archived": "{channel} is archived.",
    "ratelimited": "Slack is rate-limiting me right now.",
    "expired_trigger_id": "That took Slack too long to hand over, so the form couldn't open. "
    "Please run the command again.",
    "invalid_trigger_id": "Slack didn't accept the request to open the form. Please run the "
    "command again.",
    "user_not_found": "Slack doesn't know that user.",
    "message_not_found": "The message is gone from {channel}; it may have been deleted.",
    "invalid_auth": "My Slack token is not valid. An admin needs to check SLACK_BOT_TOKEN.",
    "not_authed": "I have no Slack token. An admin needs to set SLACK_BOT_TOKEN.",
    "missing_scope": "My Slack app is missing a permission; an admin needs to reinstall it "
    "from the manifest.",
}


def retry_handlers() -> list[RetryHandler]:
    """slack_sdk retries connection errors only by default; rate limits and 5xx are ours to add."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_client(token: str, base_url: str) -> WebClient:
    return KeepAliveWebClient(
        token=token, base_url=base_url, timeout=10, retry_handlers=retry_handlers()
    )


def _sibling(client: WebClient, *, timeout: int, retry_handlers: list[RetryHandler]) -> WebClient:
    """A client for `client`'s workspace with a timeout and retries of its own."""
    return KeepAliveWebClient(
        token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=retry_handlers
    )


def _posting_client(client: WebClient) -> WebClient:
    """A client for chat.postMessage that retries nothing by itself.

    A 5xx or a dropped connection may come after Slack accepted the post; retrying blindly
    there is how a second root message with live buttons appears, so the gateway looks for
    the message by its metadata instead. A 429 is not slept on in the sending thread either:
    the delivery goes back to the ledger until Retry-After has passed, and the other
    channels' messages keep flowing meanwhile.
    """
    return _sibling(client, timeout=client.timeout, retry_handlers=[])


# A lookup made while a person waits for an ack (users.info on a form's people): one try,
# answered quickly or not at all. slack_sdk's retry handlers would sleep a Retry-After or a
# backoff right there, and Slack shows the person an error at 3 s.
HURRIED_TIMEOUT = 1  # seconds; slack_sdk takes whole seconds


def _hurried_client(client: WebClient) -> WebClient:
    return _sibling(client, timeout=HURRIED_TIMEOUT, retry_handlers=[])


# A modal must open within 3 s of the click or command that asked for it (its trigger then
# expires), and modals open one after another on one thread (bot/runtime.py). So no call
# there sleeps out a Retry-After or a backoff, and none waits past the trigger's life.
MODAL_TIMEOUT = 3  # seconds; slack_sdk takes whole seconds


def _modal_client(client: WebClient) -> WebClient:
    return _sibling(
        client,
        timeout=MODAL_TIMEOUT,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )


# A 429 for a channel posted to less than this long ago is that channel's own limit (about
# one message a second); any other 429 is the workspace's, and every channel waits.
CHANNEL_PACE = timedelta(seconds=1)
# A workspace-wide hold this short is waited out where the post is (every post waits for it
# anyway); handing the row back to the ledger would make each worker claim, load and return
# rows for nothing until it ends. A channel's own pace is never waited in place: the worker
# moves on to other channels' work.
WAIT_IN_PLACE = timedelta(seconds=2)


# Message metadata carrying the identity of the ledger effect that posted the message.
METADATA_EVENT = "escalation_bot_delivery"
# After a 5xx or a dropped answer, how many more times a post with a key is tried (each
# after checking that the previous one did not land).
UNCERTAIN_POST_RETRIES = 2
# How far back a retry looks for its own earlier post in a channel (threads are read whole).
LOOK_BACK_MESSAGES = 100


class SlackProblem(Exception):
    """A Slack call failed; `plain_words` is what to tell a person about it."""

    def __init__(
        self,
        method: str,
        code: str,
        channel: str | None = None,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{method}: {code}")
        self.method = method
        self.code = code
        self.channel = channel
        # Seconds Slack asked us to wait (429 Retry-After); None when it didn't say.
        self.retry_after = retry_after

    @property
    def plain_words(self) -> str:
        channel = (
            f"<#{self.channel}>"
            if self.channel and CHANNEL_ID.match(self.channel)
            else (f"#{self.channel}" if self.channel else "the channel")
        )
        template = PLAIN_WORDS.get(self.code, "Slack answered `{code}` when I tried `{method}`.")
        return template.format(channel=channel, code=self.code, method=self.method)

    @property
    def is_uncertain(self) -> bool:
        """Slack may have done it before the answer was lost (5xx, timeout, dropped link)."""
        return self.code in {
            "internal_error",
            "fatal_error",
            "service_unavailable",
            "request_timeout",
            "connection_error",
        } or (self.code.startswith("http_5"))

    @property
    def is_transient(self) -> bool:
        return self.code in {
            "ratelimited",
            "internal_error",
            "fatal_error",
            "service_unavailable",
            "request_timeout",
            "connection_error",
        } or self.code.startswith("http_")


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


@dataclass(frozen=True)
class Uploaded:
    """A file the bot shared in `channel`."""

    channel: str
    file_id: str


@dataclass(frozen=True)
class Identity:
    """Who the bot token belongs to (auth.test), and the scopes Slack says it was granted
    (its `x-oauth-scopes` header; None when the answer carried no such header)."""

    user_id: str
    user: str
    team_id: str
    team: str
    scopes: frozenset[str] | None


class SlackGateway:
    """Posts, edits, pins and DMs on the bot's behalf; raises `SlackProblem` when Slack says no."""

    def __init__(
        self,
        client: WebClient,
        now: Callable[[], datetime] | None = None,
        pause: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self._now = now or (lambda: datetime.now(UTC))
        # Waits out a short workspace-wide hold (`time.sleep` with the system clock); None
        # refuses at once instead, as with a manual clock that only tests move.
        self._pause = pause
        self._posting = _posting_client(client)
        self._hurried = _hurried_client(client)
        self._modal = _modal_client(client)
        # Rate limiting, by channel ("*": the whole workspace): when posting may resume, and
        # when each channel was last posted to.
        self._cooling: dict[str, datetime] = {}
        self._last_post: dict[str, datetime] = {}
        self._paced: set[str] = set()  # channels that met their own limit

        self._channel_ids: dict[str, str] = {}
        self._members_of: set[str] = set()
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connections kept open to Slack."""
        for client in (self.client, self._posting, self._hurried, self._modal):
            if isinstance(client, KeepAliveWebClient):
                client.close()

    def _call(
        self,
        method: str,
        channel: str | None = None,
        /,
        *,
        client: WebClient | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        client = client or self.client
        try:
            response = (
                client.api_call(method, json=kwargs)
                if _is_json(method)
                else (client.api_call(method, params=kwargs))
            )
            data = response.data
        except SlackApiError as error:
            if error.response.status_code == 429:
                retry_after = _seconds(error.response.headers.get("Retry-After"))
                raise SlackProblem(
                    method, "ratelimited", channel, retry_after=retry_after
                ) from error
            code = error.response.get("error") or f"http_{error.response.status_code}"
            raise SlackProblem(method, code, channel) from error
        except OSError as error:
            log.warning("Slack %s unreachable: %s", method, error)
            raise SlackProblem(method, "connection_error", channel) from error
        # Only file downloads answer with bytes; every method called here answers with JSON.
        if not isinstance(data, dict):
            raise SlackProblem(method, "invalid_response", channel)
        return data

    # -- channels ---------------------------------------------------------------------------

    def resolve_channel(self, name_or_id: str, *, hurried: bool = False) -> str:
        """A channel ID for `name_or_id` (an ID, `name` or `#name`), looked up once and cached;
        `hurried`: each page asked for once, briefly (before an ack)."""
        name = name_or_id.strip().removeprefix("#")
        if CHANNEL_ID.match(name):
            return name
        with self._lock:
            if name in self._channel_ids:
                return self._channel_ids[name]
        cursor = None
        while True:
            page = self._call(
                "conversations.list",
                name,
                client=self._hurried if hurried else None,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=200,
                **({"cursor": cursor} if cursor else {}),
            )
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    channel_id: str = channel["id"]
                    with self._lock:
                        self._channel_ids[name] = channel_id
                    return channel_id
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                raise SlackProblem("conversations.list", "channel_not_found", name)

    def join(self, channel: str) -> None:
        self._call("conversations.join", channel, channel=channel)
        with self._lock:
            self._members_of.add(channel)

    def ensure_member(self, channel: str) -> None:
        """Be a member of `channel`: posting with chat:write.public is not membership, and
        pins and message events need it. Public channels are joined; a private one raises
        `not_in_channel`, whose plain words say how to invite the bot."""
        if not channel.startswith(("C", "G")):
            return  # DMs and user IDs need no membership
        with self._lock:
            if channel in self._members_of:
                return
        info = self._call("conversations.info", channel, channel=channel)["channel"]
        if not info.get("is_member"):
            if info.get("is_private") or info.get("is_group"):
                raise SlackProblem(
                    "conversations.join", "method_not_supported_for_channel_type", channel
                )
            self.join(channel)
        with self._lock:
            self._members_of.add(channel)

    def forget_membership(self, channel: str) -> None:
        """Called when Slack says we're not in `channel` after all (kicked, archived)."""
        with self._lock:
            self._members_of.discard(channel)

    # -- messages ---------------------------------------------------------------------------

    def post(
        self,
        channel: str,
        text: str,
        blocks: Blocks | None = None,
        thread_ts: str | None = None,
        join_if_needed: bool = False,
        *,
        key: str | None = None,
        look_first: bool = False,
    ) -> Posted:
        """Post a message, at most once per `key`.

        With `key`, the message carries it in its metadata; with `look_first` (a retry of
        work that may already have reached Slack) an earlier post with that key is returned
        instead of posting again, and so is one found after an answer was lost.
        """
        kwargs: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False}
        if blocks is not None:
            kwargs["blocks"] = _as_dicts(blocks)
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if join_if_needed:
            self.ensure_member(channel)
        if key is not None:
            kwargs["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
            if look_first and (found := self.find_posted(channel, key, thread_ts)):
                return found
        for attempt in range(1 + UNCERTAIN_POST_RETRIES):
            self._wait_if_cooling(channel)
            try:
                data = self._call("chat.postMessage", channel, client=self._posting, **kwargs)
                break
            except SlackProblem as problem:
                if problem.code == "ratelimited":
                    self._cool_down(channel, problem)
                if problem.code == "not_in_channel":
                    self.forget_membership(channel)
                if key is None or not problem.is_uncertain or attempt == UNCERTAIN_POST_RETRIES:
                    raise
                # Posted or not? Slack's own record says; only a clear "no" posts again.
                if found := self.find_posted(channel, key, thread_ts):
                    return found
        with self._lock:
            self._last_post[channel] = self._now()
        return Posted(data["channel"], data["ts"])

    def _wait_if_cooling(self, channel: str) -> None:
        """Refuse at once, without asking Slack, while Slack asked us to hold back; a short
        workspace-wide hold is waited out instead when the gateway can pause."""
        while True:
            now = self._now()
            with self._lock:
                workspace = self._cooling.get("*", now)
                until = max(self._cooling.get(channel, now), workspace)
                if channel in self._paced and (last := self._last_post.get(channel)):
                    # Slack said this channel was going too fast: keep to its pace from now
                    # on rather than hear a 429 for every message of a burst.
                    until = max(until, last + CHANNEL_PACE)
            if not (self._pause and until == workspace and now < until <= now + WAIT_IN_PLACE):
                break
            self._pause((until - now).total_seconds())
        if until > now:
            raise SlackProblem(
                "chat.postMessage",
                "ratelimited",
                channel,
                retry_after=(until - now).total_seconds(),
            )

    def _cool_down(self, channel: str, problem: SlackProblem) -> None:
        now = self._now()
        wait = timedelta(seconds=problem.retry_after if problem.retry_after is not None else 1)
        with self._lock:
            last = self._last_post.get(channel)
            scope = channel if last is not None and now - last < CHANNEL_PACE else "*"
            if scope == channel:
                self._paced.add(channel)
            self._cooling[scope] = max(self._cooling.get(scope, now), now + wait)
            if len(self._last_post) > 10_000:  # forget channels quiet for a while
                self._last_post = {
                    c: t for c, t in self._last_post.items() if now - t < CHANNEL_PACE
                }
                self._cooling = {c: t for c, t in self._cooling.items() if t > now}
                self._paced &= set(self._last_post)

    def find_posted(self, channel: str, key: str, thread_ts: str | None = None) -> Posted | None:
        """The bot's own message carrying `key` in its metadata, if Slack has it."""
        if channel.startswith(("U", "W")):
            channel = self.open_dm(channel)
        try:
            if thread_ts:
                messages = self._read_all(
                    "conversations.replies", channel, ts=thread_ts, include_all_metadata="true"
                )
            else:
                messages = self._call(
                    "conversations.history",
                    channel,
                    channel=channel,
                    limit=LOOK_BACK_MESSAGES,
                    include_all_metadata="true",
                ).get("messages", [])
        except SlackProblem as problem:
            if problem.code in {"thread_not_found", "message_not_found"}:
                return None
            raise
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT
                and (metadata.get("event_payload") or {}).get("key") == key
            ):
                return Posted(channel, message["ts"])
        return None

    def _read_all(self, method: str, channel: str, **kwargs: Any) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self._call(
                method,
                channel,
                channel=channel,
                limit=200,
                **kwargs,
                **({"cursor": cursor} if cursor else {}),
            )
            messages.extend(page.get("messages", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return messages

    def update(self, channel: str, ts: str, text: str, blocks: Blocks | None = None) -> None:
        kwargs: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            kwargs["blocks"] = _as_dicts(blocks)
        self._call("chat.update", channel, **kwargs)

    def dm(
        self,
        user_id: str,
        text: str,
        blocks: Blocks | None = None,
        *,
        key: str | None = None,
        look_first: bool = False,
    ) -> Posted:
        return self.post(user_id, text, blocks, key=key, look_first=look_first)

    def ephemeral(
        self, channel: str, user_id: str, text: str, blocks: Blocks | None = None
    ) -> None:
        kwargs: dict[str, Any] = {"channel": channel, "user": user_id, "text": text}
        if blocks is not None:
            kwargs["blocks"] = _as_dicts(blocks)
        self._call("chat.postEphemeral", channel, **kwargs)

    def pin(self, channel: str, ts: str) -> None:
        """Pin a message; already pinned counts as done. Pinning needs membership."""
        self.ensure_member(channel)
        try:
            self._call("pins.add", channel, channel=channel, timestamp=ts)
        except SlackProblem as problem:
            if problem.code == "not_in_channel":
                self.forget_membership(channel)
            if problem.code != "already_pinned":
                raise

    def unpin(self, channel: str, ts: str) -> None:
        try:
            self._call("pins.remove", channel, channel=channel, timestamp=ts)
        except SlackProblem as problem:
            if problem.code != "no_pin":
                raise

    def permalink(self, channel: str, ts: str) -> str:
        link: str = self._call("chat.getPermalink", channel, channel=channel, message_ts=ts)[
            "permalink"
        ]
        return link

    # -- people and views -------------------------------------------------------------------

    def user_info(self, user_id: str, *, hurried: bool = False) -> dict[str, Any]:
        """The person's profile; `hurried`: one try within HURRIED_TIMEOUT (before an ack)."""
        client = self._hurried if hurried else None
        user: dict[str, Any] = self._call("users.info", client=client, user=user_id)["user"]
        return user

    def identity(self) -> Identity:
        """auth.test: raises `SlackProblem` when the token is refused or Slack unreachable."""
        try:
            response = self.client.api_call("auth.test")
        except SlackApiError as error:
            code = error.response.get("error") or f"http_{error.response.status_code}"
            raise SlackProblem("auth.test", code) from error
        except OSError as error:
            raise SlackProblem("auth.test", "connection_error") from error
        data = response.data if isinstance(response.data, dict) else {}
        headers = {name.lower(): value for name, value in (response.headers or {}).items()}
        granted = headers.get("x-oauth-scopes")
        if isinstance(granted, list):  # some HTTP stacks hand a header over as a list
            granted = ",".join(granted)
        return Identity(
            user_id=str(data.get("user_id", "")),
            user=str(data.get("user", "")),
            team_id=str(data.get("team_id", "")),
            team=str(data.get("team", "")),
            scopes=None
            if granted is None
            else frozenset(s.strip() for s in str(granted).split(",") if s.strip()),
        )

    def channel_info(self, channel: str) -> dict[str, Any]:
        """conversations.info: the channel object (is_private, is_member, is_archived...)."""
        info: dict[str, Any] = self._call("conversations.info", channel, channel=channel)["channel"]
        return info

    def open_view(self, trigger_id: str, view: View | dict[str, Any]) -> dict[str, Any]:
        opened: dict[str, Any] = self._call(
            "views.open", client=self._modal, trigger_id=trigger_id, view=_as_dict(view)
        )["view"]
        return opened

    def push_view(self, trigger_id: str, view: View | dict[str, Any]) -> dict[str, Any]:
        pushed: dict[str, Any] = self._call(
            "views.push", client=self._modal, trigger_id=trigger_id, view=_as_dict(view)
        )["view"]
        return pushed

    def open_dm(self, user_id: str) -> str:
        """The bot's DM channel with a person (looked up once per process)."""
        with self._lock:
            if user_id in self._dm_channels:
                return self._dm_channels[user_id]
        channel: str = self._call("conversations.open", users=user_id)["channel"]["id"]
        with self._lock:
            self._dm_channels[user_id] = channel
        return channel

    def upload_text(self, channel: str, filename: str, content: str, title: str) -> Uploaded:
        """Share a text file (an export someone asked for) in a channel."""
        return self.upload_file(channel, filename, content.encode(), title, title)

    def upload_file(
        self,
        channel: str,
        filename: str,
        content: bytes,
        title: str,
        comment: str,
        *,
        once: bool = False,
    ) -> Uploaded:
        """Share a file (a chart, an export) in a channel, with `comment` as its message.

        With `once`, `filename` names this effect in the channel (the caller gives each
        effect its own): when the answer to the share is lost, the bot's file of that name
        there is the answer; a retry of the work calls `find_uploaded` before uploading.

        Slack's external upload flow: files.getUploadURLExternal, the bytes to the URL it
        gives, files.completeUploadExternal sharing the file in `channel`.

        Only the last step shares anything, and it is never retried blindly: a 5xx may come
        after Slack shared the file, and completing again would share it twice (Slack's file
        share message carries no metadata, so the file's name is what a look can find).
        """
        target = self._call(
            "files.getUploadURLExternal", channel, filename=filename, length=len(content)
        )
        self._send_bytes(str(target["upload_url"]), content, channel)
        file_id = str(target["file_id"])
        try:
            self._call(
                "files.completeUploadExternal",
                channel,
                client=self._posting,
                files=json.dumps([{"id": file_id, "title": title}]),
                channel_id=channel,
                initial_comment=comment,
            )
        except SlackProblem as problem:
            # Shared or not? Slack's own record says. Not there (yet): the ledger retries
            # later and looks first, rather than sharing a second copy now.
            if once and problem.is_uncertain and (found := self.find_uploaded(channel, filename)):
                return found
            raise
        return Uploaded(channel, file_id)

    def _send_bytes(self, url: str, content: bytes, channel: str) -> None:
        """The upload step itself: a POST of the raw bytes to Slack's upload URL."""
        # As slack_sdk's files_upload_v2 sends it: the bytes as the body, nothing else.
        request = urllib.request.Request(url, data=content, method="POST")
        try:
            with urllib.request.urlopen(
                request, timeout=self.client.timeout, context=self.client.ssl
            ) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            raise SlackProblem("files.upload", f"http_{error.code}", channel) from error
        except OSError as error:
            log.warning("Slack file upload unreachable: %s", error)
            raise SlackProblem("files.upload", "connection_error", channel) from error

    def find_uploaded(self, channel: str, filename: str) -> Uploaded | None:
        """The bot's file named `filename` shared in `channel` lately, if Slack has it."""
        if channel.startswith(("U", "W")):
            channel = self.open_dm(channel)
        messages = self._call(
            "conversations.history", channel, channel=channel, limit=LOOK_BACK_MESSAGES
        ).get("messages", [])
        for message in messages:
            for shared in message.get("files") or []:
                if shared.get("name") == filename and shared.get("id"):
                    return Uploaded(channel, str(shared["id"]))
        return None

    def update_view(self, view_id: str, view: View | dict[str, Any]) -> None:
        self._call("views.update", view_id=view_id, view=_as_dict(view))

    def publish_home(self, user_id: str, view: View | dict[str, Any]) -> None:
        self._call("views.publish", user_id=user_id, view=_as_dict(view))

    def respond(self, response_url: str, text: str, blocks: Blocks | None = None) -> bool:
        """Answer through a slash command's response_url (ephemeral to the person who ran it)."""
        webhook = WebhookClient(response_url, timeout=10, retry_handlers=retry_handlers())
        try:
            response = webhook.send(
                text=text, blocks=_as_dicts(blocks) if blocks else None, response_type="ephemeral"
            )
        except OSError as error:
            log.warning("response_url unreachable: %s", error)
            return False
        return response.status_code == 200


_GET_METHODS = {
    "users.info",
    "conversations.info",
    "conversations.list",
    "conversations.history",
    "conversations.replies",
    "pins.list",
    "chat.getPermalink",
}
# Sent as a form body, as slack_sdk sends them (files.getUploadURLExternal takes no JSON).
_FORM_METHODS = {"files.getUploadURLExternal", "files.completeUploadExternal"}


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _is_json(method: str) -> bool:
    return method not in _GET_METHODS and method not in _FORM_METHODS


def _as_dict(item: JsonObject | dict[str, Any]) -> dict[str, Any]:
    return item.to_dict() if isinstance(item, JsonObject) else item


def _as_dicts(items: Blocks) -> list[dict[str, Any]]:
    return [_as_dict(item) for item in items]

"""What Slack does when a person types or clicks: build the payload Slack would send, sign it
as Slack signs it, hand it to the bot's own WSGI app, and act on the answer (an ephemeral
reply, a modal updated, pushed, closed or showing field errors)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bot.sandbox.workspace import SlackStandIn

log = logging.getLogger(__name__)

Wsgi = Callable[..., Iterable[bytes]]
# What the page sends for one form field: the element's type and its value(s) as strings.
Entered = Mapping[str, Any]

REQUIRED = "Please complete this required field."
TEAM = {"id": "T0001", "domain": "sandbox"}
APP_ID = "A0SANDBOX"


def sign(body: str, timestamp: int, secret: str) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass
class ModalState:
    """What a person typed into an open modal and the errors Slack shows beside fields."""

    entered: dict[str, Entered] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _option(options: Iterable[Mapping[str, Any]], value: str) -> dict[str, Any] | None:
    return next((dict(o) for o in options if str(o.get("value")) == value), None)


def _all_options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _values(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    return [str(v) for v in raw] if isinstance(raw, list) else [str(raw)]


def element_value(element: Mapping[str, Any], raw: Any) -> dict[str, Any]:
    """An element's value as Slack puts it in `state.values` and in block_actions."""
    kind = str(element.get("type") or "")
    chosen = _values(raw)
    one = chosen[0] if chosen else None
    if kind in ("static_select", "radio_buttons", "overflow"):
        return {"type": kind, "selected_option": _option(_all_options(element), one or "\0")}
    if kind in ("multi_static_select", "checkboxes"):
        options = _all_options(element)
        picked = [o for value in chosen if (o := _option(options, value))]
        return {"type": kind, "selected_options": picked}
    if kind == "users_select":
        return {"type": kind, "selected_user": one}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": chosen}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": one}
    if kind == "channels_select":
        return {"type": kind, "selected_channel": one}
    if kind == "datepicker":
        return {"type": kind, "selected_date": one}
    if kind == "timepicker":
        return {"type": kind, "selected_time": one}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": int(one) if one else None}
    return {"type": kind, "value": one}


def initial_value(element: Mapping[str, Any]) -> Any:
    """What an untouched element holds, in the page's terms (a value or a list of them)."""
    for key in ("initial_value", "initial_date", "initial_time", "initial_user"):
        if element.get(key):
            return element[key]
    for key in ("initial_conversation", "initial_channel", "initial_date_time"):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return str(element["initial_option"].get("value"))
    if element.get("initial_options"):
        return [str(o.get("value")) for o in element["initial_options"]]
    if element.get("initial_users"):
        return list(element["initial_users"])
    return None


def _is_empty(value: Mapping[str, Any]) -> bool:
    return not any(v for key, v in value.items() if key != "type")


class SlackSide:
    """Slack's side of the conversation with the bot, for the people of the sandbox."""

    def __init__(self, workspace: SlackStandIn, bot: Wsgi, signing_secret: str) -> None:
        self.workspace = workspace
        self.bot = bot
        self.secret = signing_secret
        self.modals: dict[str, ModalState] = {}  # by view ID

    # -- the HTTP request Slack makes --------------------------------------------------------

    def _post(self, body: str, content_type: str) -> Answer:
        # Signed with the wall clock: Bolt refuses signatures more than 5 minutes old, and
        # the sandbox's clock is the bot's, not the request's.
        timestamp = int(time.time())
        raw = body.encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(raw)),
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "3000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(timestamp),
            "HTTP_X_SLACK_SIGNATURE": sign(body, timestamp, self.secret),
        }
        status: list[str] = []

        def start_response(line: str, _headers: Any, _exc: Any = None) -> None:
            status.append(line)

        answer = b"".join(self.bot(environ, start_response)).decode()
        code = int(status[0].split()[0]) if status else 500
        if code >= 400:
            log.warning("the bot answered %s: %s", code, answer[:300])
        return Answer(code, answer)

    def _interact(self, payload: dict[str, Any]) -> Answer:
        payload.setdefault("team", TEAM)
        payload.setdefault("api_app_id", APP_ID)
        payload.setdefault("token", "sandbox")
        body = urlencode({"payload": json.dumps(payload)})
        return self._post(body, "application/x-www-form-urlencoded")

    def _event(self, event: dict[str, Any]) -> Answer:
        envelope = {
            "token": "sandbox",
            "team_id": TEAM["id"],
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": f"Ev{time.time_ns()}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self._post(json.dumps(envelope), "application/json")

    def _user(self, user: str) -> dict[str, Any]:
        name = next((u.name for u in self.workspace.users() if u.id == user), user)
        return {"id": user, "username": name, "name": name, "team_id": TEAM["id"]}

    def _channel_name(self, channel_id: str) -> str:
        return next((c.name for c in self.workspace.channels() if c.id == channel_id), channel_id)

    # -- typing -------------------------------------------------------------------------------

    def type_text(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> str:
        """What the composer does with `text`: a slash command, or a message (and its event
        when the bot is in the channel). Returns a problem to show, or ""."""
        text = text.strip()
        if not text:
            return ""
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            if command != "/escalate":
                return f"{command} is not a valid command. In the sandbox, try /escalate help."
            self.slash(user, channel, command, rest.strip())
            return ""
        ts = self.workspace.post_user_message(channel, user, text, thread_ts=thread_ts)
        found = next((c for c in self.workspace.channels() if c.id == channel), None)
        if found is None or found.is_im or self.workspace.bot_user_id not in found.members:
            return ""  # Slack sends message events only from channels the bot is in
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "channel_type": "group" if found.is_private else "channel",
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        self._event(event)
        return ""

    def slash(self, user: str, channel: str, command: str, text: str) -> Answer:
        body = urlencode(
            {
                "token": "sandbox",
                "team_id": TEAM["id"],
                "team_domain": TEAM["domain"],
                "channel_id": channel,
                "channel_name": self._channel_name(channel),
                "user_id": user,
                "user_name": self._user(user)["name"],
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "response_url": self.workspace.new_response_url(user, channel),
                "trigger_id": self.workspace.new_trigger_id(user),
            }
        )
        answer = self._post(body, "application/x-www-form-urlencoded")
        if answer.status != 200:
            self.workspace.add_ephemeral(
                channel, user, f'/escalate failed with the error "{answer.status}"'
            )
        elif answer.body.strip():
            shown = answer.json or {"text": answer.body}
            self.workspace.add_ephemeral(channel, user, shown.get("text"), shown.get("blocks"))
        return answer

    def open_home(self, user: str) -> None:
        """The person opened the bot's App Home tab."""
        channel = self.workspace.open_dm(user)
        self._event({"type": "app_home_opened", "user": user, "channel": channel, "tab": "home"})

    # -- clicking -----------------------------------------------------------------------------

    def act(
        self,
        user: str,
        where: Mapping[str, Any],
        block_id: str,
        action_id: str,
        raw: Any,
        entered: Mapping[str, Entered] | None = None,
    ) -> str:
        """A click or a choice on an interactive element; `where` says what it is in: a
        message (`channel`, `ts`), an ephemeral (`channel`, `ephemeral` ts), or a view
        (`view`). Returns a problem to show, or ""."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user),
            "trigger_id": self.workspace.new_trigger_id(user),
        }
        if where.get("view"):
            view_id = str(where["view"])
            shown = self.workspace.view(view_id)
            blocks = shown.get("blocks") or []
            if entered is not None:
                self.modals.setdefault(view_id, ModalState()).entered = dict(entered)
            state = self._state(shown, entered or {})
            payload["view"] = shown | {"state": {"values": state}}
            payload["container"] = {"type": "view", "view_id": view_id}
        else:
            channel = str(where.get("channel") or "")
            payload["channel"] = {"id": channel, "name": self._channel_name(channel)}
            payload["response_url"] = self.workspace.new_response_url(user, channel)
            if where.get("ephemeral"):
                ts = str(where["ephemeral"])
                found = [e for e in self.workspace.ephemeral_log if e.ts == ts]
                blocks = found[0].blocks if found else []
                payload["container"] = {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": True,
                }
            else:
                ts = str(where.get("ts") or "")
                message = next(
                    (m for m in self.workspace.all_messages(channel) if m.ts == ts), None
                )
                if message is None:
                    return "That message is gone."
                blocks = message.blocks
                payload["message"] = message.to_api()
                payload["container"] = {
                    "type": "message",
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                }
        element = self._find(blocks, block_id, action_id)
        if element is None:
            return "That button is no longer there."
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "action_ts": f"{time.time():.6f}",
        }
        if element.get("type") == "button":
            action |= {"type": "button", "value": element.get("value"), "text": element.get("text")}
        else:
            action |= element_value(element, raw)
        payload["actions"] = [action]
        answer = self._interact(payload)
        return "" if answer.status == 200 else f"The bot answered {answer.status}."

    @staticmethod
    def _find(
        blocks: Iterable[Mapping[str, Any]], block_id: str, action_id: str
    ) -> Mapping[str, Any] | None:
        for index, blk in enumerate(blocks):
            if str(blk.get("block_id") or f"b{index}") != block_id:
                continue
            candidates = [*(blk.get("elements") or []), blk.get("accessory"), blk.get("element")]
            for candidate in candidates:
                if candidate and candidate.get("action_id") == action_id:
                    found: Mapping[str, Any] = candidate
                    return found
        return None

    # -- modals -------------------------------------------------------------------------------

    @staticmethod
    def _state(
        view: Mapping[str, Any], entered: Mapping[str, Entered]
    ) -> dict[str, dict[str, Any]]:
        """`view.state.values` for what the person entered (untouched fields as Slack has
        them: their initial value, or empty)."""
        values: dict[str, dict[str, Any]] = {}
        for index, blk in enumerate(view.get("blocks") or []):
            if blk.get("type") != "input" or not blk.get("element"):
                continue
            block_id = str(blk.get("block_id") or f"b{index}")
            element = blk["element"]
            action_id = str(element.get("action_id") or "")
            typed = entered.get(block_id)
            raw = typed.get("value") if typed is not None else initial_value(element)
            values[block_id] = {action_id: element_value(element, raw)}
        return values

    def submit(self, user: str, view_id: str, entered: Mapping[str, Entered]) -> dict[str, str]:
        """Press the modal's submit button; returns the errors shown beside fields (none when
        the bot accepted it)."""
        shown = self.workspace.view(view_id)
        modal = self.modals.setdefault(view_id, ModalState())
        modal.entered = dict(entered)
        state = self._state(shown, entered)
        missing = {
            str(blk.get("block_id") or f"b{index}"): REQUIRED
            for index, blk in enumerate(shown.get("blocks") or [])
            if blk.get("type") == "input"
            and not blk.get("optional")
            and _is_empty(next(iter(state[str(blk.get("block_id") or f"b{index}")].values())))
        }
        if missing:  # Slack itself refuses a submission with a required field empty
            modal.errors = missing
            return missing
        payload = {
            "type": "view_submission",
            "user": self._user(user),
            "view": shown | {"state": {"values": state}},
            "trigger_id": self.workspace.new_trigger_id(user),
        }
        answer = self._interact(payload)
        if answer.status != 200:
            # What Slack shows when the app doesn't answer a submission within 3 seconds.
            modal.errors = {"": "We had some trouble connecting. Try again?"}
            return modal.errors
        reply = answer.json
        action = reply.get("response_action")
        stack = self.workspace.modal_stacks.setdefault(user, [])
        if action == "errors":
            modal.errors = {str(k): str(v) for k, v in (reply.get("errors") or {}).items()}
            return modal.errors
        if action == "update":
            self.workspace.put_view(view_id, reply["view"])
            self.modals.pop(view_id, None)
        elif action == "push":
            pushed = self.workspace.put_view(self.workspace.new_view_id(), reply["view"])
            stack.append(pushed["id"])
        elif action == "clear":
            stack.clear()
        elif view_id in stack:
            stack.remove(view_id)
            self.modals.pop(view_id, None)
        return {}

    def close(self, user: str, view_id: str) -> None:
        """Press Cancel (or x) on the top modal; the bot hears of it if it asked to."""
        shown = self.workspace.view(view_id)
        if shown.get("notify_on_close"):
            self._interact(
                {
                    "type": "view_closed",
                    "user": self._user(user),
                    "view": shown,
                    "is_cleared": False,
                }
            )
        stack = self.workspace.modal_stacks.setdefault(user, [])
        if view_id in stack:
            stack.remove(view_id)
        self.modals.pop(view_id, None)

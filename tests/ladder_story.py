"""A customer who goes quiet, driven through the harness day by day (flow 4, seeds 000 and
002): the setup, the walk, and who was told what on which day."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from tests.flows import open_escalation, wait_for_receipt, wait_for_view
from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
DAY0 = datetime(2026, 11, 23, 9, 0, tzinfo=LA)  # Monday
SAM = "USALES01"  # Sales Ops
SASHA = "USALES02"  # Sales Ops too
SPONSOR = "USPONS01"
SALES_MANAGER = "USMGR001"
RILEY = "URILEY01"  # a sales rep nobody put on the record


def silent_customer(
    make_harness: Callable[..., BotHarness],
    clock: ManualClock,
    *,
    form: dict[str, Any] | None = None,
    **settings: Any,
) -> BotHarness:
    """A Sev 2 whose DRI records on day 0 that the customer owes an answer (asked that day)."""
    clock.set(DAY0)
    harness = make_harness(**settings)
    standin = harness.standin
    standin.add_user(SAM, "sam.salesops", real_name="Sam Sales Ops")
    standin.add_user(SASHA, "sasha.salesops", real_name="Sasha Sales Ops")
    standin.add_user(SPONSOR, "erin.exec", real_name="Erin Executive")
    standin.add_user(SALES_MANAGER, "sky.salesmgr", real_name="Sky Sales Manager")
    standin.add_user(RILEY, "riley.rep", real_name="Riley Rep")
    wait_for_receipt(harness, open_escalation(harness, "sev2", **(form or {})))
    before = len(standin.opened_views())
    harness.click("esc_waiting_on_customer", "1", user=harness.world.pm)
    answer = harness.submit_view(
        wait_for_view(harness, before),
        {
            "kind": {"kind": {"type": "radio_buttons", "selected_option": {"value": "request"}}},
            "asked": {"asked": {"type": "plain_text_input", "value": "Sign-off on the UAT plan"}},
            "asked_on": {"asked_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "how": {"how": {"type": "static_select", "selected_option": {"value": "Email"}}},
        },
    )
    assert answer.status == 200 and answer.json is None
    return harness


def walk_to(harness: BotHarness, days: float, step: timedelta = timedelta(hours=6)) -> None:
    """Tick every `step` until `days` after day 0."""
    end = DAY0 + timedelta(days=days)
    now = harness.clock.now()
    while now < end:
        now = min(now + step, end)
        harness.tick_at(now)


class Transcript:
    """Every message the bot posts, by day, named by who got it: a DM to a person, a reply in
    the escalation thread, or a post in a channel."""

    def __init__(self, harness: BotHarness, names: dict[str, str]) -> None:
        self.harness = harness
        self.names = names
        self.lines: list[str] = []
        # The same messages with the tick's local time and what their blocks say.
        self.detailed: list[str] = []
        self._seen = len(harness.standin.calls_to("chat.postMessage"))

    def walk(self, days: int, step: timedelta = timedelta(hours=1)) -> list[str]:
        """Tick every `step` up to `days` after day 0, recording what each tick sent under
        its local calendar day (day 7 is a week after the request); returns the lines."""
        standin = self.harness.standin
        end = DAY0 + timedelta(days=days)
        now = self.harness.clock.now()
        while now < end:
            now = min(now + step, end)
            self.harness.tick_at(now)
            calls = standin.calls_to("chat.postMessage")
            day = (now.astimezone(LA).date() - DAY0.date()).days
            for call in calls[self._seen :]:
                if call.response.get("ok"):
                    self.lines.append(f"day {day:2d} {self.where(call)}: {self.text(call)}")
                    self.detailed.append(self.detail(day, call))
            self._seen = len(calls)
        return self.lines

    def where(self, call: Any) -> str:
        channel = call.response["channel"]
        for user, name in self.names.items():
            if self.harness.standin.dm_channel(user) == channel:
                return f"DM {name}"
        if call.args.get("thread_ts"):
            return "thread"
        return self.names.get(channel, channel)

    def detail(self, day: int, call: Any) -> str:
        at = self.harness.clock.now().astimezone(LA)
        head = f"day {day:2d} ({at:%a %b %d}, by {at:%H:%M} PT) -> {self.where(call)}"
        body = [str(call.args.get("text", ""))]
        for block in call.args.get("blocks") or []:
            if block.get("type") == "section":
                body.append(block["text"]["text"])
            elif block.get("type") == "actions":
                body.append(
                    "[buttons: "
                    + ", ".join(
                        e.get("text", {}).get("text") or e.get("placeholder", {}).get("text", "")
                        for e in block["elements"]
                    )
                    + "]"
                )
        return head + "".join(f"\n    {line}" for part in body for line in part.split("\n"))

    @staticmethod
    def text(call: Any) -> str:
        return " ".join(str(call.args.get("text", "")).split())[:110]


def people_of(harness: BotHarness) -> dict[str, str]:
    world = harness.world
    return {
        world.pm: "DRI",
        world.ae: "AE",
        world.manager: "manager",
        world.director: "Director PS",
        world.csm: "CSM",
        world.leader: "leadership",
        SAM: "Sales Ops Sam",
        SASHA: "Sales Ops Sasha",
        SPONSOR: "sponsor",
        SALES_MANAGER: "sales manager",
        RILEY: "Riley",
        world.leadership_channel: "#ps-project-leadership",
        world.internal_channel: "#proj-acme-internal",
    }


def press(harness: BotHarness, dm: Any, action_id: str, user: str) -> dict[str, Any]:
    """Press the button `action_id` on the DM `dm`; returns that button."""
    button = next(
        element
        for block in dm.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    )
    harness.click(action_id, button["value"], user=user, channel=dm.channel, message_ts=dm.ts)
    return button


def record_outcome(
    harness: BotHarness,
    outcome: str,
    user: str,
    notes: str | None = None,
    *,
    where: tuple[str, str] | None = None,
) -> bool:
    """Press an outcome button of the Sales Ops hand-off and, when the form opens, record
    it with `notes`; returns whether the form opened (a refusal is told instead)."""
    standin = harness.standin
    channel, ts = where or (harness.world.leadership_channel, "1.0")
    before = len(standin.opened_views())
    harness.click(
        f"wait_sales_ops_outcome:{outcome}",
        json.dumps({"w": 1, "o": outcome}),
        user=user,
        channel=channel,
        message_ts=ts,
    )
    if len(standin.opened_views()) == before:
        return False
    answer = harness.submit_view(
        standin.opened_views()[before],
        {
            "outcome": {
                "outcome": {"type": "radio_buttons", "selected_option": {"value": outcome}}
            },
            "notes": {"notes": {"type": "plain_text_input", "value": notes}},
        },
        user=user,
    )
    assert answer.status == 200 and answer.json is None, answer.body
    return True


def told(harness: BotHarness, user: str) -> list[str]:
    """What `user` was told: ephemerals and DMs."""
    ephemeral = [text for _c, who, text, _b in harness.standin.ephemerals if who == user]
    return ephemeral + [m.text for m in harness.standin.dms_to(user)]


def shown(message: Any) -> str:
    return message.text + json.dumps(message.blocks, ensure_ascii=False)

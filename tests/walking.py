"""Walking days with the injected clock, and a transcript of who got what, when.

Times are in Los Angeles, the DRI's zone: day 0 is Monday 2026-11-23.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.harness import BotHarness

LA = ZoneInfo("America/Los_Angeles")
TICK = timedelta(minutes=15)
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 2026-11-23, in Los Angeles."""
    return datetime.combine(date(2026, 11, 23) + timedelta(days=day), time(hour, minute), tzinfo=LA)


def stamp(instant: datetime) -> str:
    local_time = instant.astimezone(LA)
    days = (local_time.date() - local(0, 0).date()).days
    return f"{DAYS[days % 7]}{days // 7 + 1 if days >= 7 else ''} {local_time:%H:%M}"


class Transcript:
    """Every message the bot posted since it was made, as `<when> <where>: <first line>`,
    each DM named by its recipient's role (every DM's recipient is in the line)."""

    def __init__(self, harness: BotHarness, names: dict[str, str] | None = None) -> None:
        self.harness = harness
        world = harness.world
        self.names = {
            world.pm: "DRI",
            world.manager: "manager",
            world.director: "director",
            world.ae: "AE",
            world.csm: "CSM",
            world.leader: "leader",
            world.leadership_channel: "leadership",
            world.internal_channel: "internal",
            world.customer_channel: "customer",
            **(names or {}),
        }
        self.seen = len(harness.standin.calls)
        self.lines: list[str] = []

    def _where(self, channel: str) -> str:
        if channel.startswith(("U", "W")):  # posted to the user's ID: Slack opens the IM
            return f"DM to {self.names.get(channel, channel)}"
        for user, name in self.names.items():
            if self.harness.standin.dm_channel(user) == channel:
                return f"DM to {name}"
        return self.names.get(channel, channel)

    def collect(self) -> list[str]:
        """The lines posted since the last collect (also kept in `lines`)."""
        calls = self.harness.standin.calls[self.seen :]
        self.seen += len(calls)
        new = []
        for call in calls:
            if call.method != "chat.postMessage" or not call.response.get("ok"):
                continue
            where = self._where(call.args["channel"])
            if call.args.get("thread_ts"):
                where += " thread"
            first_line = (call.args.get("text") or "").splitlines()[0]
            new.append(f"{stamp(self.harness.clock.now())} {where}: {first_line[:70]}")
        self.lines += new
        return new


def walk(
    harness: BotHarness,
    until: datetime,
    actions: dict[datetime, Callable[[], None]] | None = None,
    transcript: Transcript | None = None,
) -> None:
    """Tick every 15 minutes up to `until`; each action runs at its own instant first. The
    transcript, if given, collects after every tick and action."""
    pending = dict(actions or {})
    now = harness.clock.now()

    def tick(at: datetime) -> None:
        harness.tick_at(at)
        if transcript:
            transcript.collect()

    while now < until:
        now = min(now + TICK, until)
        for at in sorted(a for a in pending if a <= now):
            harness.clock.set(at)
            pending.pop(at)()
            if transcript:
                transcript.collect()
            tick(at)
        tick(now)
    assert not pending, "actions left unrun"

"""The sandbox's people and channels, from a small TOML file the user can edit."""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox.workspace import SlackStandIn
from bot.settings import SLACK_ID

DEFAULT_FILE = "sandbox-workspace.toml"
KINDS = ("leadership", "internal", "customer", "other")
# Roles the bot's settings name; other roles are labels only.
SETTING_ROLES = ("director", "pmo", "leader", "sponsor", "sales_ops")


class RosterError(ValueError):
    """The workspace file is not usable; the message says where and why."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    role: str
    tz: str


@dataclass(frozen=True)
class ChannelSpec:
    name: str
    kind: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Roster:
    name: str
    people: tuple[Person, ...]
    channels: tuple[ChannelSpec, ...] = field(default=())

    def with_role(self, role: str) -> list[Person]:
        return [person for person in self.people if person.role == role]

    def first(self, role: str) -> str | None:
        found = self.with_role(role)
        return found[0].id if found else None

    @property
    def leadership_channel(self) -> str:
        return next(c.name for c in self.channels if c.kind == "leadership")

    def setting_values(self) -> dict[str, Any]:
        """The bot's settings this workspace implies (who is leadership, and so on)."""
        return {
            "escalation_channel": self.leadership_channel,
            "director_ps_user_id": self.first("director"),
            "pmo_manager_user_id": self.first("pmo"),
            "leadership_user_ids": [p.id for p in self.with_role("leader")],
            "executive_sponsor_user_id": self.first("sponsor"),
            "sales_ops": self.first("sales_ops"),
        }

    def populate(self, workspace: SlackStandIn) -> dict[str, str]:
        """Add the people and channels to the workspace; returns channel IDs by name."""
        for person in self.people:
            workspace.add_user(person.id, person.name, tz=person.tz, real_name=person.real_name)
        ids = {}
        for channel in self.channels:
            # A channel shared with a customer can't be joined; the bot is invited to it.
            ids[channel.name] = workspace.add_channel(
                channel.name,
                members=channel.members,
                is_ext_shared=channel.kind == "customer",
                bot_member=channel.kind == "customer",
            )
        return ids


def default_text() -> str:
    return resources.files("bot.sandbox").joinpath("workspace.toml").read_text(encoding="utf-8")


def ensure_file(path: Path) -> bool:
    """Write the default workspace to `path` unless it exists; returns whether it wrote."""
    if path.exists():
        return False
    with resources.as_file(resources.files("bot.sandbox").joinpath("workspace.toml")) as source:
        shutil.copyfile(source, path)
    return True


def parse(text: str, where: str = DEFAULT_FILE) -> Roster:
    """The roster in `text`; RosterError naming the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RosterError(f"{where} is not valid TOML: {error}") from None
    people = []
    for number, raw in enumerate(data.get("people") or [], start=1):
        person_id = str(raw.get("id") or "")
        if not SLACK_ID.match(person_id) or not person_id.startswith(("U", "W")):
            raise RosterError(
                f"{where}: person {number} needs an id like U012ABC, got {person_id!r}"
            )
        tz = str(raw.get("tz") or "America/New_York")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise RosterError(f"{where}: {person_id} has unknown time zone {tz!r}") from None
        name = str(raw.get("name") or person_id.lower())
        people.append(
            Person(
                person_id, name, str(raw.get("real_name") or name), str(raw.get("role") or ""), tz
            )
        )
    if not people:
        raise RosterError(f"{where}: add at least one [[people]] entry")
    if len({p.id for p in people}) != len(people):
        raise RosterError(f"{where}: two people share an id")
    known = {p.id for p in people}
    channels = []
    for raw in data.get("channels") or []:
        name = str(raw.get("name") or "").lstrip("#")
        kind = str(raw.get("kind") or "other")
        if not name or kind not in KINDS:
            raise RosterError(f"{where}: each channel needs a name and a kind in {KINDS}")
        members = raw.get("members", "all")
        chosen = tuple(known) if members == "all" else tuple(str(m) for m in members)
        if unknown := [m for m in chosen if m not in known]:
            raise RosterError(f"{where}: #{name} lists unknown members {unknown}")
        channels.append(ChannelSpec(name, kind, chosen))
    if sum(c.kind == "leadership" for c in channels) != 1:
        raise RosterError(f'{where}: exactly one channel must have kind = "leadership"')
    title = str((data.get("workspace") or {}).get("name") or "Sandbox")
    return Roster(title, tuple(people), tuple(channels))


def load(path: Path | None) -> Roster:
    """The roster in `path`, or the packaged default when `path` is None."""
    if path is None:
        return parse(default_text(), "the default workspace")
    return parse(path.read_text(encoding="utf-8"), str(path))

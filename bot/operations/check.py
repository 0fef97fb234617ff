"""`escalation-bot check`: is this deployment ready for a live workspace?

Asks Slack (with the bot token) and the database what an operator would otherwise find out
from a silent bot, and prints a checklist: the token, the scopes granted against
`manifest.yaml`, the leadership channel and the bot's membership there, every configured
person and channel, the database's migrations, and what the ledger still holds or gave up.
Nothing is changed: no channel is joined, nothing is posted, no migration is applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from bot.db import make_engine, pending_migrations
from bot.delivery.gateway import SlackGateway, SlackProblem
from bot.operations.health import ledger_backlog
from bot.settings import Settings

# A pending delivery this late means no process is delivering (no `serve`, no `worker`).
STUCK_AFTER = timedelta(minutes=10)
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    status: Status
    subject: str
    detail: str

    def line(self) -> str:
        return f"  {self.status.value:<5} {self.subject}: {self.detail}"


def manifest_list(manifest: str, *keys: str) -> list[str]:
    """The block-style list under `keys` in a Slack app manifest (`oauth_config`, `scopes`,
    `bot` for the bot scopes). Reads only what manifest.yaml writes, so the check needs no
    YAML library in production."""
    found: list[str] = []
    path: list[tuple[int, str]] = []  # the keys enclosing the current line, with indents
    for raw in manifest.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        item = re.fullmatch(r"\s*-\s*(\S+)", line)
        if item:
            if tuple(key for _, key in path) == keys:
                found.append(item.group(1).strip("'\""))
            continue
        key = re.fullmatch(r"\s*([\w.-]+):.*", line)
        if key is None:
            continue
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, key.group(1)))
    return found


def manifest_bot_scopes(manifest: str) -> list[str]:
    return manifest_list(manifest, "oauth_config", "scopes", "bot")


def find_manifest(given: str | None) -> Path | None:
    """`--manifest`, else manifest.yaml in the working directory (the app's root on Heroku),
    else the one beside the source (an editable install)."""
    if given:
        return Path(given)
    for candidate in (Path("manifest.yaml"), Path(__file__).parents[2] / "manifest.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _people_and_channels(settings: Settings) -> Iterator[tuple[str, str]]:
    """(setting name, value) for every configured user or channel, in declaration order:
    settings named `*_user_id(s)` or `*_channel`, and SALES_OPS (a user or a channel)."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if not value or not (
            name.endswith(("_user_id", "_user_ids", "_channel")) or name == "sales_ops"
        ):
            continue
        for one in value if isinstance(value, list) else [value]:
            yield name.upper(), str(one)


class Checker:
    def __init__(
        self,
        settings: Settings,
        *,
        gateway: SlackGateway | None,
        manifest: Path | None,
        now: Callable[[], datetime],
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.gateway = gateway
        self.manifest = manifest
        self.now = now
        self.engine = engine
        self.findings: list[Finding] = []

    def note(self, status: Status, subject: str, detail: str) -> None:
        self.findings.append(Finding(status, subject, detail))

    def run(self) -> list[Finding]:
        if self.gateway is None:
            self.note(
                Status.FAIL,
                "Slack token",
                "SLACK_BOT_TOKEN is not set, so nothing in Slack can be checked",
            )
        elif self.check_token():
            self.check_channel("ESCALATION_CHANNEL", self.settings.escalation_channel, True)
            for name, value in _people_and_channels(self.settings):
                if name == "ESCALATION_CHANNEL":
                    continue
                if USER_ID.match(value):
                    self.check_user(name, value)
                else:
                    self.check_channel(name, value, False)
            if not self.settings.leadership_user_ids:
                self.note(
                    Status.WARN,
                    "LEADERSHIP_USER_IDS",
                    "empty: only DIRECTOR_PS_USER_ID and PMO_MANAGER_USER_ID count as leadership",
                )
        self.check_database()
        return self.findings

    # -- Slack -------------------------------------------------------------------------------

    def check_token(self) -> bool:
        assert self.gateway is not None
        try:
            me = self.gateway.identity()
        except SlackProblem as problem:
            if problem.code == "connection_error":
                detail = f"cannot reach Slack at {self.settings.slack_api_url} (connection failed)"
            else:
                detail = f"Slack refused SLACK_BOT_TOKEN ({problem.code}): copy the Bot User OAuth Token (xoxb-...) again from OAuth & Permissions"
            self.note(Status.FAIL, "Slack token", detail)
            return False
        self.note(
            Status.OK,
            "Slack token",
            f"valid: the bot is @{me.user} ({me.user_id}) in {me.team} ({me.team_id})",
        )
        self.check_scopes(me.scopes)
        return True

    def check_scopes(self, granted: frozenset[str] | None) -> None:
        if self.manifest is None or not self.manifest.is_file():
            where = self.manifest or "manifest.yaml"
            self.note(
                Status.WARN,
                "Scopes",
                f"{where} not found, nothing to compare with (pass --manifest)",
            )
            return
        wanted = set(manifest_bot_scopes(self.manifest.read_text()))
        if granted is None:
            self.note(Status.WARN, "Scopes", "Slack did not say which scopes the token has")
            return
        missing, unneeded = sorted(wanted - granted), sorted(granted - wanted)
        if missing:
            self.note(
                Status.FAIL,
                "Scopes",
                f"missing {', '.join(missing)}: update the app from {self.manifest.name} and reinstall it",
            )
        if unneeded:
            self.note(
                Status.WARN,
                "Scopes",
                f"granted but not in {self.manifest.name}: {', '.join(unneeded)} (remove them and reinstall)",
            )
        if not missing:
            self.note(
                Status.OK, "Scopes", f"all {len(wanted)} scopes of {self.manifest.name} granted"
            )

    def check_channel(self, setting: str, name_or_id: str, must_be_member: bool) -> None:
        assert self.gateway is not None
        label = name_or_id if CHANNEL_ID.match(name_or_id) else f"#{name_or_id.lstrip('#')}"
        subject = f"{setting} {label}"
        try:
            channel = self.gateway.resolve_channel(name_or_id)
            info = self.gateway.channel_info(channel)
        except SlackProblem as problem:
            if problem.code == "channel_not_found":
                detail = "not found: create it, fix the setting, or invite the bot if it is private (a bot sees a private channel only once it is a member)"
            else:
                detail = f"Slack answered {problem.code}"
            self.note(Status.FAIL, subject, detail)
            return
        private = bool(info.get("is_private") or info.get("is_group"))
        kind = (
            "private" if private else ("Slack Connect" if info.get("is_ext_shared") else "public")
        )
        found = f"found ({kind}, {channel})"
        if info.get("is_archived"):
            self.note(Status.FAIL, subject, f"{found} but archived")
        elif info.get("is_member"):
            self.note(Status.OK, subject, f"{found}, the bot is a member")
        elif private:
            self.note(
                Status.FAIL,
                subject,
                f"{found} but the bot is not a member: run `/invite @Escalation Bot` there",
            )
        elif must_be_member:
            self.note(
                Status.WARN,
                subject,
                f"{found}; the bot is not a member yet (it joins at start-up; pins and thread replies need it)",
            )
        else:
            self.note(Status.OK, subject, f"{found}; the bot joins it when it first posts")

    def check_user(self, setting: str, user_id: str) -> None:
        assert self.gateway is not None
        subject = f"{setting} {user_id}"
        try:
            user = self.gateway.user_info(user_id)
        except SlackProblem as problem:
            self.note(Status.FAIL, subject, f"no such user in this workspace ({problem.code})")
            return
        name = (
            (user.get("profile") or {}).get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user_id
        )
        if user.get("deleted"):
            self.note(Status.FAIL, subject, f"{name} is deactivated")
        elif user.get("is_bot"):
            self.note(Status.FAIL, subject, f"{name} is a bot, not a person")
        elif not user.get("tz"):
            self.note(
                Status.WARN,
                subject,
                f"{name}, no time zone in Slack: DEFAULT_TIMEZONE {self.settings.default_timezone} is used",
            )
        else:
            self.note(Status.OK, subject, f"{name}, time zone {user['tz']}")

    # -- database ----------------------------------------------------------------------------

    def check_database(self) -> None:
        try:
            engine = self.engine or make_engine(self.settings.database_url)
        except Exception as error:
            self.note(Status.FAIL, "Database", f"DATABASE_URL is not usable: {_first_line(error)}")
            return
        where = engine.url.render_as_string(hide_password=True)
        try:
            pending = pending_migrations(engine)
        except Exception as error:
            self.note(Status.FAIL, "Database", f"cannot reach {where}: {_first_line(error)}")
            return
        finally:
            if self.engine is None:
                engine.dispose()
        if pending:
            self.note(
                Status.FAIL,
                "Database",
                f"{where} needs migrations {', '.join(pending)}: run `escalation-bot migrate`",
            )
            return
        self.note(Status.OK, "Database", f"{where} reachable and migrated")
        self.check_deliveries(engine)

    def check_deliveries(self, engine: Engine) -> None:
        now = self.now()
        try:
            backlog = ledger_backlog(engine, now)
        except Exception as error:
            self.note(Status.FAIL, "Deliveries", f"cannot read the ledger: {_first_line(error)}")
            return
        oldest = backlog.oldest_pending_due_at
        if backlog.due and oldest is not None and now - oldest > STUCK_AFTER:
            self.note(
                Status.WARN,
                "Deliveries",
                f"{backlog.due} due, the oldest since {oldest:%Y-%m-%d %H:%M} UTC: is `serve` or `worker` running?",
            )
        else:
            self.note(Status.OK, "Deliveries", f"{backlog.due} due now, none stuck")
        if backlog.failed:
            self.note(
                Status.WARN,
                "Failed deliveries",
                f"{backlog.failed} given up for good (listed in App Home under Needs attention); the latest: {backlog.last_failure or 'no error recorded'}",
            )
        else:
            self.note(Status.OK, "Failed deliveries", "none")


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def render(findings: list[Finding]) -> str:
    problems = sum(f.status is Status.FAIL for f in findings)
    warnings = sum(f.status is Status.WARN for f in findings)
    lines = [f.line() for f in findings]
    verdict = (f"{problems} problem{'s' * (problems != 1)}" if problems else "Ready") + (
        f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
    )
    return "\n".join([*lines, verdict + "."])

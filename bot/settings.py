"""Configuration, read once from the environment (and an optional `.env`) into a typed object."""

from __future__ import annotations

import itertools
import re
from datetime import time
from typing import Annotated, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SLACK_ID = re.compile(r"^[CGDUW][A-Z0-9]{2,}$")
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")

CommaList = Annotated[list[str], NoDecode]
CommaInts = Annotated[list[int], NoDecode]


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class WeeklySlot(NamedTuple):
    """A weekday (0 = Monday) and a local time, written `FRI 10:00`."""

    weekday: int
    at: time

    @classmethod
    def parse(cls, text: str) -> WeeklySlot:
        match = re.fullmatch(r"\s*([A-Za-z]{3})\s+(\d{1,2}):(\d{2})\s*", text)
        if not match or match.group(1).upper() not in WEEKDAYS:
            raise ValueError(f"expected a weekday and a time like 'FRI 10:00', got {text!r}")
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"{text!r} is not a valid time of day")
        return cls(WEEKDAYS.index(match.group(1).upper()), time(hour, minute))

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.at:%H:%M}"


def _weekly(value: object) -> object:
    return WeeklySlot.parse(value) if isinstance(value, str) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    database_url: str = "sqlite:///escalation-bot.db"
    port: int = Field(default=3000, ge=1, le=65535)

    escalation_channel: str = "ps-project-leadership"
    leadership_user_ids: CommaList = []
    director_ps_user_id: str | None = None
    pmo_manager_user_id: str | None = None
    executive_sponsor_user_id: str | None = None
    sales_ops: str | None = None
    resourcing_channel: str | None = None

    default_timezone: str = "America/New_York"
    morning_prompt: time = time(9, 0)
    midday_prompt: time = time(12, 30)
    evening_prompt: time = time(17, 0)
    sev1_weekly_prompt: Annotated[WeeklySlot, NoDecode] = WeeklySlot(4, time(10, 0))
    sev2_weekly_prompt: Annotated[WeeklySlot, NoDecode] = WeeklySlot(0, time(10, 0))
    portfolio_review: Annotated[WeeklySlot, NoDecode] = WeeklySlot(3, time(14, 0))
    portfolio_agenda_lead_minutes: int = Field(default=60, ge=0)
    # The evening update's second nudge, this long after the prompt (always before quiet hours).
    evening_nudge_minutes: int = Field(default=90, ge=1, le=720)
    # The PMO manager's weekly briefing, in the configured default time zone.
    pmo_briefing: Annotated[WeeklySlot, NoDecode] = WeeklySlot(4, time(15, 0))
    quiet_hours_start: time = time(19, 0)
    quiet_hours_end: time = time(8, 0)
    ladder_days: CommaInts = [7, 14, 21, 28]
    siren_threshold_hours: float = Field(default=48, gt=0)
    scheduler_tick_seconds: int = Field(default=30, ge=1)
    # Threads sending due Slack effects; Slack's per-channel limit (about 1 message a second)
    # makes more than a handful pointless.
    delivery_workers: int = Field(default=4, ge=1, le=32)
    # People conflicts: resolved directly first; unresolved after this many
    # business days each person's manager is told, and after as many more the executive.
    conflict_executive_user_id: str | None = None
    conflict_manager_days: int = Field(default=5, ge=1, le=60)
    conflict_executive_days: int = Field(default=5, ge=1, le=60)
    # The people who record Sales Ops outcomes (SALES_OPS stays the optional hand-off channel).
    sales_ops_user_ids: CommaList = []
    # The sales contact when an escalation has no AE on the record.
    sales_manager_user_id: str | None = None
    # Critical Sev 1: how soon the Director PS and leadership are asked to hold a sync.
    immediate_sync_hours: float = Field(default=4, gt=0)
    # `json`: one JSON object per log line, for log pipelines (Heroku drains, Datadog...).
    log_format: Literal["text", "json"] = "text"

    _split_lists = field_validator("leadership_user_ids", "ladder_days", mode="before")(_split)
    _parse_weekly = field_validator(
        "sev1_weekly_prompt",
        "sev2_weekly_prompt",
        "portfolio_review",
        "pmo_briefing",
        mode="before",
    )(_weekly)

    _split_sales_ops = field_validator("sales_ops_user_ids", mode="before")(_split)

    @field_validator("sales_ops_user_ids")
    @classmethod
    def _sales_ops_are_users(cls, value: list[str]) -> list[str]:
        for user_id in value:
            if not SLACK_ID.match(user_id) or user_id[0] not in "UW":
                raise ValueError(f"{user_id!r} is not a Slack user ID (like U012ABCDEF)")
        return value

    @field_validator("sales_manager_user_id")
    @classmethod
    def _sales_manager_is_a_user(cls, value: str | None) -> str | None:
        if not value:
            return None  # set but empty: unset
        if not SLACK_ID.match(value) or value[0] not in "UW":
            raise ValueError(f"{value!r} is not a Slack user ID (like U012ABCDEF)")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value if value.endswith("/") else value + "/"

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @field_validator("leadership_user_ids")
    @classmethod
    def _user_ids(cls, value: list[str]) -> list[str]:
        for user_id in value:
            if not SLACK_ID.match(user_id):
                raise ValueError(f"{user_id!r} is not a Slack user ID (like U012ABCDEF)")
        return value

    @field_validator("ladder_days")
    @classmethod
    def _ladder_has_four_rising_steps(cls, value: list[int]) -> list[int]:
        if len(value) != 4 or any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError(f"needs four rising day counts like 7,14,21,28, got {value}")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_is_app_level(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "must be an app-level token (xapp-...) with connections:write, from "
                "Basic Information -> App-Level Tokens"
            )
        return value

    @model_validator(mode="after")
    def _slack_credentials_come_in_pairs(self) -> Settings:
        # Over HTTP the bot token needs the signing secret; over Socket Mode (an app token)
        # nothing arrives over HTTP, so there is nothing to verify.
        if self.slack_signing_secret and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set")
        if self.slack_bot_token and not (self.slack_signing_secret or self.slack_app_token):
            raise ValueError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set "
                "(or set SLACK_APP_TOKEN to run over Socket Mode, which needs no secret)"
            )
        return self

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def socket_mode(self) -> bool:
        """Slack's requests arrive over a Socket Mode connection instead of HTTP."""
        return self.slack_configured and self.slack_app_token is not None

    @property
    def ignored_app_token(self) -> bool:
        """SLACK_APP_TOKEN alone: Socket Mode carries requests, but every answer needs the
        bot token, so without it the app token is of no use."""
        return self.slack_app_token is not None and self.slack_bot_token is None

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    def is_leadership(self, user_id: str) -> bool:
        return user_id in self.leadership_user_ids or user_id in (
            self.director_ps_user_id,
            self.pmo_manager_user_id,
        )


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting, in the environment variable's spelling."""
    first = error.errors()[0]
    name = "_".join(str(part) for part in first["loc"]).upper()
    message = first["msg"].removeprefix("Value error, ")
    return f"setting {name} is invalid: {message}" if name else f"settings invalid: {message}"

"""What every use case needs, built once at start-up and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.delivery.gateway import SlackGateway
from bot.delivery.ledger import worker_name
from bot.delivery.traffic import AckTraffic
from bot.models import SlackUser
from bot.settings import Settings


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    gateway: SlackGateway
    clock: Clock
    worker: str = field(default_factory=worker_name)
    # Tells the delivery workers that new ledger rows are due (a no-op until they start;
    # tests deliver synchronously instead).
    wake: Callable[[], None] = field(default=lambda: None)
    # Problems a person must fix (a private leadership channel the bot isn't in), by topic;
    # shown in App Home.
    warnings: dict[str, str] = field(default_factory=dict)
    # Slack requests waiting for their ack; the delivery workers give way to them.
    traffic: AckTraffic = field(default_factory=AckTraffic)
    # Profiles read this process's lifetime (bot/people.py), so acks skip the database.
    profiles: dict[str, SlackUser] = field(default_factory=dict)

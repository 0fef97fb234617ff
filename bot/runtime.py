"""What every use case needs, built once at start-up and passed down."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.delivery.gateway import SlackGateway
from bot.delivery.ledger import worker_name
from bot.delivery.traffic import AckTraffic
from bot.grouped_writes import GroupedWrites
from bot.models import SlackUser
from bot.settings import Settings


class Fetches:
    """Which keys some thread is fetching right now, so others wait for its answer instead of
    asking again: twenty forms submitted at once, naming the same five people, ask Slack
    about five profiles, not a hundred."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Event] = {}

    def start(self, key: str) -> threading.Event | None:
        """None: the caller fetches `key` and must call `finish`. Otherwise another thread
        is fetching it; the returned event is set once that fetch ended, well or not."""
        with self._lock:
            if key in self._fetching:
                return self._fetching[key]
            self._fetching[key] = threading.Event()
            return None

    def finish(self, key: str) -> None:
        with self._lock:
            done = self._fetching.pop(key, None)
        if done is not None:
            done.set()


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
    # Waits until the delivery workers are about to run out of due work, at most the seconds
    # given: the planner gives way to them between batches (returns at once until they start).
    delivery_appetite: Callable[[float], None] = field(default=lambda at_most: None)
    # Problems a person must fix (a private leadership channel the bot isn't in), by topic;
    # shown in App Home.
    warnings: dict[str, str] = field(default_factory=dict)
    # Slack requests waiting for their ack; the delivery workers give way to them.
    traffic: AckTraffic = field(default_factory=AckTraffic)
    # Opens modals after a listener's ack (bot/slack/modals.py), so the listener's thread is
    # free for the next request's ack. One thread: under a burst, modal opens running side by
    # side competed with the acks for the interpreter (ack p99 1.15x a bare Bolt app's with
    # two, 0.92x with one, same run); a modal's call is bounded by its trigger's 3 s.
    modal_openers: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="modal")
    )
    # Writes a listener makes before its ack, committed together (bot/grouped_writes.py).
    grouped_writes: GroupedWrites = field(init=False)
    # Profiles read this process's lifetime (bot/people.py), so acks skip the database.
    profiles: dict[str, SlackUser] = field(default_factory=dict)
    profile_fetches: Fetches = field(default_factory=Fetches)

    def __post_init__(self) -> None:
        engine = self.sessions.kw["bind"]  # what make_session_factory bound every session to
        assert isinstance(engine, Engine)
        self.grouped_writes = GroupedWrites(engine)

"""A second bot process for crash tests: it delivers what is due until the test kills it.

Run as `python -m tests.crash_process SETTINGS_JSON NOW_ISO`; the settings are the test
harness's, so it is the same bot on the same database and the same Slack stand-in.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from bot.clock import ManualClock
from bot.db import make_engine, make_session_factory
from bot.delivery.gateway import SlackGateway, make_client
from bot.delivery.runner import deliver_due
from bot.runtime import Services
from bot.scheduler import REGISTRY
from bot.settings import Settings


def main() -> None:
    values, now = json.loads(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
    settings = Settings(_env_file=None, **values)
    token = values["slack_bot_token"]
    clock = ManualClock(now)
    services = Services(
        settings=settings,
        sessions=make_session_factory(make_engine(settings.database_url)),
        gateway=SlackGateway(make_client(token, settings.slack_api_url), now=clock.now),
        clock=clock,
    )
    print("delivering", flush=True)
    deliver_due(services, REGISTRY)
    print("finished", flush=True)  # a test that kills us in time never sees this


if __name__ == "__main__":
    main()

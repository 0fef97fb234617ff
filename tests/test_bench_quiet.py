"""The ack bench starts a burst only once every app is idle, not merely once Slack is quiet."""

from __future__ import annotations

import gc
import subprocess
import sys
from types import SimpleNamespace

import pytest

from bench.ack import cpu_seconds, wait_until_quiet
from bench.apps import Served

# Burns CPU without calling anyone, as the bot does while it makes a burst's records.
BUSY_FOR_A_SECOND = (
    "import time\nstarted = time.process_time()\nwhile time.process_time() - started < 1.0: pass"
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_burst_waits_until_an_app_busy_without_slack_calls_is_idle() -> None:
    busy = subprocess.Popen([sys.executable, "-c", BUSY_FOR_A_SECOND])
    quiet_standin = SimpleNamespace(calls=[])
    try:
        wait_until_quiet(quiet_standin, [Served("http://busy", pid=busy.pid)])
        # It returned once the app had stopped using the CPU: it has used (nearly) all of it.
        assert busy.poll() is not None or cpu_seconds(busy.pid) >= 0.9
    finally:
        busy.kill()
        busy.wait()
        gc.unfreeze()  # the bench freezes what its stand-in keeps; the suite's is not that


def test_an_idle_app_and_a_quiet_standin_start_the_next_burst_at_once() -> None:
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        wait_until_quiet(SimpleNamespace(calls=[]), [Served("http://idle", pid=idle.pid)])
        assert idle.poll() is None  # it did not wait for the sleeper to end
    finally:
        idle.kill()
        idle.wait()
        gc.unfreeze()

"""Whatever stops the bot from starting says so in one line on stderr and exits with 2.

Each test runs the real command line in a process of its own, in an empty folder (no
`.env`), with only the environment it names, as an operator would start it.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.db import make_engine
from tests.databases import PostgresDatabases
from tests.harness import BOT_TOKEN
from tests.slack_standin import SlackStandIn

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(folder: Path, **variables: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{folder / 'bot.db'}",
        "PORT": str(free_port()),
    }
    env.update(variables)
    return env


def run_cli(folder: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=folder,
        env=bot_env(folder, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at head, migrated once by the CLI and copied into each test's folder
    (the failures under test come after the migration, not from it)."""
    folder = tmp_path_factory.mktemp("migrated")
    done = run_cli(folder, "migrate")
    assert done.returncode == 0, done.stderr
    return folder / "bot.db"


@pytest.fixture
def folder(tmp_path: Path, migrated_database: Path) -> Path:
    shutil.copy(migrated_database, tmp_path / "bot.db")
    return tmp_path


def with_slack(**variables: str) -> dict[str, str]:
    """Slack credentials (Slack itself unreachable), so `serve` runs the bot for real rather
    than the sandbox it runs without them."""
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
        **variables,
    }


def one_line_failure(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a start-up that failed as it should; fails the test
    otherwise (a traceback, several lines, another exit status)."""
    lines = done.stderr.splitlines()
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("escalation-bot: ")
    assert "Traceback" not in done.stdout + done.stderr
    return lines[0]


def test_a_database_url_that_is_not_a_url_stops_start_up_in_one_line(tmp_path: Path) -> None:
    line = one_line_failure(run_cli(tmp_path, "serve", **with_slack(DATABASE_URL="garbage")))
    assert "DATABASE_URL" in line and "postgresql://" in line


def test_a_malformed_database_url_is_reported_without_its_password(tmp_path: Path) -> None:
    line = one_line_failure(
        run_cli(tmp_path, "migrate", DATABASE_URL="postgresq://ops:hunter2@db.example/prod")
    )
    assert "DATABASE_URL" in line and "hunter2" not in line


def test_a_database_that_cannot_be_reached_stops_start_up_in_one_line(tmp_path: Path) -> None:
    url = f"postgres://ops:hunter2@127.0.0.1:{free_port()}/escalations"
    line = one_line_failure(run_cli(tmp_path, "serve", **with_slack(DATABASE_URL=url)))
    assert "cannot reach or migrate the database" in line
    assert "hunter2" not in line


def test_a_database_migrated_by_a_newer_release_stops_start_up_in_one_line(
    tmp_path: Path,
) -> None:
    with sqlite3.connect(tmp_path / "bot.db") as database:
        database.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        database.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    line = one_line_failure(run_cli(tmp_path, "serve", **with_slack()))
    assert "cannot reach or migrate the database" in line


def test_a_port_already_in_use_stops_start_up_in_one_line(folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_failure(run_cli(folder, "serve", **with_slack(PORT=str(port))))
    assert f"port {port} is already in use" in line and "PORT" in line


def test_an_invalid_bot_token_stops_start_up_in_one_line(
    folder: Path, standin: SlackStandIn
) -> None:
    done = run_cli(
        folder,
        "serve",
        SLACK_BOT_TOKEN="xoxb-not-the-right-one",
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=standin.base_url,
    )
    line = one_line_failure(done)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in line


def test_a_revoked_bot_token_stops_the_worker_in_one_line(
    folder: Path, standin: SlackStandIn
) -> None:
    standin.fail_next("auth.test", error="token_revoked")
    done = run_cli(
        folder,
        "worker",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=standin.base_url,
    )
    assert "revoked (token_revoked)" in one_line_failure(done)


def test_slack_unreachable_at_start_up_stops_it_in_one_line(folder: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    done = run_cli(
        folder,
        "serve",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL=nowhere,
    )
    assert f"cannot reach Slack at {nowhere}" in one_line_failure(done)


def test_a_refused_app_token_stops_socket_mode_in_one_line(
    folder: Path, standin: SlackStandIn
) -> None:
    done = run_cli(
        folder,
        "serve",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN="xapp-1-revoked",
        SLACK_API_URL=standin.base_url,
    )
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in one_line_failure(done)
    assert standin.calls_to("apps.connections.open"), "the connection was never attempted"


def test_a_bot_token_pasted_as_the_app_token_is_named_in_one_line(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "serve", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=BOT_TOKEN)
    line = one_line_failure(done)
    assert "SLACK_APP_TOKEN" in line and "xapp-" in line


def test_a_bot_token_without_secret_or_app_token_is_named_in_one_line(tmp_path: Path) -> None:
    line = one_line_failure(run_cli(tmp_path, "serve", SLACK_BOT_TOKEN=BOT_TOKEN))
    assert "SLACK_SIGNING_SECRET" in line and "SLACK_APP_TOKEN" in line


def test_herokus_postgres_url_spelling_is_understood() -> None:
    engine = make_engine("postgres://ops:pw@db.example:5432/escalations")
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.url.host == "db.example" and engine.url.database == "escalations"


def test_herokus_postgres_url_migrates_a_real_database(
    tmp_path: Path, postgresql_databases: PostgresDatabases
) -> None:
    url = postgresql_databases.empty()
    try:
        heroku_form = "postgres://" + url.split("://", 1)[1]
        done = run_cli(tmp_path, "migrate", DATABASE_URL=heroku_form)
        assert done.returncode == 0, done.stderr
        assert "database is up to date" in done.stdout
    finally:
        postgresql_databases.drop(url)


def test_an_app_token_alone_is_ignored_and_start_up_says_why(folder: Path) -> None:
    env = bot_env(folder, SLACK_APP_TOKEN="xapp-1-only-this")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{env['PORT']}/healthz"
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status == 200:  # without Slack, serve runs the sandbox
                        break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("serve never answered /healthz")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    first = stderr.splitlines()[0]
    assert first.startswith("escalation-bot: SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not")
    assert "ignored" in first and "needs the bot token" in first

"""`escalation-bot check` against the stand-in: a workspace set up right passes; a broken
one gets a FAIL line for each thing an operator must fix, and a non-zero exit."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.cli import main
from bot.clock import ManualClock
from bot.delivery import ledger
from bot.delivery.gateway import SlackGateway, make_client
from bot.operations.check import (
    Checker,
    Finding,
    Status,
    manifest_bot_scopes,
    manifest_list,
    render,
)
from bot.settings import Settings
from tests.emulator import NODE, YAML_PACKAGE, require_installed
from tests.harness import BOT_TOKEN, SIGNING_SECRET
from tests.slack_standin import SlackStandIn
from tests.world import World, build_world

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest.yaml"
MANIFEST_SCOPES = manifest_bot_scopes(MANIFEST.read_text())


@pytest.fixture
def world(standin: SlackStandIn) -> World:
    return build_world(standin)


def settings_for(standin: SlackStandIn, database_url: str, **values: Any) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.base_url,
        database_url=database_url,
        **values,
    )


def run_check(
    standin: SlackStandIn,
    settings: Settings,
    clock: ManualClock,
    engine: Engine | None = None,
    token: str = BOT_TOKEN,
) -> list[Finding]:
    gateway = SlackGateway(make_client(token, standin.base_url))
    return Checker(settings, gateway=gateway, manifest=MANIFEST, now=clock.now, engine=engine).run()


def lines(findings: list[Finding], status: Status) -> list[str]:
    return [f"{f.subject}: {f.detail}" for f in findings if f.status is status]


def a_good_workspace(standin: SlackStandIn, world: World) -> dict[str, Any]:
    standin.granted_scopes = list(MANIFEST_SCOPES)
    SlackGateway(make_client(BOT_TOKEN, standin.base_url)).join(world.leadership_channel)
    return {
        "leadership_user_ids": [world.leader],
        "director_ps_user_id": world.director,
        "pmo_manager_user_id": world.manager,
        "resourcing_channel": world.internal_channel,
    }


def test_a_workspace_set_up_as_the_readme_says_passes_every_check(
    standin: SlackStandIn, world: World, database_url: str, engine: Engine, clock: ManualClock
) -> None:
    settings = settings_for(standin, database_url, **a_good_workspace(standin, world))
    findings = run_check(standin, settings, clock, engine)
    assert lines(findings, Status.FAIL) == [] and lines(findings, Status.WARN) == []
    shown = render(findings)
    assert "valid: the bot is @escalation-bot (UBOT) in Example (T0001)" in shown
    assert f"all {len(MANIFEST_SCOPES)} scopes of manifest.yaml granted" in shown
    assert "ESCALATION_CHANNEL #ps-project-leadership: found (public" in shown
    assert "the bot is a member" in shown
    assert f"DIRECTOR_PS_USER_ID {world.director}: Dana Director, time zone America/New_York" in (
        shown
    )
    assert f"LEADERSHIP_USER_IDS {world.leader}: Lee Leader" in shown
    assert "reachable and migrated" in shown and "Ready." in shown


def test_missing_and_unneeded_scopes_are_named(
    standin: SlackStandIn, world: World, database_url: str, engine: Engine, clock: ManualClock
) -> None:
    settings = settings_for(standin, database_url, **a_good_workspace(standin, world))
    standin.granted_scopes = [s for s in MANIFEST_SCOPES if s != "pins:write"] + ["admin"]
    findings = run_check(standin, settings, clock, engine)
    assert lines(findings, Status.FAIL) == [
        "Scopes: missing pins:write: update the app from manifest.yaml and reinstall it"
    ]
    assert any("not in manifest.yaml: admin" in line for line in lines(findings, Status.WARN))


def test_a_broken_workspace_gets_a_fail_line_for_each_thing_to_fix(
    standin: SlackStandIn, world: World, database_url: str, engine: Engine, clock: ManualClock
) -> None:
    standin.granted_scopes = list(MANIFEST_SCOPES)
    secret_room = standin.add_channel("ps-leadership-private", is_private=True)
    settings = settings_for(
        standin,
        database_url,
        escalation_channel="ps-leadership-private",
        leadership_user_ids=[world.leader, "UNOBODY01"],
        director_ps_user_id=world.gone,
        pmo_manager_user_id=world.bot_user,
        resourcing_channel="no-such-channel",
    )
    failed = lines(run_check(standin, settings, clock, engine), Status.FAIL)
    assert failed == [
        f"ESCALATION_CHANNEL #ps-leadership-private: found (private, {secret_room}) but the bot "
        "is not a member: run `/invite @Escalation Bot` there",
        "LEADERSHIP_USER_IDS UNOBODY01: no such user in this workspace (user_not_found)",
        f"DIRECTOR_PS_USER_ID {world.gone}: Gone Person is deactivated",
        f"PMO_MANAGER_USER_ID {world.bot_user}: Some Bot is a bot, not a person",
        "RESOURCING_CHANNEL #no-such-channel: not found: create it, fix the setting, or invite "
        "the bot if it is private (a bot sees a private channel only once it is a member)",
    ]


def test_a_refused_token_fails_and_the_database_is_still_checked(
    standin: SlackStandIn, database_url: str, engine: Engine, clock: ManualClock
) -> None:
    settings = settings_for(standin, database_url)
    findings = run_check(standin, settings, clock, engine, token="xoxb-revoked")
    assert lines(findings, Status.FAIL) == [
        "Slack token: Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth "
        "Token (xoxb-...) again from OAuth & Permissions"
    ]
    assert any(line.startswith("Database: ") for line in lines(findings, Status.OK))


def test_a_database_never_migrated_fails_with_the_command_to_run(
    standin: SlackStandIn, world: World, tmp_path: Path, clock: ManualClock
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    settings = settings_for(standin, url, **a_good_workspace(standin, world))
    failed = lines(run_check(standin, settings, clock), Status.FAIL)
    assert len(failed) == 1
    assert (
        failed[0].startswith("Database: sqlite:///")
        and "run `escalation-bot migrate`" in (failed[0])
    )


def test_stuck_and_failed_deliveries_are_reported(
    standin: SlackStandIn, world: World, database_url: str, engine: Engine, clock: ManualClock
) -> None:
    settings = settings_for(standin, database_url, **a_good_workspace(standin, world))
    now = clock.now()
    with Session(engine) as session, session.begin():
        for slot in ("a", "b"):
            ledger.schedule(
                session,
                subject="UPM00001",
                kind="direct_message",
                slot=slot,
                due_at=now - timedelta(hours=2),
            )
        ledger.schedule(session, subject="UPM00001", kind="direct_message", slot="c", due_at=now)
    with Session(engine) as session, session.begin():
        third = max(row_id for row_id, _kind in ledger.due(session, now))
        ledger.fail(session, third, now=now, error="channel_not_found")
    warned = lines(run_check(standin, settings, clock, engine), Status.WARN)
    assert warned == [
        f"Deliveries: 2 due, the oldest since {now - timedelta(hours=2):%Y-%m-%d %H:%M} UTC: "
        "is `serve` or `worker` running?",
        "Failed deliveries: 1 given up for good (listed in App Home under Needs attention); "
        "the latest: channel_not_found",
    ]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """`main` sets up logging for a process; put the test run's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def check_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> int:
    monkeypatch.chdir(tmp_path)  # no .env, as a fresh shell
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--manifest", str(MANIFEST)])
    return int(exit_.value.code or 0)


def test_the_command_exits_0_for_a_good_workspace_and_1_for_a_broken_one(
    standin: SlackStandIn,
    world: World,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restored_logging: None,
) -> None:
    good = a_good_workspace(standin, world)
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.base_url,
        "DATABASE_URL": database_url,
        "LEADERSHIP_USER_IDS": good["leadership_user_ids"][0],
        "DIRECTOR_PS_USER_ID": good["director_ps_user_id"],
    }
    assert check_command(monkeypatch, tmp_path, **env) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ready."
    assert check_command(monkeypatch, tmp_path, **{**env, "DIRECTOR_PS_USER_ID": world.gone}) == 1
    shown = capsys.readouterr().out
    assert shown.splitlines()[-1] == "1 problem."
    assert f"  FAIL  DIRECTOR_PS_USER_ID {world.gone}: Gone Person is deactivated" in shown


def yaml_lists(path: Path, *keys: str) -> list[Any]:
    """What a real YAML parser (the one the Slack emulator ships) reads at `keys`."""
    require_installed()
    script = (
        "const fs = require('fs'); const YAML = require(process.argv[1]);"
        "let value = YAML.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "for (const key of process.argv.slice(3)) value = value[key];"
        "process.stdout.write(JSON.stringify(value));"
    )
    done = subprocess.run(
        [str(NODE), "-e", script, str(YAML_PACKAGE), str(path), *keys],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return list(json.loads(done.stdout))


def test_the_check_reads_the_manifests_lists_as_a_yaml_parser_does() -> None:
    for path in (MANIFEST, ROOT / "manifest.socket.yaml"):
        text = path.read_text()
        for keys in (
            ("oauth_config", "scopes", "bot"),
            ("settings", "event_subscriptions", "bot_events"),
        ):
            assert manifest_list(text, *keys) == yaml_lists(path, *keys), (path.name, keys)

"""What Heroku and Slack read from the repository: requirements.txt, app.json, the Procfile
and the two app manifests agree with the code."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.operations.check import manifest_bot_scopes, manifest_list
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ("settings", "event_subscriptions", "bot_events")


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and line != ".":
            name, _, version = line.partition("==")
            assert version, f"requirements.txt: {line!r} is not pinned with =="
            found[canonicalize_name(name)] = version
    return found


def test_requirements_pin_every_dependency_within_pyprojects_ranges_then_install_the_bot() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == ".", "the bot itself is installed last, from pyproject.toml"
    pinned = pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for declared in project["dependencies"]:
        requirement = Requirement(declared)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in requirements.txt"
        assert requirement.specifier.contains(pinned[name]), (declared, pinned[name])
        for extra in requirement.extras:  # psycopg[binary] -> psycopg-binary
            assert canonicalize_name(f"{requirement.name}-{extra}") in pinned


def test_the_python_version_heroku_installs_is_one_the_project_supports() -> None:
    version = (ROOT / ".python-version").read_text().strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert re.fullmatch(r"3\.\d+", version)
    assert Requirement(f"python{project['requires-python']}").specifier.contains(f"{version}.0")


def test_app_json_provisions_postgresql_runs_web_and_worker_and_asks_for_real_settings() -> None:
    app = json.loads((ROOT / "app.json").read_text())
    assert any(addon["plan"].startswith("heroku-postgresql") for addon in app["addons"])
    assert set(app["formation"]) == {"web", "worker"}
    assert all(process["quantity"] >= 1 for process in app["formation"].values())
    known = {name.upper() for name in Settings.model_fields}
    assert set(app["env"]) <= known, set(app["env"]) - known
    required = {name for name, var in app["env"].items() if var.get("required")}
    assert required == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    defaults = {name: var["value"] for name, var in app["env"].items() if "value" in var}
    Settings(_env_file=None, **{name.lower(): value for name, value in defaults.items()})


def test_the_procfile_migrates_on_release_and_runs_web_and_worker() -> None:
    processes = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert processes["release"].strip() == "escalation-bot migrate"
    assert processes["web"].strip() == "escalation-bot serve --no-scheduler"
    assert processes["worker"].strip() == "escalation-bot worker"


def test_the_socket_mode_manifest_is_the_same_app_without_request_urls() -> None:
    http = (ROOT / "manifest.yaml").read_text()
    socket = (ROOT / "manifest.socket.yaml").read_text()
    assert manifest_bot_scopes(socket) == manifest_bot_scopes(http)
    assert manifest_list(socket, *EVENTS) == manifest_list(http, *EVENTS)
    assert "socket_mode_enabled: true" in socket and "socket_mode_enabled: false" in http
    assert not re.search(r"^\s*(request_)?url:", socket, re.MULTILINE)
    assert "command: /escalate" in socket and "is_enabled: true" in socket


def test_the_manifest_subscribes_to_direct_messages_so_the_messages_tab_answers() -> None:
    manifest = (ROOT / "manifest.yaml").read_text()
    assert "message.im" in manifest_list(manifest, *EVENTS)
    assert "im:history" in manifest_bot_scopes(manifest)
    assert "messages_tab_read_only_enabled: false" in manifest

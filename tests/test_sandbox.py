"""The sandbox without a browser: its page API drives the real bot against the in-process
workspace (signed requests in, Web API calls answered by the workspace), the clock buttons
run the scheduler, and it never runs where real Slack is configured."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot import cli
from bot.sandbox import roster as rosters
from bot.sandbox.run import Sandbox, SandboxRefused, next_nine, run_sandbox
from bot.sandbox.slack_side import REQUIRED, SlackSide
from bot.settings import Settings

START = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday 09:00 in LA, 12:00 in New York
PM, DRI, OUTSIDER = "UPM0001", "UDRI0001", "UOUT0001"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    running = Sandbox.start(
        Settings(_env_file=None),
        rosters.load(None),
        database_url=f"sqlite:///{tmp_path / 'sandbox.db'}",
        start_at=START,
        with_scheduler=False,
    )
    yield running
    running.stop()


def call(sandbox: Sandbox, path: str, body: dict[str, Any] | None = None, query: str = "") -> Any:
    raw = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": "POST" if body is not None else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(raw),
    }
    status: list[str] = []
    answer = b"".join(sandbox.wsgi(environ, lambda line, _headers: status.append(line)))
    if answer.startswith(b"{"):
        return json.loads(answer)
    return status[0], answer.decode()


def state(sandbox: Sandbox, me: str, where: str = "", thread: str = "") -> dict[str, Any]:
    query = f"as={me}&where={where}" + (f"&thread={thread}" if thread else "")
    shown: dict[str, Any] = call(sandbox, "/sandbox/state", query=query)
    return shown


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def wait_until(sandbox: Sandbox, check: Any) -> None:
    """Listeners ack first and work after; effects are delivered by the workers."""
    assert sandbox.workspace.wait_for(check, timeout=10), "it never happened"


def open_sev1(sandbox: Sandbox, **fields: Any) -> tuple[str, dict[str, Any]]:
    leadership = state(sandbox, PM)["where"]
    call(
        sandbox,
        "/sandbox/compose",
        {"as": PM, "channel": leadership, "text": "/escalate sev1 Acme"},
    )
    wait_until(sandbox, lambda: sandbox.workspace.modal_stacks.get(PM))
    view = sandbox.workspace.modal_stacks[PM][-1]
    ids = {c["name"]: c["id"] for c in state(sandbox, PM)["channels"]}
    entered = {
        "customer": "Acme",
        "project": "Rollout",
        "level": "critical",
        "triggers": ["formal_escalation"],
        "summary": "CIO escalated.",
        "health": "red",
        "dri": DRI,
        "manager": "UMGR0001",
        "director": "UDIR0001",
        "internal_channel": ids["proj-acme-internal"],
        "customer_channel": ids["acme-shared"],
    } | fields
    answer = call(
        sandbox,
        "/sandbox/submit",
        {"as": PM, "view": view, "entered": {k: {"value": v} for k, v in entered.items()}},
    )
    return view, answer


def test_the_page_and_its_assets_are_served(sandbox: Sandbox) -> None:
    status, page = call(sandbox, "/")
    assert status == "200 OK" and "/static/app.js" in page and "next 09:00" in page
    assert call(sandbox, "/static/app.js")[0] == "200 OK"
    assert call(sandbox, "/static/style.css")[0] == "200 OK"
    assert call(sandbox, "/healthz") == {"ok": True, "database": "ok", "slack": {"mode": "sandbox"}}


def test_everyone_in_the_workspace_file_is_there_with_a_zone(sandbox: Sandbox) -> None:
    shown = state(sandbox, OUTSIDER)
    roles = {p["role"] for p in shown["people"]}
    assert roles >= {"pm", "dri", "ae", "csm", "manager", "director", "pmo", "sales_ops"}
    assert "outsider" in roles and all(p["tz"] for p in shown["people"])
    channels = {c["name"]: c for c in state(sandbox, PM)["channels"]}
    assert channels["acme-shared"]["external"] is True
    assert channels["ps-project-leadership"]["kind"] == "leadership"
    assert "acme-shared" not in {c["name"] for c in shown["channels"]}, "not a member"
    settings = sandbox.services.settings
    assert settings.director_ps_user_id == "UDIR0001"
    assert settings.pmo_manager_user_id == "UPMO0001"
    assert settings.sales_ops == "USOP0001"


def test_a_sev1_is_opened_pinned_and_answered_through_signed_requests(sandbox: Sandbox) -> None:
    view, answer = open_sev1(sandbox)
    assert answer == {"ok": True, "errors": {}}
    leadership = state(sandbox, PM)["where"]
    wait_until(sandbox, lambda: sandbox.workspace.pinned(leadership))
    shown = state(sandbox, PM, leadership)
    assert shown["main"]["pinned"] == 1
    assert "ESC-1 · Sev 1 Critical · Acme" in text(shown["main"]["pins"])
    assert "Escalation saved" in shown["modal"]["html"], "the modal was updated in place"
    wait_until(
        sandbox,
        lambda: any(e.user == PM for e in sandbox.workspace.ephemeral_log),
    )
    assert "Only visible to you" in state(sandbox, PM, leadership)["main"]["html"]
    call(sandbox, "/sandbox/close", {"as": PM, "view": view})
    assert state(sandbox, PM)["modal"] is None


def test_required_fields_and_the_bots_own_errors_show_beside_the_field(
    sandbox: Sandbox,
) -> None:
    view, answer = open_sev1(sandbox, summary=None)
    assert answer == {"ok": False, "errors": {"summary": REQUIRED}}
    shown = state(sandbox, PM)["modal"]["html"]
    assert f"\u26a0 {REQUIRED}" in shown
    assert 'value="Rollout"' in shown, "what was typed stays"
    # The bot itself refuses a link that isn't one; Slack shows its error the same way.
    entered = {"summary": {"value": "CIO escalated."}, "psa_link": {"value": "not a link"}}
    fields = {
        "customer": "Acme",
        "project": "Rollout",
        "level": "critical",
        "triggers": ["formal_escalation"],
        "health": "red",
        "dri": DRI,
        "manager": "UMGR0001",
        "director": "UDIR0001",
    }
    entered |= {k: {"value": v} for k, v in fields.items()}
    answer = call(sandbox, "/sandbox/submit", {"as": PM, "view": view, "entered": entered})
    assert answer["ok"] is False and set(answer["errors"]) == {"psa_link"}
    assert "field-error" in state(sandbox, PM)["modal"]["html"]
    assert sandbox.workspace.modal_stacks[PM] == [view], "the modal stays open"


def test_requests_the_bot_cannot_verify_are_refused(sandbox: Sandbox) -> None:
    forged = SlackSide(sandbox.workspace, sandbox.bot_wsgi, "not-the-signing-secret")
    leadership = state(sandbox, PM)["where"]
    answer = forged.slash(PM, leadership, "/escalate", "sev1 Acme")
    assert answer.status == 401
    assert sandbox.workspace.calls_to("views.open") == []


def test_a_thread_reply_and_a_button_reach_the_bot(sandbox: Sandbox) -> None:
    open_sev1(sandbox)
    leadership = state(sandbox, PM)["where"]
    wait_until(sandbox, lambda: sandbox.workspace.pinned(leadership))
    root = sandbox.workspace.pinned(leadership)[0]
    before = len(sandbox.workspace.calls)
    call(
        sandbox,
        "/sandbox/compose",
        {"as": DRI, "channel": leadership, "text": "Engineer on site tomorrow.", "thread": root},
    )
    thread = state(sandbox, DRI, leadership, root)["thread"]
    assert "Engineer on site tomorrow." in text(thread["html"])
    wait_until(sandbox, lambda: len(sandbox.workspace.calls) > before)  # the bot heard it
    answer = call(
        sandbox,
        "/sandbox/action",
        {
            "as": DRI,
            "where": {"channel": leadership, "ts": root},
            "block": "esc_actions:1",
            "action": "esc_post_update",
            "value": "1",
        },
    )
    assert answer == {"ok": True, "problem": ""}
    wait_until(sandbox, lambda: sandbox.workspace.modal_stacks.get(DRI))
    assert "Post update" in state(sandbox, DRI)["modal"]["html"]


def test_app_home_is_published_when_opened(sandbox: Sandbox) -> None:
    call(sandbox, "/sandbox/home", {"as": PM})
    wait_until(sandbox, lambda: sandbox.workspace.views_published(PM))
    shown = state(sandbox, PM, "home")
    assert shown["where"] == "home" and 'class="home"' in shown["main"]["html"]


def test_next_nine_is_in_the_persons_zone() -> None:
    assert next_nine(START, "America/New_York") == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert next_nine(START, "Europe/London") == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert next_nine(START, "Asia/Tokyo") == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def test_a_week_on_the_clock_sends_each_days_prompts(sandbox: Sandbox) -> None:
    open_sev1(sandbox)
    dm = state(sandbox, DRI)["dm"]
    wait_until(sandbox, lambda: sandbox.workspace.dms_to(DRI))
    call(sandbox, "/sandbox/clock", {"as": DRI, "move": "week"})
    assert sandbox.clock.now() == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    shown = text(state(sandbox, DRI, dm)["main"]["html"])
    mornings = re.findall(r"Morning review: ESC-1", shown)
    assert len(mornings) >= 5, shown[-2000:]


def test_it_never_runs_where_real_slack_is_configured(tmp_path: Path) -> None:
    configured = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-real"),
        slack_signing_secret=SecretStr("real"),
    )
    with pytest.raises(SandboxRefused):
        Sandbox.start(
            configured,
            rosters.load(None),
            database_url=f"sqlite:///{tmp_path / 'x.db'}",
            start_at=START,
        )
    with pytest.raises(SystemExit) as stopped:
        run_sandbox(configured)
    assert stopped.value.code == 2


def test_serve_without_credentials_runs_the_sandbox_on_loopback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    served: list[tuple[str, int]] = []

    class Server:
        def run(self) -> None:
            pass

        def close(self) -> None:
            pass

    def create_server(_app: object, *, host: str, port: int, threads: int) -> Server:
        served.append((host, port))
        return Server()

    monkeypatch.setattr("waitress.server.create_server", create_server)
    # The process-wide logging set-up is the process's, not this test's.
    monkeypatch.setattr("logging.basicConfig", lambda **_: None)
    monkeypatch.setattr("bot.sandbox.run._quiet_logs", lambda: None)
    cli.main(["serve"])
    assert served == [("127.0.0.1", 3000)]
    assert (tmp_path / rosters.DEFAULT_FILE).exists(), "the workspace file is there to edit"
    assert (tmp_path / "escalation-sandbox.db").exists()
    assert not (tmp_path / "escalation-bot.db").exists(), "the real database is untouched"


def test_a_broken_workspace_file_is_named_with_its_problem() -> None:
    with pytest.raises(rosters.RosterError, match="unknown time zone 'Mars/Olympus'"):
        rosters.parse(
            '[[people]]\nid = "U1AB"\ntz = "Mars/Olympus"\n'
            '[[channels]]\nname = "lead"\nkind = "leadership"\n'
        )
    with pytest.raises(rosters.RosterError, match="exactly one channel"):
        rosters.parse('[[people]]\nid = "U1AB"\n')
    with pytest.raises(rosters.RosterError, match="unknown members"):
        rosters.parse(
            '[[people]]\nid = "U1AB"\n'
            '[[channels]]\nname = "lead"\nkind = "leadership"\nmembers = ["U999"]\n'
        )


def test_untouched_fields_are_submitted_with_their_initial_values_and_ladders_run(
    sandbox: Sandbox,
) -> None:
    view, _ = open_sev1(sandbox)
    call(sandbox, "/sandbox/close", {"as": PM, "view": view})
    leadership = state(sandbox, PM)["where"]
    wait_until(sandbox, lambda: sandbox.workspace.pinned(leadership))
    root = sandbox.workspace.pinned(leadership)[0]
    call(
        sandbox,
        "/sandbox/action",
        {
            "as": PM,
            "where": {"channel": leadership, "ts": root},
            "block": "esc_actions:1",
            "action": "esc_waiting_on_customer",
            "value": "1",
        },
    )
    wait_until(sandbox, lambda: sandbox.workspace.modal_stacks.get(PM))
    wait_view = sandbox.workspace.modal_stacks[PM][-1]
    # Only the text is typed: the kind (a radio) and the date keep their initial values.
    answer = call(
        sandbox,
        "/sandbox/submit",
        {"as": PM, "view": wait_view, "entered": {"asked": {"value": "Sign-off on the plan"}}},
    )
    assert answer == {"ok": True, "errors": {}}
    assert sandbox.workspace.modal_stacks[PM] == []
    call(sandbox, "/sandbox/clock", {"as": PM, "move": "week"})
    thread = text(state(sandbox, PM, leadership, root)["thread"]["html"])
    assert "no answer for 7 days" in thread and "Sign-off on the plan" in thread


def test_a_pushed_modal_stacks_and_its_parent_is_updated_by_the_bot(sandbox: Sandbox) -> None:
    view, _ = open_sev1(sandbox)
    call(sandbox, "/sandbox/close", {"as": PM, "view": view})
    leadership = state(sandbox, PM)["where"]
    wait_until(sandbox, lambda: sandbox.workspace.pinned(leadership))
    root = sandbox.workspace.pinned(leadership)[0]
    details = {
        "as": PM,
        "where": {"channel": leadership, "ts": root},
        "block": "esc_actions:1",
        "action": "esc_details",
        "value": "1",
    }
    call(sandbox, "/sandbox/action", details)
    wait_until(sandbox, lambda: sandbox.workspace.modal_stacks.get(PM))
    parent = sandbox.workspace.modal_stacks[PM][-1]
    before = sandbox.workspace.view(parent)["hash"]
    add = next(
        (block.get("block_id"), element)
        for block in sandbox.workspace.view(parent)["blocks"]
        for element in block.get("elements") or [block.get("accessory") or {}]
        if element.get("action_id") == "add_record:milestone"
    )
    call(
        sandbox,
        "/sandbox/action",
        {
            "as": PM,
            "where": {"view": parent},
            "block": add[0] or "",
            "action": "add_record:milestone",
            "value": add[1]["value"],
        },
    )
    wait_until(sandbox, lambda: len(sandbox.workspace.modal_stacks[PM]) == 2)
    pushed = sandbox.workspace.modal_stacks[PM][-1]
    assert (
        "Back" in state(sandbox, PM)["modal"]["html"]
        or "Cancel" in state(sandbox, PM)["modal"]["html"]
    )
    answer = call(
        sandbox,
        "/sandbox/submit",
        {
            "as": PM,
            "view": pushed,
            "entered": {
                "title": {"value": "Go-live re-baselined"},
                "success_criteria": {"value": "Signed plan"},
            },
        },
    )
    assert answer == {"ok": True, "errors": {}}
    assert sandbox.workspace.modal_stacks[PM] == [parent], "back to the details"
    wait_until(sandbox, lambda: sandbox.workspace.view(parent)["hash"] != before)
    assert "Go-live re-baselined" in text(state(sandbox, PM)["modal"]["html"])


def test_page_calls_must_be_json_so_other_sites_cannot_post_to_it(sandbox: Sandbox) -> None:
    raw = b'{"as": "UPM0001", "channel": "C0001", "text": "/escalate sev1 Acme"}'
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/sandbox/compose",
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": "text/plain",
        "wsgi.input": io.BytesIO(raw),
    }
    status: list[str] = []
    body = b"".join(sandbox.wsgi(environ, lambda line, _headers: status.append(line)))
    assert status == ["400 Bad Request"] and b"send JSON" in body
    assert sandbox.workspace.calls_to("views.open") == []


def test_a_bot_that_does_not_answer_a_submission_leaves_the_modal_open_saying_so(
    sandbox: Sandbox,
) -> None:
    leadership = state(sandbox, PM)["where"]
    call(sandbox, "/sandbox/compose", {"as": PM, "channel": leadership, "text": "/escalate sev1"})
    wait_until(sandbox, lambda: sandbox.workspace.modal_stacks.get(PM))
    view = sandbox.workspace.modal_stacks[PM][-1]

    def silent_bot(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("404 Not Found", [])  # Bolt's answer when no ack came within 3 s
        return [b'{"error": "unhandled request"}']

    slow = SlackSide(sandbox.workspace, silent_bot, "any")
    entered = {"summary": {"value": "typed"}, "project": {"value": "P"}}
    required = {
        "customer": "Acme",
        "level": "critical",
        "triggers": ["formal_escalation"],
        "dri": DRI,
        "manager": "UMGR0001",
    }
    entered |= {k: {"value": v} for k, v in required.items()}
    errors = slow.submit(PM, view, entered)
    assert errors == {"": "We had some trouble connecting. Try again?"}
    assert sandbox.workspace.modal_stacks[PM] == [view]

"""The contract with an independent Slack: the real bot's stories, run against emulate.

The workspace (see `tests/emulator.py`): the bot's token holds exactly the manifest's bot
scopes, checked strictly; the bot is a member of no channel, and `#ps-project-leadership` is
public. What the tests assert is read back from the emulator with people's own tokens.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.cadence.briefing import send_pmo_briefing
from bot.clock import ManualClock
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job
from bot.models import Delivery
from tests.databases import SqliteDatabases
from tests.emulator import (  # noqa: F401 - the fixtures are used by name
    BOT_TOKEN,
    BOT_USER_ID,
    NOON_MONDAY,
    EmulatedBot,
    SlackEmulator,
    emulated_bot_fixture,
    slack_emulator_fixture,
)
from tests.factories import open_form

UPDATE_SUMMARY = "Patch deployed to staging; go-live re-baselined for Dec 12."
NEEDED = "Approval to extend the pilot licences"
RESOLUTION = "Senior engineer added; go-live met on Dec 12."


def dumped(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


def next_view(bot: EmulatedBot, before: int) -> dict[str, Any]:
    views = bot.opened_views()
    assert len(views) > before, "the bot opened no modal"
    return views[before]


def open_sev1(bot: EmulatedBot) -> tuple[dict[str, Any], str]:
    """`/escalate sev1 Acme`, then the filled-in modal; returns the root message as the
    leadership channel shows it, and the command's response_url."""
    world = bot.world
    before = len(bot.opened_views())
    answer, _trigger, response_url = bot.slash("sev1 Acme")
    assert answer.status == 200, answer.body
    view = next_view(bot, before)
    assert view["callback_id"] == "open_escalation"
    answer = bot.submit_view(view, open_form(world, "sev1", customer="Acme"))
    assert answer.status == 200, answer.body
    assert (answer.json or {}).get("response_action") != "errors", answer.body
    bot.settle()
    said = bot.response_urls.texts(response_url)
    roots = bot.emulator.reader("leader").history(world.leadership_channel)
    assert len(roots) == 1, f"root messages in #ps-project-leadership: {roots}; bot said: {said}"
    return roots[0], response_url


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def choice(kind: str, value: str) -> dict[str, Any]:
    return {"type": kind, "selected_option": {"value": value}}


# Methods the bot may not call with the manifest's scopes, each with the scope it would need.
BEYOND_THE_MANIFEST = (
    ("pins.list", "pins:read"),
    ("reactions.get", "reactions:read"),
    ("bookmarks.list", "bookmarks:read"),
    ("users.lookupByEmail", "users:read.email"),
)


def test_the_emulator_holds_the_bot_to_exactly_the_manifests_scopes(
    slack_emulator: SlackEmulator,
) -> None:
    method, scope = next(
        (method, scope)
        for method, scope in BEYOND_THE_MANIFEST
        if scope not in slack_emulator.bot_scopes
    )
    refused = slack_emulator.call(
        BOT_TOKEN, method, channel=slack_emulator.world.leadership_channel, email="x@y.z"
    )
    assert refused["error"] == "missing_scope" and refused["needed"] == scope, refused
    assert sorted(refused["provided"].split(",")) == sorted(slack_emulator.bot_scopes)


def test_a_pm_opens_a_sev1_and_it_is_posted_pinned_checklisted_linked_and_dmd(
    emulated_bot: EmulatedBot,
) -> None:
    bot, world = emulated_bot, emulated_bot.world
    root, response_url = open_sev1(bot)
    leader = bot.emulator.reader("leader")
    said = bot.response_urls.texts(response_url)

    assert root["user"] == BOT_USER_ID
    assert "ESC-1 · Sev 1 Critical · Acme" in dumped(root)
    for person in (world.pm, world.ae, world.csm, world.manager, world.director):
        assert f"<@{person}>" in dumped(root)

    checklists = [
        reply
        for reply in leader.replies(world.leadership_channel, root["ts"])
        if any(
            block.get("accessory", {}).get("type") == "checkboxes"
            for block in reply.get("blocks", [])
        )
    ]
    assert len(checklists) == 1, f"no Phase 1 checklist in the thread; bot said: {said}"

    permalink_path = f"/archives/{world.leadership_channel}/p{root['ts'].replace('.', '')}"
    links = leader.history(world.internal_channel)
    assert [m for m in links if "ESC-1" in m["text"] and permalink_path in m["text"]], (
        f"no link to the thread in the internal channel: {links}; bot said: {said}"
    )

    dms = bot.emulator.reader("pm").dms_from(BOT_USER_ID)
    assert [m for m in dms if "You are the DRI" in m["text"]], f"DRI's DMs: {dms}"

    assert leader.pinned(world.leadership_channel) == [root["ts"]], f"bot said: {said}"
    assert [t for t in said if "ESC-1" in t and permalink_path in t], said
    assert not bot.scope_refusals()


def test_the_dri_posts_an_update_from_the_root_message_into_the_thread_and_the_root(
    emulated_bot: EmulatedBot,
) -> None:
    bot, world = emulated_bot, emulated_bot.world
    root, _ = open_sev1(bot)
    before = len(bot.opened_views())
    bot.press(root, "esc_post_update", user=world.pm, channel=world.leadership_channel)
    answer = bot.submit_view(
        next_view(bot, before),
        {
            "health": {"health": choice("static_select", "yellow")},
            "summary": {"summary": text_input(UPDATE_SUMMARY)},
            "progress": {"progress": text_input(None)},
            "blockers": {"blockers": text_input(None)},
            "customer_communicated": {"customer_communicated": choice("radio_buttons", "yes")},
            "next_steps": {"next_steps": text_input(None)},
            "customer_message": {"customer_message": text_input(None)},
        },
        user=world.pm,
    )
    assert answer.status == 200 and answer.json is None, answer.body
    bot.settle()

    leader = bot.emulator.reader("leader")
    thread = leader.replies(world.leadership_channel, root["ts"])
    assert [m for m in thread if UPDATE_SUMMARY in m["text"] + dumped(m)], thread
    [edited] = leader.history(world.leadership_channel)
    assert edited.get("edited"), "the root message was not edited"
    assert ":large_yellow_circle: Yellow" in dumped(edited)
    assert not bot.scope_refusals()


def test_a_flag_needed_within_48_hours_sounds_the_siren_in_the_thread(
    emulated_bot: EmulatedBot,
) -> None:
    bot, world = emulated_bot, emulated_bot.world
    root, _ = open_sev1(bot)
    before = len(bot.opened_views())
    bot.press(root, "esc_flag_urgent", user=world.pm, channel=world.leadership_channel)
    needed_by = int((bot.clock.now() + timedelta(hours=24)).timestamp())
    answer = bot.submit_view(
        next_view(bot, before),
        {
            "responders": {
                "responders": {"type": "multi_users_select", "selected_users": [world.ae]}
            },
            "needed": {"needed": text_input(NEEDED)},
            "needed_by": {"needed_by": {"type": "datetimepicker", "selected_date_time": needed_by}},
            "link": {"link": {"type": "url_text_input", "value": None}},
        },
        user=world.pm,
    )
    assert answer.status == 200 and answer.json is None, answer.body
    bot.settle()

    thread = bot.emulator.reader("leader").replies(world.leadership_channel, root["ts"])
    sirens = [m for m in thread if m["text"].startswith(":rotating_light:")]
    assert len(sirens) == 1, thread
    assert "URGENT Acme" in sirens[0]["text"] and NEEDED in dumped(sirens[0])
    assert not bot.scope_refusals()


def test_resolving_posts_the_closure_in_the_thread_and_unpins_the_root(
    emulated_bot: EmulatedBot,
) -> None:
    bot, world = emulated_bot, emulated_bot.world
    root, _ = open_sev1(bot)
    leader = bot.emulator.reader("leader")
    pinned_while_open = leader.pinned(world.leadership_channel)
    before = len(bot.opened_views())
    bot.press(root, "esc_resolve", user=world.pm, channel=world.leadership_channel)
    answer = bot.submit_view(
        next_view(bot, before),
        {
            "resolution": {"resolution": text_input(RESOLUTION)},
            "signoff": {"signoff": choice("radio_buttons", "yes")},
            "signoff_on": {"signoff_on": {"type": "datepicker", "selected_date": "2026-11-23"}},
            "no_signoff_reason": {"no_signoff_reason": text_input(None)},
            "retro_link": {"retro_link": {"type": "url_text_input", "value": None}},
            "improvements": {"improvements": text_input("Staff integrations with two")},
            "checks": {
                "checks": {"type": "checkboxes", "selected_options": [{"value": "financials"}]}
            },
        },
        user=world.pm,
    )
    assert answer.status == 200 and answer.json is None, answer.body
    bot.settle()

    closure = leader.replies(world.leadership_channel, root["ts"])[-1]
    assert f"is resolved* by <@{world.pm}>" in dumped(closure), closure
    [resolved] = leader.history(world.leadership_channel)
    assert "Resolved :white_check_mark:" in dumped(resolved)
    assert pinned_while_open == [root["ts"]], f"never pinned, so never unpinned: {bot.refusals()}"
    assert leader.pinned(world.leadership_channel) == []
    assert not bot.scope_refusals()


def test_the_pmo_briefing_carries_the_weekly_chart_once_through_the_external_upload_flow(
    slack_emulator: SlackEmulator, sqlite_databases: SqliteDatabases
) -> None:
    """files.getUploadURLExternal, the upload, files.completeUploadExternal, with files:write
    from the manifest: the PMO manager (here Lee Leader) finds the briefing, then the PNG, in
    their DM; a retry of the briefing finds both in Slack's history and sends nothing again."""
    database_url = sqlite_databases.fresh()
    bot = EmulatedBot(
        database_url,
        slack_emulator,
        ManualClock(NOON_MONDAY),
        pmo_manager_user_id=slack_emulator.world.leader,
    )
    try:
        open_sev1(bot)
        # Friday Nov 27, 15:00 in New York: the briefing's weekly time.
        bot.tick_at(datetime(2026, 11, 27, 20, 0, tzinfo=UTC))
        bot.settle()
        completed = bot.wire.answers("files.completeUploadExternal")
        assert [a["files"][0]["name"] for a in completed if a.get("ok")] == [
            "escalations-2026-W48.png"
        ], bot.refusals()
        dm = bot.emulator.reader("leader").dms_from(BOT_USER_ID)  # newest first
        [briefing] = [m for m in dm if m.get("text", "").startswith("PMO briefing 2026-W48")]
        [chart] = [m for m in dm if m.get("files")]
        assert [f.get("name") for f in chart["files"]] == ["escalations-2026-W48.png"]
        assert float(chart["ts"]) > float(briefing["ts"])

        # The same briefing again, as a retry after a lost answer or a crash would run it.
        with bot.services.sessions() as session:
            row = session.scalars(
                select(Delivery).where(Delivery.kind == DeliveryKind.PMO_BRIEFING)
            ).one()
            job = Job(row.id, row.kind, row.subject, row.slot, None, {}, 2, bot.services.worker)
        calls = len(bot.wire.calls)
        send_pmo_briefing(bot.services, job)
        again = [method for method, _answer in bot.wire.calls[calls:]]
        assert "files.getUploadURLExternal" not in again and "chat.postMessage" not in again
        assert len(bot.emulator.reader("leader").dms_from(BOT_USER_ID)) == len(dm)
        assert not bot.scope_refusals()
    finally:
        bot.stop()
        sqlite_databases.drop(database_url)

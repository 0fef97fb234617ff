"""Text people type is shown as text: it never notifies a channel, mentions anyone or
becomes a disguised link, in any channel the bot writes to (the customer's included)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from blocks.text import escape, mention
from bot.domain import Severity
from bot.escalations.form import parse_open_form, url_problem
from tests.every_builder import (
    BUILDS,
    as_payload,
    mrkdwn_texts,
    outputs,
    records_typed,
    text_objects,
)
from tests.factories import open_form
from tests.flows import open_modal, root_ts, text_value, wait_for_receipt, wait_for_view
from tests.harness import BotHarness
from tests.world import World

HOSTILE = [
    "<!channel> outage",
    "<!here> please look",
    "<!everyone>",
    "<!subteam^S0123|@team> paging",
    "ask <@U0BADBAD> now",
    "see <#C0BAD|general>",
    "<https://evil.example|click>",
    "&lt;!channel&gt; was already escaped",
    "*bold* _it_ ~s~ `code`",
]
EVERYTHING_HOSTILE = " ".join(HOSTILE)
# Markup that would act on Slack: any special command but the bot's own dates, and the
# mentions and link the hostile strings carry.
RAW_MARKUP = re.compile(r"<!(?!date\^)|<@U0BADBAD|<#C0BAD|<https://evil")
SAFE_URL = "https://psa.example.com/projects/42"


def leaks(texts: list[str]) -> list[str]:
    return [text for text in texts if RAW_MARKUP.search(text)]


@pytest.mark.parametrize("typed", HOSTILE)
def test_no_builder_turns_typed_text_into_a_broadcast_mention_or_link(typed: str) -> None:
    found = [
        (name, leak)
        for name, output in outputs(records_typed(typed, SAFE_URL, many=3))
        for leak in leaks(mrkdwn_texts(as_payload(output)[1]))
    ]
    assert found == []


def test_a_typed_broadcast_is_shown_in_the_root_message_as_text() -> None:
    records = records_typed("<!channel> outage", SAFE_URL, many=1)
    shown = " ".join(mrkdwn_texts(as_payload(_build("escalation.root_blocks", records))[1]))
    assert "&lt;!channel&gt; outage" in shown


def test_text_that_was_already_escaped_is_not_decoded_into_a_broadcast() -> None:
    records = records_typed("&lt;!channel&gt;", SAFE_URL, many=1)
    shown = " ".join(mrkdwn_texts(as_payload(_build("update.update_blocks", records))[1]))
    assert "&amp;lt;!channel&amp;gt;" in shown


def test_plain_text_headers_show_what_was_typed_because_slack_never_parses_them() -> None:
    records = records_typed("<!channel> & co", SAFE_URL, many=1)
    payload = as_payload(_build("escalation.root_blocks", records))[1]
    [header] = [obj["text"] for obj in text_objects(payload) if obj["type"] == "plain_text"][:1]
    assert header.endswith("<!channel> & co")


def test_the_bot_still_mentions_the_people_it_knows() -> None:
    records = records_typed("<@U0BADBAD>", SAFE_URL, many=1)
    shown = " ".join(mrkdwn_texts(as_payload(_build("escalation.root_blocks", records))[1]))
    assert "<@UPM00001>" in shown and "<@UMGR0001>" in shown


def test_a_stored_person_that_is_not_a_user_id_is_shown_as_text() -> None:
    assert mention("<!channel>") == escape("<!channel>")


def test_the_customer_safe_message_reads_as_text_in_the_customer_channel() -> None:
    records = records_typed(EVERYTHING_HOSTILE, SAFE_URL, many=1)
    assert leaks([_build("update.customer_message_text", records)]) == []


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("https://evil.example|click", "<, > or |"),
        ("https://evil.example/<!channel>", "<, > or |"),
        ("https://psa.example.com/a b", "no spaces"),
        ("javascript:alert(1)", "https://"),
        ("https://psa.example.com/" + "x" * 1000, "at most 1000"),
    ],
)
def test_a_link_that_could_break_out_of_its_markup_is_refused_with_the_reason(
    typed: str, problem: str
) -> None:
    assert problem in (url_problem(typed) or "")


def test_the_open_form_refuses_a_disguised_link_beside_its_field() -> None:
    world = World(leadership_channel="CLEAD0001", internal_channel="CINT0001")
    form, errors = parse_open_form(
        Severity.SEV1,
        open_form(world, tracker_link="https://evil.example|PSA"),
        leadership_channel_id=world.leadership_channel,
        check_user=lambda _user: None,
    )
    assert form is None and "<, > or |" in errors["tracker_link"]


def test_the_open_form_refuses_a_customer_longer_than_its_column() -> None:
    world = World(leadership_channel="CLEAD0001", internal_channel="CINT0001")
    _, errors = parse_open_form(
        Severity.SEV1,
        open_form(world, customer="A" * 201),
        leadership_channel_id=world.leadership_channel,
        check_user=lambda _user: None,
    )
    assert errors == {"customer": "At most 200 characters, please (201 now)."}


def test_hostile_text_in_an_escalation_and_its_update_reaches_leadership_as_text(
    harness: BotHarness,
) -> None:
    hostile_escalation_with_update(harness)
    internal = {harness.world.leadership_channel, harness.world.internal_channel}
    assert sent_markup(harness, channels=internal) == []


def test_hostile_text_reaches_no_channel_dm_modal_or_receipt_as_markup(
    harness: BotHarness,
) -> None:
    receipt_url = hostile_escalation_with_update(harness)
    assert sent_markup(harness, receipt_url=receipt_url) == []


def hostile_escalation_with_update(harness: BotHarness) -> str:
    """Open an escalation and post an update, every typed field hostile; the DRI also
    replies in the thread with hostile text (which counts as an update). Returns the
    slash command's response_url, where the receipt went."""
    world = harness.world
    view, response_url = open_modal(harness, "sev1 <!channel> Acme")
    fields = dict.fromkeys(("customer", "project"), EVERYTHING_HOSTILE[:200])
    fields |= dict.fromkeys(("summary", "path_to_green"), EVERYTHING_HOSTILE)
    answer = harness.submit_view(view, open_form(world, **fields))
    assert answer.json["response_action"] == "update", answer.body
    wait_for_receipt(harness, response_url)
    post_hostile_update(harness)
    reply_with_hostile_text(harness)
    # Everything was sent: the sweeps below have something to look at.
    [to_customer] = harness.standin.messages(world.customer_channel)
    assert "&lt;!channel&gt;" in to_customer.text
    return response_url


def post_hostile_update(harness: BotHarness) -> None:
    standin, world = harness.standin, harness.world
    before_views, before_edits = len(standin.opened_views()), len(standin.calls_to("chat.update"))
    harness.click("esc_post_update", "1", user=world.pm)
    view = wait_for_view(harness, before_views)
    values: dict[str, Any] = {
        name: {name: text_value(EVERYTHING_HOSTILE)}
        for name in ("summary", "progress", "blockers", "next_steps", "customer_message")
    }
    values["health"] = {"health": {"type": "static_select", "selected_option": {"value": "red"}}}
    values["customer_communicated"] = {
        "customer_communicated": {"type": "radio_buttons", "selected_option": {"value": "yes"}}
    }
    assert harness.submit_view(view, values, user=world.pm).status == 200
    assert standin.wait_for(lambda: len(standin.calls_to("chat.update")) > before_edits)


def reply_with_hostile_text(harness: BotHarness) -> None:
    standin, world = harness.standin, harness.world
    channel, thread = world.leadership_channel, root_ts(harness)
    ts = standin.post_user_message(channel, world.pm, EVERYTHING_HOSTILE, thread_ts=thread)
    before = len(standin.calls_to("chat.update"))
    event = {"type": "message", "channel": channel, "user": world.pm, "text": EVERYTHING_HOSTILE}
    harness.event({**event, "ts": ts, "thread_ts": thread, "channel_type": "channel"})
    assert standin.wait_for(lambda: len(standin.calls_to("chat.update")) > before)


def sent_markup(
    harness: BotHarness, *, channels: set[str] | None = None, receipt_url: str | None = None
) -> list[tuple[str, str]]:
    """(where, text) for everything the bot sent that carries markup from typed text: every
    message posted or edited, ephemeral, modal and App Home (only those in `channels`, if
    given), and the answers to `receipt_url`."""
    found = []
    for call in harness.standin.calls:
        where = f"{call.method} {call.args.get('channel') or ''}".strip()
        if channels is not None and call.args.get("channel") not in channels:
            continue
        payload = [call.args.get(key) for key in ("text", "blocks", "view", "attachments")]
        texts = [t for part in payload if part for t in _mrkdwn(part)]
        found += [(where, leak) for leak in leaks(texts)]
    for response in harness.standin.responses(receipt_url) if receipt_url else []:
        found += [("response_url", leak) for leak in leaks(mrkdwn_texts(response))]
    return found


def _mrkdwn(part: Any) -> list[str]:
    return [part] if isinstance(part, str) else mrkdwn_texts(part)


def _build(name: str, records: Any) -> Any:
    return BUILDS[name][0](records)


def test_no_builder_escapes_typed_text_twice() -> None:
    """Escaped once, `A & B` reads `A &amp; B` to Slack and `A & B` to people; escaped twice
    it reads `A &amp;amp; B`, and people see `&amp;`."""
    typed = "Smith & Wesson <Acme>"
    found = [
        (name, text)
        for name, output in outputs(records_typed(typed, SAFE_URL, many=3))
        for text in mrkdwn_texts(as_payload(output)[1])
        if "&amp;amp;" in text or "&amp;lt;" in text or "&amp;gt;" in text
    ]
    assert found == []

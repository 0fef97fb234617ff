"""Whatever a record holds, every builder's output is something Slack accepts.

slack_sdk refuses to serialise some over-long parts (section text, headers, buttons,
options); Slack refuses the rest (field lengths, block counts, input values). Each test
feeds every public builder in blocks/ records full of long, odd text and many children,
and checks one of those limits on what comes out.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from blocks.text import MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, link
from tests.every_builder import (
    BUILDS,
    TEXT_ONLY_MESSAGES,
    as_payload,
    outputs,
    public_builders,
    records_typed,
    text_objects,
)

# Emoji with skin tone and ZWJ, a combining accent, Hebrew (RTL), zero-width characters,
# and the three characters that grow when escaped.
ODD = "Ünïcödé 👩🏽‍💻 é שלום \u200b\u200d\u202e <b>&amp; R&D > "
LONG_TEXT = (ODD * (40_000 // len(ODD) + 1))[:40_000]
# 1 000-character links, the most a form accepts: a legal one, and one whose query string
# of nothing but `&`s would grow past a section field when escaped.
LONG_URL = ("https://tracker.example.com/t/42?page=2&q=" + "x" * 1000)[:1000]
AMPERSAND_URL = ("https://tracker.example.com/t/42?" + "a=1&" * 250)[:1000]
MANY = 120


@pytest.fixture(scope="module")
def payloads() -> list[tuple[str, str, Any]]:
    """(builder, kind, JSON) for every builder fed the longest records we can think of."""
    records = records_typed(LONG_TEXT, LONG_URL, many=MANY)
    return [(name, *as_payload(output)) for name, output in outputs(records)]


def test_every_public_builder_is_fed_the_long_records() -> None:
    assert public_builders() - set(BUILDS) == set()


def test_every_builder_serialises_with_slack_sdk_whatever_the_record_holds(
    payloads: list[tuple[str, str, Any]],
) -> None:
    # Serialising ran in the fixture: slack_sdk raises there on a limit it knows.
    assert len(payloads) == sum(len(builds) for builds in BUILDS.values())


def test_a_message_has_at_most_50_blocks_and_a_view_at_most_100(
    payloads: list[tuple[str, str, Any]],
) -> None:
    too_many = [
        (name, len(payload))
        for name, kind, payload in payloads
        if kind == "blocks" and len(payload) > 50
    ] + [
        (name, len(payload["blocks"]))
        for name, kind, payload in payloads
        if kind == "view" and len(payload["blocks"]) > 100
    ]
    assert too_many == []


def test_notification_text_stays_well_under_slacks_40000(
    payloads: list[tuple[str, str, Any]],
) -> None:
    too_long = [
        (name, len(payload))
        for name, kind, payload in payloads
        if kind == "text"
        and len(payload) > (MESSAGE_LIMIT if name in TEXT_ONLY_MESSAGES else TEXT_LIMIT)
    ]
    assert too_long == []


def test_every_text_object_has_between_1_and_3000_characters(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, len(obj["text"]))
        for name, kind, payload in payloads
        if kind != "text"
        for obj in text_objects(payload)
        if not 1 <= len(obj["text"]) <= 3000
    ]
    assert wrong == []


def test_section_fields_are_at_most_ten_of_2000_characters(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, [len(f["text"]) for f in block["fields"]])
        for name, block in _blocks_of_type(payloads, "section")
        if "fields" in block
        and (len(block["fields"]) > 10 or any(len(f["text"]) > 2000 for f in block["fields"]))
    ]
    assert wrong == []


def test_headers_buttons_and_options_fit_their_short_limits(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, kind, len(text))
        for name, kind, text, most in _short_texts(payloads)
        if len(text) > most
    ]
    assert wrong == []


def test_context_blocks_hold_at_most_ten_elements(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, len(block["elements"]))
        for name, block in _blocks_of_type(payloads, "context")
        if len(block["elements"]) > 10
    ]
    assert wrong == []


def test_option_lists_fit_their_elements(payloads: list[tuple[str, str, Any]]) -> None:
    most = {"checkboxes": 10, "radio_buttons": 10, "static_select": 100, "overflow": 5}
    wrong = [
        (name, element_type, len(element["options"]))
        for name, payload in _structured(payloads)
        for element_type, element in _elements(payload)
        if element_type in most and len(element.get("options") or []) > most[element_type]
    ]
    assert wrong == []


def test_text_inputs_never_prefill_more_than_they_accept(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, len(element.get("initial_value") or ""), element.get("max_length"))
        for name, payload in _structured(payloads)
        for element_type, element in _elements(payload)
        if element_type == "plain_text_input"
        and (
            len(element.get("initial_value") or "") > min(element.get("max_length") or 3000, 3000)
            or (element.get("max_length") or 0) > 3000
        )
    ]
    assert wrong == []


def test_modal_titles_and_buttons_fit_24_characters(
    payloads: list[tuple[str, str, Any]],
) -> None:
    wrong = [
        (name, part, payload[part]["text"])
        for name, kind, payload in payloads
        if kind == "view"
        for part in ("title", "submit", "close")
        if part in payload and len(payload[part]["text"]) > 24
    ]
    assert wrong == []


def test_three_legal_1000_character_links_still_post_the_root() -> None:
    records = records_typed("Acme Corp", LONG_URL, many=1)
    _, blocks = as_payload(BUILDS["escalation.root_blocks"][0](records))
    assert json.dumps(blocks).count(f"<{escape(LONG_URL)}|") == 3


def test_a_link_too_long_once_escaped_is_shown_as_text_not_cut_mid_markup() -> None:
    shown = link(AMPERSAND_URL, "Tracker")
    assert "<" not in shown and shown.startswith("Tracker: https://")


def test_a_long_list_says_how_many_escalations_it_left_out() -> None:
    records = records_typed("Acme Corp", "https://psa.example.com/1", many=MANY)
    _, blocks = as_payload(BUILDS["overview.list_blocks"][0](records))
    assert "…and 80 more open escalations" in json.dumps(blocks, ensure_ascii=False)


def test_the_portfolio_agenda_counts_the_escalations_it_could_not_show() -> None:
    records = records_typed(LONG_TEXT, LONG_URL, many=MANY)
    _, blocks = as_payload(BUILDS["portfolio.agenda_blocks"][0](records))
    assert "more open escalations" in json.dumps(blocks, ensure_ascii=False)


def test_the_review_reminder_lists_or_counts_every_escalation_and_keeps_its_closing_line() -> None:
    for many in (MANY, 400):
        records = records_typed(LONG_TEXT, LONG_URL, many=many)
        _, blocks = as_payload(BUILDS["review.reminder_blocks"][0](records))
        shown = json.dumps(blocks, ensure_ascii=False)
        counted = re.search(r"…and (\d+) more escalations", shown)
        listed = shown.count("• ")
        assert listed + (int(counted.group(1)) if counted else 0) == len(records.portfolio)
        assert blocks[-1]["text"]["text"].startswith("Bring the current health")


def test_clipping_escaped_text_never_cuts_an_escape_in_half() -> None:
    for limit in range(1, 40):
        clipped = clip(escape("R&D <team> " * 5), limit)
        assert len(clipped) <= limit
        body = clipped.removesuffix("…")
        assert body.count("&") == body.count(";"), clipped


def test_clipping_never_cuts_a_mention_or_link_the_bot_wrote() -> None:
    text = "Ask <@UPM00001> about " + link("https://psa.example.com/42", "PSA project")
    for limit in range(1, len(text)):
        body = clip(text, limit).removesuffix("…")
        assert body.count("<") == body.count(">"), body


def test_a_link_that_could_break_its_markup_is_shown_as_text() -> None:
    shown = link("https://evil.example|click here", "PSA project")
    assert "<" not in shown and "PSA project" in shown


def _structured(payloads: list[tuple[str, str, Any]]) -> list[tuple[str, Any]]:
    return [(name, payload) for name, kind, payload in payloads if kind != "text"]


def _walk(payload: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(payload, dict):
        found.append(payload)
        for value in payload.values():
            found += _walk(value)
    elif isinstance(payload, list):
        for item in payload:
            found += _walk(item)
    return found


def _blocks_of_type(
    payloads: list[tuple[str, str, Any]], block_type: str
) -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, part)
        for name, payload in _structured(payloads)
        for part in _walk(payload)
        if part.get("type") == block_type
    ]


def _elements(payload: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(part["type"], part) for part in _walk(payload) if isinstance(part.get("type"), str)]


def _short_texts(payloads: list[tuple[str, str, Any]]) -> list[tuple[str, str, str, int]]:
    """(builder, what, text, its limit) for headers (150), buttons and options (75)."""
    found = []
    for name, payload in _structured(payloads):
        for part in _walk(payload):
            if part.get("type") == "header":
                found.append((name, "header", part["text"]["text"], 150))
            elif part.get("type") == "button":
                found.append((name, "button", part["text"]["text"], 75))
            elif "value" in part and isinstance(part.get("text"), dict) and "type" not in part:
                found.append((name, "option", part["text"]["text"], 75))
                if "description" in part:
                    found.append((name, "option description", part["description"]["text"], 75))
    return found

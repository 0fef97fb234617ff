"""The sandbox page's Block Kit renderer: each block and element type the bot uses, mrkdwn,
field errors, and what a person typed kept; typed text is shown, never run."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from bot.sandbox import render
from bot.sandbox.slack_side import element_value
from tests.every_builder import as_payload, outputs, records_typed

PEOPLE = {"UPM0001": "Pat Park", "UDRI0001": "Dev Rao"}
CHANNELS = {"C0001": "ps-project-leadership", "C0002": "acme-shared"}
DIRECTORY = render.Directory(people=PEOPLE, channels=CHANNELS, zone="America/New_York")


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag with its attributes, as a browser parses `html`."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Parser().feed(html)
    return found


def text_of(html: str) -> str:
    pieces: list[str] = []

    class Parser(HTMLParser):
        def handle_data(self, data: str) -> None:
            pieces.append(data)

    Parser(convert_charrefs=True).feed(html)
    return "".join(pieces)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def md(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


OPTIONS = [{"text": plain("Red"), "value": "red"}, {"text": plain("Green"), "value": "green"}]


# -- mrkdwn ------------------------------------------------------------------------------------


def test_mrkdwn_formats_bold_italic_strike_code_quotes_and_blocks() -> None:
    html = render.mrkdwn("*bold* _it_ ~gone~ `x < y`\n> quoted\n```a\n<b>```")
    assert "<b>bold</b>" in html
    assert "<i>it</i>" in html
    assert "<s>gone</s>" in html
    assert "<code>x &lt; y</code>" in html
    assert "<blockquote>quoted</blockquote>" in html
    assert "<pre>a\n&lt;b&gt;</pre>" in html


def test_mrkdwn_shows_mentions_channels_broadcasts_links_dates_and_emoji() -> None:
    html = render.mrkdwn(
        ":rotating_light: <@UDRI0001> in <#C0001> <!here> <https://psa.example.com/p?a=1&amp;b=2|PSA> "
        "<!date^1795453200^{date_short}|Mon>",
        DIRECTORY,
    )
    assert '<span class="emoji" title=":rotating_light:">\U0001f6a8</span>' in html
    assert '<span class="mention">@Dev Rao</span>' in html
    assert '<span class="mention">#ps-project-leadership</span>' in html
    assert '<span class="mention broadcast">@here</span>' in html
    links = [attrs for tag, attrs in tags(html) if tag == "a"]
    assert links == [
        {
            "href": "https://psa.example.com/p?a=1&b=2",
            "target": "_blank",
            "rel": "noopener noreferrer",
        }
    ]
    assert "Mon 23 Nov 12:00" in text_of(html)  # 17:00 UTC in New York


def test_mrkdwn_unknown_emoji_stay_as_typed() -> None:
    assert render.mrkdwn(":not_an_emoji:") == ":not_an_emoji:"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "&lt;!channel&gt; escaped by the bot",
        "<javascript:alert(1)|click>",
    ],
)
def test_mrkdwn_never_lets_text_become_markup(hostile: str) -> None:
    html = render.mrkdwn(hostile, DIRECTORY)
    assert [tag for tag, _ in tags(html) if tag not in ("span", "b", "i", "s", "code", "br")] == []
    assert "<!channel>" in text_of(render.mrkdwn("&lt;!channel&gt;"))


def test_plain_text_is_escaped_and_shows_emoji() -> None:
    assert render.text_object(plain("<b> :warning:")) == "&lt;b&gt; " + render.emoji(":warning:")
    assert render.text_object({"type": "plain_text", "text": ":x:", "emoji": False}) == ":x:"


# -- blocks ------------------------------------------------------------------------------------


def test_header_divider_context_and_section_with_fields_and_accessory() -> None:
    html = render.blocks(
        [
            {"type": "header", "text": plain("ESC-1 · Sev 1")},
            {"type": "divider"},
            {"type": "context", "elements": [md("Opened by <@UPM0001>")]},
            {
                "type": "section",
                "block_id": "s",
                "text": md("*Summary*"),
                "fields": [md("*DRI:* <@UDRI0001>"), plain("Red")],
                "accessory": {
                    "type": "button",
                    "action_id": "details",
                    "text": plain("Details"),
                    "value": "1",
                },
            },
        ],
        DIRECTORY,
    )
    assert "<h3>ESC-1 · Sev 1</h3>" in html
    assert '<hr class="blk divider">' in html
    assert '<div class="blk context"><span>Opened by <span class="mention">@Pat Park</span>' in html
    assert '<div class="field"><b>DRI:</b> <span class="mention">@Dev Rao</span></div>' in html
    button = next(attrs for tag, attrs in tags(html) if tag == "button")
    assert button["data-block"] == "s" and button["data-action"] == "details"
    assert button["data-value"] == "1" and button["data-type"] == "button"


def test_actions_buttons_keep_style_value_and_confirm_dialog() -> None:
    confirm = {
        "title": plain("Resolve?"),
        "text": md("This closes *ESC-1*."),
        "confirm": plain("Resolve"),
        "deny": plain("Keep open"),
        "style": "danger",
    }
    html = render.blocks(
        [
            {
                "type": "actions",
                "block_id": "esc:1",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "resolve",
                        "text": plain("Resolve"),
                        "style": "danger",
                        "value": "1",
                        "confirm": confirm,
                    },
                    {
                        "type": "button",
                        "action_id": "open",
                        "text": plain("Open PSA"),
                        "url": "https://psa.example.com",
                    },
                ],
            }
        ],
        DIRECTORY,
    )
    found = tags(html)
    resolve = next(attrs for tag, attrs in found if tag == "button")
    assert "danger" in (resolve["class"] or "")
    dialog = json.loads(resolve["data-confirm"] or "")
    assert dialog == {
        "title": "Resolve?",
        "text": "This closes <b>ESC-1</b>.",
        "confirm": "Resolve",
        "deny": "Keep open",
        "style": "danger",
    }
    link = next(attrs for tag, attrs in found if tag == "a")
    assert link["href"] == "https://psa.example.com" and link["data-action"] == "open"


def test_each_input_element_renders_as_its_form_field() -> None:
    view = {
        "id": "V1",
        "type": "modal",
        "title": plain("Open Sev 1 escalation"),
        "submit": plain("Open escalation"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": "summary",
                "label": plain("Summary"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "summary",
                    "multiline": True,
                    "max_length": 3000,
                },
            },
            {
                "type": "input",
                "block_id": "customer",
                "label": plain("Customer"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "customer",
                    "initial_value": "Acme <Corp>",
                },
            },
            {
                "type": "input",
                "block_id": "health",
                "label": plain("Health"),
                "element": {
                    "type": "static_select",
                    "action_id": "health",
                    "options": OPTIONS,
                    "initial_option": OPTIONS[0],
                },
            },
            {
                "type": "input",
                "block_id": "triggers",
                "label": plain("Triggers"),
                "element": {
                    "type": "multi_static_select",
                    "action_id": "triggers",
                    "option_groups": [{"label": plain("Customer"), "options": OPTIONS}],
                },
            },
            {
                "type": "input",
                "block_id": "dri",
                "label": plain("DRI"),
                "element": {
                    "type": "users_select",
                    "action_id": "dri",
                    "initial_user": "UPM0001",
                },
            },
            {
                "type": "input",
                "block_id": "attendees",
                "label": plain("Who attended"),
                "element": {"type": "multi_users_select", "action_id": "attendees"},
            },
            {
                "type": "input",
                "block_id": "channel",
                "optional": True,
                "label": plain("Customer channel"),
                "hint": plain("Only customer-safe text goes here."),
                "element": {"type": "conversations_select", "action_id": "channel"},
            },
            {
                "type": "input",
                "block_id": "contract",
                "optional": True,
                "label": plain("Contract"),
                "element": {
                    "type": "checkboxes",
                    "action_id": "contract",
                    "options": [{"text": plain("New MSA"), "value": "new_msa"}],
                },
            },
            {
                "type": "input",
                "block_id": "told",
                "label": plain("Customer communicated?"),
                "element": {"type": "radio_buttons", "action_id": "told", "options": OPTIONS},
            },
            {
                "type": "input",
                "block_id": "day",
                "label": plain("Asked on"),
                "element": {
                    "type": "datepicker",
                    "action_id": "day",
                    "initial_date": "2026-11-23",
                },
            },
            {
                "type": "input",
                "block_id": "until",
                "label": plain("Until"),
                "element": {
                    "type": "datetimepicker",
                    "action_id": "until",
                    "initial_date_time": 1795453200,
                },
            },
        ],
    }
    html = render.view(view, DIRECTORY, errors={"summary": "Tell leadership what happened."})
    fields = {
        attrs.get("data-block"): (tag, attrs)
        for tag, attrs in tags(html)
        if "sb-input" in (attrs.get("class") or "")
    }
    assert fields["summary"][0] == "textarea" and fields["summary"][1]["maxlength"] == "3000"
    assert fields["customer"][1]["value"] == "Acme <Corp>"
    assert fields["health"][0] == "select"
    assert "multiple" in fields["triggers"][1] and "multiple" in fields["attendees"][1]
    assert fields["dri"][0] == "select" and fields["channel"][0] == "select"
    assert fields["contract"][1]["data-type"] == "checkboxes"
    assert fields["told"][1]["data-type"] == "radio_buttons"
    assert fields["day"][1] == fields["day"][1] | {"type": "date", "value": "2026-11-23"}
    assert fields["until"][1]["type"] == "datetime-local"
    assert fields["until"][1]["value"] == "2026-11-23T12:00"
    assert '<option value="red" selected>Red</option>' in html
    assert '<optgroup label="Customer">' in html
    assert '<option value="UPM0001" selected>Pat Park</option>' in html
    assert '<option value="C0002">#acme-shared</option>' in html
    assert '<span class="optional">(optional)</span>' in html
    assert "Only customer-safe text goes here." in html
    assert (
        '<div class="field-error" role="alert">\u26a0 Tell leadership what happened.</div>' in html
    )
    assert html.count("field-error") == 1
    assert "<h2>Open Sev 1 escalation</h2>" in html and "Open escalation</button>" in html


def test_what_was_typed_is_shown_again_with_the_errors() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "project",
            "label": plain("Project"),
            "element": {"type": "plain_text_input", "action_id": "project"},
        },
        {
            "type": "input",
            "block_id": "health",
            "label": plain("Health"),
            "element": {
                "type": "static_select",
                "action_id": "health",
                "options": OPTIONS,
                "initial_option": OPTIONS[0],
            },
        },
    ]
    html = render.blocks(
        blocks,
        DIRECTORY,
        errors={"project": "Please complete this required field."},
        state={
            "project": {"value": 'Phase "2"', "selected": ['Phase "2"']},
            "health": {"value": "green", "selected": ["green"]},
        },
    )
    assert 'value="Phase &quot;2&quot;"' in html
    assert '<option value="green" selected>' in html and '<option value="red" selected>' not in html


def test_overflow_menu_is_an_action_menu() -> None:
    html = render.blocks(
        [
            {
                "type": "actions",
                "block_id": "a",
                "elements": [
                    {
                        "type": "overflow",
                        "action_id": "more",
                        "options": [{"text": plain("Reassign DRI"), "value": "reassign:1"}],
                    }
                ],
            }
        ],
        DIRECTORY,
    )
    select = next(attrs for tag, attrs in tags(html) if tag == "select")
    assert select["data-type"] == "overflow" and "sb-act" in (select["class"] or "")
    assert '<option value="reassign:1">Reassign DRI</option>' in html


def test_element_values_are_sent_back_as_slack_puts_them_in_state() -> None:
    select = {"type": "static_select", "options": OPTIONS}
    assert element_value(select, "green") == {
        "type": "static_select",
        "selected_option": OPTIONS[1],
    }
    assert element_value(select, None) == {"type": "static_select", "selected_option": None}
    multi = {"type": "multi_static_select", "option_groups": [{"options": OPTIONS}]}
    assert element_value(multi, ["red", "green"])["selected_options"] == OPTIONS
    assert element_value({"type": "users_select"}, "U1") == {
        "type": "users_select",
        "selected_user": "U1",
    }
    assert element_value({"type": "multi_users_select"}, ["U1", "U2"])["selected_users"] == [
        "U1",
        "U2",
    ]
    assert element_value({"type": "conversations_select"}, "C1")["selected_conversation"] == "C1"
    assert element_value({"type": "checkboxes", "options": OPTIONS}, [])["selected_options"] == []
    assert element_value({"type": "datepicker"}, "2026-11-23")["selected_date"] == "2026-11-23"
    assert element_value({"type": "datetimepicker"}, "1795453200")["selected_date_time"] == (
        1795453200
    )
    assert element_value({"type": "plain_text_input"}, None) == {
        "type": "plain_text_input",
        "value": None,
    }


# -- the bot's own output ----------------------------------------------------------------------


def _types(payload: Any) -> set[str]:
    """Every block and element `type` in a Block Kit payload (text objects aside)."""
    found: set[str] = set()
    if isinstance(payload, dict):
        kind = payload.get("type")
        if isinstance(kind, str) and kind not in ("mrkdwn", "plain_text", "modal", "home"):
            found.add(kind)
        for value in payload.values():
            found |= _types(value)
    elif isinstance(payload, list):
        for item in payload:
            found |= _types(item)
    return found


def test_every_block_and_element_type_the_bot_builds_is_rendered() -> None:
    records = records_typed(
        "<!channel> <script>x</script> :rotating_light:", "https://x.example", many=2
    )
    seen_types: set[str] = set()
    for name, output in outputs(records):
        kind, payload = as_payload(output)
        if kind == "text":
            html = render.mrkdwn(payload, DIRECTORY)
        elif kind == "view":
            html = render.view(payload, DIRECTORY)
        else:
            html = render.blocks(payload, DIRECTORY)
        seen_types |= _types(payload)
        assert 'class="unknown' not in html and "blk unknown" not in html, name
        assert "<script>" not in html, name
        assert [t for t, _ in tags(html) if t in ("script", "img", "iframe")] == [], name
    # The types the bot's builders use today; a new one must be rendered (and listed here).
    assert seen_types >= {
        "header",
        "section",
        "divider",
        "context",
        "actions",
        "input",
        "button",
        "static_select",
        "multi_static_select",
        "users_select",
        "conversations_select",
        "checkboxes",
        "radio_buttons",
        "datepicker",
        "plain_text_input",
        "overflow",
    }
    layout = {"header", "section", "divider", "context", "actions", "input", "image"}
    for kind in sorted(seen_types - layout):
        shown = render.element("b", {"type": kind, "action_id": "a"}, DIRECTORY)
        assert "unknown" not in shown, kind
    for kind in sorted(seen_types & layout):
        minimal = {"type": kind, "element": {"type": "plain_text_input"}}
        assert "unknown" not in render.block(minimal, 0, DIRECTORY), kind


def test_bare_web_addresses_become_links_as_slack_makes_them() -> None:
    html = render.mrkdwn("pinned: https://example.slack.com/archives/C0001/p1795453200000100.")
    links = [attrs["href"] for tag, attrs in tags(html) if tag == "a"]
    assert links == ["https://example.slack.com/archives/C0001/p1795453200000100"]
    assert html.endswith("</a>.")
    assert [t for t, _ in tags(render.mrkdwn('https://x.example/"onmouseover="alert(1)'))] == ["a"]
    assert 'onmouseover="' not in render.mrkdwn('https://x.example/"onmouseover="alert(1)')


def test_a_submission_the_bot_did_not_answer_shows_slacks_notice_above_the_fields() -> None:
    view = {
        "id": "V1",
        "type": "modal",
        "title": plain("Post update"),
        "blocks": [
            {
                "type": "input",
                "block_id": "summary",
                "label": plain("Summary"),
                "element": {"type": "plain_text_input", "action_id": "summary"},
            }
        ],
    }
    html = render.view(view, DIRECTORY, errors={"": "We had some trouble connecting."})
    assert (
        '<div class="modal-error" role="alert">\u26a0 We had some trouble connecting.</div>' in html
    )
    assert "field-error" not in html

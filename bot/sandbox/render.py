"""Block Kit and mrkdwn as HTML, the way Slack shows them, for the sandbox page.

Pure functions: a message's or a view's blocks in, an HTML string out. Interactive elements
carry `data-*` attributes (block and action IDs, the element's type) that the page's script
reads to send the interaction back; everything else is shown as text, escaped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

Block = Mapping[str, Any]

# The emoji the bot's messages use (and a few people type); others show as `:name:`.
EMOJI = {
    "rotating_light": "\U0001f6a8",
    "warning": "\u26a0\ufe0f",
    "white_check_mark": "\u2705",
    "heavy_check_mark": "\u2714\ufe0f",
    "x": "\u274c",
    "red_circle": "\U0001f534",
    "large_yellow_circle": "\U0001f7e1",
    "yellow_circle": "\U0001f7e1",
    "large_green_circle": "\U0001f7e2",
    "green_circle": "\U0001f7e2",
    "black_circle": "\u26ab",
    "white_circle": "\u26aa",
    "no_entry": "\u26d4",
    "no_entry_sign": "\U0001f6ab",
    "pushpin": "\U0001f4cc",
    "round_pushpin": "\U0001f4cd",
    "calendar": "\U0001f4c6",
    "spiral_calendar_pad": "\U0001f5d3\ufe0f",
    "alarm_clock": "\u23f0",
    "hourglass": "\u231b",
    "hourglass_flowing_sand": "\u23f3",
    "clock9": "\U0001f558",
    "bell": "\U0001f514",
    "mega": "\U0001f4e3",
    "loudspeaker": "\U0001f4e2",
    "memo": "\U0001f4dd",
    "clipboard": "\U0001f4cb",
    "page_facing_up": "\U0001f4c4",
    "bookmark_tabs": "\U0001f4d1",
    "link": "\U0001f517",
    "eyes": "\U0001f440",
    "wave": "\U0001f44b",
    "fire": "\U0001f525",
    "sos": "\U0001f198",
    "arrow_up": "\u2b06\ufe0f",
    "arrow_down": "\u2b07\ufe0f",
    "arrow_right": "\u27a1\ufe0f",
    "repeat": "\U0001f501",
    "zzz": "\U0001f4a4",
    "speech_balloon": "\U0001f4ac",
    "busts_in_silhouette": "\U0001f465",
    "bust_in_silhouette": "\U0001f464",
    "crown": "\U0001f451",
    "lock": "\U0001f512",
    "mag": "\U0001f50d",
    "bar_chart": "\U0001f4ca",
    "chart_with_downwards_trend": "\U0001f4c9",
    "chart_with_upwards_trend": "\U0001f4c8",
    "tada": "\U0001f389",
    "checkered_flag": "\U0001f3c1",
    "triangular_flag_on_post": "\U0001f6a9",
    "information_source": "\u2139\ufe0f",
    "question": "\u2753",
    "exclamation": "\u2757",
    "heavy_exclamation_mark": "\u2757",
    "bangbang": "\u203c\ufe0f",
    "handshake": "\U0001f91d",
    "thumbsup": "\U0001f44d",
    "+1": "\U0001f44d",
    "sunrise": "\U0001f305",
    "house": "\U0001f3e0",
    "email": "\U0001f4e7",
    "envelope": "\u2709\ufe0f",
    "telephone_receiver": "\U0001f4de",
    "construction": "\U0001f6a7",
    "package": "\U0001f4e6",
    "outbox_tray": "\U0001f4e4",
    "inbox_tray": "\U0001f4e5",
    "moneybag": "\U0001f4b0",
    "dollar": "\U0001f4b5",
    "spiral_note_pad": "\U0001f5d2\ufe0f",
    "pencil": "\U0001f4dd",
    "pencil2": "\u270f\ufe0f",
    "hammer_and_wrench": "\U0001f6e0\ufe0f",
    "stopwatch": "\u23f1\ufe0f",
    "timer_clock": "\u23f2\ufe0f",
    "sparkles": "\u2728",
    "star": "\u2b50",
    "ok": "\U0001f197",
    "new": "\U0001f195",
    "arrows_counterclockwise": "\U0001f504",
    "leftwards_arrow_with_hook": "\u21a9\ufe0f",
    "arrow_double_down": "\u23ec",
    "arrow_double_up": "\u23eb",
    "city_sunset": "\U0001f306",
    "double_vertical_bar": "\u23f8\ufe0f",
    "mute": "\U0001f507",
    "palm_tree": "\U0001f334",
}


@dataclass(frozen=True)
class Directory:
    """Names for the IDs mrkdwn and selects mention, and the viewer's time zone."""

    people: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    zone: str = "UTC"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _attr(value: object) -> str:
    """A value for a `data-*` attribute (JSON when not a string)."""
    return esc(value if isinstance(value, str) else json.dumps(value))


def emoji(text: str) -> str:
    """`:rotating_light:` -> the emoji, on text that is already HTML."""
    return re.sub(
        r":([a-z0-9_+\-]+):",
        lambda m: (
            f'<span class="emoji" title=":{m.group(1)}:">{EMOJI[m.group(1)]}</span>'
            if m.group(1) in EMOJI
            else m.group(0)
        ),
        text,
    )


def _slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_ANGLE = re.compile(r"<([^<>\n]+)>")


def _special(inner: str, directory: Directory) -> str:
    """One `<...>` of Slack's mrkdwn: a mention, a channel, a broadcast, a date or a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        name = label or directory.people.get(target[1:], target[1:])
        return f'<span class="mention">@{esc(_slack_unescape(name))}</span>'
    if target.startswith("#"):
        name = label or directory.channels.get(target[1:], target[1:])
        return f'<span class="mention">#{esc(_slack_unescape(name))}</span>'
    if target.startswith("!subteam^"):
        return f'<span class="mention">@{esc(_slack_unescape(label or "group"))}</span>'
    if target.startswith("!date^"):
        parts = target.split("^")
        try:
            instant = datetime.fromtimestamp(int(parts[1]), UTC).astimezone(
                ZoneInfo(directory.zone)
            )
            shown = instant.strftime("%a %d %b %H:%M")
        except (IndexError, ValueError):
            shown = _slack_unescape(label or target)
        return f'<span class="date">{esc(shown)}</span>'
    if target.startswith("!"):
        return f'<span class="mention broadcast">@{esc(target[1:])}</span>'
    url = _slack_unescape(target)
    shown = _slack_unescape(label) if label else url
    if not re.match(r"^(https?|mailto):", url):
        return esc(_slack_unescape(f"<{inner}>"))
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(shown)}</a>'


def _inline(text: str) -> str:
    """Bold, italic, strike and code on one run of escaped text (no `<...>` left in it)."""
    text = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])", r"<i>\1</i>", text)
    text = re.sub(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])", r"<s>\1</s>", text)
    return emoji(text)


_BARE_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,;:!?)'\"]")


def _plain_run(text: str) -> str:
    """Text between `<...>`: bare web addresses become links, as Slack makes them."""
    out, last = [], 0
    for match in _BARE_URL.finditer(text):
        out.append(_inline(esc(_slack_unescape(text[last : match.start()]))))
        url = _slack_unescape(match.group(0))
        out.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>')
        last = match.end()
    out.append(_inline(esc(_slack_unescape(text[last:]))))
    return "".join(out)


def mrkdwn(text: str, directory: Directory | None = None) -> str:
    """Slack mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
    links, mentions, broadcasts and emoji. Slack's own escapes (&amp; &lt; &gt;) are honoured;
    anything else that looks like HTML is shown, never run."""
    directory = directory or Directory()
    pieces: list[str] = []
    for number, chunk in enumerate(re.split(r"```", text)):
        if number % 2:
            pieces.append(f"<pre>{esc(_slack_unescape(chunk.strip(chr(10))))}</pre>")
            continue
        lines = []
        for line in chunk.split("\n"):
            quoted = line.startswith("&gt;") or line.startswith(">")
            if quoted:
                line = line.removeprefix("&gt;").removeprefix(">").lstrip()
            out, last = [], 0
            for match in _ANGLE.finditer(line):
                out.append(_plain_run(line[last : match.start()]))
                out.append(_special(match.group(1), directory))
                last = match.end()
            out.append(_plain_run(line[last:]))
            rendered = "".join(out)
            lines.append(f"<blockquote>{rendered}</blockquote>" if quoted else rendered)
        pieces.append("<br>".join(lines).replace("</blockquote><br><blockquote>", "<br>"))
    return "".join(pieces)


def text_object(obj: Mapping[str, Any] | str | None, directory: Directory | None = None) -> str:
    """A plain_text or mrkdwn text object (or a bare string, which Slack treats as plain)."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return esc(obj)
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text") or ""), directory)
    shown = esc(obj.get("text") or "")
    return emoji(shown) if obj.get("emoji", True) else shown


# -- elements ----------------------------------------------------------------------------------


def _data(block_id: str, element: Mapping[str, Any]) -> str:
    attrs = {
        "data-block": block_id,
        "data-action": element.get("action_id") or "",
        "data-type": element.get("type") or "",
    }
    if element.get("confirm"):
        attrs["data-confirm"] = json.dumps(_confirm(element["confirm"]))
    return " ".join(f'{name}="{_attr(value)}"' for name, value in attrs.items())


def _confirm(confirm: Mapping[str, Any]) -> dict[str, str]:
    """A confirm dialog's parts as HTML, for the page to show before sending the action."""
    return {
        "title": text_object(confirm.get("title")),
        "text": text_object(confirm.get("text")),
        "confirm": text_object(confirm.get("confirm") or "Yes"),
        "deny": text_object(confirm.get("deny") or "Cancel"),
        "style": str(confirm.get("style") or ""),
    }


def _options(element: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every option of a select, from its option groups too."""
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return found


def _option_tags(element: Mapping[str, Any], chosen: set[str], directory: Directory) -> str:
    def tag(option: Mapping[str, Any]) -> str:
        value = str(option.get("value", ""))
        selected = " selected" if value in chosen else ""
        label = re.sub(r"<[^>]+>", "", text_object(option.get("text"), directory))
        return f'<option value="{esc(value)}"{selected}>{label}</option>'

    if element.get("option_groups"):
        groups = []
        for group in element["option_groups"]:
            label = re.sub(r"<[^>]+>", "", text_object(group.get("label"), directory))
            inner = "".join(tag(option) for option in group.get("options") or [])
            groups.append(f'<optgroup label="{esc(html.unescape(label))}">{inner}</optgroup>')
        return "".join(groups)
    return "".join(tag(option) for option in element.get("options") or [])


def _placeholder(element: Mapping[str, Any], default: str = "Select an item") -> str:
    shown = element.get("placeholder")
    return esc((shown or {}).get("text") if isinstance(shown, Mapping) else shown or default)


def button(block_id: str, element: Mapping[str, Any], directory: Directory) -> str:
    style = str(element.get("style") or "default")
    label = text_object(element.get("text"), directory)
    if element.get("url"):
        # A link button opens the page; Slack still sends the action, which the bot acks.
        return (
            f'<a class="sb-button sb-link {esc(style)}" href="{esc(element["url"])}" '
            f'target="_blank" rel="noopener noreferrer" {_data(block_id, element)}>{label}</a>'
        )
    value = esc(element.get("value") or "")
    return (
        f'<button type="button" class="sb-button sb-act {esc(style)}" data-value="{value}" '
        f"{_data(block_id, element)}>{label}</button>"
    )


def _people_options(directory: Directory, chosen: set[str]) -> str:
    return "".join(
        f'<option value="{esc(uid)}"{" selected" if uid in chosen else ""}>{esc(name)}</option>'
        for uid, name in directory.people.items()
    )


def _channel_options(directory: Directory, chosen: set[str]) -> str:
    return "".join(
        f'<option value="{esc(cid)}"{" selected" if cid in chosen else ""}>#{esc(name)}</option>'
        for cid, name in directory.channels.items()
    )


def element(
    block_id: str,
    element: Mapping[str, Any],
    directory: Directory,
    *,
    in_input: bool = False,
    state: Mapping[str, Any] | None = None,
) -> str:
    """One element; inside an input block it is a form field (`sb-input`), elsewhere an
    action sent at once (`sb-act`). `state` is what the person already entered there."""
    kind = str(element.get("type") or "")
    role = "sb-input" if in_input else "sb-act"
    data = _data(block_id, element)
    state = state or {}
    if kind == "button":
        return button(block_id, element, directory)
    if kind in ("plain_text_input", "url_text_input", "email_text_input", "number_input"):
        value = state.get("value", element.get("initial_value") or "")
        limit = f' maxlength="{int(element["max_length"])}"' if element.get("max_length") else ""
        holder = f' placeholder="{_placeholder(element, "")}"'
        if element.get("multiline"):
            return (
                f'<textarea class="{role}" rows="4"{limit}{holder} {data}>{esc(value or "")}'
                "</textarea>"
            )
        types = {"url_text_input": "url", "email_text_input": "email", "number_input": "number"}
        return (
            f'<input class="{role}" type="{types.get(kind, "text")}" value="{esc(value or "")}"'
            f"{limit}{holder} {data}>"
        )
    if kind in ("static_select", "multi_static_select"):
        multiple = kind.startswith("multi")
        if "selected" in state:
            chosen = set(state["selected"])
        elif multiple:
            chosen = {str(o.get("value")) for o in element.get("initial_options") or []}
        else:
            initial = element.get("initial_option")
            chosen = {str(initial.get("value"))} if initial else set()
        head = "" if multiple else f'<option value="">{_placeholder(element)}</option>'
        size = f' multiple size="{min(6, max(2, len(_options(element))))}"' if multiple else ""
        options = _option_tags(element, chosen, directory)
        return f'<select class="{role}"{size} {data}>{head}{options}</select>'
    if kind in ("users_select", "multi_users_select", "conversations_select", "channels_select"):
        multiple = kind.startswith("multi")
        if "selected" in state:
            chosen = set(state["selected"])
        else:
            initial = (
                element.get("initial_user")
                or element.get("initial_conversation")
                or element.get("initial_channel")
            )
            initials = element.get("initial_users") or ([initial] if initial else [])
            chosen = {str(i) for i in initials}
        people = kind.endswith("users_select")
        options = (
            _people_options(directory, chosen) if people else _channel_options(directory, chosen)
        )
        size = ' multiple size="4"' if multiple else ""
        head = "" if multiple else f'<option value="">{_placeholder(element)}</option>'
        return f'<select class="{role}"{size} {data}>{head}{options}</select>'
    if kind in ("checkboxes", "radio_buttons"):
        if "selected" in state:
            chosen = set(state["selected"])
        elif kind == "checkboxes":
            chosen = {str(o.get("value")) for o in element.get("initial_options") or []}
        else:
            initial = element.get("initial_option")
            chosen = {str(initial.get("value"))} if initial else set()
        box = "checkbox" if kind == "checkboxes" else "radio"
        name = esc(f"{block_id}/{element.get('action_id')}")
        rows = []
        for option in element.get("options") or []:
            value = str(option.get("value", ""))
            checked = " checked" if value in chosen else ""
            described = option.get("description")
            hint = (
                f'<div class="hint">{text_object(described, directory)}</div>' if described else ""
            )
            rows.append(
                f'<label class="choice"><input type="{box}" name="{name}" value="{esc(value)}"'
                f"{checked}> <span>{text_object(option.get('text'), directory)}</span>{hint}"
                "</label>"
            )
        return f'<div class="{role} choices" {data}>{"".join(rows)}</div>'
    if kind == "datepicker":
        value = state.get("value", element.get("initial_date") or "")
        return f'<input class="{role}" type="date" value="{esc(value)}" {data}>'
    if kind == "timepicker":
        value = state.get("value", element.get("initial_time") or "")
        return f'<input class="{role}" type="time" value="{esc(value)}" {data}>'
    if kind == "datetimepicker":
        value = state.get("value")
        if value is None and element.get("initial_date_time"):
            instant = datetime.fromtimestamp(int(element["initial_date_time"]), UTC)
            value = instant.astimezone(ZoneInfo(directory.zone)).strftime("%Y-%m-%dT%H:%M")
        return f'<input class="{role}" type="datetime-local" value="{esc(value or "")}" {data}>'
    if kind == "overflow":
        items = "".join(
            f'<option value="{esc(option.get("value", ""))}">'
            f"{re.sub(r'<[^>]+>', '', text_object(option.get('text'), directory))}</option>"
            for option in element.get("options") or []
        )
        return f'<select class="{role} overflow" {data}><option value="">\u22ef</option>{items}</select>'
    if kind == "image":
        return f'<img class="thumb" src="{esc(element.get("image_url", ""))}" alt="{esc(element.get("alt_text", ""))}">'
    return f'<span class="unknown">[{esc(kind)}]</span>'


# -- blocks ------------------------------------------------------------------------------------


def _block_id(block: Block, index: int) -> str:
    return str(block.get("block_id") or f"b{index}")


def block(
    blk: Block,
    index: int,
    directory: Directory,
    *,
    errors: Mapping[str, str] | None = None,
    state: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """One block as Slack lays it out; `errors` by block ID show under their input, as
    Slack shows the errors a submission answered with."""
    kind = str(blk.get("type") or "")
    block_id = _block_id(blk, index)
    if kind == "header":
        return f'<div class="blk header"><h3>{text_object(blk.get("text"), directory)}</h3></div>'
    if kind == "divider":
        return '<hr class="blk divider">'
    if kind == "section":
        parts = []
        if blk.get("text"):
            parts.append(f'<div class="text">{text_object(blk["text"], directory)}</div>')
        if blk.get("fields"):
            cells = "".join(
                f'<div class="field">{text_object(cell, directory)}</div>' for cell in blk["fields"]
            )
            parts.append(f'<div class="fields">{cells}</div>')
        accessory = ""
        if blk.get("accessory"):
            accessory = (
                f'<div class="accessory">{element(block_id, blk["accessory"], directory)}</div>'
            )
        return f'<div class="blk section"><div class="body">{"".join(parts)}</div>{accessory}</div>'
    if kind == "context":
        items = []
        for item in blk.get("elements") or []:
            if item.get("type") == "image":
                items.append(
                    f'<img class="ctx-img" src="{esc(item.get("image_url", ""))}" alt="{esc(item.get("alt_text", ""))}">'
                )
            else:
                items.append(f"<span>{text_object(item, directory)}</span>")
        return f'<div class="blk context">{"".join(items)}</div>'
    if kind == "actions":
        row = "".join(element(block_id, item, directory) for item in blk.get("elements") or [])
        return f'<div class="blk actions" data-block="{esc(block_id)}">{row}</div>'
    if kind == "input":
        field_element = blk.get("element") or {}
        entered = (state or {}).get(block_id, {})
        optional = ' <span class="optional">(optional)</span>' if blk.get("optional") else ""
        hint = (
            f'<div class="hint">{text_object(blk["hint"], directory)}</div>'
            if blk.get("hint")
            else ""
        )
        error = (errors or {}).get(block_id)
        shown_error = (
            f'<div class="field-error" role="alert">\u26a0 {esc(error)}</div>' if error else ""
        )
        required = "" if blk.get("optional") else ' data-required="1"'
        return (
            f'<div class="blk input{" has-error" if error else ""}" data-block="{esc(block_id)}"'
            f"{required}>"
            f'<label class="label">{text_object(blk.get("label"), directory)}{optional}</label>'
            f"{element(block_id, field_element, directory, in_input=True, state=entered)}"
            f"{hint}{shown_error}</div>"
        )
    if kind == "image":
        title = f"<div>{text_object(blk['title'], directory)}</div>" if blk.get("title") else ""
        return (
            f'<div class="blk image">{title}<img src="{esc(blk.get("image_url", ""))}" '
            f'alt="{esc(blk.get("alt_text", ""))}"></div>'
        )
    return f'<div class="blk unknown">[{esc(kind)} block]</div>'


def blocks(
    items: list[Block] | None,
    directory: Directory,
    *,
    errors: Mapping[str, str] | None = None,
    state: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    return "".join(
        block(item, index, directory, errors=errors, state=state)
        for index, item in enumerate(items or [])
    )


def message_body(message: Mapping[str, Any], directory: Directory) -> str:
    """What a message shows: its blocks when it has any (Slack then ignores `text`), else its
    text as mrkdwn; and any legacy attachments' text."""
    if message.get("blocks"):
        shown = blocks(message["blocks"], directory)
    else:
        shown = f'<div class="text">{mrkdwn(str(message.get("text") or ""), directory)}</div>'
    for attachment in message.get("attachments") or []:
        inner = blocks(attachment.get("blocks"), directory) or mrkdwn(
            str(attachment.get("text") or attachment.get("fallback") or ""), directory
        )
        colour = esc(attachment.get("color") or "#ddd")
        shown += f'<div class="attachment" style="border-color:{colour}">{inner}</div>'
    return shown


def view(
    shown: Mapping[str, Any],
    directory: Directory,
    *,
    errors: Mapping[str, str] | None = None,
    state: Mapping[str, Mapping[str, Any]] | None = None,
    stacked: int = 1,
) -> str:
    """A modal: title, blocks, and its close and submit buttons."""
    submit = shown.get("submit")
    close = shown.get("close")
    fields = {
        _block_id(blk, index)
        for index, blk in enumerate(shown.get("blocks") or [])
        if blk.get("type") == "input"
    }
    # An error for no field is about the submission itself (the bot didn't answer in time).
    banner = "".join(
        f'<div class="modal-error" role="alert">\u26a0 {esc(text)}</div>'
        for key, text in (errors or {}).items()
        if key not in fields
    )
    back = "Back" if stacked > 1 else "Cancel"
    buttons = f'<button type="button" class="sb-button sb-close">{text_object(close) if close else back}</button>'
    if submit:
        buttons += f'<button type="button" class="sb-button primary sb-submit">{text_object(submit)}</button>'
    return (
        f'<div class="modal" data-view="{esc(shown.get("id", ""))}">'
        f'<div class="modal-head"><h2>{text_object(shown.get("title"))}</h2>'
        f'<button type="button" class="sb-x sb-close" aria-label="Close">\u00d7</button></div>'
        f'<div class="modal-body">{banner}'
        f"{blocks(shown.get('blocks'), directory, errors=errors, state=state)}</div>"
        f'<div class="modal-foot">{buttons}</div></div>'
    )

"""Small mrkdwn helpers shared by the builders, and the Slack limits they build within.

Two kinds of text reach Slack. In mrkdwn (section and context text, section fields, and
every message's top-level `text`, which is also the notification) `&`, `<` and `>` are
markup: `<!channel>` notifies a channel, `<url|label>` disguises a link. Whatever a person
typed or a thread reply carried goes through `escape` before it lands there. plain_text
(headers, buttons, options, labels, modal titles, input values) is shown as written and
never parsed for markup (https://docs.slack.dev/reference/block-kit/composition-objects/text-object),
so text that lands there is left alone: escaping it would only show `&amp;` to people and
would corrupt an input's initial value, which comes back to us as typed.
"""

from __future__ import annotations

import re
from datetime import datetime

MENTION_NOBODY = "_not set_"
ELLIPSIS = "…"

# Slack's limits, in characters or items; slack_sdk refuses to serialise past most of them.
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75
CONTEXT_TEXT = 3000
CONTEXT_ELEMENTS = 10
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MODAL_TITLE = 24
INPUT_VALUE = 3000
# The database column of every link; a longer one is never made clickable.
URL_LENGTH = 1000
# The longest link target written into mrkdwn once `&` in it is escaped: with its label
# it still fits a section field.
LINK_TARGET = 1900
# The notification / fallback `text` of a message whose blocks carry the content. Slack
# truncates at 40 000; a notification is read at a glance.
TEXT_LIMIT = 3000
# The `text` of a text-only message, whose text is the content: room for a full
# 3 000-character input even if every character is escaped to five.
MESSAGE_LIMIT = 16_000

_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")
# A URL that cannot close the `<…>` around it, start a label, or break the line.
_LINKABLE = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)
# Where a cut could fall inside a piece of markup: an escape (`&amp;` is the longest) or a
# mention, channel, special command, date or link the bot wrote.
_OPEN_ESCAPE = re.compile(r"&(?:a|am|amp|l|lt|g|gt)?$")
_MARKUP_START = re.compile(r"<(?:[@#!h]|$)")


def escape(text: str) -> str:
    """Neutralise the three characters Slack treats as markup in user text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, ending in "…" when something was cut.

    Counts characters (code points), so emoji, combining marks and right-to-left text are
    never split into invalid bytes. A cut that would fall inside an escape (`&amp;`) or a
    piece of the bot's markup (`<@U1>`, `<#C1>`, `<!date^…>`, `<https://…|label>`) moves to
    just before it, so clipping escaped mrkdwn leaves valid mrkdwn.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(ELLIPSIS), 0)]
    if partial := _OPEN_ESCAPE.search(cut):
        cut = cut[: partial.start()]
    opened = max((m.start() for m in _MARKUP_START.finditer(cut)), default=-1)
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    return cut + ELLIPSIS


def is_user_id(value: str) -> bool:
    """Whether `value` has the shape of a Slack user ID (and not of a name someone typed)."""
    return _USER_ID.fullmatch(value) is not None


def mention(user_id: str | None) -> str:
    """A mention of a user the bot knows by ID; anything else is shown as text."""
    if not user_id:
        return MENTION_NOBODY
    return f"<@{user_id}>" if is_user_id(user_id) else escape(clip(user_id, 40))


def channel(channel_id: str | None) -> str:
    if not channel_id:
        return MENTION_NOBODY
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else escape(clip(channel_id, 40))


def linkable(url: str | None) -> bool:
    """Whether `url` can sit inside `<…>` as a link without changing the markup around it."""
    if not url:
        return False
    return len(url) <= URL_LENGTH and _LINKABLE.fullmatch(url) is not None


def link(url: str | None, label: str | None = None) -> str:
    """`label` (or the URL itself) linking to `url`.

    Only a URL that passed the forms' checks becomes a link; anything else stored (a legacy
    row, a URL with `|` that would disguise the label) is shown as text, clipped.
    """
    target = escape(url) if url and linkable(url) else ""  # `&` in a query string
    # A query string of nothing but `&`s would grow five-fold past any field.
    if target and len(target) <= LINK_TARGET:
        return f"<{target}|{escape(label)}>" if label else f"<{target}>"
    shown = escape(clip(url or "", 200))
    return f"{escape(label)}: {shown}" if label else shown


def more_line(count: int, what: str, where: str | None = None) -> str:
    """The line that says a list was cut, and where the rest can be read."""
    tail = f"; {where}" if where else ""
    return f"_…and {count} more {what}{tail}._"


def when(instant: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """A time Slack renders in each viewer's own time zone; the fallback is UTC."""
    fallback = instant.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(instant.timestamp())}^{style}|{fallback}>"


def age(since: datetime, now: datetime) -> str:
    delta = now - since
    days, hours = delta.days, delta.seconds // 3600
    return f"{days}d {hours}h" if days else f"{hours}h {delta.seconds % 3600 // 60}m"

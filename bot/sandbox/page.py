"""What one person sees on the sandbox page: the sidebar, the open channel (or DM, or App
Home), a thread, the top modal; as JSON with HTML rendered from the workspace's state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox import render
from bot.sandbox.roster import Roster
from bot.sandbox.slack_side import SlackSide
from bot.sandbox.workspace import Ephemeral, Message, SlackStandIn

BOT_NAME = "Escalation Bot"
HOME = "home"


def directory(workspace: SlackStandIn, zone: str) -> render.Directory:
    people = {u.id: u.real_name for u in workspace.users() if not u.is_bot and not u.deleted}
    people[workspace.bot_user_id] = BOT_NAME
    channels = {c.id: c.name for c in workspace.channels() if not c.is_im}
    return render.Directory(people=people, channels=channels, zone=zone)


def _when(ts: str, zone: str) -> str:
    instant = datetime.fromtimestamp(int(float(ts)), UTC).astimezone(ZoneInfo(zone))
    return instant.strftime("%a %d %b, %H:%M")


def _avatar(name: str, bot: bool) -> str:
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    return f'<div class="avatar{" bot" if bot else ""}">{render.esc(initials)}</div>'


def message_html(
    message: Message,
    names: render.Directory,
    *,
    pinned: bool,
    replies: list[Message] | None = None,
    in_thread: bool = False,
) -> str:
    bot = message.bot_id is not None
    name = BOT_NAME if bot else names.people.get(message.user, message.user)
    badge = '<span class="badge">APP</span>' if bot else ""
    edited = '<span class="edited">(edited)</span>' if message.edited else ""
    pin = '<div class="pinned-mark">\U0001f4cc Pinned</div>' if pinned else ""
    reactions = "".join(
        f'<span class="reaction">{render.emoji(f":{r}:")} 1</span>' for r in message.reactions
    )
    thread = ""
    if replies and not in_thread:
        last = _when(replies[-1].ts, names.zone)
        count = len(replies)
        thread = (
            f'<button type="button" class="thread-link" data-thread="{render.esc(message.ts)}">'
            f"{count} {'reply' if count == 1 else 'replies'}</button>"
            f'<span class="thread-last">Last reply {render.esc(last)}</span>'
        )
    body = render.message_body(message.to_api(), names)
    reply_action = (
        ""
        if in_thread or message.thread_ts
        else f'<button type="button" class="reply-link" data-thread="{render.esc(message.ts)}">'
        "Reply in thread</button>"
    )
    return (
        f'<div class="msg{" is-pinned" if pinned else ""}" data-channel="{render.esc(message.channel)}" '
        f'data-ts="{render.esc(message.ts)}">{pin}<div class="msg-row">{_avatar(name, bot)}'
        f'<div class="msg-main"><div class="msg-head"><b>{render.esc(name)}</b>{badge}'
        f'<span class="time">{render.esc(_when(message.ts, names.zone))}</span>{edited}</div>'
        f'<div class="msg-body">{body}</div>'
        f'<div class="reactions">{reactions}</div>'
        f'<div class="msg-foot">{thread}{reply_action}</div></div></div></div>'
    )


def ephemeral_html(shown: Ephemeral, names: render.Directory) -> str:
    body = render.message_body({"text": shown.text, "blocks": shown.blocks}, names)
    return (
        f'<div class="msg ephemeral" data-channel="{render.esc(shown.channel)}" '
        f'data-ephemeral="{render.esc(shown.ts)}"><div class="msg-row">{_avatar(BOT_NAME, True)}'
        f'<div class="msg-main"><div class="msg-head"><b>{BOT_NAME}</b><span class="badge">APP</span>'
        f'<span class="time">{render.esc(_when(shown.ts, names.zone))}</span></div>'
        f'<div class="only-you">\U0001f441 Only visible to you</div>'
        f'<div class="msg-body">{body}</div></div></div></div>'
    )


def snapshot(
    workspace: SlackStandIn,
    side: SlackSide,
    roster: Roster,
    now: datetime,
    *,
    me: str,
    where: str,
    thread: str | None,
) -> dict[str, Any]:
    """The page's state for `me` looking at `where` (a channel ID or "home")."""
    person = next((p for p in roster.people if p.id == me), roster.people[0])
    me = person.id
    names = directory(workspace, person.tz)
    dm = workspace.open_dm(me)
    all_channels = workspace.channels()
    kinds = {spec.name: spec.kind for spec in roster.channels}
    sidebar = [
        {
            "id": c.id,
            "name": c.name,
            "kind": kinds.get(c.name, "other"),
            "external": c.is_ext_shared,
            "private": c.is_private,
        }
        for c in all_channels
        if not c.is_im and me in c.members
    ]
    if where != HOME and where not in {str(c["id"]) for c in sidebar} and where != dm:
        where = next((str(c["id"]) for c in sidebar if c["kind"] == "leadership"), dm)
    main: dict[str, Any]
    if where == HOME:
        published = workspace.views_published(me)
        home = published[-1] if published else None
        html = (
            f'<div class="home" data-view="{render.esc(home["id"])}">'
            f"{render.blocks(home.get('blocks'), names)}</div>"
            if home
            else '<p class="empty">Opening App Home\u2026</p>'
        )
        main = {"title": BOT_NAME, "subtitle": "Home", "html": html, "pins": "", "pinned": 0}
    else:
        channel = next(c for c in all_channels if c.id == where)
        messages = workspace.all_messages(channel.id)
        pins = set(channel.pins)
        top = [m for m in messages if m.thread_ts is None or m.reply_broadcast]
        items: list[tuple[str, str]] = [
            (
                m.ts,
                message_html(
                    m,
                    names,
                    pinned=m.ts in pins,
                    replies=[r for r in messages if r.thread_ts == m.ts],
                ),
            )
            for m in top
        ]
        items += [
            (e.ts, ephemeral_html(e, names))
            for e in workspace.ephemeral_log
            if e.channel == channel.id and e.user == me
        ]
        items.sort(key=lambda item: float(item[0]))
        pinned_html = "".join(
            message_html(m, names, pinned=True, in_thread=True)
            for ts in channel.pins
            for m in messages
            if m.ts == ts
        )
        title = BOT_NAME if channel.is_im else f"#{channel.name}"
        subtitle = "Direct message" if channel.is_im else kinds.get(channel.name, "")
        if channel.is_ext_shared:
            subtitle = "External: shared with the customer"
        main = {
            "title": title,
            "subtitle": subtitle,
            "external": channel.is_ext_shared,
            "html": "".join(html for _, html in items) or '<p class="empty">No messages yet.</p>',
            "pins": pinned_html,
            "pinned": len(channel.pins),
        }
    thread_view = None
    if thread and where != HOME:
        messages = workspace.all_messages(where)
        parent = next((m for m in messages if m.ts == thread), None)
        if parent is not None:
            pins = {ts for c in all_channels if c.id == where for ts in c.pins}
            shown = [parent, *[m for m in messages if m.thread_ts == thread]]
            thread_view = {
                "ts": thread,
                "html": "".join(
                    message_html(m, names, pinned=m.ts in pins, in_thread=True) for m in shown
                ),
            }
    modal = None
    stack = workspace.modal_stacks.get(me) or []
    if stack:
        top_view = workspace.view(stack[-1])
        state = side.modals.get(top_view["id"])
        # Text fields read "value", choices read "selected": what was typed stays typed.
        entered = {
            block_id: {"value": raw.get("value"), "selected": render_selected(raw.get("value"))}
            for block_id, raw in (state.entered if state else {}).items()
        }
        errors = state.errors if state else {}
        modal = {
            "id": top_view["id"],
            "key": f"{top_view['id']}:{top_view['hash']}:{sorted(errors.items())}",
            "html": render.view(top_view, names, errors=errors, state=entered, stacked=len(stack)),
        }
    local = now.astimezone(ZoneInfo(person.tz))
    return {
        "workspace": roster.name,
        "me": me,
        "where": where,
        "dm": dm,
        "clock": {
            "local": local.strftime("%a %d %b %Y, %H:%M"),
            "zone": person.tz,
            "utc": now.strftime("%a %d %b %H:%M UTC"),
        },
        "people": [
            {"id": p.id, "name": p.real_name, "role": p.role, "tz": p.tz} for p in roster.people
        ],
        "channels": sidebar,
        "main": main,
        "thread": thread_view,
        "modal": modal,
    }


def render_selected(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]

"""What the stakeholders of one escalation read: their welcome, each update they follow,
the midday check-in invitation, and a Critical's immediate-sync request and reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, LinkButtonElement

from blocks.escalation import title
from blocks.layout import section
from blocks.modal import context_line
from blocks.text import MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, link, mention, when
from blocks.update import update_blocks, update_text
from bot.domain import Role, Severity
from bot.models import Escalation, Update

FOLLOW = "stakeholder_follow"
MUTE = "stakeholder_mute"
SYNC_HELD = "sync_held"


def _roles(roles: Sequence[Role]) -> str:
    return " and ".join(role.label for role in roles) or "a stakeholder"


def _thread_words(permalink: str | None) -> str:
    return f"<{permalink}|leadership thread>" if permalink else "leadership thread"


def _mute_button(escalation: Escalation) -> ButtonElement:
    return ButtonElement(text="Mute updates", action_id=MUTE, value=str(escalation.id))


def _follow_button(escalation: Escalation) -> ButtonElement:
    return ButtonElement(text="Follow updates", action_id=FOLLOW, value=str(escalation.id))


def welcome_text(escalation: Escalation, roles: Sequence[Role]) -> str:
    return clip(f"You are {_roles(roles)} on {escape(title(escalation))}", TEXT_LIMIT)


def welcome_blocks(
    escalation: Escalation, roles: Sequence[Role], permalink: str | None
) -> list[Block]:
    """The DM at open to the AE, CSM, manager and Director PS: their role, the thread, and
    a choice to keep following each update by DM (the default) or mute."""
    lines = [
        f"You are *{_roles(roles)}* on *{escape(title(escalation))}* (project: "
        f"{escape(clip(escalation.project, 500))}), opened by {mention(escalation.opened_by)}. "
        f"DRI: {mention(escalation.person(Role.DRI))}.",
        f"Everything happens in the {_thread_words(permalink)}. I'll DM you each status "
        "update posted with the update form; mute them if you'd rather read the thread.",
    ]
    if escalation.severity is Severity.SEV1:
        lines.append(
            "The DRI runs a daily internal check-in at midday; I'll invite you each morning "
            "with its time."
        )
    buttons: list[ButtonElement | LinkButtonElement] = [_mute_button(escalation)]
    if permalink:
        buttons.append(
            LinkButtonElement(text="Open the thread", url=permalink, action_id="open_thread")
        )
    return [section("\n".join(lines)), ActionsBlock(elements=buttons)]


def followed_text(escalation: Escalation, following: bool) -> str:
    if following:
        return f":bell: You'll get each update on {escalation.key} by DM."
    return f":no_bell: Muted: no more update DMs on {escalation.key}. The thread still has them."


def follower_update_text(escalation: Escalation, update: Update) -> str:
    return update_text(escalation, update)


def follower_update_blocks(escalation: Escalation, update: Update) -> list[Block]:
    """An update as its followers get it by DM: the internal view, and a way to mute."""
    return [
        *update_blocks(escalation, update),
        context_line(f"You follow {escalation.key}."),
        ActionsBlock(elements=[_mute_button(escalation)]),
    ]


# A digest message holds its heading and at most this many check-ins (one section each),
# well inside Slack's 50 blocks; more check-ins go on in a second message.
DIGEST_PER_MESSAGE = 45


def _digest_line(escalation: Escalation, check_in_at: datetime) -> str:
    name = clip(title(escalation), 300)
    shown = (
        link(escalation.root_permalink, name) if escalation.root_permalink else f"*{escape(name)}*"
    )
    return (
        f"{when(check_in_at, '{time}')}: {shown}, run by the DRI "
        f"{mention(escalation.person(Role.DRI))}"
    )


def check_in_digest(
    invitations: Sequence[tuple[Escalation, datetime]],
) -> list[tuple[str, list[Block]]]:
    """One stakeholder's day of midday check-ins as (text, blocks) per message: usually one
    message; past `DIGEST_PER_MESSAGE` check-ins the rest follow in more messages, so no
    check-in is cut from the invitation. Soonest first."""
    ordered = sorted(invitations, key=lambda item: (item[1], item[0].id))
    parts = [
        ordered[start : start + DIGEST_PER_MESSAGE]
        for start in range(0, len(ordered), DIGEST_PER_MESSAGE)
    ]
    messages = []
    for number, part in enumerate(parts, start=1):
        of = f" ({number} of {len(parts)})" if len(parts) > 1 else ""
        keys = ", ".join(f"{escalation.key} at {when(at, '{time}')}" for escalation, at in part)
        text = clip(f"Check-ins{of}: {keys}", TEXT_LIMIT)
        heading = (
            f":busts_in_silhouette: *Your internal check-ins{of}*: {len(ordered)} coming up, each "
            "run by its DRI. Bring what's new on your side; the DRI logs who attended and the "
            "notes in the leadership thread."
        )
        blocks: list[Block] = [section(heading)]
        blocks += [section(_digest_line(escalation, at)) for escalation, at in part]
        messages.append((text, blocks))
    return messages


def unlogged_check_in_note(escalation: Escalation, check_in_at: datetime) -> str:
    return (
        f":memo: No check-in was logged for {escalation.key}'s midday check-in "
        f"{when(check_in_at, '{date_short_pretty} at {time}')}. DRI "
        f"{mention(escalation.person(Role.DRI))}: log it from your midday prompt if it took place."
    )


def sync_request_text(escalation: Escalation, reminder: int = 0) -> str:
    what = f"Reminder {reminder}: no sync recorded yet" if reminder else "Immediate sync needed"
    return clip(f"{what}: {escape(title(escalation))}", TEXT_LIMIT)


def sync_request_blocks(
    escalation: Escalation, due_at: datetime, permalink: str | None, *, reminder: int = 0
) -> list[Block]:
    """To the Director PS and leadership (and in the thread): hold a sync by `due_at`."""
    head = (
        f":rotating_light: *{escape(title(escalation))}* is Critical: please hold an "
        f"immediate sync by {when(due_at)}."
        if not reminder
        else f":alarm_clock: Reminder: no sync is recorded yet for *{escape(title(escalation))}* "
        f"(asked for by {when(due_at)})."
    )
    text = (
        f"{head} DRI: {mention(escalation.person(Role.DRI))}. Press *Sync held* once it has "
        "taken place, so the checklist and the pinned message show it."
    )
    elements: list[ButtonElement | LinkButtonElement] = [
        ButtonElement(
            text="Sync held", action_id=SYNC_HELD, value=str(escalation.id), style="primary"
        )
    ]
    if permalink:
        elements.append(
            LinkButtonElement(text="Open the thread", url=permalink, action_id="open_thread")
        )
    return [section(text), ActionsBlock(elements=elements)]


def sync_held_note(escalation: Escalation, actor: str, at: datetime) -> str:
    return f":handshake: Immediate sync on {escalation.key} held, recorded by {mention(actor)} {when(at)}."


def manager_told_text(escalation: Escalation, what: str, permalink: str | None) -> str:
    """The DM to the direct manager wherever the process says "tell the manager"."""
    return clip(
        f":bust_in_silhouette: You're the direct manager on {escape(title(escalation))}. {what} "
        f"See the {_thread_words(permalink)}.",
        MESSAGE_LIMIT,
    )


def follow_choice_blocks(escalation: Escalation, following: bool) -> list[Block]:
    """What replaces the buttons of the DM where someone followed or muted: what now holds,
    and the way back."""
    button = _mute_button(escalation) if following else _follow_button(escalation)
    return [
        context_line(followed_text(escalation, following)),
        ActionsBlock(elements=[button]),
    ]

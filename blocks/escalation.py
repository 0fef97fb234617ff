"""Messages about one escalation: the pinned root, the checklist, DMs, status replies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DividerBlock,
    HeaderBlock,
    LinkButtonElement,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    SectionBlock,
)

from blocks.layout import section
from blocks.modal import context_line
from blocks.text import (
    FIELD_TEXT,
    HEADER_TEXT,
    MAX_FIELDS,
    MENTION_NOBODY,
    MESSAGE_LIMIT,
    SECTION_TEXT,
    TEXT_LIMIT,
    channel,
    clip,
    escape,
    link,
    mention,
    when,
)
from bot.domain import (
    STAKEHOLDER_ROLES,
    TRIGGERS_BY_CODE,
    ChecklistItem,
    Role,
    Severity,
    State,
    checklist_for,
)
from bot.models import Escalation
from bot.policy.escalation import (
    customer_comm_due_at,
    customer_comm_overdue_at,
    next_update_due,
    open_checklist_items,
    pending_sync_due,
)
from bot.policy.progress import Progress

# Action IDs of the root message's buttons; the later flows listen for them.
POST_UPDATE = "esc_post_update"
FLAG_URGENT = "esc_flag_urgent"
WAITING_ON_CUSTOMER = "esc_waiting_on_customer"
DETAILS = "esc_details"
RESOLVE = "esc_resolve"
REOPEN = "esc_reopen"
MORE = "esc_more"
CHECKLIST_PREFIX = "esc_checklist:"


def title(escalation: Escalation) -> str:
    """Plain text: escape it before it goes into mrkdwn."""
    return f"{escalation.key} · {escalation.severity_label} · {clip(escalation.customer, 100)}"


def _link_fields(escalation: Escalation) -> list[MarkdownTextObject]:
    # A field each: three legal 1 000-character links in one section overflow its 3 000.
    return [
        MarkdownTextObject(text=clip(link(item.url, item.kind.label), FIELD_TEXT))
        for item in escalation.links[:MAX_FIELDS]
    ]


def _people(escalation: Escalation) -> str:
    return "\n".join(
        f"*{role.label}:* {mention(escalation.person(role))}" for role in STAKEHOLDER_ROLES
    )


def root_text(escalation: Escalation) -> str:
    """The notification / fallback text of the root message."""
    return clip(f"{escape(title(escalation))}: {escape(clip(escalation.summary, 200))}", TEXT_LIMIT)


def _truth_lines(escalation: Escalation, now: datetime | None, progress: Progress | None) -> str:
    """Progress, customer communication and the immediate sync, as of `now` (overdue marks
    only when `now` is given: the planner edits the root when one turns overdue)."""
    lines = []
    if progress is not None:
        lines.append(f"*Milestones:* {progress.summary()}")
    comm_due = customer_comm_due_at(escalation)
    if comm_due is not None:
        last = (
            when(escalation.last_customer_comm_at)
            if escalation.last_customer_comm_at
            else "none recorded"
        )
        if now is not None and customer_comm_overdue_at(escalation, now):
            lines.append(
                f"*Customer communication:* :warning: overdue since {when(comm_due)} (last: {last})"
            )
        else:
            lines.append(f"*Customer communication:* last {last}, next due {when(comm_due)}")
    if escalation.sync_due_at is not None:
        pending = pending_sync_due(escalation)
        if escalation.sync_held_at is not None:
            lines.append(
                f"*Immediate sync:* held {when(escalation.sync_held_at)} "
                f"(recorded by {mention(escalation.sync_held_by)})"
            )
        elif pending is not None and now is not None and now >= pending:
            lines.append(f"*Immediate sync:* :warning: not recorded, was due {when(pending)}")
        elif pending is not None:
            lines.append(f"*Immediate sync:* asked for by {when(pending)}")
    return "\n".join(lines)


def root_blocks(
    escalation: Escalation,
    *,
    interactive: bool = True,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> list[Block]:
    """The pinned root message: everything leadership needs at a glance, and the buttons.

    With `now`, what is overdue at `now` says so; with `progress`, the milestones' percent
    complete is shown."""
    state = (
        "Resolved :white_check_mark:"
        if escalation.state is State.RESOLVED
        else (escalation.state.value.capitalize())
    )
    triggers = "\n".join(
        f"• {TRIGGERS_BY_CODE[t.code].label}"
        for t in escalation.triggers
        if t.code in TRIGGERS_BY_CODE
    )
    last_update = when(escalation.last_update_at) if escalation.last_update_at else "none yet"
    status_line = (
        f"*Health:* {escalation.health.emoji} {escalation.health.label}   *State:* {state}   "
        f"*Last update:* {last_update}"
    )
    if escalation.state is not State.RESOLVED and escalation.severity is not Severity.WATCH:
        due = next_update_due(escalation)
        late = " :warning: overdue" if now is not None and now >= due else ""
        status_line += f"   *Next update due:* {when(due)}{late}"
    if escalation.state.is_open and (truth := _truth_lines(escalation, now, progress)):
        status_line += f"\n{truth}"
    blocks: list[Block] = [
        HeaderBlock(text=clip(title(escalation), HEADER_TEXT)),
        # Clipped so that even escaped five-fold it leaves room for the status line.
        section(f"*Project:* {escape(clip(escalation.project, 300))}\n{status_line}"),
        section(f"*Summary*\n{escape(escalation.summary)}"),
    ]
    if escalation.path_to_green:
        blocks.append(section(f"*Path to green*\n{escape(escalation.path_to_green)}"))
    links = _link_fields(escalation)
    channels = (
        f"*Internal channel:* {channel(escalation.internal_channel_id)}   *Customer channel:* "
        f"{channel(escalation.customer_channel_id)}"
    )
    blocks += [
        SectionBlock(
            fields=[
                MarkdownTextObject(
                    text=clip(f"*Triggers*\n{triggers or MENTION_NOBODY}", FIELD_TEXT)
                ),
                MarkdownTextObject(text=clip(_people(escalation), FIELD_TEXT)),
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    channels if links else f"*Links:* {MENTION_NOBODY}\n{channels}", SECTION_TEXT
                )
            ),
            fields=links or None,
        ),
        context_line(f"Opened by {mention(escalation.opened_by)} {when(escalation.opened_at)}"),
    ]
    if interactive:
        blocks.append(root_actions(escalation))
    return blocks


def root_actions(escalation: Escalation) -> ActionsBlock:
    """The buttons every later flow starts from; a resolved escalation can only be reopened."""
    value = str(escalation.id)
    if escalation.state is State.RESOLVED:
        return ActionsBlock(
            block_id=f"esc_actions:{escalation.id}",
            elements=[
                ButtonElement(text="Reopen", action_id=REOPEN, value=value),
                ButtonElement(text="Details", action_id=DETAILS, value=value),
            ],
        )
    course = (
        ("downgrade", "Downgrade to Sev 2")
        if escalation.severity is Severity.SEV1
        else ("promote", "Escalate to Sev 1")
    )
    more = [("reassign", "Reassign DRI"), course, ("export", "Export as Markdown")]
    return ActionsBlock(
        block_id=f"esc_actions:{escalation.id}",
        elements=[
            ButtonElement(text="Post update", action_id=POST_UPDATE, value=value, style="primary"),
            ButtonElement(text="Flag urgent", action_id=FLAG_URGENT, value=value),
            ButtonElement(text="Waiting on customer", action_id=WAITING_ON_CUSTOMER, value=value),
            ButtonElement(text="Details", action_id=DETAILS, value=value),
            ButtonElement(text="Resolve", action_id=RESOLVE, value=value, style="danger"),
            OverflowMenuElement(
                action_id=MORE,
                options=[
                    Option(value=f"{choice}:{escalation.id}", label=label) for choice, label in more
                ],
            ),
        ],
    )


def checklist_progress(escalation: Escalation) -> tuple[int, int]:
    """(done, total) over the current severity's checklist."""
    total = sum(
        1
        for item in checklist_for(escalation.severity)
        if any(entry.code == item.code for entry in escalation.checklist)
    )
    return total - len(open_checklist_items(escalation)), total


def checklist_text(escalation: Escalation) -> str:
    # Only the bot's words: the key and two counts.
    done, total = checklist_progress(escalation)
    return f"{escalation.key} checklist: {done}/{total} done"


def checklist_blocks(escalation: Escalation) -> list[Block]:
    """The Phase 1 (or Sev 2) checklist: one tickable group per step, the bot's ticks included."""
    entries = {entry.code: entry for entry in escalation.checklist}
    steps: dict[str, list[ChecklistItem]] = {}
    for item in checklist_for(escalation.severity):
        if item.code in entries:
            steps.setdefault(item.step, []).append(item)
    done, total = checklist_progress(escalation)
    sev1 = escalation.severity is Severity.SEV1
    heading = "Phase 1 checklist" if sev1 else "Sev 2 checklist"
    # A Sev 2's checklist has no 24 h deadline: only Phase 1 is due by a date.
    due = f", due {when(escalation.phase1_due_at)}" if sev1 else ""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{heading}* for {escalation.key}: {done}/{total} done{due}"
            )
        )
    ]
    for index, (step, items) in enumerate(steps.items()):
        options = [Option(value=item.code, label=item.label) for item in items]
        ticked = [o for o, item in zip(options, items, strict=True) if entries[item.code].done]
        blocks.append(
            SectionBlock(
                block_id=f"esc_checklist_step:{escalation.id}:{index}",
                text=MarkdownTextObject(text=f"*{step}*"),
                accessory=CheckboxesElement(
                    action_id=f"{CHECKLIST_PREFIX}{index}",
                    options=options,
                    initial_options=ticked or None,
                ),
            )
        )
    blocks.append(
        context_line(
            "I tick an item only once I've done it and it worked (thread pinned, every "
            "stakeholder DMed, the first check-in invitations delivered, the immediate sync "
            "recorded). Tick the rest as you go; the DRI is reminded of anything still open "
            "at the deadline."
            if sev1
            else "Tick each item as you go; leadership reads this at the Y/R portfolio call."
        )
    )
    return blocks


def internal_link_text(escalation: Escalation, permalink: str) -> str:
    heading = escape(title(escalation))
    text = (
        f":rotating_light: *{heading}* was opened. DRI: "
        f"{mention(escalation.person(Role.DRI))}. Follow it in the <{permalink}|leadership thread>."
        if escalation.severity is Severity.SEV1
        else f":warning: *{heading}* was opened (internal project health). DRI: "
        f"{mention(escalation.person(Role.DRI))}. <{permalink}|Leadership thread>."
    )
    return clip(text, TEXT_LIMIT)


def dri_welcome_text(escalation: Escalation) -> str:
    """The notification of the DRI's welcome DM."""
    return clip(f"You are the DRI for {escape(title(escalation))}", TEXT_LIMIT)


def dri_welcome_blocks(escalation: Escalation, permalink: str | None) -> list[Block]:
    cadence = (
        f"The Phase 1 checklist is due {when(escalation.phase1_due_at)}. I'll prompt you every "
        "morning, midday and evening in your time zone."
        if escalation.severity is Severity.SEV1
        else "Health is Red until your updates say otherwise; keep the path to green current. "
        "I'll prompt you weekly for the PSA status and path to green."
    )
    text = (
        f"You are the DRI for *{escape(title(escalation))}* (project: "
        f"{escape(clip(escalation.project, 500))}), opened by {mention(escalation.opened_by)}.\n"
        f"{cadence}"
    )
    blocks: list[Block] = [section(text)]
    if permalink:
        blocks.append(
            ActionsBlock(
                elements=[
                    LinkButtonElement(
                        text="Open the thread", url=permalink, action_id="open_thread"
                    ),
                ]
            )
        )
    return blocks


def opener_receipt(escalation: Escalation, permalink: str, problems: Iterable[str]) -> str:
    lines = [f":white_check_mark: *{escalation.key}* is open and pinned: {permalink}"]
    done = [f"DMed {mention(escalation.person(Role.DRI))}"]
    if escalation.internal_link_ts:
        done.insert(0, f"linked it in {channel(escalation.internal_channel_id)}")
    lines.append("I posted the checklist in the thread, " + " and ".join(done) + ".")
    if escalation.customer_channel_id:
        lines.append(
            f"Nothing goes to {channel(escalation.customer_channel_id)} unless you write a "
            "customer-safe message."
        )
    lines += [f":warning: {problem}" for problem in problems]
    return clip("\n".join(lines), MESSAGE_LIMIT)


def slack_problem_notice(escalation: Escalation, what: str, problem: str) -> str:
    return clip(
        f":warning: *{escalation.key}* is saved, but I couldn't {what}: {problem} "
        "I'll keep retrying; nothing you entered is lost.",
        TEXT_LIMIT,
    )


def status_blocks(escalation: Escalation, permalink: str | None, overdue: list[str]) -> list[Block]:
    blocks = root_blocks(escalation, interactive=False)
    extra = []
    if permalink:
        extra.append(f"<{permalink}|Open the thread>")
    if overdue:
        extra.append(":alarm_clock: " + ", ".join(overdue))
    if extra:
        blocks += [
            DividerBlock(),
            context_line(" · ".join(extra)),
        ]
    return blocks

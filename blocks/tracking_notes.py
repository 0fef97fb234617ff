"""The story of the resolution, one short line per change, in the escalation's thread, and
the messages impacts and stale blockers send to people outside it.

A note quotes at most `SHORT` characters of what was typed (escaped): leadership reads the
thread at a glance; the detail view and the export keep the whole text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from blocks import button_values
from blocks.escalation import title
from blocks.layout import section
from blocks.text import MESSAGE_LIMIT, TEXT_LIMIT, clip, escape, link, mention
from bot.domain import ChangeOrderStatus, ExtraLinkKind, ImpactKind, RaidCategory, Trigger
from bot.models import Escalation

SHORT = 300
ADD_SUGGESTED_TRIGGER = "add_suggested_trigger"


def _quote(text: str | None) -> str:
    return clip(escape(text or ""), SHORT)


def _people(users: Sequence[str]) -> str:
    return ", ".join(mention(user) for user in users)


def milestone_note(actor: str, milestone: str) -> str:
    return f":dart: {mention(actor)} added the milestone *{_quote(milestone)}*"


def task_note(actor: str, milestone: str, task: str, owner: str, due_on: date) -> str:
    return (
        f":heavy_plus_sign: {mention(actor)} added the task _{_quote(task)}_ to "
        f"*{_quote(milestone)}* (owner {mention(owner)}, due {due_on:%a %b %d})"
    )


def tasks_note(
    actor: str, milestone: str, percent: int, done: Sequence[str], reopened: Sequence[str]
) -> str:
    changes = [f"done _{_quote(t)}_" for t in done] + [f"reopened _{_quote(t)}_" for t in reopened]
    return clip(
        f":white_check_mark: {mention(actor)} on *{_quote(milestone)}*: "
        + "; ".join(changes)
        + f" · now {percent}% complete",
        TEXT_LIMIT,
    )


def blocker_note(actor: str, text: str, *, dependency: bool) -> str:
    what = "dependency" if dependency else "blocker"
    return f":construction: {mention(actor)} logged a {what}: {_quote(text)}"


def blocker_resolved_note(actor: str, text: str, how: str, *, dependency: bool) -> str:
    what = "dependency" if dependency else "blocker"
    return f":unlock: {mention(actor)} resolved the {what} _{_quote(text)}_: {_quote(how)}"


def alternative_note(actor: str, approach: str) -> str:
    return f":twisted_rightwards_arrows: {mention(actor)} added an alternative: {_quote(approach)}"


def requirement_change_note(actor: str, change: str, approver: str, approved_on: date) -> str:
    return (
        f":pencil2: {mention(actor)} logged a requirement change approved by "
        f"{mention(approver)} on {approved_on:%Y-%m-%d}: {_quote(change)}"
    )


def raid_note(actor: str, category: RaidCategory, text: str) -> str:
    return f":clipboard: {mention(actor)} added a RAID {category.value}: {_quote(text)}"


def requirement_note(actor: str, text: str, checks: int) -> str:
    return (
        f":scroll: {mention(actor)} recorded a requirement ({checks} validation "
        f"check{'s' if checks != 1 else ''}): {_quote(text)}"
    )


def requirement_validated_note(
    actor: str, text: str, done: int, total: int, *, signed_off: bool
) -> str:
    if signed_off:
        return (
            f":white_check_mark: {mention(actor)} signed off the requirement "
            f"_{_quote(text)}_ ({done}/{total} checks)"
        )
    return f":ballot_box_with_check: {mention(actor)} validated {done}/{total} checks of _{_quote(text)}_"


def change_order_note(actor: str, description: str, approver: str) -> str:
    return (
        f":page_facing_up: {mention(actor)} proposed a change order for "
        f"{mention(approver)} to approve: {_quote(description)}"
    )


def change_order_decided_note(actor: str, description: str, status: ChangeOrderStatus) -> str:
    emoji = ":heavy_check_mark:" if status is ChangeOrderStatus.APPROVED else ":x:"
    return f"{emoji} {mention(actor)} {status.value} the change order _{_quote(description)}_"


def artifact_note(actor: str, artifact: str, version: str, change: str) -> str:
    return (
        f":card_index_dividers: {mention(actor)} recorded *{_quote(artifact)}* "
        f"version {_quote(version)}: {_quote(change)}"
    )


def link_note(actor: str, kind: ExtraLinkKind, label: str, url: str) -> str:
    return f":link: {mention(actor)} added a {kind.label.lower()}: {link(url, clip(label, SHORT))}"


def impact_note(
    actor: str,
    kind: ImpactKind,
    text: str,
    other_projects: str | None,
    other_pms: Sequence[str],
    *,
    channel_told: bool | None,
) -> str:
    """`channel_told`: None when the impact is not for the resourcing channel; False when
    it is but no channel is configured (said, so nobody assumes resourcing heard)."""
    line = f":chart_with_downwards_trend: {mention(actor)} recorded a {kind.value} impact: {_quote(text)}"
    if other_projects or other_pms:
        line += f" · other projects: {_quote(other_projects) or 'not named'}"
        if other_pms:
            line += f" (PMs {_people(other_pms)} told by DM)"
    if channel_told is False:
        line += "\n_No RESOURCING_CHANNEL is configured, so only this thread knows._"
    return clip(line, TEXT_LIMIT)


def impact_channel_text(
    escalation: Escalation, actor: str, kind: ImpactKind, text: str, other_projects: str | None
) -> str:
    """The post in the resourcing channel."""
    line = (
        f":busts_in_silhouette: {kind.label} impact from {escalation.key} "
        f"({clip(escape(escalation.customer), 200)}), logged by {mention(actor)}: "
        f"{clip(escape(text), 2000)}"
    )
    if other_projects:
        line += f"\n*Other projects affected:* {clip(escape(other_projects), 1000)}"
    return clip(line, MESSAGE_LIMIT)


def other_pm_dm(
    escalation: Escalation, actor: str, kind: ImpactKind, text: str, other_projects: str | None
) -> str:
    """To the PM of another project this escalation's impact reaches."""
    projects = clip(escape(other_projects), 1000) if other_projects else "your project"
    return clip(
        f":warning: {mention(actor)} recorded a {kind.value} impact on *{escape(title(escalation))}* "
        f"that affects {projects}: {clip(escape(text), 2000)}",
        MESSAGE_LIMIT,
    )


def trigger_suggestion_text(escalation: Escalation, trigger: Trigger) -> str:
    return clip(f"Suggested Sev 2 trigger for {escalation.key}: {trigger.label}", TEXT_LIMIT)


def trigger_suggestion_blocks(
    escalation: Escalation, trigger: Trigger, blocker: str, business_days: int
) -> list[Block]:
    """To the DRI: a blocker has been open `business_days`; the matching trigger, one click."""
    return [
        section(
            f":hourglass: A blocker on *{escape(title(escalation))}* has been open for "
            f"{business_days} business days: _{_quote(blocker)}_\n"
            f"That matches the Sev 2 trigger *{escape(trigger.label)}*. Add it to the record?"
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add the trigger",
                    action_id=ADD_SUGGESTED_TRIGGER,
                    value=button_values.encode(escalation_id=escalation.id, trigger=trigger.code),
                    style="primary",
                )
            ]
        ),
    ]


def trigger_added_note(actor: str, trigger: Trigger) -> str:
    return f":triangular_flag_on_post: {mention(actor)} added the trigger *{escape(trigger.label)}*"

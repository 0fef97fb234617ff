"""Short messages about a change: notes in an escalation's thread, DMs to the people it
concerns, and the bot's answers to a command. Whatever a person typed is escaped and clipped
here, so a note can never broadcast or break its markup."""

from __future__ import annotations

from datetime import date

from blocks.escalation import title
from blocks.text import TEXT_LIMIT, clip, escape, link, mention
from bot.domain import SalesOpsOutcome, State
from bot.models import Escalation, UrgentFlag

# Typed text quoted in a note: room for a full input, escaped, within a notification.
QUOTE = 2000


def _title(escalation: Escalation) -> str:
    return clip(escape(title(escalation)), 300)


def reopened_note(escalation: Escalation, actor: str) -> str:
    return (
        f":arrows_counterclockwise: {mention(actor)} reopened {escalation.key}; "
        "prompts resume and the thread is pinned again."
    )


def reassigned_note(escalation: Escalation, actor: str, new_dri: str, old: str | None) -> str:
    was = f" (was {mention(old)})." if old else "."
    return (
        f":arrows_counterclockwise: {mention(actor)} made {mention(new_dri)} "
        f"the DRI of {escalation.key}{was}"
    )


def new_dri_dm(escalation: Escalation) -> str:
    return (
        f"You are now the DRI for *{_title(escalation)}*. "
        "Prompts follow your time zone from now on."
    )


def old_dri_dm(escalation: Escalation, new_dri: str) -> str:
    return (
        f"{mention(new_dri)} is now the DRI for *{_title(escalation)}*; "
        "you won't get its prompts any more."
    )


def downgraded_note(escalation: Escalation, actor: str, reason: str) -> str:
    return (
        f":arrow_double_down: {mention(actor)} downgraded {escalation.key} to Sev 2: "
        f"{clip(escape(reason), QUOTE)}"
    )


def retro_note(url: str) -> str:
    return f":memo: Lessons-learned retro: {link(url)}"


def promoted_note(escalation: Escalation, actor: str, note: str | None) -> str:
    level = f" {escalation.level.label}" if escalation.level else ""
    why = f" {clip(escape(note), QUOTE)}" if note else ""
    return (
        f":rotating_light: {mention(actor)} escalated {escalation.key} to *Sev 1{level}*.{why}"
        " Phase 1 starts again: checklist below."
    )


def remained_note(escalation: Escalation, actor: str) -> str:
    return f":eyes: {mention(actor)} decided {escalation.key} remains in Sev 2 monitoring."


def promotion_requested_text(escalation: Escalation) -> str:
    return f"{escalation.key}: Sev 1 requested"


def waiting_text(escalation: Escalation) -> str:
    return f"Waiting on {clip(escape(escalation.customer), 200)}"


def customer_responded_note(escalation: Escalation, actor: str, took: str) -> str:
    again = f"; {escalation.key} is active again." if escalation.state is State.ACTIVE else "."
    return (
        f":speech_balloon: {mention(actor)}: the customer responded after {took}. "
        f"The ladder for that request is stopped{again}"
    )


def out_of_office_note(actor: str, until: date) -> str:
    return (
        f":palm_tree: {mention(actor)}: the customer is out of office until "
        f"{until:%Y-%m-%d}; the unresponsiveness ladder is paused until then."
    )


def sales_ops_note(
    escalation: Escalation,
    actor: str,
    outcome: SalesOpsOutcome,
    dri: str | None,
    opener: str | None = None,
    notes: str | None = None,
) -> str:
    follow = (
        "carry on with the project and reset the PSA status (Active, dependency: None); "
        "the escalation is active again."
        if outcome is SalesOpsOutcome.CONTINUE
        else "complete closure with *Resolve* on the pinned message (customer sign-off or "
        "why not, lessons learned): the escalation is now *resolving*, not resolved."
    )
    pm = f" ({mention(opener)} opened it.)" if opener and opener != dri else ""
    said = ""
    if notes:
        shown = clip(escape(notes), 2000)
        said = "".join(f"\n>{line}" for line in shown.split("\n"))
        if shown != escape(notes):
            said += "\n_(The notes are cut here; the export has them in full.)_"
    return clip(
        f":memo: Sales Ops ({mention(actor)}) recorded *{outcome.label}* for "
        f"{escalation.key}. {mention(dri)}, please {follow}{pm}{said}",
        TEXT_LIMIT,
    )


def flag_answered_note(flag: UrgentFlag, user: str) -> str:
    return f":white_check_mark: Flag #{flag.id} answered by {mention(user)}."


def flag_responded_note(flag: UrgentFlag, actor: str) -> str:
    return f":white_check_mark: Flag #{flag.id} marked responded by {mention(actor)}."


def unknown_escalation(typed: str) -> str:
    """The answer to a command naming an escalation that isn't there."""
    return f"I can't find an escalation called `{clip(escape(typed), 40)}`."


def update_not_posted(key: str, what: str, why: str) -> str:
    """To an update's author, the first time one of its posts fails (`why`: plain words)."""
    return clip(
        f":warning: Your update on *{escape(key)}* is saved, but I couldn't {what}: {why} "
        "I'll retry.",
        TEXT_LIMIT,
    )


def escalation_not_opened(customer: str, project: str, summary: str, error: str) -> str:
    """To a PM whose saved form could not be made into an escalation, with what they typed."""
    return clip(
        f":warning: I saved your escalation for *{escape(customer)} / {escape(project)}* but "
        f"could not open it ({escape(clip(error, 300))}). Please open it again with "
        f"`/escalate`; your summary was:\n>{escape(clip(summary, 2000))}",
        TEXT_LIMIT,
    )


def gave_up(key: str, attempts: int, error: str) -> str:
    """To the owner of work the bot gave up on for good."""
    return clip(
        f":warning: I gave up on part of *{escape(key)}* after {attempts} attempts "
        f"({escape(clip(error, 300))}). What you entered is saved; it is listed under "
        "*Needs attention* in my App Home.",
        TEXT_LIMIT,
    )

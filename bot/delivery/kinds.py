"""Every kind of due work the ledger holds; the registry in bot/effects.py keys on these."""

from __future__ import annotations

from enum import StrEnum


class DeliveryKind(StrEnum):
    # A submitted open-escalation form, saved before the ack, becoming its record.
    OPEN_ESCALATION = "open_escalation"
    # Putting an escalation into Slack, step by step.
    PUBLISH = "publish"
    PUBLISH_UPDATE = "publish_update"
    PUBLISH_FLAG = "publish_flag"
    PUBLISH_CLOSURE = "publish_closure"
    # Small effects a use case asks for: the text travels in the row's payload.
    THREAD_NOTE = "thread_note"
    DIRECT_MESSAGE = "direct_message"
    CHANNEL_POST = "channel_post"
    # Edits rebuilt from the record as it is when they run, so the latest state wins.
    REFRESH_ROOT = "refresh_root"
    REFRESH_CHECKLIST = "refresh_checklist"
    # The cadence (the values are the prompt kinds of bot/policy/cadence.py).
    MORNING = "morning"
    MIDDAY = "midday"
    EVENING = "evening"
    EVENING_NUDGE = "evening_nudge"
    SEV1_WEEKLY = "sev1_weekly"
    SEV2_WEEKLY = "sev2_weekly"
    PHASE1_DEADLINE = "phase1_deadline"
    PHASE1_MANAGER = "phase1_manager"
    SILENCE_MANAGER = "silence_manager"
    PORTFOLIO_AGENDA = "portfolio_agenda"
    LADDER = "ladder"
    FLAG_HALFWAY = "flag_halfway"
    FLAG_TWO_HOURS = "flag_2h"
    FLAG_DEADLINE = "flag_deadline"
    TASK_OVERDUE = "task_overdue"
    RETRO_REMINDER = "retro_reminder"
    # A blocker open 5 business days: its Sev 2 trigger suggested to the DRI (issue 12).
    BLOCKER_TRIGGER = "blocker_trigger"
    CONFLICT_STEP = "conflict_step"
    # Issue 11: the stakeholder loop and the Critical immediate sync.
    CHECK_IN_INVITES = "check_in_invites"
    CHECK_IN_MISSED = "check_in_missed"
    # One DM per stakeholder per day listing all their check-ins (subject: the person).
    CHECK_IN_DIGEST = "check_in_digest"
    SYNC_REMINDER = "sync_reminder"
    # Missed weeklies (values are prompt kinds of bot/policy/cadence.py) and the PMO briefing.
    SEV2_WEEKLY_NUDGE = "sev2_weekly_nudge"
    SEV2_WEEKLY_MANAGER = "sev2_weekly_manager"
    SEV1_WEEKLY_OVERDUE = "sev1_weekly_overdue"
    PMO_BRIEFING = "pmo_briefing"
    # The Y/R review loop: DRIs reminded the day before the call.
    REVIEW_REMINDER = "review_reminder"
    GUIDANCE_OVERDUE = "guidance_overdue"

"""Every public builder in blocks/, called on one set of in-memory records.

The hostile-text and Slack-limit tests feed the same records (every text a person could type
set to one string, every link to one URL, every list `many` long) through `outputs`, then
look at what came out: Slack messages' `text`, blocks and views.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from blocks import (
    briefing,
    closure,
    customer,
    escalation,
    flags,
    notices,
    open_modal,
    overview,
    portfolio,
    prompts,
    records,
    review,
    update,
    weekly,
)
from blocks.prompts import HEADLINES
from bot.domain import (
    Health,
    Level,
    LinkKind,
    RaidCategory,
    RecordKind,
    Role,
    SalesOpsOutcome,
    Severity,
    State,
    UpdateSource,
    WaitKind,
    checklist_for,
)
from bot.models import (
    Alternative,
    Blocker,
    ChecklistEntry,
    CustomerWait,
    Escalation,
    EscalationLink,
    EscalationPerson,
    EscalationTrigger,
    GuidanceAction,
    Milestone,
    RaidEntry,
    RequirementChange,
    ResourceImpact,
    Task,
    Tracking,
    Update,
    UrgentFlag,
    WeeklyReview,
)
from bot.policy.briefing import Briefing, BriefingSection, Closure, OpenSev1, WeeklyFigures
from bot.policy.flags import FlagReminder

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
PEOPLE = {
    Role.DRI: "UPM00001",
    Role.MANAGER: "UMGR0001",
    Role.DIRECTOR: "UDIR0001",
    Role.AE: "UAE00001",
    Role.CSM: "UCSM0001",
}
PERMALINK = "https://example.slack.com/archives/CLEAD0001/p100"
BUILDER_MODULES = (
    escalation,
    update,
    closure,
    customer,
    flags,
    notices,
    open_modal,
    overview,
    portfolio,
    prompts,
    records,
    weekly,
    briefing,
    review,
)
# Public functions of those modules that build nothing Slack shows.
NOT_SLACK_OUTPUT = {
    "escalation.checklist_progress",  # two counts
    "escalation.title",  # plain text, escaped by whoever puts it into mrkdwn
    "overview.sort_for_attention",  # an order
    "prompts.open_items",  # checklist labels, from the domain
    "prompts.prompt_value",  # a button's JSON value
    "weekly.weekly_review_value",  # a button's JSON value
    "weekly.review_button",  # one button, shown (and checked) inside prompts.prompt_blocks
    "review.guidance_button",  # one button, shown (and checked) inside the agenda
}


@dataclass
class Records:
    """One of each record a builder reads, all typed by the same person."""

    escalation: Escalation
    resolved: Escalation
    update: Update
    wait: CustomerWait
    flag: UrgentFlag
    tracking: Tracking
    portfolio: list[Escalation]
    text: str


def an_escalation(
    text: str,
    url: str,
    *,
    id: int = 1,
    severity: Severity = Severity.SEV1,
    state: State = State.OPEN,
) -> Escalation:
    """An escalation whose every typed field is `text` and every link `url`."""
    opened = NOW - timedelta(days=3)
    record = Escalation(
        id=id,
        severity=severity,
        level=Level.CRITICAL if severity is Severity.SEV1 else None,
        state=state,
        health=Health.RED,
        customer=text,
        project=text,
        summary=text,
        path_to_green=text,
        internal_channel_id="CINT00001",
        customer_channel_id="CCUST0001",
        new_msa=False,
        opened_by=PEOPLE[Role.DRI],
        opened_at=opened,
        cadence_start=opened,
        phase1_due_at=opened + timedelta(hours=24),
        last_update_at=NOW - timedelta(hours=30),
        last_customer_comm_at=NOW - timedelta(days=2),
        version=1,
    )
    record.people = [EscalationPerson(role=role, user_id=user) for role, user in PEOPLE.items()]
    record.triggers = [EscalationTrigger(code="formal_escalation")]
    record.links = [EscalationLink(kind=kind, url=url) for kind in LinkKind]
    record.checklist = [ChecklistEntry(code=item.code) for item in checklist_for(severity)]
    if state is State.RESOLVED:
        record.resolved_at = NOW
        record.resolved_by = PEOPLE[Role.DRI]
        record.resolution = text
        record.customer_signoff = False
        record.no_signoff_reason = text
        record.retro_link = url
        record.process_improvements = text
    return record


def an_update(text: str) -> Update:
    return Update(
        id=1,
        escalation_id=1,
        at=NOW,
        author=PEOPLE[Role.DRI],
        source=UpdateSource.MODAL,
        health=Health.YELLOW,
        summary=text,
        progress=text,
        blockers=text,
        next_steps=text,
        customer_communicated=True,
        customer_message=text,
    )


def a_wait(text: str) -> CustomerWait:
    return CustomerWait(
        id=1,
        escalation_id=1,
        kind=WaitKind.REQUEST,
        asked=text,
        how="Email",
        asked_at=NOW - timedelta(days=8),
        recorded_by=PEOPLE[Role.DRI],
    )


def a_flag(text: str, url: str, responders: int) -> UrgentFlag:
    return UrgentFlag(
        id=1,
        escalation_id=1,
        raised_by=PEOPLE[Role.DRI],
        raised_at=NOW,
        responders=",".join(f"UR{n:07d}" for n in range(responders)),
        needed=text,
        needed_by=NOW + timedelta(hours=5),
        link=url,
        siren=True,
        closed_at=NOW,
        closed_by=PEOPLE[Role.AE],
    )


def a_tracking(text: str, many: int) -> Tracking:
    """Phase 3 records: `many` milestones of `many` tasks, `many` of every other entry."""
    tasks = [
        Task(id=n, title=text, owner=PEOPLE[Role.CSM], due_on=NOW.date() - timedelta(days=1))
        for n in range(many)
    ]
    for task in tasks[::2]:
        task.done_at = NOW
    milestones = []
    for n in range(many):
        milestone = Milestone(id=n, title=text, success_criteria=text, created_at=NOW)
        milestone.tasks = list(tasks)
        milestones.append(milestone)
    return Tracking(
        milestones=milestones,
        blockers=[Blocker(is_dependency=n % 2 == 0, text=text) for n in range(many)],
        alternatives=[
            Alternative(approach=text, pros=text, cons=text, risks=text) for _ in range(many)
        ],
        requirement_changes=[
            RequirementChange(
                change=text, approver=PEOPLE[Role.DIRECTOR], approved_on=NOW.date(), created_at=NOW
            )
            for _ in range(many)
        ],
        raid=[
            RaidEntry(category=RaidCategory.RISK, text=text, owner=PEOPLE[Role.AE])
            for _ in range(many)
        ],
        resource_impacts=[ResourceImpact(text=text) for _ in range(many)],
    )


def records_typed(text: str, url: str, *, many: int) -> Records:
    """Records in which a person typed `text` into every field and `url` into every link."""
    portfolio_of = [
        an_escalation(text, url, id=n, severity=Severity.SEV2 if n % 3 else Severity.SEV1)
        for n in range(1, many + 1)
    ]
    return Records(
        escalation=an_escalation(text, url),
        resolved=an_escalation(text, url, state=State.RESOLVED),
        update=an_update(text),
        wait=a_wait(text),
        flag=a_flag(text, url, responders=many),
        tracking=a_tracking(text, many),
        portfolio=portfolio_of,
        text=text,
    )


Output = str | Block | list[Block] | View
Build = Callable[[Records], Output]

# What each builder makes of the records; several entries where arguments change the shape.
BUILDS: dict[str, list[Build]] = {
    "escalation.checklist_blocks": [lambda r: escalation.checklist_blocks(r.escalation)],
    "escalation.checklist_text": [lambda r: escalation.checklist_text(r.escalation)],
    "escalation.dri_welcome_blocks": [
        lambda r: escalation.dri_welcome_blocks(r.escalation, PERMALINK)
    ],
    "escalation.dri_welcome_text": [lambda r: escalation.dri_welcome_text(r.escalation)],
    "escalation.internal_link_text": [
        lambda r: escalation.internal_link_text(r.escalation, PERMALINK),
        lambda r: escalation.internal_link_text(r.portfolio[1], PERMALINK),
    ],
    "escalation.opener_receipt": [
        lambda r: escalation.opener_receipt(r.escalation, PERMALINK, ["Couldn't pin it."])
    ],
    "escalation.root_actions": [
        lambda r: escalation.root_actions(r.escalation),
        lambda r: escalation.root_actions(r.resolved),
    ],
    "escalation.root_blocks": [
        lambda r: escalation.root_blocks(r.escalation),
        lambda r: escalation.root_blocks(r.resolved),
    ],
    "escalation.root_text": [lambda r: escalation.root_text(r.escalation)],
    "escalation.slack_problem_notice": [
        lambda r: escalation.slack_problem_notice(r.escalation, "pin it", "Slack said no.")
    ],
    "escalation.status_blocks": [
        lambda r: escalation.status_blocks(r.escalation, PERMALINK, ["Phase 1", "update"])
    ],
    "update.check_in_modal": [lambda r: update.check_in_modal(r.escalation)],
    "update.check_in_text": [
        lambda r: update.check_in_text(
            r.escalation, [f"UA{n:07d}" for n in range(len(r.portfolio))], r.text, "UPM00001"
        )
    ],
    "update.customer_message_text": [lambda r: update.customer_message_text(r.update)],
    "update.update_blocks": [lambda r: update.update_blocks(r.escalation, r.update)],
    "update.update_modal": [lambda r: update.update_modal(r.escalation, origin="prompt")],
    "update.update_text": [lambda r: update.update_text(r.escalation, r.update)],
    "closure.closure_blocks": [lambda r: closure.closure_blocks(r.resolved, r.tracking, 99)],
    "closure.closure_text": [lambda r: closure.closure_text(r.resolved)],
    "closure.downgrade_modal": [lambda r: closure.downgrade_modal(r.escalation)],
    "closure.reassign_modal": [lambda r: closure.reassign_modal(r.escalation)],
    "closure.resolve_modal": [lambda r: closure.resolve_modal(r.escalation, NOW.date())],
    "closure.retro_modal": [lambda r: closure.retro_modal(r.escalation)],
    "closure.retro_reminder_blocks": [lambda r: closure.retro_reminder_blocks(r.resolved, NOW)],
    "closure.retro_reminder_text": [lambda r: closure.retro_reminder_text(r.resolved, NOW)],
    "customer.ae_dm": [lambda r: customer.ae_dm(r.escalation, r.wait, 14)],
    "customer.ladder_dri_prompt": [
        (lambda r, step=step: customer.ladder_dri_prompt(r.escalation, r.wait, step, 7 * step))
        for step in (1, 2, 3, 4)
    ],
    "customer.ladder_thread_note": [
        (
            lambda r, step=step: customer.ladder_thread_note(
                r.escalation, r.wait, step, 7 * step, sponsor="USPON001"
            )
        )
        for step in (1, 2, 3, 4)
    ],
    "customer.ooo_modal": [lambda r: customer.ooo_modal(r.escalation, r.wait, NOW.date())],
    "customer.sales_ops_blocks": [lambda r: customer.sales_ops_blocks(r.escalation, r.wait, 28)],
    "customer.wait_buttons": [lambda r: customer.wait_buttons(r.wait)],
    "customer.wait_modal": [lambda r: customer.wait_modal(r.escalation, NOW.date())],
    "customer.waiting_started": [lambda r: customer.waiting_started(r.escalation, r.wait)],
    "flags.closed_note": [lambda r: flags.closed_note(r.flag)],
    "flags.flag_blocks": [lambda r: flags.flag_blocks(r.escalation, r.flag)],
    "flags.flag_modal": [
        lambda r: flags.flag_modal(r.escalation, threshold_hours=48),
        lambda r: flags.flag_modal(None, choices=r.portfolio, threshold_hours=48),
    ],
    "flags.flag_text": [lambda r: flags.flag_text(r.escalation, r.flag)],
    "flags.reminder_text": [
        (lambda r, kind=kind: flags.reminder_text(r.escalation, r.flag, kind))
        for kind in FlagReminder
    ],
    "open_modal.open_escalation_modal": [
        (
            lambda r, severity=severity: open_modal.open_escalation_modal(
                severity,
                customer=r.text,
                opener="UPM00001",
                director="UDIR0001",
                metadata={"response_url": PERMALINK},
            )
        )
        for severity in Severity
    ],
    "open_modal.opened_modal": [lambda r: open_modal.opened_modal("ESC-1", "#ps-leadership")],
    "overview.escalation_line": [
        lambda r: overview.escalation_line(r.escalation, NOW, PERMALINK),
    ],
    "overview.given_up_line": [lambda r: overview.given_up_line("ESC-1", r.text, r.text, NOW)],
    "overview.help_blocks": [lambda r: overview.help_blocks("#ps-leadership", r.text)],
    "overview.home_view": [
        lambda r: overview.home_view(
            mine=r.portfolio,
            watching=r.portfolio,
            everyone=r.portfolio,
            now=NOW,
            attention=[overview.given_up_line(None, r.text, r.text, NOW)] * 20,
        ),
        lambda r: overview.home_view(mine=r.portfolio, watching=[], everyone=None, now=NOW),
    ],
    "overview.list_blocks": [
        lambda r: overview.list_blocks(r.portfolio, NOW, {e.id: PERMALINK for e in r.portfolio}),
        lambda r: overview.list_blocks(r.portfolio, NOW, limit=len(r.portfolio)),
    ],
    "portfolio.agenda_blocks": [
        lambda r: portfolio.agenda_blocks(r.portfolio, NOW + timedelta(hours=1), NOW)
    ],
    "portfolio.decision_buttons": [lambda r: portfolio.decision_buttons(r.portfolio[1])],
    "portfolio.promote_modal": [lambda r: portfolio.promote_modal(r.portfolio[1])],
    "portfolio.promotion_request_blocks": [
        lambda r: portfolio.promotion_request_blocks(
            r.portfolio[1], "UPM00001", [f"UL{n:07d}" for n in range(len(r.portfolio))]
        )
    ],
    "prompts.phase1_manager_text": [lambda r: prompts.phase1_manager_text(r.escalation)],
    "prompts.prompt_blocks": [
        (
            lambda r, kind=kind: prompts.prompt_blocks(
                r.escalation,
                kind,
                "2026-11-23",
                permalink=PERMALINK,
                now=NOW,
                customer_comm_overdue=True,
            )
        )
        for kind in HEADLINES
    ],
    "prompts.prompt_text": [
        (lambda r, kind=kind: prompts.prompt_text(r.escalation, kind)) for kind in HEADLINES
    ],
    "prompts.silence_manager_text": [lambda r: prompts.silence_manager_text(r.escalation, 30)],
    "records.detail_view": [lambda r: records.detail_view(r.escalation, r.tracking, NOW)],
    "records.record_modal": [
        (
            lambda r, kind=kind: records.record_modal(
                kind,
                r.escalation,
                milestones=r.tracking.milestones,
                today=NOW.date(),
                parent_view_id="V123",
            )
        )
        for kind in RecordKind
    ],
}

BUILDS.update(
    {
        "notices.reopened_note": [lambda r: notices.reopened_note(r.escalation, "UPM00001")],
        "notices.update_not_posted": [
            lambda r: notices.update_not_posted(
                r.text, "reply in the leadership thread", "Slack is rate-limiting me right now."
            )
        ],
        "notices.gave_up": [lambda r: notices.gave_up(r.text, 40, r.text)],
        "notices.reassigned_note": [
            lambda r: notices.reassigned_note(r.escalation, "ULEAD001", "UCSM0001", "UPM00001"),
            lambda r: notices.reassigned_note(r.escalation, "ULEAD001", "UCSM0001", None),
        ],
        "notices.new_dri_dm": [lambda r: notices.new_dri_dm(r.escalation)],
        "notices.old_dri_dm": [lambda r: notices.old_dri_dm(r.escalation, "UCSM0001")],
        "notices.downgraded_note": [
            lambda r: notices.downgraded_note(r.escalation, "ULEAD001", r.text)
        ],
        "notices.retro_note": [
            lambda r: notices.retro_note(PERMALINK),
            lambda r: notices.retro_note(r.text),
        ],
        "notices.promoted_note": [
            lambda r: notices.promoted_note(r.escalation, "ULEAD001", r.text),
            lambda r: notices.promoted_note(r.portfolio[1], "ULEAD001", None),
        ],
        "notices.remained_note": [lambda r: notices.remained_note(r.portfolio[1], "ULEAD001")],
        "notices.promotion_requested_text": [
            lambda r: notices.promotion_requested_text(r.portfolio[1])
        ],
        "notices.waiting_text": [lambda r: notices.waiting_text(r.escalation)],
        "notices.customer_responded_note": [
            lambda r: notices.customer_responded_note(r.escalation, "UPM00001", "3 d 2 h")
        ],
        "notices.out_of_office_note": [
            lambda r: notices.out_of_office_note("UPM00001", NOW.date())
        ],
        "notices.sales_ops_note": [
            (
                lambda r, outcome=outcome: notices.sales_ops_note(
                    r.escalation, "USOPS001", outcome, "UPM00001"
                )
            )
            for outcome in SalesOpsOutcome
        ],
        "notices.flag_answered_note": [lambda r: notices.flag_answered_note(r.flag, "UAE00001")],
        "notices.flag_responded_note": [lambda r: notices.flag_responded_note(r.flag, "UAE00001")],
        "notices.resource_impact_text": [
            lambda r: notices.resource_impact_text(r.escalation, "UMGR0001", r.text),
            lambda r: notices.resource_impact_text(
                r.escalation, "UMGR0001", r.text, channel_configured=False
            ),
        ],
        "notices.unknown_escalation": [lambda r: notices.unknown_escalation(r.text)],
    }
)


def a_review(text: str) -> WeeklyReview:
    return WeeklyReview(
        id=1,
        escalation_id=1,
        week="2026-W48",
        at=NOW,
        author=PEOPLE[Role.DRI],
        stakeholder_communication=text,
        budget_timeline_impact=text,
        resource_allocation=text,
        raid_reviewed=False,
        raid_notes=text,
        forecast=text,
    )


def a_guidance(text: str) -> GuidanceAction:
    return GuidanceAction(
        id=1,
        escalation_id=1,
        text=text,
        owner=PEOPLE[Role.DRI],
        due_on=NOW.date() - timedelta(days=1),
        created_by="ULEAD001",
        created_at=NOW,
        done_by=PEOPLE[Role.DRI],
    )


def a_briefing(r: Records) -> Briefing:
    """A briefing with every open escalation of the portfolio as a Sev 1 and one closure."""
    figures = WeeklyFigures("2026-W48", r.text, r.text, r.text)
    return Briefing(
        week="2026-W48",
        as_of=NOW,
        open_sev1=[
            OpenSev1(
                key=e.key,
                title=r.text,
                level=Level.HIGH,
                health=Health.RED,
                state=State.ACTIVE,
                dri=PEOPLE[Role.DRI],
                opened_at=NOW - timedelta(days=3),
                last_update_at=None,
                permalink=PERMALINK,
                review=figures,
                overdue=["weekly review missing", "customer communication"],
            )
            for e in [r.escalation, *r.portfolio]
        ],
        closures=[
            Closure(
                key=r.resolved.key,
                title=r.text,
                opened_at=NOW - timedelta(days=9),
                resolved_at=NOW,
                resolution=r.text,
                retro_link=r.resolved.retro_link,
                customer_signoff=False,
                permalink=PERMALINK,
            )
        ],
        sections=[BriefingSection(r.text, [r.text] * 3)],
    )


BUILDS.update(
    {
        "weekly.weekly_review_modal": [
            lambda r: weekly.weekly_review_modal(r.escalation, "2026-W48")
        ],
        "weekly.weekly_review_text": [
            lambda r: weekly.weekly_review_text(r.escalation, a_review(r.text))
        ],
        "weekly.weekly_review_blocks": [
            lambda r: weekly.weekly_review_blocks(r.escalation, a_review(r.text))
        ],
        "weekly.missed_weekly_text": [
            (lambda r, kind=kind: weekly.missed_weekly_text(r.escalation, kind))
            for kind in ("sev1_weekly_overdue", "sev2_weekly_nudge")
        ],
        "weekly.missed_weekly_blocks": [
            (
                lambda r, kind=kind: weekly.missed_weekly_blocks(
                    r.escalation, kind, "2026-W48", permalink=PERMALINK
                )
            )
            for kind in ("sev1_weekly_overdue", "sev2_weekly_nudge")
        ],
        "weekly.sev2_weekly_manager_text": [
            lambda r: weekly.sev2_weekly_manager_text(r.portfolio[1])
        ],
        "portfolio.agenda_messages": [
            lambda r: portfolio.agenda_messages(r.portfolio, NOW, NOW)[0][0],
            lambda r: portfolio.agenda_messages(r.portfolio, NOW, NOW)[0][1],
            lambda r: portfolio.agenda_messages(r.portfolio, NOW, NOW)[-1][1],
            lambda r: portfolio.agenda_messages([], NOW, NOW)[0][1],
            lambda r: portfolio.agenda_messages(
                r.portfolio, NOW, NOW, {e.id: [a_guidance(r.text)] * 7 for e in r.portfolio}
            )[0][1],
        ],
        "review.reminder_text": [lambda r: review.reminder_text(NOW)],
        "review.guidance_modal": [lambda r: review.guidance_modal(r.escalation, NOW.date())],
        "review.guidance_text": [lambda r: review.guidance_text(r.escalation, a_guidance(r.text))],
        "review.guidance_blocks": [
            lambda r: review.guidance_blocks(r.escalation, a_guidance(r.text), overdue=True)
        ],
        "review.guidance_done_note": [
            lambda r: review.guidance_done_note(r.escalation, a_guidance(r.text))
        ],
        "review.reminder_blocks": [lambda r: review.reminder_blocks(r.portfolio, NOW)],
        "review.list_question_text": [lambda r: review.list_question_text(r.portfolio[1])],
        "review.list_question_blocks": [
            lambda r: review.list_question_blocks(r.portfolio[1], ["ULEAD001", "UDIR0001"])
        ],
        "review.list_decision_note": [
            lambda r: review.list_decision_note(r.portfolio[1], "ULEAD001", True),
            lambda r: review.list_decision_note(r.portfolio[1], "ULEAD001", False),
        ],
        "briefing.briefing_text": [lambda r: briefing.briefing_text(a_briefing(r))],
        "briefing.briefing_messages": [
            lambda r: briefing.briefing_messages(a_briefing(r))[0][0],
            lambda r: briefing.briefing_messages(a_briefing(r))[0][1],
            lambda r: briefing.briefing_messages(a_briefing(r))[-1][0],
            lambda r: briefing.briefing_messages(a_briefing(r))[-1][1],
        ],
    }
)


# Builders whose text is a whole message on its own (no blocks): room for a full input.
TEXT_ONLY_MESSAGES = {
    "escalation.opener_receipt",
    "update.check_in_text",
    "update.customer_message_text",
    "customer.ae_dm",
    "customer.ladder_thread_note",
    "flags.reminder_text",
    "prompts.phase1_manager_text",
    "weekly.sev2_weekly_manager_text",
    "review.guidance_text",
}


def public_builders() -> set[str]:
    """Every public function of the builder modules that makes something Slack shows."""
    names = set()
    for module in BUILDER_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{module.__name__.removeprefix('blocks.')}.{name}")
    return names - NOT_SLACK_OUTPUT


def outputs(records_: Records) -> Iterator[tuple[str, Output]]:
    """(builder name, what it built) for every entry of BUILDS."""
    for name, builds in BUILDS.items():
        for build in builds:
            yield name, build(records_)


def as_payload(output: Output) -> tuple[str, Any]:
    """("text" | "blocks" | "view", the JSON Slack would receive); slack_sdk validates here."""
    if isinstance(output, str):
        return "text", output
    if isinstance(output, View):
        return "view", output.to_dict()
    if isinstance(output, Block):
        return "blocks", [output.to_dict()]
    return "blocks", [block.to_dict() for block in output]


def text_objects(payload: Any) -> Iterator[dict[str, Any]]:
    """Every text object ({"type": "mrkdwn" | "plain_text", "text": ...}) in a payload."""
    if isinstance(payload, dict):
        if payload.get("type") in ("mrkdwn", "plain_text") and isinstance(payload.get("text"), str):
            yield payload
        for value in payload.values():
            yield from text_objects(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from text_objects(item)


def mrkdwn_texts(payload: Any) -> list[str]:
    """What Slack parses for markup: a message's text, and every mrkdwn text object."""
    if isinstance(payload, str):
        return [payload]
    return [obj["text"] for obj in text_objects(payload) if obj["type"] == "mrkdwn"]

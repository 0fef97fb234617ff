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
    conflicts,
    customer,
    escalation,
    flags,
    insights,
    notices,
    open_modal,
    overview,
    portfolio,
    prompts,
    records,
    review,
    tracking_notes,
    update,
    watch,
    weekly,
)
from blocks.prompts import HEADLINES
from bot.domain import (
    TRIGGERS_BY_CODE,
    AttemptKind,
    ChangeOrderStatus,
    ConflictTeam,
    ExtraLinkKind,
    Health,
    ImpactKind,
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
    ArtifactVersion,
    Blocker,
    ChangeOrder,
    ChecklistEntry,
    ContactAttempt,
    CustomerWait,
    Escalation,
    EscalationLink,
    EscalationPerson,
    EscalationTrigger,
    ExtraLink,
    GuidanceAction,
    Milestone,
    PeopleConflict,
    RaidEntry,
    Requirement,
    RequirementChange,
    RequirementCheck,
    ResourceImpact,
    Task,
    Tracking,
    Update,
    UrgentFlag,
    WeeklyReview,
)
from bot.policy import insights as figures
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
    tracking_notes,
    insights,
    watch,
    conflicts,
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


def contacted(wait: CustomerWait) -> CustomerWait:
    """The same wait, escalated to a sales contact on day 14."""
    return CustomerWait(
        id=wait.id,
        escalation_id=wait.escalation_id,
        kind=wait.kind,
        asked=wait.asked,
        how=wait.how,
        asked_at=wait.asked_at,
        recorded_by=wait.recorded_by,
        sales_contact="USMGR001",
        sales_contact_at=NOW - timedelta(days=1),
    )


def some_attempts() -> list[ContactAttempt]:
    """Two of the three attempts confirmed by the DRI."""
    return [
        ContactAttempt(
            wait_id=1,
            kind=kind,
            confirmed_by=PEOPLE[Role.DRI],
            confirmed_at=NOW - timedelta(days=days),
        )
        for kind, days in ((AttemptKind.STALLED_NOTICE, 20), (AttemptKind.CALLED, 13))
    ]


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


def a_requirement(text: str, many: int, *, signed: bool) -> Requirement:
    requirement = Requirement(id=1, text=text, created_by=PEOPLE[Role.DRI], created_at=NOW)
    requirement.checks = [
        RequirementCheck(
            id=n,
            text=text,
            done_by=PEOPLE[Role.CSM] if signed or n % 2 else None,
            done_at=NOW if signed or n % 2 else None,
        )
        for n in range(many)
    ]
    if signed:
        requirement.signed_off_by, requirement.signed_off_at = PEOPLE[Role.DIRECTOR], NOW
    return requirement


def step5_and_6(tracking: Tracking, text: str, url: str, many: int) -> Tracking:
    """`tracking` with `many` of every Step 5 / Step 6 record, half of each decided."""
    for n, blocker in enumerate(tracking.blockers):
        blocker.id, blocker.created_at, blocker.created_by = n, NOW, PEOPLE[Role.DRI]
        if n % 2:
            blocker.resolved_at, blocker.resolved_by, blocker.resolution = NOW, "UCSM0001", text
    tracking.resource_impacts = [
        ResourceImpact(
            kind=list(ImpactKind)[n % 3],
            text=text,
            other_projects=text,
            other_pms=",".join(f"UP{m:07d}" for m in range(many)),
            created_by=PEOPLE[Role.DRI],
            created_at=NOW,
        )
        for n in range(many)
    ]
    tracking.requirements = [a_requirement(text, many, signed=n % 2 == 0) for n in range(many)]
    tracking.change_orders = [
        ChangeOrder(
            id=n,
            description=text,
            approver=PEOPLE[Role.DIRECTOR],
            status=list(ChangeOrderStatus)[n % 3],
            proposed_by=PEOPLE[Role.DRI],
            proposed_at=NOW,
            decided_by=PEOPLE[Role.DIRECTOR] if n % 3 else None,
            decided_at=NOW if n % 3 else None,
        )
        for n in range(many)
    ]
    tracking.artifact_versions = [
        ArtifactVersion(
            id=n,
            artifact=f"{text}{n % 3}",
            version=text,
            change=text,
            url=url,
            created_by=PEOPLE[Role.DRI],
            created_at=NOW,
        )
        for n in range(many)
    ]
    tracking.extra_links = [
        ExtraLink(kind=list(ExtraLinkKind)[n % 2], label=text, url=url) for n in range(many)
    ]
    return tracking


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
        tracking=step5_and_6(a_tracking(text, many), text, url, many),
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
        *(
            (lambda r, step=step: customer.ladder_dri_prompt(r.escalation, r.wait, step, 7 * step))
            for step in (1, 2, 3, 4)
        ),
        lambda r: customer.ladder_dri_prompt(r.escalation, contacted(r.wait), 2, 14),
    ],
    "customer.ladder_thread_note": [
        *(
            (
                lambda r, step=step, wait=wait: customer.ladder_thread_note(
                    r.escalation, wait(r.wait), step, 7 * step, sponsor="USPON001"
                )
            )
            for step in (1, 2, 3, 4)
            for wait in (lambda w: w, contacted)
        ),
    ],
    "customer.ooo_modal": [lambda r: customer.ooo_modal(r.escalation, r.wait, NOW.date())],
    "customer.sales_ops_blocks": [
        lambda r: customer.sales_ops_blocks(r.escalation, r.wait, 28, []),
        lambda r: customer.sales_ops_blocks(r.escalation, contacted(r.wait), 28, some_attempts()),
    ],
    "customer.attempt_confirmed_note": [
        lambda r: customer.attempt_confirmed_note(r.escalation, some_attempts()[0])
    ],
    "customer.closure_asked": [
        (lambda r, outcome=outcome: customer.closure_asked(r.escalation, outcome))
        for outcome in SalesOpsOutcome
    ],
    "customer.hours_expired_prompt": [
        lambda r: customer.hours_expired_prompt(r.escalation, r.wait, 7, reminder=False),
        lambda r: customer.hours_expired_prompt(r.escalation, r.wait, 14, reminder=True),
    ],
    "customer.hours_expired_thread_note": [
        lambda r: customer.hours_expired_thread_note(r.escalation, r.wait, 7)
    ],
    "customer.psa_reset_text": [
        lambda r: customer.psa_reset_text(r.escalation, "the customer responded")
    ],
    "customer.sales_contact_named_note": [
        lambda r: customer.sales_contact_named_note(
            r.escalation, contacted(r.wait), PEOPLE[Role.DRI], 15
        )
    ],
    "customer.sales_contact_picker": [lambda r: customer.sales_contact_picker(r.wait)],
    "customer.sales_ops_modal": [
        (lambda r, outcome=outcome: customer.sales_ops_modal(r.escalation, r.wait, outcome))
        for outcome in SalesOpsOutcome
    ],
    "customer.sales_ops_text": [lambda r: customer.sales_ops_text(r.escalation)],
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
    "open_modal.open_escalation_view": [
        (
            lambda r, severity=severity: View(
                **open_modal.open_escalation_view(
                    severity,
                    customer=r.text,
                    opener="UPM00001",
                    director="UDIR0001",
                    metadata={"response_url": PERMALINK},
                )
            )
        )
        for severity in Severity
    ],
    "open_modal.opened_modal": [lambda r: open_modal.opened_modal(r.text, "#ps-leadership")],
    "overview.escalation_line": [
        lambda r: overview.escalation_line(r.escalation, NOW, PERMALINK),
    ],
    "overview.given_up_line": [lambda r: overview.given_up_line("ESC-1", r.text, r.text, NOW)],
    "overview.help_blocks": [lambda r: overview.help_blocks("#ps-leadership", r.text)],
    "overview.direct_message_help": [lambda r: overview.direct_message_help("#ps-leadership")],
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
    "records.resolve_blocker_modal": [
        lambda r: records.resolve_blocker_modal(
            r.escalation, r.tracking.blockers[0], parent_view_id="V1"
        )
    ],
    "records.validate_requirement_modal": [
        lambda r: records.validate_requirement_modal(
            r.escalation, a_requirement(r.text, 10, signed=False)
        ),
        lambda r: records.validate_requirement_modal(
            r.escalation, a_requirement(r.text, 10, signed=True)
        ),
    ],
}

BUILDS.update(
    {
        "tracking_notes.milestone_note": [
            lambda r: tracking_notes.milestone_note("UPM00001", r.text)
        ],
        "tracking_notes.task_note": [
            lambda r: tracking_notes.task_note("UPM00001", r.text, r.text, "UCSM0001", NOW.date())
        ],
        "tracking_notes.tasks_note": [
            lambda r: tracking_notes.tasks_note(
                "UPM00001", r.text, 50, [r.text] * len(r.portfolio), [r.text] * len(r.portfolio)
            )
        ],
        "tracking_notes.blocker_note": [
            lambda r: tracking_notes.blocker_note("UPM00001", r.text, dependency=True)
        ],
        "tracking_notes.blocker_resolved_note": [
            lambda r: tracking_notes.blocker_resolved_note(
                "UPM00001", r.text, r.text, dependency=False
            )
        ],
        "tracking_notes.alternative_note": [
            lambda r: tracking_notes.alternative_note("UPM00001", r.text)
        ],
        "tracking_notes.requirement_change_note": [
            lambda r: tracking_notes.requirement_change_note(
                "UPM00001", r.text, "UDIR0001", NOW.date()
            )
        ],
        "tracking_notes.raid_note": [
            lambda r: tracking_notes.raid_note("UPM00001", RaidCategory.RISK, r.text)
        ],
        "tracking_notes.requirement_note": [
            lambda r: tracking_notes.requirement_note("UPM00001", r.text, 3)
        ],
        "tracking_notes.requirement_validated_note": [
            lambda r: tracking_notes.requirement_validated_note(
                "UPM00001", r.text, 2, 3, signed_off=False
            ),
            lambda r: tracking_notes.requirement_validated_note(
                "UPM00001", r.text, 3, 3, signed_off=True
            ),
        ],
        "tracking_notes.change_order_note": [
            lambda r: tracking_notes.change_order_note("UPM00001", r.text, "UDIR0001")
        ],
        "tracking_notes.change_order_decided_note": [
            (
                lambda r, status=status: tracking_notes.change_order_decided_note(
                    "UDIR0001", r.text, status
                )
            )
            for status in (ChangeOrderStatus.APPROVED, ChangeOrderStatus.REJECTED)
        ],
        "tracking_notes.artifact_note": [
            lambda r: tracking_notes.artifact_note("UPM00001", r.text, r.text, r.text)
        ],
        "tracking_notes.link_note": [
            lambda r: tracking_notes.link_note(
                "UPM00001", ExtraLinkKind.DASHBOARD, r.text, r.escalation.links[0].url
            )
        ],
        "tracking_notes.impact_note": [
            lambda r: tracking_notes.impact_note(
                "UPM00001",
                ImpactKind.BUDGET,
                r.text,
                r.text,
                [f"UP{n:07d}" for n in range(len(r.portfolio))],
                channel_told=False,
            ),
            lambda r: tracking_notes.impact_note(
                "UPM00001", ImpactKind.TIMELINE, r.text, None, [], channel_told=None
            ),
        ],
        "tracking_notes.impact_channel_text": [
            lambda r: tracking_notes.impact_channel_text(
                r.escalation, "UPM00001", ImpactKind.RESOURCE, r.text, r.text
            )
        ],
        "tracking_notes.other_pm_dm": [
            lambda r: tracking_notes.other_pm_dm(
                r.escalation, "UPM00001", ImpactKind.TIMELINE, r.text, r.text
            ),
            lambda r: tracking_notes.other_pm_dm(
                r.escalation, "UPM00001", ImpactKind.TIMELINE, r.text, None
            ),
        ],
        "tracking_notes.trigger_suggestion_text": [
            lambda r: tracking_notes.trigger_suggestion_text(
                r.portfolio[1], TRIGGERS_BY_CODE["technical_blocker"]
            )
        ],
        "tracking_notes.trigger_suggestion_blocks": [
            lambda r: tracking_notes.trigger_suggestion_blocks(
                r.portfolio[1], TRIGGERS_BY_CODE["technical_blocker"], r.text, 5
            )
        ],
        "tracking_notes.trigger_added_note": [
            lambda r: tracking_notes.trigger_added_note(
                "UPM00001", TRIGGERS_BY_CODE["technical_blocker"]
            )
        ],
    }
)

BUILDS.update(
    {
        "notices.reopened_note": [lambda r: notices.reopened_note(r.escalation, "UPM00001")],
        "notices.update_not_posted": [
            lambda r: notices.update_not_posted(
                r.text, "reply in the leadership thread", "Slack is rate-limiting me right now."
            )
        ],
        "notices.gave_up": [lambda r: notices.gave_up(r.text, 40, r.text)],
        "notices.escalation_not_opened": [
            lambda r: notices.escalation_not_opened(r.text, r.text, r.text, r.text)
        ],
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
            *(
                (
                    lambda r, outcome=outcome: notices.sales_ops_note(
                        r.escalation, "USOPS001", outcome, "UPM00001"
                    )
                )
                for outcome in SalesOpsOutcome
            ),
            lambda r: notices.sales_ops_note(
                r.escalation,
                "USOPS001",
                SalesOpsOutcome.CONTINUE,
                "UPM00001",
                notes=r.text + "\n" + r.text,
            ),
        ],
        "notices.flag_answered_note": [lambda r: notices.flag_answered_note(r.flag, "UAE00001")],
        "notices.flag_responded_note": [lambda r: notices.flag_responded_note(r.flag, "UAE00001")],
        "notices.unknown_escalation": [lambda r: notices.unknown_escalation(r.text)],
    }
)


def an_insights(r: Records) -> figures.Insights:
    """Figures over the portfolio, each escalation's DRI "named" by the typed text (a stand-in
    for a user ID gone wrong): one late morning prompt, one resolution, one flag each."""
    facts = [
        figures.EscalationFacts(
            key=e.key,
            severity=e.severity,
            level=Level.HIGH if e.severity is Severity.SEV1 else None,
            state=State.RESOLVED if n % 2 else State.ACTIVE,
            health=Health.YELLOW,
            opened_at=NOW - timedelta(days=20),
            resolved_at=NOW - timedelta(days=1) if n % 2 else None,
            dri=r.text if n % 2 else PEOPLE[Role.DRI],
            prompts=(
                figures.PromptSent(
                    figures.PromptKind.MORNING, "x", NOW - timedelta(days=2), r.text
                ),
            ),
            flags=(figures.FlagFacts(NOW - timedelta(days=3), NOW - timedelta(days=2)),),
        )
        for n, e in enumerate(r.portfolio)
    ]
    period = figures.Period(NOW - timedelta(days=30), NOW, r.text)
    return figures.compute(facts, period, NOW, UTC)


def a_watch(text: str, url: str) -> Escalation:
    """A watched project whose card is in the internal channel."""
    record = an_escalation(text, url, severity=Severity.WATCH)
    record.watch_channel_id, record.watch_ts = record.internal_channel_id, "100.1"
    return record


def an_unattached_flag(text: str, url: str, responders: int) -> UrgentFlag:
    flag = a_flag(text, url, responders)
    flag.escalation_id, flag.customer = None, text
    return flag


def a_conflict(text: str, *, resolved: bool = False) -> PeopleConflict:
    return PeopleConflict(
        id=1,
        raised_by=PEOPLE[Role.DRI],
        raised_at=NOW,
        raiser_manager=PEOPLE[Role.MANAGER],
        team=ConflictTeam.SALES,
        person=PEOPLE[Role.AE],
        person_manager="USMGR001",
        customer=text,
        summary=text,
        managers_due_at=NOW + timedelta(days=7),
        executive_due_at=NOW + timedelta(days=14),
        resolved_at=NOW if resolved else None,
        resolved_by=PEOPLE[Role.MANAGER] if resolved else None,
        resolution=text if resolved else None,
    )


BUILDS.update(
    {
        "insights.stats_blocks": [
            lambda r: insights.stats_blocks(an_insights(r), names_people=True, tz_name=r.text),
            lambda r: insights.stats_blocks(an_insights(r), names_people=False, tz_name="UTC"),
        ],
        "insights.stats_text": [lambda r: insights.stats_text(an_insights(r))],
        "insights.home_figures": [lambda r: insights.home_figures(an_insights(r), tz_name=r.text)],
        "insights.unknown_period_text": [lambda r: insights.unknown_period_text(r.text)],
        "insights.briefing_figures": [
            lambda r: insights.briefing_figures(an_insights(r), tz_name=r.text)
        ],
    }
)
BUILDS["overview.home_view"].append(
    lambda r: overview.home_view(
        mine=r.portfolio,
        watching=r.portfolio,
        everyone=r.portfolio,
        now=NOW,
        attention=[overview.given_up_line(None, r.text, r.text, NOW)] * 20,
        figures=insights.home_figures(an_insights(r), tz_name="UTC"),
    )
)

BUILDS.update(
    {
        "open_modal.watch_modal": [
            lambda r: open_modal.watch_modal(
                customer=r.text, opener="UPM00001", metadata={"response_url": PERMALINK}
            )
        ],
        "watch.watch_card_text": [lambda r: watch.watch_card_text(a_watch(r.text, PERMALINK))],
        "watch.watch_card_blocks": [
            lambda r: watch.watch_card_blocks(a_watch(r.text, r.escalation.links[0].url))
        ],
        "watch.watch_receipt": [
            lambda r: watch.watch_receipt(a_watch(r.text, PERMALINK), PERMALINK),
            lambda r: watch.watch_receipt(an_escalation(r.text, PERMALINK), None),
        ],
        "watch.watch_opened_modal": [lambda r: watch.watch_opened_modal(r.text)],
        "watch.stop_watching_modal": [lambda r: watch.stop_watching_modal(a_watch(r.text, ""))],
        "watch.stopped_note": [
            lambda r: watch.stopped_note(
                an_escalation(r.text, "", state=State.RESOLVED), "UPM00001"
            )
        ],
        "watch.escalate_watch_modal": [lambda r: watch.escalate_watch_modal(a_watch(r.text, ""))],
        "flags.tracker_reminder": [lambda r: flags.tracker_reminder("UPM00001")],
        "flags.unattached_flag_text": [
            lambda r: flags.unattached_flag_text(
                an_unattached_flag(r.text, r.escalation.links[0].url, len(r.portfolio))
            )
        ],
        "flags.unattached_flag_blocks": [
            lambda r: flags.unattached_flag_blocks(
                an_unattached_flag(r.text, r.escalation.links[0].url, len(r.portfolio))
            )
        ],
        "flags.unattached_reminder_text": [
            (
                lambda r, kind=kind: flags.unattached_reminder_text(
                    an_unattached_flag(r.text, r.escalation.links[0].url, len(r.portfolio)), kind
                )
            )
            for kind in FlagReminder
        ],
        "conflicts.conflict_modal": [
            lambda r: conflicts.conflict_modal(manager_days=5, executive_days=5)
        ],
        "conflicts.conflict_blocks": [
            (
                lambda r, lead=lead: conflicts.conflict_blocks(
                    a_conflict(r.text), lead(a_conflict(r.text))
                )
            )
            for lead in (
                conflicts.recorded_lead,
                conflicts.sales_manager_fyi_lead,
                lambda c: conflicts.managers_lead(c, 5),
                conflicts.executive_lead,
                conflicts.no_executive_lead,
            )
        ]
        + [lambda r: conflicts.conflict_blocks(a_conflict(r.text, resolved=True), "Done.")],
        "conflicts.recorded_lead": [lambda r: conflicts.recorded_lead(a_conflict(r.text))],
        "conflicts.sales_manager_fyi_lead": [
            lambda r: conflicts.sales_manager_fyi_lead(a_conflict(r.text))
        ],
        "conflicts.managers_lead": [lambda r: conflicts.managers_lead(a_conflict(r.text), 5)],
        "conflicts.managers_told_note": [
            lambda r: conflicts.managers_told_note(a_conflict(r.text))
        ],
        "conflicts.executive_lead": [lambda r: conflicts.executive_lead(a_conflict(r.text))],
        "conflicts.no_executive_lead": [lambda r: conflicts.no_executive_lead(a_conflict(r.text))],
        "conflicts.executive_told_note": [
            lambda r: conflicts.executive_told_note(a_conflict(r.text), ["UEXEC001"]),
            lambda r: conflicts.executive_told_note(a_conflict(r.text), []),
        ],
        "conflicts.resolve_conflict_modal": [
            lambda r: conflicts.resolve_conflict_modal(a_conflict(r.text))
        ],
        "conflicts.resolved_note": [
            lambda r: conflicts.resolved_note(a_conflict(r.text, resolved=True))
        ],
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
        figures=an_insights(r),
        figures_tz=r.text,
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
    "tracking_notes.impact_channel_text",
    "tracking_notes.other_pm_dm",
    "escalation.opener_receipt",
    "update.check_in_text",
    "update.customer_message_text",
    "customer.ae_dm",
    "customer.ladder_thread_note",
    "customer.hours_expired_thread_note",
    "customer.sales_contact_named_note",
    "flags.reminder_text",
    "prompts.phase1_manager_text",
    "weekly.sev2_weekly_manager_text",
    "review.guidance_text",
    "flags.unattached_reminder_text",
    "watch.watch_receipt",
    "watch.stopped_note",
    "conflicts.resolved_note",
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


# -- issue 11: the stakeholder loop (appended so parallel branches merge cleanly) -------------
from blocks import stakeholders  # noqa: E402
from bot.policy.progress import progress_of_milestones  # noqa: E402

BUILDER_MODULES = (*BUILDER_MODULES, stakeholders)


def _with_sync(r: Records, held: bool) -> Escalation:
    """The typed escalation, a Critical whose immediate sync was asked for (and held)."""
    record = an_escalation(r.text, r.escalation.links[0].url)
    record.sync_due_at = NOW - timedelta(hours=1)
    if held:
        record.sync_held_at, record.sync_held_by = NOW, PEOPLE[Role.DIRECTOR]
    return record


BUILDS["escalation.root_blocks"] += [
    lambda r: escalation.root_blocks(
        _with_sync(r, held=False), now=NOW, progress=progress_of_milestones(r.tracking.milestones)
    ),
    lambda r: escalation.root_blocks(_with_sync(r, held=True), now=NOW),
]
BUILDS["prompts.prompt_blocks"] += [
    lambda r: prompts.prompt_blocks(
        r.escalation,
        "morning",
        "2026-11-23",
        permalink=PERMALINK,
        now=NOW,
        customer_comm_overdue=True,
        progress=progress_of_milestones(r.tracking.milestones),
    )
]
BUILDS.update(
    {
        "stakeholders.welcome_text": [
            lambda r: stakeholders.welcome_text(r.escalation, [Role.MANAGER, Role.DIRECTOR])
        ],
        "stakeholders.welcome_blocks": [
            lambda r: stakeholders.welcome_blocks(r.escalation, [Role.AE], PERMALINK),
            lambda r: stakeholders.welcome_blocks(r.portfolio[1], [Role.CSM], None),
        ],
        "stakeholders.followed_text": [
            lambda r: stakeholders.followed_text(r.escalation, True),
            lambda r: stakeholders.followed_text(r.escalation, False),
        ],
        "stakeholders.follow_choice_blocks": [
            lambda r: stakeholders.follow_choice_blocks(r.escalation, True),
            lambda r: stakeholders.follow_choice_blocks(r.escalation, False),
        ],
        "stakeholders.follower_update_text": [
            lambda r: stakeholders.follower_update_text(r.escalation, r.update)
        ],
        "stakeholders.follower_update_blocks": [
            lambda r: stakeholders.follower_update_blocks(r.escalation, r.update)
        ],
        "stakeholders.check_in_digest": [
            # Each message's text and blocks: one check-in, and the whole portfolio (split).
            lambda r: stakeholders.check_in_digest([(r.escalation, NOW + timedelta(hours=3))])[0][
                0
            ],
            lambda r: stakeholders.check_in_digest([(r.escalation, NOW + timedelta(hours=3))])[0][
                1
            ],
            lambda r: stakeholders.check_in_digest([(e, NOW) for e in r.portfolio])[0][0],
            lambda r: stakeholders.check_in_digest([(e, NOW) for e in r.portfolio])[0][1],
            lambda r: stakeholders.check_in_digest([(e, NOW) for e in r.portfolio])[-1][1],
        ],
        "stakeholders.unlogged_check_in_note": [
            lambda r: stakeholders.unlogged_check_in_note(r.escalation, NOW)
        ],
        "stakeholders.sync_request_text": [
            lambda r: stakeholders.sync_request_text(r.escalation),
            lambda r: stakeholders.sync_request_text(r.escalation, 2),
        ],
        "stakeholders.sync_request_blocks": [
            lambda r: stakeholders.sync_request_blocks(r.escalation, NOW, PERMALINK),
            lambda r: stakeholders.sync_request_blocks(r.escalation, NOW, None, reminder=2),
        ],
        "stakeholders.sync_held_note": [
            lambda r: stakeholders.sync_held_note(r.escalation, PEOPLE[Role.DIRECTOR], NOW)
        ],
        "stakeholders.manager_told_text": [
            lambda r: stakeholders.manager_told_text(
                r.escalation, "No update for 30 hours.", PERMALINK
            )
        ],
    }
)
TEXT_ONLY_MESSAGES |= {"stakeholders.manager_told_text", "stakeholders.unlogged_check_in_note"}

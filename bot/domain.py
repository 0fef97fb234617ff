"""The vocabulary of the escalation process: severities, states, triggers, checklists."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    SEV1 = "sev1"
    SEV2 = "sev2"
    # A project watched without an escalation: no leadership post, checklist or prompts.
    WATCH = "watch"

    @property
    def label(self) -> str:
        return {
            "sev1": "Sev 1 - Customer escalation",
            "sev2": "Sev 2 - Internal project health",
            "watch": "Watched project (not escalated)",
        }[self.value]

    @property
    def short(self) -> str:
        return {"sev1": "Sev 1", "sev2": "Sev 2", "watch": "Watch"}[self.value]


class Level(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Health(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def emoji(self) -> str:
        return {
            "red": ":red_circle:",
            "yellow": ":large_yellow_circle:",
            "green": ":large_green_circle:",
        }[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()


class State(StrEnum):
    OPEN = "open"
    ACTIVE = "active"
    STALLED = "stalled"
    # Sales Ops moved it to contract cancellation or termination: the DRI completes closure.
    RESOLVING = "resolving"
    RESOLVED = "resolved"

    @property
    def is_open(self) -> bool:
        return self is not State.RESOLVED

    @property
    def gets_prompts(self) -> bool:
        """Status prompts stop once only closure is left to do."""
        return self not in (State.RESOLVING, State.RESOLVED)


class Role(StrEnum):
    DRI = "dri"
    AE = "ae"
    CSM = "csm"
    MANAGER = "manager"
    DIRECTOR = "director"
    WATCHER = "watcher"

    @property
    def label(self) -> str:
        return {
            "dri": "DRI",
            "ae": "AE",
            "csm": "CSM",
            "manager": "Direct manager",
            "director": "Director PS",
            "watcher": "Watcher",
        }[self.value]


STAKEHOLDER_ROLES = (Role.DRI, Role.AE, Role.CSM, Role.MANAGER, Role.DIRECTOR)
# The people kept in the loop by DM at open ("AE, CSM, manager and director looped in").
LOOPED_IN_ROLES = (Role.AE, Role.CSM, Role.MANAGER, Role.DIRECTOR)


class UpdateSource(StrEnum):
    MODAL = "modal"
    THREAD = "thread"
    NOTHING_NEW = "nothing_new"


class WaitKind(StrEnum):
    REQUEST = "request"
    MISSED_APPOINTMENT = "missed_appointment"


class SalesOpsOutcome(StrEnum):
    CONTINUE = "continue"
    CONTRACT_CANCELLATION = "contract_cancellation"
    CUSTOMER_TERMINATED = "customer_terminated"

    @property
    def label(self) -> str:
        return {
            "continue": "Continue working",
            "contract_cancellation": "Move to contract cancellation",
            "customer_terminated": "Move to customer terminated",
        }[self.value]


class ConflictTeam(StrEnum):
    """Whose team member an internal people conflict is with."""

    SALES = "sales"
    CS = "cs"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"sales": "Sales team", "cs": "CS team", "other": "Another team"}[self.value]


class AttemptKind(StrEnum):
    """What the DRI confirms having done to reach a silent customer: the stalled notice, a
    call, the final notice."""

    STALLED_NOTICE = "stalled_notice"
    CALLED = "called"
    FINAL_NOTICE = "final_notice"

    @property
    def label(self) -> str:
        return {
            "stalled_notice": "Project Stalled notice sent to the customer and their sponsor",
            "called": "Called the customer, then sent the 2nd attempt voicemail follow-up email",
            "final_notice": "Project Stalled Final Notice sent",
        }[self.value]

    @property
    def button(self) -> str:
        return {
            "stalled_notice": "Stalled notice sent",
            "called": "Called and emailed",
            "final_notice": "Final notice sent",
        }[self.value]


class RaidCategory(StrEnum):
    RISK = "risk"
    ASSUMPTION = "assumption"
    ISSUE = "issue"
    DEPENDENCY = "dependency"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class LinkKind(StrEnum):
    PSA = "psa"
    TRACKER = "tracker"
    DOCUMENT = "document"

    @property
    def label(self) -> str:
        return {"psa": "PSA project", "tracker": "Tracker", "document": "Tracking document"}[
            self.value
        ]


class EventKind(StrEnum):
    OPENED = "opened"
    POSTED = "posted"
    PINNED = "pinned"
    SLACK_PROBLEM = "slack_problem"
    CHECKLIST_CHANGED = "checklist_changed"
    UPDATE_POSTED = "update_posted"
    CHECK_IN = "check_in"
    PROMPTED = "prompted"
    NUDGED = "nudged"
    PROMOTED = "promoted"
    KEPT_IN_SEV2 = "kept_in_sev2"
    PROMOTION_REQUESTED = "promotion_requested"
    STATE_CHANGED = "state_changed"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    CUSTOMER_RESPONDED = "customer_responded"
    OUT_OF_OFFICE = "out_of_office"
    MISSED_APPOINTMENT = "missed_appointment"
    LADDER_STEP = "ladder_step"
    SALES_OPS_OUTCOME = "sales_ops_outcome"
    FLAG_RAISED = "flag_raised"
    FLAG_CLOSED = "flag_closed"
    RECORD_ADDED = "record_added"
    TASK_DONE = "task_done"
    DRI_REASSIGNED = "dri_reassigned"
    DOWNGRADED = "downgraded"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    RETRO_LINKED = "retro_linked"
    BLOCKER_RESOLVED = "blocker_resolved"
    REQUIREMENT_VALIDATED = "requirement_validated"
    REQUIREMENT_SIGNED_OFF = "requirement_signed_off"
    CHANGE_ORDER_DECIDED = "change_order_decided"
    TRIGGER_SUGGESTED = "trigger_suggested"
    TRIGGER_ADDED = "trigger_added"
    WATCH_ESCALATED = "watch_escalated"
    ATTEMPT_CONFIRMED = "attempt_confirmed"
    SALES_CONTACT = "sales_contact"
    STAKEHOLDERS_DMED = "stakeholders_dmed"
    FOLLOWED = "followed"
    MUTED = "muted"
    SYNC_REQUESTED = "sync_requested"
    SYNC_HELD = "sync_held"
    CHECK_IN_INVITED = "check_in_invited"
    CHECK_IN_MISSED = "check_in_missed"
    WEEKLY_REVIEW = "weekly_review"
    THREAD_REPLY = "thread_reply"
    REVIEW_LIST = "review_list"
    GUIDANCE = "guidance"
    GUIDANCE_DONE = "guidance_done"


@dataclass(frozen=True)
class Trigger:
    code: str
    label: str
    group: str


SEV1_TRIGGERS = (
    Trigger(
        "formal_escalation", "Customer formally escalated to AE / CSM / PS leadership", "Customer"
    ),
    Trigger(
        "dissatisfaction", "Dissatisfaction with progress, quality or communication", "Customer"
    ),
    Trigger(
        "cancellation_threat", "Threat of contract cancellation or withholding payment", "Customer"
    ),
    Trigger("executive_request", "Customer requested executive involvement", "Customer"),
    Trigger("promoted_by_leadership", "Leadership promoted a Sev 2 for visibility", "Leadership"),
)

SEV2_TRIGGERS = (
    Trigger(
        "behind_schedule", ">2 weeks behind critical milestones, no approved CR", "Performance"
    ),
    Trigger("over_budget", ">10% over budget or trending to overrun", "Performance"),
    Trigger("scope_change", "Scope change moving timeline/budget >15%", "Performance"),
    Trigger("quality", "Deliverables failing acceptance or critical defects", "Performance"),
    Trigger("key_person", "Key team member unavailable", "Resource / operational"),
    Trigger(
        "technical_blocker",
        "Technical blocker unresolved in 5 business days",
        "Resource / operational",
    ),
    Trigger("vendor_delay", "Vendor / third-party dependency delays", "Resource / operational"),
    Trigger(
        "resource_conflict", "Resource conflicts preventing staffing", "Resource / operational"
    ),
    Trigger("communication_breakdown", "Stakeholder communication breakdown", "Communication"),
    Trigger("conflicting_requirements", "Conflicting customer requirements", "Communication"),
    Trigger("legal_compliance", "Legal, compliance or security issue", "Communication"),
    Trigger(
        "perceived_unresponsiveness", "Customer perceives lack of responsiveness", "Communication"
    ),
)

TRIGGERS_BY_CODE = {t.code: t for t in SEV1_TRIGGERS + SEV2_TRIGGERS}


def triggers_for(severity: Severity) -> tuple[Trigger, ...]:
    if severity is Severity.WATCH:
        return ()
    return SEV1_TRIGGERS if severity is Severity.SEV1 else SEV2_TRIGGERS


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    step: str


SEV1_PHASE1_CHECKLIST = (
    ChecklistItem(
        "tracking_issue",
        "Tracking issue on the customer's collaboration project",
        "Step 1: Framework",
    ),
    ChecklistItem("severity_assigned", "Severity level assigned", "Step 1: Framework"),
    ChecklistItem(
        "timeline_documented", "Timeline and key milestones documented", "Step 1: Framework"
    ),
    ChecklistItem("dri_identified", "DRI identified", "Step 1: Framework"),
    ChecklistItem("csm_coordinated", "CSM coordinated (if outside PS scope)", "Step 1: Framework"),
    ChecklistItem(
        "thread_pinned", "Thread pinned in the leadership channel", "Step 2: Communication"
    ),
    ChecklistItem(
        "stakeholders_looped", "AE, CSM, manager and director looped in", "Step 2: Communication"
    ),
    ChecklistItem("tracking_document", "Tracking document attached", "Step 2: Communication"),
    ChecklistItem(
        "psa_path_to_green", "PSA status updated with path to green", "Step 3: Monitoring"
    ),
    ChecklistItem("daily_checkins", "Daily internal check-ins scheduled", "Step 3: Monitoring"),
    ChecklistItem(
        "portfolio_review",
        "Review set for next Y/R portfolio call (Critical: immediate sync)",
        "Step 3: Monitoring",
    ),
    ChecklistItem("raci", "RACI created", "Step 3: Monitoring"),
)

SEV2_CHECKLIST = (
    ChecklistItem(
        "psa_path_to_green", "PSA status set to Red with path to green", "Sev 2 workflow"
    ),
    ChecklistItem("risks_documented", "Issues, risks and mitigations documented", "Sev 2 workflow"),
    ChecklistItem(
        "timeline_estimates", "Timeline estimates for resolution included", "Sev 2 workflow"
    ),
    ChecklistItem("resource_needs", "Resource needs or blockers identified", "Sev 2 workflow"),
    ChecklistItem(
        "portfolio_review", "On the agenda of the next Y/R portfolio call", "Sev 2 workflow"
    ),
)


def checklist_for(severity: Severity) -> tuple[ChecklistItem, ...]:
    if severity is Severity.WATCH:
        return ()
    return SEV1_PHASE1_CHECKLIST if severity is Severity.SEV1 else SEV2_CHECKLIST


# -- what Phase 3 records: the kinds, and the fields of each form -----------------------------


class RecordKind(StrEnum):
    MILESTONE = "milestone"
    TASK = "task"
    BLOCKER = "blocker"
    ALTERNATIVE = "alternative"
    REQUIREMENT_CHANGE = "requirement_change"
    RAID = "raid"
    RESOURCE_IMPACT = "resource_impact"
    REQUIREMENT = "requirement"
    CHANGE_ORDER = "change_order"
    ARTIFACT_VERSION = "artifact_version"
    LINK = "link"


class ImpactKind(StrEnum):
    """What an impact changes (Step 6): people, money or dates."""

    RESOURCE = "resource"
    BUDGET = "budget"
    TIMELINE = "timeline"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ChangeOrderStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ExtraLinkKind(StrEnum):
    """Links beyond the PSA project, tracker and tracking document: any number of each."""

    DASHBOARD = "dashboard"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"dashboard": "Dashboard", "other": "Link"}[self.value]


# Each line of a requirement's validation checklist is one check; a checkbox group holds 10.
MAX_REQUIREMENT_CHECKS = 10


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text | multiline | user | users | date | choice | milestone | url
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()


FORMS: dict[RecordKind, tuple[str, tuple[FieldSpec, ...]]] = {
    RecordKind.MILESTONE: (
        "Add milestone",
        (
            FieldSpec("title", "Milestone", "text"),
            FieldSpec("success_criteria", "Success criteria", "multiline"),
        ),
    ),
    RecordKind.TASK: (
        "Add task",
        (
            FieldSpec("milestone", "Milestone", "milestone"),
            FieldSpec("title", "Task", "text"),
            FieldSpec("owner", "Owner", "user"),
            FieldSpec("due_on", "Due", "date"),
        ),
    ),
    RecordKind.BLOCKER: (
        "Add blocker",
        (
            FieldSpec(
                "kind",
                "Kind",
                "choice",
                choices=(("blocker", "Blocker"), ("dependency", "Dependency")),
            ),
            FieldSpec("text", "What is blocking progress", "multiline"),
        ),
    ),
    RecordKind.ALTERNATIVE: (
        "Add alternative",
        (
            FieldSpec("approach", "Alternative approach", "multiline"),
            FieldSpec("pros", "Pros", "multiline", required=False),
            FieldSpec("cons", "Cons", "multiline", required=False),
            FieldSpec("risks", "Additional risks", "multiline", required=False),
        ),
    ),
    RecordKind.REQUIREMENT_CHANGE: (
        "Requirement change",
        (
            FieldSpec("change", "Change", "multiline"),
            FieldSpec("approver", "Approved by", "user"),
            FieldSpec("approved_on", "Approved on", "date"),
        ),
    ),
    RecordKind.RAID: (
        "RAID entry",
        (
            FieldSpec(
                "category",
                "Category",
                "choice",
                choices=tuple((c.value, c.label) for c in RaidCategory),
            ),
            FieldSpec("text", "Entry", "multiline"),
            FieldSpec("owner", "Owner", "user", required=False),
        ),
    ),
    RecordKind.RESOURCE_IMPACT: (
        "Impact",
        (
            FieldSpec(
                "impact_kind",
                "What changed",
                "choice",
                choices=tuple((k.value, k.label) for k in ImpactKind),
            ),
            FieldSpec("text", "Impact", "multiline"),
            FieldSpec("other_projects", "Other projects affected", "text", required=False),
            FieldSpec("other_pms", "Their PMs (they get a DM)", "users", required=False),
        ),
    ),
    RecordKind.REQUIREMENT: (
        "Add requirement",
        (
            FieldSpec("text", "Requirement", "multiline"),
            FieldSpec("checks", "Validation checklist (one check a line, up to 10)", "multiline"),
        ),
    ),
    RecordKind.CHANGE_ORDER: (
        "Change order",
        (
            FieldSpec("description", "Description", "multiline"),
            FieldSpec("approver", "Approver", "user"),
        ),
    ),
    RecordKind.ARTIFACT_VERSION: (
        "Artifact version",
        (
            FieldSpec("artifact", "Artifact", "text"),
            FieldSpec("version", "Version", "text"),
            FieldSpec("change", "What changed", "multiline"),
            FieldSpec("url", "Link", "url", required=False),
        ),
    ),
    RecordKind.LINK: (
        "Add link",
        (
            FieldSpec(
                "link_kind",
                "Kind",
                "choice",
                choices=tuple((k.value, k.label) for k in ExtraLinkKind),
            ),
            FieldSpec("label", "Name", "text"),
            FieldSpec("url", "URL", "url"),
        ),
    ),
}


class OpenField(StrEnum):
    """Block IDs (and action IDs) of the open-escalation modal; the parser reads them back."""

    CUSTOMER = "customer"
    PROJECT = "project"
    LEVEL = "level"
    TRIGGERS = "triggers"
    SUMMARY = "summary"
    HEALTH = "health"
    PATH_TO_GREEN = "path_to_green"
    DRI = "dri"
    AE = "ae"
    CSM = "csm"
    MANAGER = "manager"
    DIRECTOR = "director"
    INTERNAL_CHANNEL = "internal_channel"
    CUSTOMER_CHANNEL = "customer_channel"
    PSA_LINK = "psa_link"
    TRACKER_LINK = "tracker_link"
    DOCUMENT_LINK = "document_link"
    CONTRACT = "contract"

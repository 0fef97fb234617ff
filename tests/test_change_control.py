"""Flow 6, Steps 5 and 6: requirements and change control, impacts, blockers that resolve,
a timeline leadership reads in the thread, and links beyond the three the form asks for."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import ChangeOrderStatus, EventKind, ImpactKind, RecordKind, Severity
from bot.escalations.impacts import impacts_since
from bot.escalations.records import check_lines, parse_record
from bot.models import Blocker, ChangeOrder, Requirement, TimelineEvent
from bot.policy.blockers import business_days_later
from tests.flows import (
    click_prompt,
    open_escalation,
    root_ts,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
from tests.harness import BotHarness
from tests.test_resolution_lifecycle import add_record, open_details, values

RESOURCING = "resourcing-ps"
MONDAY = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # the harness's start: 12:00 in New York


def opened(make_harness: Callable[..., BotHarness], severity: str = "sev1") -> BotHarness:
    harness = make_harness(resourcing_channel=RESOURCING)
    harness.standin.add_channel(RESOURCING)
    wait_for_receipt(harness, open_escalation(harness, severity))
    return harness


def pick(
    harness: BotHarness, detail: dict[str, Any], action_id: str, block: str, value: str, user: str
) -> Any:
    """Choose `value` in one of the detail view's menus (resolve, validate, decide)."""
    return harness.interact(
        {
            "type": "block_actions",
            "user": {"id": user, "name": "u", "team_id": "T0001"},
            "trigger_id": harness.standin.new_trigger_id(),
            "view": detail,
            "container": {"type": "view", "view_id": detail["id"]},
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": f"{block}:1",
                    "type": "static_select",
                    "selected_option": {"value": value},
                    "action_ts": "1",
                }
            ],
        }
    )


def picked_modal(
    harness: BotHarness,
    detail: dict[str, Any],
    action_id: str,
    block: str,
    value: str,
    user: str,
) -> dict[str, Any]:
    before = len(harness.standin.opened_views())
    pick(harness, detail, action_id, block, value, user)
    return wait_for_view(harness, before)


def thread_notes(harness: BotHarness) -> list[str]:
    return [
        reply.text
        for reply in harness.standin.replies(harness.world.leadership_channel, root_ts(harness))
    ]


def shown_detail(harness: BotHarness) -> str:
    return json.dumps(harness.standin.calls_to("views.update")[-1].args["view"], ensure_ascii=False)


def checks(*ids: int) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": str(i)} for i in ids]}


def add_requirement(harness: BotHarness, detail: dict[str, Any], user: str) -> None:
    add_record(
        harness,
        detail,
        "requirement",
        user,
        text=("plain_text_input", "SSO through the customer's Okta"),
        checks=("plain_text_input", "- Login works for 3 pilot users\n\n- Logout clears session"),
    )


def test_a_requirement_is_validated_check_by_check_and_signed_off_once_every_check_is_ticked(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    add_requirement(harness, detail, world.pm)
    assert "0/2 checks · _awaiting sign-off_" in shown_detail(harness)

    modal = picked_modal(harness, detail, "validate_requirement", "validate", "1", world.csm)
    answer = harness.submit_view(
        modal,
        {"checks": {"checks": checks(1)}, "sign_off": {"sign_off": checks(1)}},
        user=world.csm,
    )
    assert answer.json == {
        "response_action": "errors",
        "errors": {"sign_off": "1 validation check(s) still open: tick them all to sign off."},
    }
    harness.clock.set(MONDAY + timedelta(hours=2))
    answer = harness.submit_view(modal, {"checks": {"checks": checks(1)}}, user=world.csm)
    assert answer.json is None
    modal = picked_modal(harness, detail, "validate_requirement", "validate", "1", world.director)
    harness.clock.set(MONDAY + timedelta(hours=3))
    answer = harness.submit_view(
        modal,
        {
            "checks": {"checks": checks(1, 2)},
            "sign_off": {
                "sign_off": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
            },
        },
        user=world.director,
    )
    assert answer.json is None

    with harness.services.sessions() as session:
        requirement = session.get(Requirement, 1)
        assert requirement is not None
        assert requirement.signed_off_by == world.director
        assert requirement.signed_off_at == MONDAY + timedelta(hours=3)
        assert [(c.text, c.done_by, c.done_at) for c in requirement.checks] == [
            ("Login works for 3 pilot users", world.csm, MONDAY + timedelta(hours=2)),
            ("Logout clears session", world.director, MONDAY + timedelta(hours=3)),
        ]
    assert "2/2 checks · signed off by <@UDIR0001>" in shown_detail(harness)
    notes = thread_notes(harness)
    assert any("recorded a requirement (2 validation checks)" in n for n in notes)
    assert any(n.startswith(":ballot_box_with_check: <@UCSM0001> validated 1/2") for n in notes)
    assert any("<@UDIR0001> signed off the requirement" in n for n in notes)


def test_a_change_order_is_approved_or_rejected_only_by_its_approver_with_the_date(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    for description in ("Add a data migration sprint (+40h)", "Drop the reporting module"):
        add_record(
            harness,
            detail,
            "change_order",
            world.pm,
            description=("plain_text_input", description),
            approver=("users_select", world.director),
        )
    pick(harness, detail, "decide_change_order", "decide", "approved:1", world.pm)
    # Told by DM: a click in a modal has no channel to answer in.
    assert harness.standin.dms_to(world.pm)[-1].text == (
        "Only its approver or PS leadership can decide this change order: <@UDIR0001>."
    )

    harness.clock.set(MONDAY + timedelta(hours=1))
    pick(harness, detail, "decide_change_order", "decide", "approved:1", world.director)
    pick(harness, detail, "decide_change_order", "decide", "rejected:2", world.leader)
    pick(harness, detail, "decide_change_order", "decide", "rejected:1", world.director)

    with harness.services.sessions() as session:
        first, second = session.get(ChangeOrder, 1), session.get(ChangeOrder, 2)
        assert first is not None and second is not None
        assert (first.status, first.decided_by, first.decided_at) == (
            ChangeOrderStatus.APPROVED,
            world.director,
            MONDAY + timedelta(hours=1),
        )
        assert (second.status, second.decided_by) == (ChangeOrderStatus.REJECTED, world.leader)
        assert first.proposed_by == world.pm and first.proposed_at == MONDAY
    assert harness.standin.dms_to(world.director)[-1].text == (
        "This change order was already approved."
    )
    shown = shown_detail(harness)
    assert "*Approved:* Add a data migration sprint (+40h)" in shown
    assert "*Rejected:* Drop the reporting module" in shown
    notes = thread_notes(harness)
    assert sum("proposed a change order for <@UDIR0001> to approve" in n for n in notes) == 2
    assert sum("approved the change order" in n for n in notes) == 1
    assert sum("rejected the change order" in n for n in notes) == 1


def test_an_artifact_keeps_its_version_history_and_any_number_of_links_can_be_added(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    for version, change in (("v1", "First cut"), ("v2", "Adds the Okta flow")):
        add_record(
            harness,
            detail,
            "artifact_version",
            world.pm,
            artifact=("plain_text_input", "Solution design"),
            version=("plain_text_input", version),
            change=("plain_text_input", change),
            url=("plain_text_input", f"https://docs.example.com/design/{version}"),
        )
    for kind, label, url in (
        ("dashboard", "Go-live burndown", "https://bi.example.com/d/42"),
        ("dashboard", "Defect trend", "https://bi.example.com/d/43"),
        ("other", "Customer SOW", "https://docs.example.com/sow"),
    ):
        add_record(
            harness,
            detail,
            "link",
            world.pm,
            link_kind=("static_select", kind),
            label=("plain_text_input", label),
            url=("plain_text_input", url),
        )
    bad = harness.submit_view(
        harness.standin.opened_views()[-1],
        values(
            link_kind=("static_select", "other"),
            label=("plain_text_input", "Bad"),
            url=("plain_text_input", "javascript:alert(1)"),
        ),
    )
    assert "url" in bad.json["errors"]
    shown = shown_detail(harness)
    assert "*Solution design* v2" in shown and "Adds the Okta flow" in shown
    assert "\\n    v1 (" in shown  # the history under the latest version
    assert "Dashboard: <https://bi.example.com/d/42|Go-live burndown>" in shown
    assert "Dashboard: <https://bi.example.com/d/43|Defect trend>" in shown
    assert "Link: <https://docs.example.com/sow|Customer SOW>" in shown
    harness.slash("export ESC-1")
    markdown = harness.standin.uploaded_files()[-1]["content"].decode()
    assert "| Solution design | v1 |" in markdown and "| Solution design | v2 |" in markdown
    assert "- Dashboard: Defect trend (https://bi.example.com/d/43)" in markdown
    assert sum("recorded *Solution design* version" in n for n in thread_notes(harness)) == 2


def test_the_morning_prompt_asks_about_impacts_and_other_projects_pms_and_resourcing_hear(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    standin, world = harness.standin, harness.world
    harness.tick_at(MONDAY + timedelta(days=1))  # Tuesday 09:00 in Los Angeles
    [morning] = [m for m in standin.dms_to(world.pm) if m.text.startswith("Morning")]
    assert "Did resources, budget or timeline change?" in json.dumps(morning.blocks)
    before = len(standin.opened_views())
    click_prompt(harness, "prompt_impacts", morning, world.pm)
    form = wait_for_view(harness, before)
    assert form["title"]["text"] == "Impact"
    answer = harness.submit_view(
        form,
        values(
            impact_kind=("static_select", "budget"),
            text=("plain_text_input", "Extra 60h of senior engineering: 12% over budget"),
            other_projects=("plain_text_input", "Globex onboarding, Initech phase 2"),
            other_pms=("multi_users_select", [world.ae, world.csm]),
        ),
    )
    assert answer.json is None, answer.body

    for pm in (world.ae, world.csm):
        [dm] = [m for m in standin.dms_to(pm) if "budget impact" in m.text]
        assert "Globex onboarding, Initech phase 2" in dm.text and "12% over budget" in dm.text
    resourcing = harness.services.gateway.resolve_channel(RESOURCING)
    [post] = standin.messages(resourcing)
    assert post.text.startswith(":busts_in_silhouette: Budget impact from ESC-1")
    assert "*Other projects affected:* Globex onboarding" in post.text
    [note] = [n for n in thread_notes(harness) if "impact" in n]
    assert "recorded a budget impact" in note and "(PMs <@UAE00001>, <@UCSM0001> told by DM)" in (
        note
    )


def test_budget_and_timeline_impacts_are_what_the_pmo_briefing_gets(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    for hours, kind in ((1, "resource"), (2, "budget"), (3, "timeline")):
        harness.clock.set(MONDAY + timedelta(hours=hours))
        add_record(
            harness,
            detail,
            "resource_impact",
            world.pm,
            impact_kind=("static_select", kind),
            text=("plain_text_input", f"{kind} changed"),
        )
    with harness.services.sessions() as session:
        since_start = impacts_since(session, 1, MONDAY)
        since_later = impacts_since(session, 1, MONDAY + timedelta(hours=3))
    assert [i.kind for i in since_start] == [ImpactKind.BUDGET, ImpactKind.TIMELINE]
    assert [i.text for i in since_later] == ["timeline changed"]
    # Money and dates without other projects stay in the thread; people go to resourcing.
    resourcing = harness.services.gateway.resolve_channel(RESOURCING)
    assert [m.text for m in harness.standin.messages(resourcing)] == [
        ":busts_in_silhouette: Resource impact from ESC-1 (Acme Corp), logged by <@UPM00001>: "
        "resource changed"
    ]


def test_a_blocker_resolves_with_who_when_and_how(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    world = harness.world
    detail = open_details(harness, world.pm)
    add_record(
        harness,
        detail,
        "blocker",
        world.pm,
        kind=("static_select", "blocker"),
        text=("plain_text_input", "Staging API returns 500 on bulk import"),
    )
    modal = picked_modal(harness, detail, "resolve_blocker", "resolve", "1", world.csm)
    assert harness.submit_view(modal, values(how=("plain_text_input", "  ")), user=world.csm).json[
        "errors"
    ] == {"how": "Say how it was resolved."}
    harness.clock.set(MONDAY + timedelta(hours=4))
    answer = harness.submit_view(
        modal, values(how=("plain_text_input", "Vendor hotfix 2.3.1 deployed")), user=world.csm
    )
    assert answer.json is None
    with harness.services.sessions() as session:
        blocker = session.get(Blocker, 1)
        assert blocker is not None
        assert (blocker.resolved_by, blocker.resolved_at, blocker.resolution) == (
            world.csm,
            MONDAY + timedelta(hours=4),
            "Vendor hotfix 2.3.1 deployed",
        )
    shown = shown_detail(harness)
    assert "resolved by <@UCSM0001>" in shown and "Vendor hotfix 2.3.1 deployed" in shown
    assert '"resolve_blocker"' not in shown  # nothing left to resolve
    assert any(
        n.startswith(":unlock: <@UCSM0001> resolved the blocker _Staging API returns 500")
        for n in thread_notes(harness)
    )


def stale_blocker_dms(harness: BotHarness) -> list[Any]:
    return [
        m for m in harness.standin.dms_to(harness.world.pm) if "Suggested Sev 2 trigger" in m.text
    ]


def test_a_sev2_blocker_open_five_business_days_suggests_the_trigger_to_the_dri(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness, "sev2")
    world = harness.world
    detail = open_details(harness, world.pm)
    add_record(
        harness,
        detail,
        "blocker",
        world.pm,
        kind=("static_select", "blocker"),
        text=("plain_text_input", "Vendor SSO connector fails certification"),
    )
    harness.tick_at(MONDAY + timedelta(days=4))  # Friday: four business days
    harness.tick_at(MONDAY + timedelta(days=7) - timedelta(minutes=1))
    assert stale_blocker_dms(harness) == []
    harness.tick_at(MONDAY + timedelta(days=7))  # next Monday, same hour: five
    [dm] = stale_blocker_dms(harness)
    assert "Technical blocker unresolved in 5 business days" in json.dumps(dm.blocks)
    harness.tick_at(MONDAY + timedelta(days=8))
    assert len(stale_blocker_dms(harness)) == 1

    click_prompt(harness, "add_suggested_trigger", dm, world.ae)
    assert harness.standin.dms_to(world.ae)[-1].text.startswith(
        "Only the DRI or PS leadership can add a trigger: <@UPM00001>"
    )
    assert "technical_blocker" not in {t.code for t in the_escalation(harness).triggers}
    click_prompt(harness, "add_suggested_trigger", dm, world.pm)
    escalation = the_escalation(harness)
    assert {t.code for t in escalation.triggers} == {"behind_schedule", "technical_blocker"}
    assert any(
        "added the trigger *Technical blocker unresolved" in n for n in thread_notes(harness)
    )
    root = harness.standin.messages(world.leadership_channel)[0]
    assert "Technical blocker unresolved" in json.dumps(root.blocks)


def test_a_sev1_blocker_is_never_suggested_as_a_sev2_trigger(
    make_harness: Callable[..., BotHarness],
) -> None:
    harness = opened(make_harness)
    detail = open_details(harness, harness.world.pm)
    add_record(
        harness,
        detail,
        "blocker",
        harness.world.pm,
        kind=("static_select", "blocker"),
        text=("plain_text_input", "Vendor SSO connector fails certification"),
    )
    harness.tick_at(MONDAY + timedelta(days=8))
    assert stale_blocker_dms(harness) == []


def test_a_sev2_that_uses_every_record_kind_tells_its_story_in_the_thread_and_the_export(
    make_harness: Callable[..., BotHarness],
) -> None:
    """The closing story: a Sev 2 with every Step 5 / Step 6 record, a stale blocker, two
    leadership decisions and a morning impact as a Sev 1; each change one note in the thread;
    the export shows all of it (written to $EXPORT_SAMPLE when set)."""
    harness = opened(make_harness, "sev2")
    standin, world = harness.standin, harness.world
    detail = open_details(harness, world.pm)
    steps: list[tuple[str, dict[str, tuple[str, Any]]]] = [
        (
            "milestone",
            {
                "title": ("plain_text_input", "SSO live for all users"),
                "success_criteria": ("plain_text_input", "500 users log in through Okta"),
            },
        ),
        (
            "task",
            {
                "milestone": ("static_select", "1"),
                "title": ("plain_text_input", "Certify the SSO connector"),
                "owner": ("users_select", world.csm),
                "due_on": ("datepicker", "2026-11-27"),
            },
        ),
        (
            "blocker",
            {
                "kind": ("static_select", "blocker"),
                "text": ("plain_text_input", "Vendor SSO connector fails certification"),
            },
        ),
        (
            "blocker",
            {
                "kind": ("static_select", "dependency"),
                "text": ("plain_text_input", "Customer IT opens the firewall"),
            },
        ),
        (
            "alternative",
            {
                "approach": ("plain_text_input", "SAML directly, without the connector"),
                "pros": ("plain_text_input", "No vendor"),
                "cons": ("plain_text_input", "3 more days"),
                "risks": ("plain_text_input", None),
            },
        ),
        (
            "requirement",
            {
                "text": ("plain_text_input", "SSO through the customer's Okta"),
                "checks": ("plain_text_input", "Login works\nLogout clears session"),
            },
        ),
        (
            "requirement_change",
            {
                "change": ("plain_text_input", "MFA moves to phase 3"),
                "approver": ("users_select", world.director),
                "approved_on": ("datepicker", "2026-11-23"),
            },
        ),
        (
            "change_order",
            {
                "description": ("plain_text_input", "40h for the SAML fallback"),
                "approver": ("users_select", world.director),
            },
        ),
        (
            "artifact_version",
            {
                "artifact": ("plain_text_input", "Solution design"),
                "version": ("plain_text_input", "v1"),
                "change": ("plain_text_input", "First cut"),
                "url": ("plain_text_input", None),
            },
        ),
        (
            "artifact_version",
            {
                "artifact": ("plain_text_input", "Solution design"),
                "version": ("plain_text_input", "v2"),
                "change": ("plain_text_input", "SAML fallback"),
                "url": ("plain_text_input", "https://docs.example.com/design/v2"),
            },
        ),
        (
            "raid",
            {
                "category": ("static_select", "risk"),
                "text": ("plain_text_input", "Customer change freeze from Dec 15"),
                "owner": ("users_select", world.manager),
            },
        ),
        (
            "resource_impact",
            {
                "impact_kind": ("static_select", "resource"),
                "text": ("plain_text_input", "Priya moves off Globex for two weeks"),
                "other_projects": ("plain_text_input", "Globex onboarding"),
                "other_pms": ("multi_users_select", [world.ae]),
            },
        ),
        (
            "link",
            {
                "link_kind": ("static_select", "dashboard"),
                "label": ("plain_text_input", "Go-live burndown"),
                "url": ("plain_text_input", "https://bi.example.com/d/42"),
            },
        ),
        (
            "link",
            {
                "link_kind": ("static_select", "other"),
                "label": ("plain_text_input", "Customer SOW"),
                "url": ("plain_text_input", "https://docs.example.com/sow"),
            },
        ),
    ]
    for minutes, (kind, fields) in enumerate(steps):
        harness.clock.set(MONDAY + timedelta(minutes=minutes))
        add_record(harness, detail, kind, world.pm, **fields)
    # Tick the task, validate and sign off the requirement, approve the change order.
    harness.interact(
        {
            "type": "block_actions",
            "user": {"id": world.csm, "name": "c", "team_id": "T0001"},
            "trigger_id": standin.new_trigger_id(),
            "view": {"id": detail["id"]},
            "actions": [
                {
                    "action_id": "task_done:1",
                    "block_id": "tasks:1:1",
                    "type": "checkboxes",
                    "selected_options": [{"value": "1"}],
                    "action_ts": "1",
                }
            ],
        }
    )
    modal = picked_modal(harness, detail, "validate_requirement", "validate", "1", world.director)
    harness.submit_view(
        modal,
        {
            "checks": {"checks": checks(1, 2)},
            "sign_off": {
                "sign_off": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
            },
        },
        user=world.director,
    )
    pick(harness, detail, "decide_change_order", "decide", "approved:1", world.director)

    # Five business days on, the blocker is suggested as a trigger, and the DRI adds it.
    harness.tick_at(MONDAY + timedelta(days=7, minutes=5))
    [suggestion] = stale_blocker_dms(harness)
    click_prompt(harness, "add_suggested_trigger", suggestion, world.pm)
    modal = picked_modal(harness, detail, "resolve_blocker", "resolve", "1", world.pm)
    harness.submit_view(modal, values(how=("plain_text_input", "Vendor hotfix 2.3.1")))

    # Leadership first keeps it in Sev 2, then escalates it to Sev 1 Critical.
    harness.clock.set(MONDAY + timedelta(days=7, hours=1))
    channel, ts = world.leadership_channel, root_ts(harness)
    harness.click("decide_remain", "1", user=world.leader, channel=channel, message_ts=ts)
    before = len(standin.opened_views())
    harness.click("decide_promote", "1", user=world.leader, channel=channel, message_ts=ts)
    harness.submit_view(
        wait_for_view(harness, before),
        {
            "level": {"level": {"type": "static_select", "selected_option": {"value": "critical"}}},
            "note": {"note": {"type": "plain_text_input", "value": "Go-live at risk"}},
        },
        user=world.leader,
    )
    assert the_escalation(harness).severity is Severity.SEV1

    # The next morning the DRI records a timeline impact from the morning prompt.
    harness.tick_at(MONDAY + timedelta(days=8))
    [morning] = [m for m in standin.dms_to(world.pm) if m.text.startswith("Morning")]
    before = len(standin.opened_views())
    click_prompt(harness, "prompt_impacts", morning, world.pm)
    answer = harness.submit_view(
        wait_for_view(harness, before),
        values(
            impact_kind=("static_select", "timeline"),
            text=("plain_text_input", "Go-live moves from Dec 12 to Dec 19"),
            other_projects=("plain_text_input", None),
            other_pms=("multi_users_select", []),
        ),
    )
    assert answer.json is None, answer.body

    notes = thread_notes(harness)
    expected_once = [
        "added the milestone *SSO live for all users*",
        "added the task _Certify the SSO connector_",
        "on *SSO live for all users*: done _Certify the SSO connector_ · now 100% complete",
        "logged a blocker: Vendor SSO connector fails certification",
        "logged a dependency: Customer IT opens the firewall",
        "added an alternative: SAML directly",
        "recorded a requirement (2 validation checks)",
        "signed off the requirement _SSO through the customer's Okta_",
        "logged a requirement change approved by <@UDIR0001>",
        "proposed a change order for <@UDIR0001> to approve",
        "approved the change order _40h for the SAML fallback_",
        "recorded *Solution design* version v1",
        "recorded *Solution design* version v2",
        "added a RAID risk: Customer change freeze",
        "recorded a resource impact: Priya moves off Globex",
        "added a dashboard: <https://bi.example.com/d/42|Go-live burndown>",
        "added a link: <https://docs.example.com/sow|Customer SOW>",
        "added the trigger *Technical blocker unresolved in 5 business days*",
        "resolved the blocker _Vendor SSO connector fails certification_: Vendor hotfix 2.3.1",
        "decided ESC-1 remains in Sev 2 monitoring",
        "escalated ESC-1 to *Sev 1 Critical*",
        "recorded a timeline impact: Go-live moves from Dec 12 to Dec 19",
    ]
    for line in expected_once:
        assert sum(line in note for note in notes) == 1, line
    assert [m.text for m in standin.dms_to(world.ae) if "resource impact" in m.text]

    harness.slash("export ESC-1")
    markdown = standin.uploaded_files()[-1]["content"].decode()
    if target := os.environ.get("EXPORT_SAMPLE"):
        Path(target).write_text(markdown)
    for expected in (
        "### SSO live for all users (100%)",
        "- [x] Certify the SSO connector (owner Casey CSM (UCSM0001), due 2026-11-27)",
        "- Blocker: Vendor SSO connector fails certification (logged 2026-11-23 17:02 UTC by "
        "Pat PM (UPM00001); resolved 2026-11-30 17:05 UTC by Pat PM (UPM00001): "
        "Vendor hotfix 2.3.1)",
        "- Dependency: Customer IT opens the firewall (logged 2026-11-23 17:03 UTC by Pat PM "
        "(UPM00001); open)",
        "### SSO through the customer's Okta",
        "2/2 checks; signed off",
        "- [x] Login works (Dana Director (UDIR0001)",
        "| MFA moves to phase 3 | Dana Director (UDIR0001) | 2026-11-23 |",
        "| 40h for the SAML fallback | Dana Director (UDIR0001) | approved |",
        "| Solution design | v1 |",
        "| Solution design | v2 |",
        "https://docs.example.com/design/v2 |",
        "- Risk: Customer change freeze from Dec 15",
        "| resource | Priya moves off Globex for two weeks | Globex onboarding | Alex AE (UAE00001) |",
        "| timeline | Go-live moves from Dec 12 to Dec 19 | — | — |",
        "- Dashboard: Go-live burndown (https://bi.example.com/d/42)",
        "- Link: Customer SOW (https://docs.example.com/sow)",
        "- Technical blocker unresolved in 5 business days",
        "| trigger_suggested |",
        "| trigger_added |",
        "| blocker_resolved |",
        "| requirement_signed_off |",
        "| change_order_decided |",
        "| kept_in_sev2 |",
        "| promoted |",
    ):
        assert expected in markdown, expected
    with harness.services.sessions() as session:
        kinds = {e.kind for e in session.query(TimelineEvent).all()}
    assert {EventKind.TRIGGER_SUGGESTED, EventKind.TASK_DONE, EventKind.PROMOTED} <= kinds


# -- the pure parts ----------------------------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")


def test_a_blocker_is_five_business_days_old_a_calendar_week_later_whatever_the_weekday() -> None:
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=NEW_YORK)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=NEW_YORK)
    assert business_days_later(friday, 5, NEW_YORK) == datetime(2026, 12, 4, 10, 0, tzinfo=NEW_YORK)
    # Logged on a weekend, Monday to Friday are the five.
    assert business_days_later(saturday, 5, NEW_YORK) == datetime(
        2026, 12, 4, 10, 0, tzinfo=NEW_YORK
    )
    # Across the end of daylight saving time it keeps the local hour.
    october = datetime(2026, 10, 30, 10, 0, tzinfo=NEW_YORK)
    later = business_days_later(october.astimezone(UTC), 5, NEW_YORK)
    assert later.astimezone(NEW_YORK).hour == 10 and later.tzinfo is UTC


def requirement_form(checks_text: str) -> dict[str, Any]:
    return values(
        text=("plain_text_input", "Reports export to CSV"), checks=("plain_text_input", checks_text)
    )


def test_a_requirement_takes_one_check_a_line_and_at_most_ten() -> None:
    parsed, errors = parse_record(
        RecordKind.REQUIREMENT, requirement_form("- [ ] Opens in Excel\n\n* UTF-8 names\n")
    )
    assert errors == {} and check_lines(parsed["checks"]) == ["Opens in Excel", "UTF-8 names"]
    _, errors = parse_record(
        RecordKind.REQUIREMENT, requirement_form("\n".join(f"check {n}" for n in range(11)))
    )
    assert errors == {"checks": "At most 10 checks (11 lines given): split the requirement in two."}
    _, errors = parse_record(RecordKind.REQUIREMENT, requirement_form("-\n*\n"))
    assert errors == {"checks": "Write at least one check, one a line."}


def test_a_link_must_be_a_web_address_and_its_kind_one_of_the_choices() -> None:
    _, errors = parse_record(
        RecordKind.LINK,
        values(
            link_kind=("static_select", "wiki"),
            label=("plain_text_input", "x"),
            url=("plain_text_input", "https://ok.example.com/a|b"),
        ),
    )
    assert set(errors) == {"link_kind", "url"}

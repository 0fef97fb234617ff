"""The weekly Sev 1 review (SPEC flow 2 "Weekly"): the Friday prompt opens a form for the
stakeholder communication summary, budget and timeline impact, resource allocation review,
RAID review and updated forecast; it is stored and posted in the thread, and overdue (the
DRI is told) when missing one business day later."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.cadence.engine import cadence_state_of
from bot.clock import ManualClock
from bot.models import WeeklyReview
from bot.policy.cadence import CadenceSettings, weekly_review_overdue
from tests.flows import (
    click_prompt,
    open_escalation,
    root_ts,
    the_escalation,
    wait_for_receipt,
    wait_for_view,
)
from tests.harness import BotHarness
from tests.walking import LA, Transcript, local, walk

HOSTILE = "<!channel> <@U123> <https://evil.example|click> " + "x" * 40_000


def opened(make_harness: Callable[..., BotHarness], clock: ManualClock) -> BotHarness:
    clock.set(local(0, 9, 0))
    harness = make_harness()
    wait_for_receipt(harness, open_escalation(harness, level="high"))
    return harness


def answers(**overrides: str | None) -> dict[str, Any]:
    fields: dict[str, str | None] = {
        "stakeholder_communication": "CIO briefed Tuesday and Thursday; AE and CSM on both calls.",
        "budget_timeline_impact": "+40 h (6% over budget); go-live moves one week to Dec 12.",
        "resource_allocation": "Senior engineer added in the PSA from Monday.",
        "forecast": "Green by Dec 12 if UAT passes on Dec 8.",
        "raid_notes": "Risk R3 (UAT data) mitigated.",
    }
    fields.update(overrides)
    values: dict[str, Any] = {
        name: {name: {"type": "plain_text_input", "value": value}} for name, value in fields.items()
    }
    values["raid_reviewed"] = {
        "raid_reviewed": {"type": "radio_buttons", "selected_option": {"value": "yes"}}
    }
    return values


def friday_prompt(harness: BotHarness) -> Any:
    return next(
        m for m in harness.standin.dms_to(harness.world.pm) if m.text.startswith("Weekly Sev 1")
    )


def open_form(harness: BotHarness, dm: Any) -> dict[str, Any]:
    before = len(harness.standin.opened_views())
    click_prompt(harness, "prompt_weekly_review", dm, harness.world.pm)
    return wait_for_view(harness, before)


def reviews(harness: BotHarness) -> list[WeeklyReview]:
    with harness.services.sessions() as session:
        return list(session.scalars(select(WeeklyReview).order_by(WeeklyReview.id)))


def test_the_friday_review_is_stored_posted_in_the_thread_and_never_overdue(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened(make_harness, clock)
    standin, world = harness.standin, harness.world
    walk(harness, local(4, 10, 0))
    view = open_form(harness, friday_prompt(harness))
    assert view["title"]["text"] == "Weekly Sev 1 review"
    # Nothing left out silently: each empty question is named.
    refused = harness.submit_view(view, answers(forecast=None, resource_allocation=" "))
    assert set(refused.json["errors"]) == {"forecast", "resource_allocation"}
    assert reviews(harness) == []

    ok = harness.submit_view(view, answers(budget_timeline_impact=HOSTILE), user=world.pm)
    assert ok.status == 200
    harness.deliver()
    [review] = reviews(harness)
    assert review.week == "2026-W48" and review.raid_reviewed and review.author == world.pm
    assert the_escalation(harness).last_weekly_review_at == review.at
    posted = standin.replies(world.leadership_channel, root_ts(harness))[-1]
    shown = json.dumps(posted.blocks)
    assert posted.text.startswith("ESC-1 weekly review (2026-W48)")
    for label in (
        "Stakeholder communication",
        "Budget and timeline impact",
        "Resource allocation",
        "Updated forecast",
        "RAID register",
    ):
        assert label in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert all(len(b["text"]["text"]) <= 3000 for b in posted.blocks if b["type"] == "section")

    log = Transcript(harness)
    walk(harness, local(7, 11, 0), transcript=log)
    assert not any("still missing" in line and "Weekly" in line for line in log.lines)


def test_a_missing_review_is_overdue_one_business_day_later_and_the_dri_is_told(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened(make_harness, clock)
    world = harness.world
    walk(harness, local(4, 10, 0))
    log = Transcript(harness)
    walk(harness, local(7, 10, 30), transcript=log)
    assert [line for line in log.lines if "Weekly" in line] == [
        "Mon2 10:00 DM to DRI: Weekly Sev 1 review still missing: ESC-1 · Sev 1 High · Acme Corp"
    ]
    escalation = the_escalation(harness)
    state = cadence_state_of(escalation, LA)
    settings = CadenceSettings.from_settings(harness.settings)
    assert weekly_review_overdue(state, settings, local(7, 10, 30))
    assert not weekly_review_overdue(state, settings, local(7, 9, 30))
    # The nudge's button opens the same week's form.
    nudge = next(m for m in harness.standin.dms_to(world.pm) if "review still missing" in m.text)
    view = open_form(harness, nudge)
    assert harness.submit_view(view, answers(), user=world.pm).status == 200
    [review] = reviews(harness)
    assert review.week == "2026-W48"
    state = cadence_state_of(the_escalation(harness), LA)
    assert not weekly_review_overdue(state, settings, local(7, 11, 0))


def test_someone_outside_the_escalation_cannot_submit_its_review(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = opened(make_harness, clock)
    walk(harness, local(4, 10, 0))
    view = open_form(harness, friday_prompt(harness))
    refused = harness.submit_view(view, answers(), user="UOTHER01")
    assert "Only the DRI" in refused.json["errors"]["stakeholder_communication"]
    assert reviews(harness) == []

"""Flow 4, seed 000 step 1: a project sold under the new MSA follows the Hours Expired
closure from day 7, and none of the stalled procedure's steps."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from bot.clock import ManualClock
from bot.domain import EventKind, State
from tests.flows import the_escalation
from tests.harness import BotHarness
from tests.ladder_story import (
    SAM,
    SPONSOR,
    Transcript,
    people_of,
    press,
    silent_customer,
    walk_to,
)

# What the silence itself sends; the transcript also holds the cadence's own messages (a Sev 2's
# Monday update prompt, the DRI's nudge and the manager's note when it goes unanswered, the
# review call's reminder to the DRI the day before and its agenda), which other flows own.
SILENT_MONTH = [
    "day  7 DM DRI: ESC-1: customer silent for 7 days: Hours Expired closure",
    "day  7 thread: :hourglass: ESC-1: no answer from Acme Corp for 7 days (asked via email on"
    " <!date^1795420800^{date_short}|2026",
    "day 14 DM DRI: ESC-1: customer silent for 14 days: Hours Expired closure",
    "day 21 DM DRI: ESC-1: customer silent for 21 days: Hours Expired closure",
    "day 28 DM DRI: ESC-1: customer silent for 28 days: Hours Expired closure",
]
CADENCE = (
    "Weekly Sev 2 update",
    "the weekly Sev 2 update on",
    "portfolio review is tomorrow",
    "portfolio review agenda",
)


def test_a_new_msa_projects_silent_month_is_hours_expired_prompts_to_the_dri_only(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(
        make_harness,
        clock,
        form={"new_msa": True},
        sales_ops_user_ids=[SAM],
        executive_sponsor_user_id=SPONSOR,
    )
    transcript = Transcript(harness, people_of(harness))
    lines = transcript.walk(31)
    if target := os.environ.get("NEW_MSA_TRANSCRIPT"):
        Path(target).write_text("\n".join(transcript.detailed) + "\n")
    ladder_lines = [line for line in lines if not any(c in line for c in CADENCE)]
    assert ladder_lines == SILENT_MONTH
    # Of the ladder, only the DRI and the thread hear anything (the cadence's own messages,
    # such as the missed-weekly note that also DMs the manager, are not the ladder's).
    assert all(
        line[7:].startswith(("DM DRI:", "thread:", "#ps-project-leadership: Y/R/Blocked"))
        for line in ladder_lines
    )
    escalation = the_escalation(harness)
    assert escalation.state is not State.STALLED
    assert not [e for e in escalation.timeline if "stalled" in e.text.lower()]
    # Nobody but the DRI hears of the silence: no AE, manager, sponsor or Sales Ops step
    # (the stakeholders' welcome at open and the cadence's own DMs are not the ladder's).
    world, standin = harness.world, harness.standin
    for someone in (world.ae, world.manager, SPONSOR, SAM):
        ladder_dms = [
            m.text for m in standin.dms_to(someone) if "respon" in m.text or "Sales Ops" in m.text
        ]
        assert ladder_dms == [], someone
    assert standin.dms_to(SPONSOR) == standin.dms_to(SAM) == []


def test_the_hours_expired_prompt_leads_to_closure_not_to_the_stalled_steps(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"new_msa": True})
    walk_to(harness, 7.2)
    world, standin = harness.world, harness.standin
    [prompt] = [m for m in standin.dms_to(world.pm) if "silent for 7 days" in m.text]
    text = json.dumps(prompt.blocks)
    assert "Project Closure - Hours Expired" in text
    assert "Add a *Stalled* task" not in text and "Stalled notice sent" not in text
    before = len(standin.opened_views())
    press(harness, prompt, "esc_resolve", world.pm)
    [closure_form] = standin.opened_views()[before:]
    assert closure_form["callback_id"] == "resolve_escalation"
    walk_to(harness, 14.2)
    [reminder] = [m for m in standin.dms_to(world.pm) if "silent for 14 days" in m.text]
    assert "Reminder: the *Hours Expired* closure is still open" in json.dumps(reminder.blocks)
    steps = [e.text for e in the_escalation(harness).timeline if e.kind is EventKind.LADDER_STEP]
    assert steps == [
        "Day 7: customer unresponsive; new MSA, Hours Expired closure prompted",
        "Day 14: customer unresponsive; new MSA, Hours Expired closure prompted",
    ]


def test_the_new_msa_wait_form_says_which_path_it_will_take(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, form={"new_msa": True})
    [wait_form] = [
        v for v in harness.standin.opened_views() if v["callback_id"] == "waiting_on_customer"
    ]
    text = json.dumps(wait_form["blocks"])
    assert "new MSA" in text and "Hours Expired" in text and "Sales Ops" not in text

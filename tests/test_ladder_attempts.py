"""Flow 4: each rung of the stalled procedure asks the DRI to confirm the attempt; the Sales
Ops hand-off lists what was confirmed, with dates, and says what was not."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.clock import ManualClock
from bot.domain import AttemptKind, EventKind
from bot.models import ContactAttempt
from tests.flows import the_escalation
from tests.harness import BotHarness
from tests.ladder_story import SAM, SASHA, press, silent_customer, told, walk_to

CONFIRM = "wait_attempt_confirmed"


def prompt_of_day(harness: BotHarness, day: int) -> Any:
    [prompt] = [
        m for m in harness.standin.dms_to(harness.world.pm) if f"silent for {day} days" in m.text
    ]
    return prompt


def buttons_of(prompt: Any) -> list[str]:
    return [
        element["text"]["text"]
        for block in prompt.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == CONFIRM
    ]


def test_each_rung_has_its_own_confirmation_button(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, sales_ops_user_ids=[SAM])
    walk_to(harness, 28.2)
    assert [buttons_of(prompt_of_day(harness, day)) for day in (7, 14, 21, 28)] == [
        ["Stalled notice sent"],
        ["Called and emailed"],
        ["Final notice sent"],
        [],
    ]


def test_the_hand_off_lists_confirmed_attempts_with_dates_and_says_which_were_not(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, sales_ops_user_ids=[SAM, SASHA])
    world = harness.world
    walk_to(harness, 7.5)
    press(harness, prompt_of_day(harness, 7), CONFIRM, world.pm)
    assert told(harness, world.pm)[-1].startswith("Recorded: Project Stalled notice sent")
    walk_to(harness, 22.5)
    press(harness, prompt_of_day(harness, 21), CONFIRM, world.pm)
    walk_to(harness, 28.2)

    for sales_ops in (SAM, SASHA):
        [handoff] = harness.standin.dms_to(sales_ops)
        blocks = json.dumps(handoff.blocks)
        stalled_at = int(clock_at(harness, AttemptKind.STALLED_NOTICE).timestamp())
        final_at = int(clock_at(harness, AttemptKind.FINAL_NOTICE).timestamp())
        assert (
            f":white_check_mark: Project Stalled notice sent to the customer and their sponsor: "
            f"confirmed by <@{world.pm}> on <!date^{stalled_at}^{{date_short}}|2026-12-01 05:00 UTC>"
        ) in blocks
        assert (
            f"Project Stalled Final Notice sent: confirmed by <@{world.pm}> on <!date^{final_at}"
            in blocks
        )
        assert (
            ":grey_question: Called the customer, then sent the 2nd attempt voicemail "
            "follow-up email: *not confirmed* by the DRI"
        ) in blocks
        assert "/escalate export ESC-1" in blocks and "wait_sales_ops_export" in blocks
    confirmed = [
        e for e in the_escalation(harness).timeline if e.kind is EventKind.ATTEMPT_CONFIRMED
    ]
    assert len(confirmed) == 2


def clock_at(harness: BotHarness, kind: AttemptKind) -> datetime:
    with harness.services.sessions() as session:
        [attempt] = session.query(ContactAttempt).filter_by(kind=kind).all()
        return attempt.confirmed_at


def test_an_attempt_is_confirmed_once(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock)
    walk_to(harness, 7.5)
    prompt = prompt_of_day(harness, 7)
    press(harness, prompt, CONFIRM, harness.world.pm)
    press(harness, prompt, CONFIRM, harness.world.pm)
    assert told(harness, harness.world.pm)[-1].startswith(
        "Already confirmed by <@UPM00001> on <!date^"
    )
    with harness.services.sessions() as session:
        assert session.query(ContactAttempt).count() == 1


def test_only_the_escalations_team_confirms_attempts(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock)
    walk_to(harness, 7.5)
    press(harness, prompt_of_day(harness, 7), CONFIRM, harness.world.csm)
    assert told(harness, harness.world.csm)[-1].startswith("Only the DRI, the direct manager")
    with harness.services.sessions() as session:
        assert session.query(ContactAttempt).count() == 0


def test_export_button_on_the_hand_off_sends_the_record_with_the_attempts(
    make_harness: Callable[..., BotHarness], clock: ManualClock
) -> None:
    harness = silent_customer(make_harness, clock, sales_ops_user_ids=[SAM])
    walk_to(harness, 7.5)
    press(harness, prompt_of_day(harness, 7), CONFIRM, harness.world.pm)
    walk_to(harness, 28.2)
    [handoff] = harness.standin.dms_to(SAM)
    press(harness, handoff, "wait_sales_ops_export", SAM)
    [shared] = harness.standin.uploaded_files()
    markdown = shared["content"].decode()
    assert "Project Stalled notice sent to the customer and their sponsor: confirmed by" in markdown
    assert "Project Stalled Final Notice sent: not confirmed" in markdown
    assert told(harness, SAM)[-1] == "I sent you ESC-1 as Markdown in a DM."

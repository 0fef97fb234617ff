"""The pure rules of which ladder path a project takes, who the sales contact is, and the
settings that name Sales Ops and the sales manager."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain import AttemptKind
from bot.escalations.customer import OutcomeDeciders, sales_ops_channel, sales_ops_people
from bot.policy.ladder import StepPlan, sales_contact, step_plan
from bot.settings import Settings, describe_error


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_new_msa_project_only_ever_gets_the_hours_expired_closure(step: int) -> None:
    assert step_plan(step, new_msa=True) == StepPlan(hours_expired_closure=True)


def test_the_stalled_procedure_asks_for_one_attempt_per_rung_then_hands_off() -> None:
    plans = [step_plan(step, new_msa=False) for step in (1, 2, 3, 4)]
    assert [plan.attempt for plan in plans] == [
        AttemptKind.STALLED_NOTICE,
        AttemptKind.CALLED,
        AttemptKind.FINAL_NOTICE,
        None,
    ]
    assert [plan.reach_sales_contact for plan in plans] == [False, True, False, False]
    assert [plan.hand_to_sales_ops for plan in plans] == [False, False, False, True]
    assert [plan.loop_in_manager_and_sponsor for plan in plans] == [False, False, False, True]
    assert all(plan.mark_stalled and not plan.hours_expired_closure for plan in plans)


def test_the_sales_contact_is_the_ae_else_the_sales_manager_else_nobody() -> None:
    assert sales_contact("UAE00001", "USMGR001") == "UAE00001"
    assert sales_contact(None, "USMGR001") == "USMGR001"
    assert sales_contact(None, None) is None


def test_sales_ops_people_come_from_the_list_and_a_single_user_in_sales_ops() -> None:
    configured = settings(sales_ops_user_ids="USALES01, USALES02", sales_ops="USALES03")
    assert sales_ops_people(configured) == ["USALES01", "USALES02", "USALES03"]
    assert sales_ops_channel(configured) is None
    by_channel = settings(sales_ops_user_ids="USALES01", sales_ops="sales-ops")
    assert sales_ops_people(by_channel) == ["USALES01"]
    assert sales_ops_channel(by_channel) == "sales-ops"


def test_only_sales_ops_people_and_leadership_decide() -> None:
    deciders = OutcomeDeciders.from_settings(
        settings(
            sales_ops_user_ids="USALES01",
            sales_ops="CSALES001",
            leadership_user_ids="ULEAD001",
            director_ps_user_id="UDIR0001",
        )
    )
    assert deciders.may_decide("USALES01") and deciders.may_decide("UDIR0001")
    assert not deciders.may_decide("UPM00001") and not deciders.may_decide("CSALES001")
    assert deciders.refusal() == (
        "Only Sales Ops or PS leadership can record the outcome: "
        "<@USALES01>, <@ULEAD001>, <@UDIR0001>."
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("sales_ops_user_ids", "USALES01,sales-ops"), ("sales_manager_user_id", "C0SALES01")],
)
def test_a_sales_setting_that_is_not_a_user_id_stops_start_up_naming_it(
    name: str, value: str
) -> None:
    with pytest.raises(ValidationError) as error:
        settings(**{name: value})
    assert describe_error(error.value).startswith(f"setting {name.upper()} is invalid")


def test_an_empty_sales_manager_setting_means_none() -> None:
    assert settings(sales_manager_user_id="").sales_manager_user_id is None

"""What a PM types into the open-escalation modal, and what they are told when it's wrong."""

from __future__ import annotations

from bot.domain import Health, Level, LinkKind, Role, Severity
from bot.escalations.form import parse_open_form
from tests.factories import open_form
from tests.world import World

WORLD = World(
    leadership_channel="CLEAD0001", internal_channel="CINT00001", customer_channel="CCUST0001"
)


def parse(severity: str = "sev1", check_user=lambda _user: None, **overrides):  # type: ignore[no-untyped-def]
    return parse_open_form(
        Severity(severity),
        open_form(WORLD, severity, **overrides),
        leadership_channel_id=WORLD.leadership_channel,
        check_user=check_user,
    )


def test_a_complete_sev1_form_becomes_an_escalation_form() -> None:
    form, errors = parse()
    assert errors == {}
    assert form is not None
    assert form.level is Level.CRITICAL and form.health is Health.RED
    assert form.people[Role.DRI] == WORLD.pm and form.people[Role.CSM] == WORLD.csm
    assert form.links[LinkKind.TRACKER] == "https://app.clickup.com/t/abc"
    assert form.triggers == ["formal_escalation"]


def test_missing_required_fields_are_each_named() -> None:
    form, errors = parse(
        customer="  ", project=None, summary="", level=None, dri=None, manager=None, director=None
    )
    assert form is None
    assert set(errors) == {"customer", "project", "summary", "level", "dri", "manager", "director"}
    assert errors["level"] == "Choose Critical, High or Medium."


def test_no_trigger_chosen_is_refused_with_the_reason() -> None:
    _, errors = parse(triggers=[])
    assert errors == {"triggers": "Choose at least one trigger: it is why this is escalated."}


def test_a_sev2_trigger_cannot_open_a_sev1() -> None:
    _, errors = parse(triggers=["over_budget"])
    assert errors["triggers"] == "Not a Sev 1 trigger: over_budget."


def test_links_must_be_http_or_https() -> None:
    _, errors = parse(
        psa_link="ftp://psa.example.com/42",
        tracker_link="javascript:alert(1)",
        document_link="docs.example.com/x",
    )
    assert set(errors) == {"psa_link", "tracker_link", "document_link"}
    assert all("https://" in message for message in errors.values())


def test_customer_channel_cannot_be_the_leadership_channel() -> None:
    _, errors = parse(customer_channel=WORLD.leadership_channel)
    assert "leadership channel" in errors["customer_channel"]


def test_customer_channel_cannot_be_the_internal_channel() -> None:
    _, errors = parse(customer_channel=WORLD.internal_channel)
    assert "internal project channel" in errors["customer_channel"]


def test_a_bot_or_deactivated_user_is_refused_where_they_were_chosen() -> None:
    problems = {
        WORLD.pm: "Some Bot is a bot; choose a person.",
        WORLD.ae: "Gone Person's account is deactivated; choose someone active.",
    }
    _, errors = parse(check_user=problems.get)
    assert errors == {"dri": problems[WORLD.pm], "ae": problems[WORLD.ae]}


def test_sev2_needs_a_path_to_green_but_no_level() -> None:
    form, errors = parse("sev2", path_to_green="")
    assert form is None
    assert errors == {"path_to_green": "Sev 2 needs a path to green (mitigations, timeline)."}
    form, errors = parse("sev2")
    assert errors == {} and form is not None and form.level is None


def test_optional_people_and_links_may_be_left_empty() -> None:
    form, errors = parse(
        ae=None,
        csm=None,
        psa_link=None,
        tracker_link=None,
        document_link=None,
        internal_channel=None,
        customer_channel=None,
    )
    assert errors == {}
    assert form is not None and Role.AE not in form.people and form.links == {}

"""The Y/R review loop (SPEC flow 3): the agenda lists every open escalation, continued over
as many messages as it needs, never cut at Slack's 50-block limit."""

from __future__ import annotations

import json

from blocks.portfolio import agenda_messages
from bot.domain import Severity
from tests.every_builder import NOW, an_escalation

HOSTILE = "<!channel> Acme <@U123> " + "z" * 5000


def test_an_agenda_of_130_escalations_is_continued_over_several_messages_with_every_one() -> None:
    escalations = [
        an_escalation(
            HOSTILE,
            "https://psa.example.com/1",
            id=n,
            severity=Severity.SEV2 if n % 2 else Severity.SEV1,
        )
        for n in range(1, 131)
    ]
    messages = agenda_messages(escalations, NOW, NOW)
    assert len(messages) >= 3
    shown = ""
    for number, (text, blocks) in enumerate(messages, start=1):
        payload = [b.to_dict() for b in blocks]
        assert len(payload) <= 50
        assert text == f"Y/R/Blocked portfolio review agenda (part {number} of {len(messages)})"
        shown += json.dumps(payload)
    for n in range(1, 131):
        assert f"*ESC-{n}*" in shown
    # Every Sev 2 keeps its decision row, wherever it lands.
    assert shown.count('"decide_promote"') == 65
    assert "<!channel>" not in shown
    assert "more open escalations" not in shown


def test_a_short_agenda_is_one_message() -> None:
    escalations = [an_escalation("Acme", "https://psa.example.com/1", id=n) for n in range(1, 4)]
    [(text, blocks)] = agenda_messages(escalations, NOW, NOW)
    assert text == "Y/R/Blocked portfolio review agenda"
    assert len(blocks) == 5

"""The open form sent to views.open is the validated model's rendering, whatever is typed."""

from __future__ import annotations

from typing import Any

import pytest

from blocks.open_modal import open_escalation_modal, open_escalation_view
from bot.domain import Severity

TYPED = [
    "",
    "Acme Corp",
    "<!channel> <@U123> <https://x|y> & co",
    "Ünïcödé 🚀 \u202e",
    "x" * 40_000,
]


@pytest.mark.parametrize("severity", list(Severity))
@pytest.mark.parametrize("customer", TYPED)
@pytest.mark.parametrize(
    ("opener", "director", "metadata", "sync_hours"),
    [
        (None, None, None, 4),
        ("UPM00001", "UDIR0001", {"response_url": "https://hooks.slack.com/x"}, 2.5),
    ],
)
def test_the_cached_form_is_the_models_rendering(
    severity: Severity,
    customer: str,
    opener: str | None,
    director: str | None,
    metadata: dict[str, Any] | None,
    sync_hours: float,
) -> None:
    arguments: dict[str, Any] = dict(
        customer=customer,
        opener=opener,
        director=director,
        metadata=metadata,
        sync_hours=sync_hours,
    )
    expected = open_escalation_modal(severity, **arguments).to_dict()
    assert open_escalation_view(severity, **arguments) == expected
    # Twice: the second comes from the cache, and the first call's values did not stick to it.
    assert open_escalation_view(severity, **arguments) == expected
    assert open_escalation_view(severity, director=director, sync_hours=sync_hours) == (
        open_escalation_modal(severity, director=director, sync_hours=sync_hours).to_dict()
    )

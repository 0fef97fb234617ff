"""App Home: each person's escalations, and all of them for leadership."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from blocks.insights import home_figures
from blocks.overview import OPEN_SEV1, OPEN_SEV2, given_up_line, home_view
from bot import people
from bot.delivery.gateway import SlackProblem
from bot.domain import Role, Severity
from bot.escalations import attention, insights, service
from bot.runtime import Services
from bot.slack.modals import open_escalation_form, telling

log = logging.getLogger(__name__)


def publish_home(services: Services, user_id: str) -> None:
    # Leadership sees the figures of the last 30 days, in their own time zone.
    tz = people.timezone_of(services, user_id) if services.settings.is_leadership(user_id) else None
    with services.sessions() as session:
        involved = service.involving(session, user_id)
        mine = [e for e in involved if e.person(Role.DRI) == user_id]
        watching = [e for e in involved if e.person(Role.DRI) != user_id]
        everyone = (
            service.open_escalations(session) if services.settings.is_leadership(user_id) else None
        )
        now = services.clock.now()
        leadership = services.settings.is_leadership(user_id)
        failures = attention.given_up(
            session, None if leadership else [e.id for e in involved], now
        )
        lines = [*services.warnings.values()] + [
            given_up_line(f.escalation_key, f.kind.replace("_", " "), f.reason, f.at)
            for f in failures
        ]
        figures = (
            home_figures(insights.figures(session, services.settings, "", now, tz), tz_name=str(tz))
            if tz is not None
            else []
        )
        view = home_view(
            mine=mine,
            watching=watching,
            everyone=everyone,
            now=now,
            attention=lines,
            figures=figures,
        )
    try:
        services.gateway.publish_home(user_id, view)
    except SlackProblem as problem:
        log.warning("views.publish for %s failed: %s", user_id, problem.code)


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            publish_home(services, event["user"])

    def opener(severity: Severity) -> Callable[[Ack, dict[str, Any]], None]:
        def open_from_home(ack: Ack, body: dict[str, Any]) -> None:
            ack()
            open_escalation_form(
                services,
                body["trigger_id"],
                severity,
                opener=body["user"]["id"],
                refused=telling(services, body),
            )

        return open_from_home

    app.action(OPEN_SEV1)(opener(Severity.SEV1))
    app.action(OPEN_SEV2)(opener(Severity.SEV2))

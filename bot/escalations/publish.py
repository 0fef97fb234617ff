"""Putting a saved escalation into Slack, step by step, resumable after any failure.

Each step stores what it produced (a ts, a pinned flag) before the next one starts, so a
retry skips what already happened: a Slack error never loses the escalation and never
posts it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from blocks import closure as closure_views
from blocks import escalation as views
from blocks import update as update_views
from bot import ledger
from bot.domain import EventKind, Role
from bot.escalations import records, service
from bot.models import Delivery, Escalation, Update
from bot.services import Services
from bot.slack.gateway import SlackProblem

log = logging.getLogger(__name__)

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 30, 60)]
# A claim older than this belongs to a process that died mid-publication; steps are
# idempotent, so another process may finish the job.
RECLAIM_AFTER = timedelta(minutes=10)


@dataclass
class PublishOutcome:
    complete: bool
    problems: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(max(attempts - 1, 0), len(RETRY_DELAYS) - 1)]


Work = Callable[[Services, Delivery], PublishOutcome]


def run_retry_safe(services: Services, delivery_id: int, work: Work) -> PublishOutcome | None:
    """Claim a ledger row and run idempotent `work` for it; None when another process holds it.

    Incomplete work goes back to the ledger with a growing delay; its steps skip what
    already happened, so retrying never posts twice.
    """
    with services.sessions.begin() as session:
        now = services.clock.now()
        if not ledger.claim(
            session, delivery_id, worker=services.worker, now=now, reclaim_after=RECLAIM_AFTER
        ):
            return None
        delivery = session.get(Delivery, delivery_id)
        session.expunge(delivery)
    outcome = work(services, delivery)
    with services.sessions.begin() as session:
        now = services.clock.now()
        if outcome.complete:
            ledger.finish(session, delivery_id, now=now)
        else:
            ledger.retry_later(
                session,
                delivery_id,
                at=now + retry_delay(delivery.attempts),
                error="; ".join(outcome.problems),
            )
    return outcome


def run_publication(services: Services, delivery_id: int) -> PublishOutcome | None:
    return run_retry_safe(
        services, delivery_id, lambda s, delivery: publish(s, delivery.escalation_id)
    )


def run_update_publication(services: Services, delivery_id: int) -> PublishOutcome | None:
    return run_retry_safe(
        services,
        delivery_id,
        lambda s, delivery: publish_update(s, int(delivery.slot), first_try=delivery.attempts == 1),
    )


def publish(services: Services, escalation_id: int) -> PublishOutcome:
    """Run every step not yet done; tell the opener once about each new problem."""
    problems: list[tuple[str, SlackProblem]] = []
    gateway, settings = services.gateway, services.settings

    def step(what: str, action) -> bool:  # type: ignore[no-untyped-def]
        with services.sessions.begin() as session:
            escalation = service.get(session, escalation_id)
            try:
                action(session, escalation)
            except SlackProblem as problem:
                log.warning("%s: could not %s: %s", escalation.key, what, problem)
                problems.append((what, problem))
                return False
        return True

    def leadership_channel(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if escalation.leadership_channel_id is None:
            escalation.leadership_channel_id = gateway.resolve_channel(settings.escalation_channel)

    def root(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if escalation.root_ts is not None:
            refresh_root(services, escalation)  # e.g. after a promotion: show Sev 1 now
        else:
            posted = gateway.post(
                escalation.leadership_channel_id,
                views.root_text(escalation),
                views.root_blocks(escalation),
                join_if_needed=True,
            )
            escalation.root_ts = posted.ts
            service.record(
                session,
                escalation,
                EventKind.POSTED,
                service.BOT,
                "Posted in the leadership channel",
                services.clock.now(),
            )

    def pin(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if not escalation.root_pinned and escalation.state.is_open:
            gateway.pin(escalation.leadership_channel_id, escalation.root_ts)
            escalation.root_pinned = True
            now = services.clock.now()
            service.record(
                session, escalation, EventKind.PINNED, service.BOT, "Pinned the thread", now
            )
            if service.tick(session, escalation, "thread_pinned", actor=service.BOT, now=now) and (
                escalation.checklist_ts
            ):
                gateway.update(
                    escalation.leadership_channel_id,
                    escalation.checklist_ts,
                    views.checklist_text(escalation),
                    views.checklist_blocks(escalation),
                )

    def checklist(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if escalation.checklist_ts is None:
            posted = gateway.post(
                escalation.leadership_channel_id,
                views.checklist_text(escalation),
                views.checklist_blocks(escalation),
                thread_ts=escalation.root_ts,
            )
            escalation.checklist_ts = posted.ts

    def internal_link(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if escalation.internal_channel_id and escalation.internal_link_ts is None:
            link = gateway.permalink(escalation.leadership_channel_id, escalation.root_ts)
            posted = gateway.post(
                escalation.internal_channel_id,
                views.internal_link_text(escalation, link),
                join_if_needed=True,
            )
            escalation.internal_link_ts = posted.ts

    def dri_dm(session, escalation: Escalation) -> None:  # type: ignore[no-untyped-def]
        if escalation.dri_dm_ts is None:
            link = gateway.permalink(escalation.leadership_channel_id, escalation.root_ts)
            posted = gateway.dm(
                escalation.person(Role.DRI),
                f"You are the DRI for {views.title(escalation)}",
                views.dri_welcome_blocks(escalation, link),
            )
            escalation.dri_dm_ts = posted.ts

    posted = step("find the leadership channel", leadership_channel) and step(
        "post in the leadership channel", root
    )
    if posted:
        step("pin the thread", pin)
        step("post the checklist in the thread", checklist)
        step("post the link in the internal project channel", internal_link)
        step("DM the DRI", dri_dm)
    _tell_opener(services, escalation_id, problems)
    return PublishOutcome(
        complete=not problems, problems=[f"{what}: {p.code}" for what, p in problems]
    )


def _tell_opener(
    services: Services, escalation_id: int, problems: list[tuple[str, SlackProblem]]
) -> None:
    """One receipt once it's posted; a warning for each problem not reported before."""
    with services.sessions.begin() as session:
        escalation = service.get(session, escalation_id)
        notices = [f"couldn't {what}: {problem.plain_words}" for what, problem in problems]
        summary = "\n".join(notices) or None
        if escalation.root_ts and escalation.opener_told_at is None:
            try:
                link = services.gateway.permalink(
                    escalation.leadership_channel_id, escalation.root_ts
                )
            except SlackProblem:
                link = "(link unavailable)"
            text = views.opener_receipt(escalation, link, [n[0].upper() + n[1:] for n in notices])
            if _reach(services, escalation, text):
                escalation.opener_told_at = services.clock.now()
                escalation.slack_problem = summary
            return
        if summary and summary != escalation.slack_problem:
            what, problem = problems[0]
            text = views.slack_problem_notice(escalation, what, problem.plain_words)
            if _reach(services, escalation, text):
                escalation.slack_problem = summary
                service.record(
                    session,
                    escalation,
                    EventKind.SLACK_PROBLEM,
                    service.BOT,
                    summary,
                    services.clock.now(),
                )


def _reach(services: Services, escalation: Escalation, text: str) -> bool:
    """Tell the opener privately: through the slash command's response_url, else by DM."""
    if escalation.opener_response_url and services.gateway.respond(
        escalation.opener_response_url, text
    ):
        return True
    try:
        services.gateway.dm(escalation.opened_by, text)
    except SlackProblem as problem:
        log.warning("%s: could not reach the opener: %s", escalation.key, problem)
        return False
    return True


def refresh_root(services: Services, escalation: Escalation) -> None:
    """Edit the pinned root message in place so it shows the record as it is now."""
    if escalation.leadership_channel_id and escalation.root_ts:
        services.gateway.update(
            escalation.leadership_channel_id,
            escalation.root_ts,
            views.root_text(escalation),
            views.root_blocks(escalation),
        )


def publish_update(services: Services, update_id: int, *, first_try: bool) -> PublishOutcome:
    """Thread reply, internal cross-post, customer-safe text (only if written), root edit."""
    gateway = services.gateway
    problems: list[tuple[str, SlackProblem]] = []
    with services.sessions.begin() as session:
        update = session.get(Update, update_id)
        escalation = service.get(session, update.escalation_id)
        steps = [
            ("reply in the leadership thread", _thread_reply),
            ("cross-post to the internal channel", _internal_post),
            ("post your customer-safe message", _customer_post),
            ("refresh the pinned message", lambda s, e, u: refresh_root(s, e)),
        ]
        for what, action in steps:
            try:
                action(services, escalation, update)
            except SlackProblem as problem:
                log.warning("%s: could not %s: %s", escalation.key, what, problem)
                problems.append((what, problem))
        author = update.author
    if problems and first_try:
        what, problem = problems[0]
        text = (
            f":warning: Your update on *{escalation.key}* is saved, but I couldn't {what}: "
            f"{problem.plain_words} I'll retry."
        )
        try:
            gateway.dm(author, text)
        except SlackProblem:
            log.warning("could not tell %s about the failed update", author)
    return PublishOutcome(
        complete=not problems, problems=[f"{what}: {p.code}" for what, p in problems]
    )


def _thread_reply(services: Services, escalation: Escalation, update: Update) -> None:
    if update.thread_ts is None and escalation.root_ts:
        posted = services.gateway.post(
            escalation.leadership_channel_id,
            update_views.update_text(escalation, update),
            update_views.update_blocks(escalation, update),
            thread_ts=escalation.root_ts,
        )
        update.thread_ts = posted.ts


def _internal_post(services: Services, escalation: Escalation, update: Update) -> None:
    if escalation.internal_channel_id and update.internal_ts is None:
        posted = services.gateway.post(
            escalation.internal_channel_id,
            update_views.update_text(escalation, update),
            update_views.update_blocks(escalation, update),
            join_if_needed=True,
        )
        update.internal_ts = posted.ts


def _customer_post(services: Services, escalation: Escalation, update: Update) -> None:
    # The customer channel gets the customer-safe text verbatim and nothing else.
    if update.customer_message and escalation.customer_channel_id and update.customer_ts is None:
        posted = services.gateway.post(escalation.customer_channel_id, update.customer_message)
        update.customer_ts = posted.ts


def run_closure_publication(services: Services, delivery_id: int) -> PublishOutcome | None:
    return run_retry_safe(services, delivery_id, lambda s, d: publish_closure(s, d.escalation_id))


def publish_closure(services: Services, escalation_id: int) -> PublishOutcome:
    """Closure summary in the thread, the root marked resolved, the thread unpinned."""
    gateway = services.gateway
    problems: list[str] = []
    with services.sessions.begin() as session:
        escalation = service.get(session, escalation_id)
        if escalation.state.is_open or not escalation.root_ts:
            return PublishOutcome(complete=True)  # reopened meanwhile, or never posted
        channel = escalation.leadership_channel_id
        if escalation.closure_ts is None:
            update_count = session.query(Update).filter_by(escalation_id=escalation_id).count()
            try:
                escalation.closure_ts = gateway.post(
                    channel,
                    closure_views.closure_text(escalation),
                    closure_views.closure_blocks(
                        escalation, records.tracking(session, escalation_id), update_count
                    ),
                    thread_ts=escalation.root_ts,
                ).ts
            except SlackProblem as problem:
                problems.append(f"closure summary: {problem.code}")
        try:
            refresh_root(services, escalation)
        except SlackProblem as problem:
            problems.append(f"root: {problem.code}")
        if escalation.root_pinned:
            try:
                gateway.unpin(channel, escalation.root_ts)
                escalation.root_pinned = False
            except SlackProblem as problem:
                problems.append(f"unpin: {problem.code}")
    return PublishOutcome(complete=not problems, problems=problems)

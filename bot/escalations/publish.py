"""Putting escalations into Slack: the handlers the delivery skeleton runs for them.

Each handler reads what it needs in a short read-only session, makes one Slack call, and
records what Slack produced (a ts, a pinned flag) in a short write transaction before the
next call, so no Slack call ever waits with a database write pending. Every post carries
the job's identity in its metadata and a retry looks for it first: a crash or a lost answer
never loses a step and never posts one twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from blocks import closure as closure_views
from blocks import escalation as views
from blocks import flags as flag_views
from blocks import notices
from blocks import stakeholders as stakeholder_views
from blocks import update as update_views
from blocks import watch as watch_views
from bot.delivery.gateway import SlackProblem
from bot.delivery.kinds import DeliveryKind
from bot.delivery.runner import Job, Outcome, is_permanent
from bot.domain import EventKind, Role, Severity
from bot.escalations import effects, records, service, stakeholders
from bot.models import Escalation, Update, UrgentFlag
from bot.runtime import Services

log = logging.getLogger(__name__)

T = TypeVar("T")


def _read(services: Services, escalation_id: int, look: Callable[[Session, Escalation], T]) -> T:
    with services.sessions() as session:
        escalation = service.load(session, escalation_id)
        return look(session, escalation)


def _peek(services: Services, escalation_id: int, look: Callable[[Session, Escalation], T]) -> T:
    """Like `_read`, for columns only: no children loaded."""
    with services.sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            raise service.EscalationNotFound(f"ESC-{escalation_id} does not exist")
        return look(session, escalation)


def _write(
    services: Services, escalation_id: int, change: Callable[[Session, Escalation], object]
) -> None:
    with services.sessions.begin() as session:
        # Without its children: a write sets a column or two; whatever else it touches
        # loads on demand.
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            raise service.EscalationNotFound(f"ESC-{escalation_id} does not exist")
        change(session, escalation)


class _Steps:
    """Runs named steps, collecting Slack's refusals; renews the job's lease between them."""

    def __init__(self, services: Services, job: Job, key: str) -> None:
        self.services, self.job, self.key = services, job, key
        self.problems: list[tuple[str, SlackProblem]] = []

    def run(self, what: str, step: Callable[[], object]) -> bool:
        # A publication is a dozen Slack calls: giving way before each one, not only before
        # the job, keeps a burst of acks from queuing behind the rest of it.
        self.services.traffic.give_way()
        self.job.renew(self.services)
        try:
            step()
        except SlackProblem as problem:
            log.warning("%s: could not %s: %s", self.key, what, problem)
            self.problems.append((what, problem))
            return False
        return True

    def outcome(self) -> Outcome:
        """Incomplete while any step failed; permanent only when no failed step can succeed
        on a retry (the steps that worked stay done either way)."""
        waits = [
            1.0 if p.retry_after is None else p.retry_after
            for _, p in self.problems
            if p.code == "ratelimited"
        ]
        return Outcome(
            complete=not self.problems,
            problems=[f"{what}: {problem.code}" for what, problem in self.problems],
            permanent=bool(self.problems) and all(is_permanent(p) for _, p in self.problems),
            retry_after=max(waits) if waits else None,
        )


def publish(services: Services, job: Job) -> Outcome:
    """Root message (membership first), pin, checklist, internal link, DRI DM, receipt."""
    assert job.escalation_id is not None
    escalation_id = job.escalation_id
    if _peek(services, escalation_id, lambda s, e: e.severity) is Severity.WATCH:
        return publish_watch(services, job)
    gateway, settings = services.gateway, services.settings
    steps = _Steps(services, job, f"ESC-{escalation_id}")

    def leadership_channel() -> None:
        if _peek(services, escalation_id, lambda s, e: e.leadership_channel_id) is None:
            channel = gateway.resolve_channel(settings.escalation_channel)
            _write(
                services, escalation_id, lambda s, e: setattr(e, "leadership_channel_id", channel)
            )

    def root() -> None:
        channel, ts, text, blocks = _read(
            services,
            escalation_id,
            lambda s, e: (
                e.leadership_channel_id,
                e.root_ts,
                views.root_text(e),
                _root_blocks(services, s, e),
            ),
        )
        assert channel is not None  # found by the step before
        if ts is not None:
            gateway.update(channel, ts, text, blocks)  # e.g. after a promotion: show Sev 1 now
            return
        gateway.ensure_member(channel)
        posted = gateway.post(channel, text, blocks, key=job.key("root"), look_first=job.retrying)

        def saved(session: Session, escalation: Escalation) -> None:
            escalation.root_ts = posted.ts
            service.record(
                session,
                escalation,
                EventKind.POSTED,
                service.BOT,
                "Posted in the leadership channel",
                services.clock.now(),
            )

        _write(services, escalation_id, saved)

    def permalink() -> None:
        channel, ts, link = _peek(
            services,
            escalation_id,
            lambda s, e: (e.leadership_channel_id, e.root_ts, e.root_permalink),
        )
        if link is None:
            assert channel is not None and ts is not None  # posted by the step before
            found = gateway.permalink(channel, ts)
            _write(services, escalation_id, lambda s, e: setattr(e, "root_permalink", found))

    def pin() -> None:
        channel, ts, pinned, is_open, severity = _peek(
            services,
            escalation_id,
            lambda s, e: (
                e.leadership_channel_id,
                e.root_ts,
                e.root_pinned,
                e.state.is_open,
                e.severity,
            ),
        )
        # Pins are for Sev 1: a Sev 2 is pinned when it is promoted (publication runs again),
        # and a Sev 1 downgraded to Sev 2 is unpinned.
        if pinned and is_open and severity is not Severity.SEV1:
            assert channel is not None and ts is not None
            gateway.unpin(channel, ts)
            _write(services, escalation_id, lambda s, e: setattr(e, "root_pinned", False))
            return
        if pinned or not is_open or severity is not Severity.SEV1:
            return
        assert channel is not None and ts is not None  # posted by the step before
        gateway.pin(channel, ts)
        ticked: list[bool] = []

        def saved(session: Session, escalation: Escalation) -> None:
            escalation.root_pinned = True
            now = services.clock.now()
            service.record(
                session, escalation, EventKind.PINNED, service.BOT, "Pinned the thread", now
            )
            ticked.append(
                service.tick(session, escalation, "thread_pinned", actor=service.BOT, now=now)
            )

        _write(services, escalation_id, saved)
        if any(ticked):
            refresh_checklist_now(services, escalation_id)

    def checklist() -> None:
        channel, root_ts, ts, text, blocks = _read(
            services,
            escalation_id,
            lambda s, e: (
                e.leadership_channel_id,
                e.root_ts,
                e.checklist_ts,
                views.checklist_text(e),
                views.checklist_blocks(e),
            ),
        )
        if ts is None:
            assert channel is not None  # posted by the step before
            posted = gateway.post(
                channel,
                text,
                blocks,
                thread_ts=root_ts,
                key=job.key("checklist"),
                look_first=job.retrying,
            )
            _write(services, escalation_id, lambda s, e: setattr(e, "checklist_ts", posted.ts))

    def internal_link() -> None:
        channel, ts, text = _read(
            services,
            escalation_id,
            lambda s, e: (
                e.internal_channel_id,
                e.internal_link_ts,
                views.internal_link_text(e, e.root_permalink or ""),
            ),
        )
        if channel and ts is None:
            posted = gateway.post(
                channel, text, join_if_needed=True, key=job.key("internal"), look_first=job.retrying
            )
            _write(services, escalation_id, lambda s, e: setattr(e, "internal_link_ts", posted.ts))

    def dri_dm() -> None:
        dri, ts, text, blocks = _read(
            services,
            escalation_id,
            lambda s, e: (
                e.person(Role.DRI),
                e.dri_dm_ts,
                views.dri_welcome_text(e),
                views.dri_welcome_blocks(e, e.root_permalink),
            ),
        )
        if dri and ts is None:
            posted = gateway.dm(dri, text, blocks, key=job.key("dri"), look_first=job.retrying)
            _write(services, escalation_id, lambda s, e: setattr(e, "dri_dm_ts", posted.ts))

    def stakeholder_dm(user: str) -> None:
        text, blocks = _read(
            services,
            escalation_id,
            lambda s, e: (
                stakeholder_views.welcome_text(e, stakeholders.looped_in_people(e)[user]),
                stakeholder_views.welcome_blocks(
                    e, stakeholders.looped_in_people(e)[user], e.root_permalink
                ),
            ),
        )
        gateway.dm(user, text, blocks, key=job.key(f"stakeholder:{user}"), look_first=job.retrying)
        ticked: list[bool] = []
        _write(
            services,
            escalation_id,
            lambda s, e: ticked.append(
                stakeholders.mark_welcomed(s, e, user, services.clock.now())
            ),
        )
        if any(ticked):
            refresh_checklist_now(services, escalation_id)

    def looped_in() -> None:
        # After a promotion the Sev 1 checklist's item is new, though every DM went out
        # when the Sev 2 opened: delivered is delivered.
        ticked: list[bool] = []
        _write(
            services,
            escalation_id,
            lambda s, e: ticked.append(stakeholders.tick_if_looped_in(s, e, services.clock.now())),
        )
        if any(ticked):
            refresh_checklist_now(services, escalation_id)

    if steps.run("find the leadership channel", leadership_channel) and steps.run(
        "post in the leadership channel", root
    ):
        steps.run("get the thread's link", permalink)
        steps.run("pin the thread", pin)
        steps.run("post the checklist in the thread", checklist)
        steps.run("post the link in the internal project channel", internal_link)
        steps.run("DM the DRI", dri_dm)
        for user in _read(services, escalation_id, lambda s, e: stakeholders.unwelcomed(e)):
            steps.run(f"DM {user} their role", partial(stakeholder_dm, user))
        steps.run("tick the stakeholders looped in", looped_in)
    # A rate limit is a pause, not news: the opener hears only of what a person can fix.
    worth_telling = [(w, p) for w, p in steps.problems if p.code != "ratelimited"]
    _tell_opener(services, job, escalation_id, worth_telling)
    return steps.outcome()


def publish_watch(services: Services, job: Job) -> Outcome:
    """A watched project's card (internal project channel, else the DRI's DM), its link, the
    DRI's DM when the card is elsewhere, and the opener's receipt: nothing in the leadership
    channel, nothing pinned, no checklist."""
    assert job.escalation_id is not None
    escalation_id = job.escalation_id
    gateway = services.gateway
    steps = _Steps(services, job, f"ESC-{escalation_id}")

    def card() -> None:
        internal, dri, ts, text, blocks = _read(
            services,
            escalation_id,
            lambda s, e: (
                e.internal_channel_id,
                e.person(Role.DRI),
                e.watch_ts,
                watch_views.watch_card_text(e),
                watch_views.watch_card_blocks(e),
            ),
        )
        if ts is not None:
            return
        target = internal or dri
        assert target is not None  # the form requires a DRI
        posted = gateway.post(
            target,
            text,
            blocks,
            join_if_needed=internal is not None,
            key=job.key("watch_card"),
            look_first=job.retrying,
        )

        def saved(session: Session, escalation: Escalation) -> None:
            escalation.watch_channel_id, escalation.watch_ts = posted.channel, posted.ts
            if internal is None:
                escalation.dri_dm_ts = posted.ts  # the card is the DRI's DM
            where = "the internal project channel" if internal else "the DRI's DM"
            service.record(
                session,
                escalation,
                EventKind.POSTED,
                service.BOT,
                f"Watch card posted in {where}",
                services.clock.now(),
            )

        _write(services, escalation_id, saved)

    def permalink() -> None:
        channel, ts, link = _peek(
            services, escalation_id, lambda s, e: (e.watch_channel_id, e.watch_ts, e.root_permalink)
        )
        if link is None and channel and ts:
            found = gateway.permalink(channel, ts)
            _write(services, escalation_id, lambda s, e: setattr(e, "root_permalink", found))

    def dri_dm() -> None:
        dri, ts, text, link = _peek(
            services,
            escalation_id,
            lambda s, e: (
                e.person(Role.DRI),
                e.dri_dm_ts,
                watch_views.watch_card_text(e),
                e.root_permalink,
            ),
        )
        if dri and ts is None:
            note = f"You are the DRI of a watched project. {text}" + (f"\n{link}" if link else "")
            posted = gateway.dm(dri, note, key=job.key("dri"), look_first=job.retrying)
            _write(services, escalation_id, lambda s, e: setattr(e, "dri_dm_ts", posted.ts))

    if steps.run("post the watch card", card):
        steps.run("get the card's link", permalink)
        steps.run("DM the DRI", dri_dm)
        told, receipt = _read(
            services,
            escalation_id,
            lambda s, e: (e.opener_told_at, watch_views.watch_receipt(e, e.root_permalink)),
        )
        if told is None and _reach(services, job, escalation_id, receipt, "receipt"):
            _write(
                services,
                escalation_id,
                lambda s, e: setattr(e, "opener_told_at", services.clock.now()),
            )
    return steps.outcome()


def _tell_opener(
    services: Services, job: Job, escalation_id: int, problems: list[tuple[str, SlackProblem]]
) -> None:
    """One receipt once it's posted; a warning for each problem not reported before."""
    notices = [f"couldn't {what}: {problem.plain_words}" for what, problem in problems]
    summary = "\n".join(notices) or None
    root_ts, told, reported, receipt, warning = _read(
        services,
        escalation_id,
        lambda s, e: (
            e.root_ts,
            e.opener_told_at,
            e.slack_problem,
            views.opener_receipt(
                e, e.root_permalink or "(link unavailable)", [n[0].upper() + n[1:] for n in notices]
            ),
            views.slack_problem_notice(e, problems[0][0], problems[0][1].plain_words)
            if problems
            else None,
        ),
    )
    if root_ts and told is None:
        if _reach(services, job, escalation_id, receipt, "receipt"):

            def told_now(session: Session, escalation: Escalation) -> None:
                escalation.opener_told_at = services.clock.now()
                escalation.slack_problem = summary

            _write(services, escalation_id, told_now)
        return
    if (
        summary
        and summary != reported
        and warning is not None
        and _reach(services, job, escalation_id, warning, f"problem-{job.attempts}")
    ):

        def reported_now(session: Session, escalation: Escalation) -> None:
            escalation.slack_problem = summary
            service.record(
                session,
                escalation,
                EventKind.SLACK_PROBLEM,
                service.BOT,
                summary,
                services.clock.now(),
            )

        _write(services, escalation_id, reported_now)


def _reach(services: Services, job: Job, escalation_id: int, text: str, step: str) -> bool:
    """Tell the opener privately: through the slash command's response_url, else by DM."""
    opener, response_url = _peek(
        services, escalation_id, lambda s, e: (e.opened_by, e.opener_response_url)
    )
    if response_url and services.gateway.respond(response_url, text):
        return True
    try:
        services.gateway.dm(opener, text, key=job.key(step), look_first=job.retrying)
    except SlackProblem as problem:
        log.warning("ESC-%s: could not reach the opener: %s", escalation_id, problem)
        return False
    return True


def _root_blocks(services: Services, session: Session, escalation: Escalation) -> list[Any]:
    """The root as of now, with its milestones' percent complete."""
    return views.root_blocks(
        escalation,
        now=services.clock.now(),
        progress=records.progress(session, escalation.id),
    )


def refresh_root_now(services: Services, escalation_id: int) -> None:
    """Edit the pinned root message in place so it shows the record as it is now."""
    channel, ts, text, blocks = _read(
        services,
        escalation_id,
        lambda s, e: (
            e.leadership_channel_id,
            e.root_ts,
            views.root_text(e),
            _root_blocks(services, s, e),
        ),
    )
    if channel and ts:
        services.gateway.update(channel, ts, text, blocks)


def refresh_checklist_now(services: Services, escalation_id: int) -> None:
    channel, ts, text, blocks = _read(
        services,
        escalation_id,
        lambda s, e: (
            e.leadership_channel_id,
            e.checklist_ts,
            views.checklist_text(e),
            views.checklist_blocks(e),
        ),
    )
    if channel and ts:
        services.gateway.update(channel, ts, text, blocks)


def refresh_root(services: Services, job: Job) -> Outcome:
    assert job.escalation_id is not None
    refresh_root_now(services, job.escalation_id)
    return Outcome()


def refresh_checklist(services: Services, job: Job) -> Outcome:
    assert job.escalation_id is not None
    refresh_checklist_now(services, job.escalation_id)
    return Outcome()


def publish_update(services: Services, job: Job) -> Outcome:
    """Thread reply, internal cross-post, customer-safe text (only if written), root edit."""
    update_id = int(job.slot)
    gateway = services.gateway
    with services.sessions() as session:
        update = session.get(Update, update_id)
        if update is None:
            return Outcome()
        escalation_id = update.escalation_id
        author = update.author
    steps = _Steps(services, job, f"ESC-{escalation_id}")

    def look(pick: Callable[[Escalation, Update], T]) -> T:
        with services.sessions() as session:
            escalation = service.load(session, escalation_id)
            found = session.get(Update, update_id)
            assert found is not None
            return pick(escalation, found)

    def saved(column: str, ts: str) -> None:
        with services.sessions.begin() as session:
            found = session.get(Update, update_id)
            assert found is not None
            setattr(found, column, ts)

    def thread_reply() -> None:
        channel, root_ts, done, text, blocks = look(
            lambda e, u: (
                e.leadership_channel_id,
                e.root_ts,
                u.thread_ts,
                update_views.update_text(e, u),
                update_views.update_blocks(e, u),
            )
        )
        if done is None and channel and root_ts:
            posted = gateway.post(
                channel,
                text,
                blocks,
                thread_ts=root_ts,
                key=job.key("thread"),
                look_first=job.retrying,
            )
            saved("thread_ts", posted.ts)

    def internal_post() -> None:
        channel, done, text, blocks = look(
            lambda e, u: (
                e.internal_channel_id,
                u.internal_ts,
                update_views.update_text(e, u),
                update_views.update_blocks(e, u),
            )
        )
        if channel and done is None:
            posted = gateway.post(
                channel,
                text,
                blocks,
                join_if_needed=True,
                key=job.key("internal"),
                look_first=job.retrying,
            )
            saved("internal_ts", posted.ts)

    def customer_post() -> None:
        # The customer channel gets the customer-safe text, escaped, and nothing else.
        channel, done, message = look(
            lambda e, u: (
                e.customer_channel_id,
                u.customer_ts,
                update_views.customer_message_text(u) if u.customer_message else None,
            )
        )
        if message and channel and done is None:
            posted = gateway.post(
                channel,
                message,
                key=job.key("customer"),
                look_first=job.retrying,
            )
            saved("customer_ts", posted.ts)

    steps.run("reply in the leadership thread", thread_reply)
    steps.run("cross-post to the internal channel", internal_post)
    steps.run("post your customer-safe message", customer_post)
    steps.run("refresh the pinned message", lambda: refresh_root_now(services, escalation_id))
    if steps.problems and job.attempts == 1:
        what, problem = steps.problems[0]
        key = _peek(services, escalation_id, lambda s, e: e.key)
        text = notices.update_not_posted(key, what, problem.plain_words)
        try:
            gateway.dm(author, text, key=job.key("problem"))
        except SlackProblem:
            log.warning("could not tell %s about the failed update", author)
    return steps.outcome()


def publish_flag(services: Services, job: Job) -> Outcome:
    """Post the flag in the escalation thread and DM every responder, skipping what's done."""
    flag_id = int(job.slot)
    gateway = services.gateway
    if job.escalation_id is None:
        return publish_unattached_flag(services, job)
    with services.sessions() as session:
        flag = session.get(UrgentFlag, flag_id)
        if flag is None:
            return Outcome()
        escalation = service.load(session, job.escalation_id)
        text, blocks = (
            flag_views.flag_text(escalation, flag),
            flag_views.flag_blocks(escalation, flag),
        )
        channel, root_ts = _thread_of(session, escalation)
        responders, dms_sent = list(flag.responder_ids), flag.dms_sent
    if channel is None or root_ts is None:
        return Outcome.failed("the escalation is not posted yet")
    steps = _Steps(services, job, f"ESC-{escalation.id}")

    def stored(change: Callable[[UrgentFlag], object]) -> None:
        with services.sessions.begin() as session:
            found = session.get(UrgentFlag, flag_id)
            assert found is not None  # it was there when the job began; flags are never deleted
            change(found)

    def thread_post() -> None:
        with services.sessions() as session:
            found = session.get(UrgentFlag, flag_id)
            if found is None or found.thread_ts is not None:
                return
        posted = gateway.post(
            channel, text, blocks, thread_ts=root_ts, key=job.key("thread"), look_first=job.retrying
        )
        stored(lambda f: setattr(f, "thread_ts", posted.ts))

    sent = set(filter(None, dms_sent.split(",")))

    def dm(responder: str) -> None:
        gateway.dm(responder, text, blocks, key=job.key(f"dm:{responder}"), look_first=job.retrying)
        sent.add(responder)
        stored(lambda f: setattr(f, "dms_sent", ",".join(sorted(sent))))

    steps.run("post the flag in the thread", thread_post)
    for responder in responders:
        if responder not in sent:
            steps.run(f"DM {responder}", partial(dm, responder))
    return steps.outcome()


def publish_unattached_flag(services: Services, job: Job) -> Outcome:
    """A flag with no escalation: its own post in the leadership channel (the bot a member
    first), then a DM to every responder, skipping what's done."""
    flag_id = int(job.slot)
    gateway, settings = services.gateway, services.settings
    steps = _Steps(services, job, f"FLAG-{flag_id}")

    def look() -> UrgentFlag:
        with services.sessions() as session:
            found = session.get(UrgentFlag, flag_id)
            assert found is not None  # flags are never deleted
            session.expunge(found)
            return found

    def stored(change: Callable[[UrgentFlag], object]) -> None:
        with services.sessions.begin() as session:
            found = session.get(UrgentFlag, flag_id)
            assert found is not None
            change(found)

    def post() -> None:
        flag = look()
        if flag.thread_ts is not None:
            return
        channel = gateway.resolve_channel(settings.escalation_channel)
        gateway.ensure_member(channel)
        posted = gateway.post(
            channel,
            flag_views.unattached_flag_text(flag),
            flag_views.unattached_flag_blocks(flag),
            key=job.key("post"),
            look_first=job.retrying,
        )

        def saved(found: UrgentFlag) -> None:
            found.channel_id, found.thread_ts = posted.channel, posted.ts

        stored(saved)

    flag = look()
    sent = set(filter(None, flag.dms_sent.split(",")))
    text, blocks = flag_views.unattached_flag_text(flag), flag_views.unattached_flag_blocks(flag)

    def dm(responder: str) -> None:
        gateway.dm(responder, text, blocks, key=job.key(f"dm:{responder}"), look_first=job.retrying)
        sent.add(responder)
        stored(lambda f: setattr(f, "dms_sent", ",".join(sorted(sent))))

    steps.run("post the flag in the leadership channel", post)
    for responder in flag.responder_ids:
        if responder not in sent:
            steps.run(f"DM {responder}", partial(dm, responder))
    return steps.outcome()


def publish_closure(services: Services, job: Job) -> Outcome:
    """Closure summary in the thread, the root marked resolved, the thread unpinned."""
    assert job.escalation_id is not None
    escalation_id = job.escalation_id
    gateway = services.gateway
    steps = _Steps(services, job, f"ESC-{escalation_id}")
    is_open, channel, root_ts = _peek(
        services, escalation_id, lambda s, e: (e.state.is_open, e.leadership_channel_id, e.root_ts)
    )
    if is_open or not channel or not root_ts:
        return Outcome()  # reopened meanwhile, or never posted

    def summary() -> None:
        def build(session: Session, e: Escalation) -> tuple[str | None, str, list[Any]]:
            update_count = session.query(Update).filter_by(escalation_id=escalation_id).count()
            return (
                e.closure_ts,
                closure_views.closure_text(e),
                closure_views.closure_blocks(
                    e, records.tracking(session, escalation_id), update_count
                ),
            )

        done, text, blocks = _read(services, escalation_id, build)
        if done is None:
            posted = gateway.post(
                channel,
                text,
                blocks,
                thread_ts=root_ts,
                key=job.key("closure"),
                look_first=job.retrying,
            )
            _write(services, escalation_id, lambda s, e: setattr(e, "closure_ts", posted.ts))

    def unpin() -> None:
        if _peek(services, escalation_id, lambda s, e: e.root_pinned):
            gateway.unpin(channel, root_ts)
            _write(services, escalation_id, lambda s, e: setattr(e, "root_pinned", False))

    steps.run("post the closure summary", summary)
    steps.run("mark the pinned message resolved", lambda: refresh_root_now(services, escalation_id))
    steps.run("unpin the thread", unpin)
    return steps.outcome()


# -- small effects queued by use cases -------------------------------------------------------


def _thread_of(session: Session, escalation: Escalation) -> tuple[str | None, str | None]:
    """Where an escalation's notes go: its leadership thread, or, while it is a watched
    project with no leadership thread, the replies under its watch card."""
    if escalation.root_ts is None and escalation.watch_ts is not None:
        return escalation.watch_channel_id, escalation.watch_ts
    return escalation.leadership_channel_id, escalation.root_ts


def thread_note(services: Services, job: Job) -> Outcome:
    """A note in the escalation's thread (or a flag's own thread when it has no escalation);
    waits (retries) until the thread exists."""
    if job.escalation_id is None:
        with services.sessions() as session:
            flag = session.get(UrgentFlag, int(job.payload["flag"]))
            channel, root_ts = (flag.channel_id, flag.thread_ts) if flag else (None, None)
    else:
        channel, root_ts = _peek(services, job.escalation_id, _thread_of)
    if not (channel and root_ts):
        return Outcome.failed("the escalation is not posted yet")
    services.gateway.post(
        channel,
        job.payload["text"],
        job.payload.get("blocks"),
        thread_ts=root_ts,
        key=job.key(),
        look_first=job.retrying,
    )
    return Outcome()


def direct_message(services: Services, job: Job) -> Outcome:
    services.gateway.dm(
        job.payload["user"],
        job.payload["text"],
        job.payload.get("blocks"),
        key=job.key(),
        look_first=job.retrying,
    )
    return Outcome()


def channel_post(services: Services, job: Job) -> Outcome:
    channel = services.gateway.resolve_channel(job.payload["channel"])
    services.gateway.post(
        channel,
        job.payload["text"],
        job.payload.get("blocks"),
        join_if_needed=True,
        key=job.key(),
        look_first=job.retrying,
    )
    return Outcome()


def tell_of_failure(services: Services, job: Job, error: str) -> None:
    """Work given up for good is never silent: its owner gets a DM (itself a ledger row),
    and App Home lists it under "needs attention"."""
    with services.sessions.begin() as session:
        if job.escalation_id is None:
            if job.kind == DeliveryKind.PUBLISH_FLAG and (
                alone := session.get(UrgentFlag, int(job.slot))
            ):
                effects.direct_message(
                    session,
                    alone.raised_by,
                    notices.gave_up(alone.key, job.attempts, error),
                    services.clock.now(),
                    slot=f"failed:{job.id}",
                )
            return
        escalation = service.load(session, job.escalation_id)
        owner = escalation.opened_by
        if job.kind == DeliveryKind.PUBLISH_UPDATE and (
            update := session.get(Update, int(job.slot))
        ):
            owner = update.author
        elif job.kind == DeliveryKind.PUBLISH_FLAG and (
            flag := session.get(UrgentFlag, int(job.slot))
        ):
            owner = flag.raised_by
        text = notices.gave_up(escalation.key, job.attempts, error)
        effects.direct_message(
            session,
            owner,
            text,
            services.clock.now(),
            escalation=escalation,
            slot=f"failed:{job.id}",
        )

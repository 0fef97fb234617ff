"""The Bolt app: listeners registered on one App, all sharing one `Services`."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App

from bot.services import Services
from bot.slack import (
    commands,
    course,
    customer,
    flags,
    home,
    leadership,
    opening,
    prompts,
    tracking,
    updates,
)


def build_app(
    services: Services, *, verify_token: bool = True, listener_executor: Executor | None = None
) -> App:
    settings = services.settings
    assert settings.slack_signing_secret is not None, "build_app needs Slack credentials"
    app = App(
        client=services.gateway.client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        token_verification_enabled=verify_token,
        # Ack first, work after: Slack gets its answer in milliseconds, the posting and
        # pinning continue on Bolt's listener threads.
        process_before_response=False,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=listener_executor,
    )
    commands.register(app, services)
    opening.register(app, services)
    home.register(app, services)
    course.register(app, services)
    tracking.register(app, services)
    updates.register(app, services)
    prompts.register(app, services)
    leadership.register(app, services)
    customer.register(app, services)
    flags.register(app, services)
    return app

"""The bot's Messages tab: whoever writes to the bot directly is answered with the help."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot import handled_events
from bot.escalations.conversation import answer_with_help
from bot.runtime import Services


def is_from_a_person(event: dict[str, Any]) -> bool:
    """A message a person wrote: not an edit, a join or any other subtype, and not a bot's
    (our own help would otherwise answer itself forever)."""
    return bool(event.get("user")) and not (
        event.get("subtype") or event.get("bot_id") or event.get("bot_profile")
    )


def register(app: App, services: Services) -> None:
    channel_label = f"#{services.settings.escalation_channel.lstrip('#')}"

    def written_to_the_bot(event: dict[str, Any]) -> bool:
        # Bolt's event constraints match only type and subtype; anything else is a matcher.
        return event.get("channel_type") == "im"

    @app.event("message", matchers=[written_to_the_bot])
    def direct_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        if not is_from_a_person(event) or event.get("user") == context.bot_user_id:
            return
        channel, ts = event.get("channel", ""), event.get("ts", "")
        with services.sessions.begin() as session:
            answer_with_help(
                session,
                user=event["user"],
                event_keys=handled_events.keys_for_message(body, channel, ts),
                channel_label=channel_label,
                now=services.clock.now(),
            )
        services.wake()

"""The Slack Web API stand-in the tests use; it lives in the package now, where the sandbox
(`escalation-bot sandbox`) runs the same workspace for people to try the bot in."""

from bot.sandbox.workspace import Call, Channel, Hold, Message, SlackError, SlackStandIn, User

__all__ = ["Call", "Channel", "Hold", "Message", "SlackError", "SlackStandIn", "User"]

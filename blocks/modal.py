"""The frame every form modal shares: title, submit, cancel, and what travels with it."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from blocks.text import CONTEXT_TEXT, MODAL_TITLE, URL_LENGTH, clip


def form_modal(
    *,
    callback_id: str,
    title: str,
    submit: str,
    private_metadata: str,
    blocks: list[Block],
    close: str = "Cancel",
) -> View:
    """A modal form; `private_metadata` comes back with the submission."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, MODAL_TITLE)),
        submit=PlainTextObject(text=clip(submit, MODAL_TITLE)),
        close=PlainTextObject(text=clip(close, MODAL_TITLE)),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def context_line(text: str) -> ContextBlock:
    """A line of context (mrkdwn, already escaped), such as the one each form opens with."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, CONTEXT_TEXT))])


def url_input(
    action_id: str | None = None, placeholder: str = "https://..."
) -> PlainTextInputElement:
    """A link field. Slack's URL input takes no maximum length; this one stops at the
    database column, and the form's parser checks the address itself."""
    return PlainTextInputElement(
        action_id=action_id, max_length=URL_LENGTH, placeholder=placeholder
    )

"""The frame every form modal shares: title, submit, cancel, and what travels with it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, PlainTextObject
from slack_sdk.models.views import View


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
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text=close),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def context_line(text: str) -> ContextBlock:
    """A line of context, such as the one each form opens with."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])

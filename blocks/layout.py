"""Blocks that hold text of any length within Slack's limits: one section, or many lines."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from blocks.text import SECTION_TEXT, clip, more_line

# A packed section keeps this much room for the "…and N more" line that may end it.
_PACKED_TEXT = SECTION_TEXT - 200


def section(text: str) -> SectionBlock:
    """A section of mrkdwn (already escaped), clipped to Slack's 3 000 characters."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT)))


def sections(
    lines: list[str],
    *,
    most: int,
    what: str = "items",
    where: str | None = None,
    left_out: int = 0,
) -> list[Block]:
    """`lines` packed into at most `most` sections, in order; the lines that don't fit, and
    `left_out` more the caller never rendered, are counted in an "…and N more" line at the
    end, so a long list is cut visibly."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = shown = 0
    for raw in lines:
        line = clip(raw, _PACKED_TEXT)
        if current and size + 1 + len(line) > _PACKED_TEXT:
            if len(chunks) + 1 >= most:
                break
            chunks.append(current)
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
        shown += 1
    if current:
        chunks.append(current)
    if hidden := len(lines) - shown + left_out:
        if not chunks:
            chunks.append([])
        chunks[-1].append(more_line(hidden, what, where))
    return [section("\n".join(chunk)) for chunk in chunks]

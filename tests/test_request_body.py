"""bot.server.form_fields reads a form body exactly as urllib's parse_qsl, only faster."""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from bot.server import form_fields

ALPHABET = [chr(code) for code in range(0x180)] + [
    "é",
    "😀",
    "\u2028",
    "\ufeff",
    "=",
    "%",
    "+",
    " ",
    "&",
    "\r\n",
    "%4",
    "%zz",
    "%C3",
    "%e2%82%ac",
]


def text(chooser: random.Random, longest: int = 40) -> str:
    return "".join(chooser.choice(ALPHABET) for _ in range(chooser.randint(0, longest)))


def as_urllib(body: str) -> dict[str, str]:
    return dict(parse_qsl(body, keep_blank_values=True))


def test_what_slack_encodes_reads_as_urllib_reads_it() -> None:
    chooser = random.Random(20261126)
    for _ in range(3000):
        fields = {text(chooser, 8) or "k": text(chooser) for _ in range(chooser.randint(1, 4))}
        for body in (urlencode(fields), urlencode(fields, quote_via=quote)):
            assert form_fields(body) == as_urllib(body), body


def test_bodies_no_encoder_would_write_read_as_urllib_reads_them() -> None:
    chooser = random.Random(7)
    for _ in range(3000):
        body = text(chooser, 60)  # raw: stray %, =, &, spaces, line breaks, non-ASCII
        assert form_fields(body) == as_urllib(body), repr(body)


@pytest.mark.parametrize(
    "body",
    ["", "&", "a", "a=", "=b", "a=b=c", "a=1&a=2", "a=%", "a=%2", "a=%2G", "a=%C3%A9%FF", "+=+"],
)
def test_edge_cases_read_as_urllib_reads_them(body: str) -> None:
    assert form_fields(body) == as_urllib(body)


def test_a_submitted_view_round_trips() -> None:
    view = {"blocks": [{"text": 'hello <!channel> & "x" é 😀 \n' * 20}] * 40, "id": "V1"}
    body = urlencode({"payload": json.dumps({"type": "view_submission", "view": view})})
    assert json.loads(form_fields(body)["payload"])["view"] == view

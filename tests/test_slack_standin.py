"""The Slack stand-in, driven through a real slack_sdk WebClient over loopback HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from tests.slack_standin import SlackStandIn

PM, AE, CSM = "UPM00001", "UAE00001", "UCSM0001"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}
MODAL = {
    "type": "modal",
    "callback_id": "open",
    "title": {"type": "plain_text", "text": "Open"},
    "blocks": [SECTION],
}


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user(PM, "pat.pm", real_name="Pat PM")
        running.add_user(AE, "alex.ae", tz="Asia/Tokyo")
        running.add_user(CSM, "casey.csm", tz="Europe/London")
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.base_url, timeout=5)


def fails(call: Callable[..., object], **kwargs: Any) -> str:
    """The Slack error code `call(**kwargs)` fails with (it must raise SlackApiError)."""
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response["error"]


def test_tokens_are_checked_and_auth_test_names_the_bot(standin: SlackStandIn) -> None:
    assert fails(WebClient(base_url=standin.base_url).auth_test) == "not_authed"
    assert fails(WebClient(token="xoxb-wrong", base_url=standin.base_url).auth_test) == (
        "invalid_auth"
    )
    me = WebClient(token=standin.bot_token, base_url=standin.base_url).auth_test()
    assert (me["user_id"], me["bot_id"], me["team_id"]) == ("UBOT", "BBOT", "T0001")
    assert [c.response["ok"] for c in standin.calls] == [False, False, True]
    assert all("token" not in c.args for c in standin.calls)


def test_posting_needs_membership_and_joining_grants_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    channel = standin.add_channel("proj-acme", members=(PM,))
    assert fails(client.chat_postMessage, channel=channel, text="hi") == "not_in_channel"
    assert standin.messages(channel) == []

    assert client.conversations_join(channel=channel)["channel"]["is_member"] is True
    posted = client.chat_postMessage(channel=channel, text="hi", blocks=[SECTION])
    [message] = standin.messages(channel)
    assert (posted["channel"], posted["ts"], posted["message"]["text"]) == (
        channel,
        message.ts,
        "hi",
    )
    assert (message.user, message.text, message.blocks) == ("UBOT", "hi", [SECTION])


def test_channel_rules_for_joining_and_posting(standin: SlackStandIn, client: WebClient) -> None:
    private = standin.add_channel("leads", is_private=True)
    archived = standin.add_channel("old", is_archived=True, bot_member=True)
    live = standin.add_channel("live", bot_member=True)
    join, post = client.conversations_join, client.chat_postMessage
    assert fails(join, channel=private) == "method_not_supported_for_channel_type"
    assert fails(join, channel=archived) == "is_archived"
    assert fails(join, channel="CNOPE") == "channel_not_found"
    assert fails(post, channel=archived, text="x") == "is_archived"
    assert fails(post, channel="CNOPE", text="x") == "channel_not_found"
    assert fails(post, channel=live, text="x", thread_ts="1.2") == "thread_not_found"
    assert fails(post, channel=live, text="x", blocks=[{"text": "?"}]) == "invalid_blocks"
    # Through api_call so slack_sdk's own missing-text warning stays out of the way.
    assert fails(client.api_call, api_method="chat.postMessage", json={"channel": live}) == (
        "no_text"
    )
    assert standin.messages(live) == []
    info = client.conversations_info(channel=private)["channel"]
    assert (info["is_private"], info["is_member"]) == (True, False)


def test_ts_values_are_unique_and_increasing_across_channels(
    standin: SlackStandIn, client: WebClient
) -> None:
    first = standin.add_channel("one", bot_member=True)
    second = standin.add_channel("two", bot_member=True)
    stamps = [
        client.chat_postMessage(channel=channel, text="x")["ts"]
        for channel in (first, second, first)
    ]
    assert len(set(stamps)) == 3
    assert stamps == sorted(stamps, key=float)


def test_form_encoded_arguments_are_decoded(standin: SlackStandIn, client: WebClient) -> None:
    channel = standin.add_channel("forms", bot_member=True)
    client.api_call(
        "chat.postMessage",
        params={
            "channel": channel,
            "text": "form",
            "blocks": json.dumps([SECTION]),
            "reply_broadcast": False,
            "unfurl_links": False,
        },
    )
    [message] = standin.messages(channel)
    assert message.blocks == [SECTION]
    assert (message.reply_broadcast, message.unfurl_links) == (False, False)
    assert standin.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]


def test_a_dm_to_a_user_opens_one_im_and_reuses_it(
    standin: SlackStandIn, client: WebClient
) -> None:
    assert standin.dm_channel(PM) is None
    first = client.chat_postMessage(channel=PM, text="hello")
    im = standin.dm_channel(PM)
    assert im is not None and im.startswith("D") and first["channel"] == im
    opened = client.conversations_open(users=PM)
    assert (opened["channel"]["id"], opened["already_open"]) == (im, True)
    client.chat_postMessage(channel=im, text="again")
    assert [m.text for m in standin.dms_to(PM)] == ["hello", "again"]
    assert standin.dms_to(AE) == []
    assert fails(client.conversations_open, users="UNOBODY") == "user_not_found"
    assert fails(client.chat_postMessage, channel="UNOBODY", text="x") == "channel_not_found"


def test_threads_history_and_permalinks(standin: SlackStandIn, client: WebClient) -> None:
    channel = standin.add_channel("threads", members=(PM,), bot_member=True)
    root = client.chat_postMessage(channel=channel, text="root")["ts"]
    reply = client.chat_postMessage(channel=channel, text="bot reply", thread_ts=root)["ts"]
    human = standin.post_user_message(channel, PM, "human reply", thread_ts=root)
    later = client.chat_postMessage(channel=channel, text="later")["ts"]

    assert [m.ts for m in standin.messages(channel)] == [root, later]
    assert [(m.ts, m.user) for m in standin.replies(channel, root)] == [
        (reply, "UBOT"),
        (human, PM),
    ]
    history = client.conversations_history(channel=channel)["messages"]
    assert [m["ts"] for m in history] == [later, root]
    assert history[1]["reply_count"] == 2
    thread = client.conversations_replies(channel=channel, ts=root)["messages"]
    assert [m["ts"] for m in thread] == [root, reply, human]

    link = client.chat_getPermalink(channel=channel, message_ts=reply)["permalink"]
    expected = f"https://example.slack.com/archives/{channel}/p{reply.replace('.', '')}"
    assert link.startswith(expected)
    assert fails(client.chat_getPermalink, channel=channel, message_ts="9.9") == (
        "message_not_found"
    )


def test_updates_edit_in_place_and_only_the_bots_own_messages(
    standin: SlackStandIn, client: WebClient
) -> None:
    channel = standin.add_channel("edits", members=(PM,), bot_member=True)
    ts = client.chat_postMessage(channel=channel, text="draft")["ts"]
    [message] = standin.messages(channel)
    client.chat_update(channel=channel, ts=ts, text="final", blocks=[SECTION])
    assert (message.text, message.blocks, message.edited) == ("final", [SECTION], True)

    human = standin.post_user_message(channel, PM, "mine")
    update = client.chat_update
    assert fails(update, channel=channel, ts=human, text="x") == "cant_update_message"
    assert fails(update, channel=channel, ts="1.1", text="x") == "message_not_found"
    client.chat_delete(channel=channel, ts=ts)
    assert [m.ts for m in standin.messages(channel)] == [human]


def test_ephemerals_reach_only_members(standin: SlackStandIn, client: WebClient) -> None:
    channel = standin.add_channel("eph", members=(PM,), bot_member=True)
    elsewhere = standin.add_channel("no-bot", members=(PM,))
    ephemeral = client.chat_postEphemeral
    ephemeral(channel=channel, user=PM, text="just you")
    assert standin.ephemerals == [(channel, PM, "just you", [])]
    assert fails(ephemeral, channel=channel, user=AE, text="x") == "user_not_in_channel"
    assert fails(ephemeral, channel=elsewhere, user=PM, text="x") == "not_in_channel"
    assert len(standin.ephemerals) == 1


def test_pins_and_reactions_refuse_repeats(standin: SlackStandIn, client: WebClient) -> None:
    channel = standin.add_channel("pins", bot_member=True)
    ts = client.chat_postMessage(channel=channel, text="pin me")["ts"]
    client.pins_add(channel=channel, timestamp=ts)
    assert fails(client.pins_add, channel=channel, timestamp=ts) == "already_pinned"
    assert standin.pinned(channel) == [ts]
    assert [i["message"]["ts"] for i in client.pins_list(channel=channel)["items"]] == [ts]
    client.pins_remove(channel=channel, timestamp=ts)
    assert fails(client.pins_remove, channel=channel, timestamp=ts) == "no_pin"
    assert standin.pinned(channel) == []
    assert fails(client.pins_add, channel=channel, timestamp="1.1") == "message_not_found"

    client.reactions_add(channel=channel, timestamp=ts, name="eyes")
    assert fails(client.reactions_add, channel=channel, timestamp=ts, name="eyes") == (
        "already_reacted"
    )
    assert standin.messages(channel)[0].reactions == ["eyes"]


def test_conversations_and_users_lists_paginate(standin: SlackStandIn, client: WebClient) -> None:
    names = [f"chan-{n}" for n in range(5)]
    for name in names:
        standin.add_channel(name)
    standin.add_channel("gone", is_archived=True)
    standin.add_channel("secret", is_private=True)

    # SlackResponse iterates by refilling itself, so each page is read as it arrives.
    pages = [page["channels"] for page in client.conversations_list(limit=2, exclude_archived=True)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [c["name"] for page in pages for c in page] == names
    cursors = [c.args.get("cursor") for c in standin.calls_to("conversations.list")]
    assert cursors[0] is None and all(cursors[1:])
    both = client.conversations_list(types="public_channel,private_channel")["channels"]
    assert {c["name"] for c in both} == {*names, "gone", "secret"}

    users = [u["id"] for page in client.users_list(limit=2) for u in page["members"]]
    assert users == ["UBOT", PM, AE, CSM]


def test_users_info_reports_the_zone_and_its_current_offset(
    standin: SlackStandIn, client: WebClient
) -> None:
    tokyo = client.users_info(user=AE)["user"]
    assert (tokyo["tz"], tokyo["tz_offset"], tokyo["tz_label"]) == ("Asia/Tokyo", 32400, "JST")
    pm = client.users_info(user=PM)["user"]
    expected = datetime.now(UTC).astimezone(ZoneInfo("America/Los_Angeles")).utcoffset()
    assert expected is not None and pm["tz_offset"] == expected.total_seconds()
    assert pm["profile"] == {"real_name": "Pat PM", "display_name": "pat.pm"}
    assert (pm["deleted"], pm["is_bot"]) == (False, False)
    assert fails(client.users_info, user="UNOBODY") == "user_not_found"
    assert standin.calls_to("users.info")[0].args == {"user": AE}  # sent as a GET query


def test_views_need_a_fresh_trigger_once(standin: SlackStandIn, client: WebClient) -> None:
    trigger = standin.new_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    assert standin.opened_views() == [opened]
    assert fails(client.views_open, trigger_id=trigger, view=MODAL) == "expired_trigger_id"
    stale = standin.new_trigger_id()
    standin.expire_trigger(stale)
    assert fails(client.views_push, trigger_id=stale, view=MODAL) == "expired_trigger_id"
    assert fails(client.views_open, trigger_id="made-up", view=MODAL) == "invalid_trigger_id"
    assert len(standin.opened_views()) == 1

    changed = MODAL | {"title": {"type": "plain_text", "text": "Done"}}
    client.views_update(view_id=opened["id"], view=changed)
    assert standin.view(opened["id"])["title"]["text"] == "Done"
    assert fails(client.views_update, view_id="VNOPE", view=changed) == "not_found"
    stale_hash = opened["hash"]
    assert fails(client.views_update, view_id=opened["id"], view=changed, hash=stale_hash) == (
        "hash_conflict"
    )


def test_home_views_are_kept_per_user(standin: SlackStandIn, client: WebClient) -> None:
    home = {"type": "home", "blocks": [SECTION]}
    first = client.views_publish(user_id=PM, view=home)["view"]
    again = client.views_publish(user_id=PM, view=home)["view"]
    assert first["id"] == again["id"]
    assert [v["type"] for v in standin.views_published(PM)] == ["home", "home"]
    assert standin.views_published(AE) == []


def test_rate_limit_is_retried_after_retry_after_and_posts_once(standin: SlackStandIn) -> None:
    channel = standin.add_channel("busy", bot_member=True)
    client = WebClient(
        token=standin.bot_token,
        base_url=standin.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    standin.fail_next("chat.postMessage", error="ratelimited", retry_after=0)
    client.chat_postMessage(channel=channel, text="once")
    assert [m.text for m in standin.messages(channel)] == ["once"]
    calls = standin.calls_to("chat.postMessage")
    assert [(c.status, c.response["ok"]) for c in calls] == [(429, False), (200, True)]


def test_rate_limit_answers_429_with_retry_after(standin: SlackStandIn) -> None:
    standin.fail_next("auth.test", error="ratelimited", retry_after=7)
    request = urllib.request.Request(
        standin.base_url + "auth.test",
        headers={"Authorization": f"Bearer {standin.bot_token}"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 429 and raised.value.headers["Retry-After"] == "7"
    assert json.loads(raised.value.read()) == {"ok": False, "error": "ratelimited"}


def test_server_errors_are_retried_and_have_no_side_effects(standin: SlackStandIn) -> None:
    channel = standin.add_channel("flaky", bot_member=True)
    retrying = WebClient(
        token=standin.bot_token,
        base_url=standin.base_url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.0)
            )
        ],
    )
    standin.fail_next("chat.postMessage", status=503, times=2)
    retrying.chat_postMessage(channel=channel, text="eventually")
    assert [m.text for m in standin.messages(channel)] == ["eventually"]
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [503, 503, 200]

    plain = WebClient(token=standin.bot_token, base_url=standin.base_url)
    standin.fail_next("chat.postMessage", status=500, error="fatal_error")
    with pytest.raises(SlackApiError) as raised:
        plain.chat_postMessage(channel=channel, text="lost")
    assert (raised.value.response.status_code, raised.value.response["error"]) == (
        500,
        "fatal_error",
    )
    [message] = standin.messages(channel)
    standin.fail_next("pins.add", error="not_pinnable")
    assert fails(plain.pins_add, channel=channel, timestamp=message.ts) == "not_pinnable"
    assert standin.pinned(channel) == []
    with pytest.raises(ValueError):
        standin.fail_next("pins.add")  # neither an error code nor an error status


def test_unknown_methods_are_refused_and_recorded(standin: SlackStandIn, client: WebClient) -> None:
    assert fails(client.api_call, api_method="chat.scheduleMessage") == "unknown_method"
    assert standin.calls[-1].method == "chat.scheduleMessage"


def test_files_upload_v2_uploads_and_shares(standin: SlackStandIn, client: WebClient) -> None:
    channel = standin.add_channel("exports", bot_member=True)
    done = client.files_upload_v2(
        channel=channel,
        filename="esc-1.md",
        title="ESC-1 export",
        content="# ESC-1\n",
        initial_comment="Here it is",
    )
    [shared] = standin.uploaded_files()
    assert done["file"]["id"] == shared["id"]
    assert (shared["filename"], shared["title"], shared["content"]) == (
        "esc-1.md",
        "ESC-1 export",
        b"# ESC-1\n",
    )
    assert (shared["channel"], shared["initial_comment"]) == (channel, "Here it is")
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    outside = standin.add_channel("not-joined")
    upload = client.files_upload_v2
    assert fails(upload, channel=outside, filename="x.md", content="x") == "not_in_channel"
    assert len(standin.uploaded_files()) == 1


def test_a_shared_file_shows_in_the_channel_history_and_completes_only_once(
    standin: SlackStandIn, client: WebClient
) -> None:
    channel = standin.add_channel("charts", bot_member=True)
    done = client.files_upload_v2(
        channel=channel, filename="w48.png", title="Week 48", file=b"png", initial_comment="Hi"
    )
    [message] = client.conversations_history(channel=channel)["messages"]
    assert (message["text"], message["subtype"], message["upload"]) == ("Hi", "file_share", True)
    assert message["files"] == [{"id": done["file"]["id"], "name": "w48.png", "title": "Week 48"}]
    again = client.files_completeUploadExternal
    assert fails(again, files=[{"id": done["file"]["id"]}], channel_id=channel) == (
        "file_not_found"
    )
    assert len(standin.messages(channel)) == 1


def test_response_urls_keep_payloads_and_wake_waiters(standin: SlackStandIn) -> None:
    url = standin.new_response_url()
    timer = threading.Timer(0.05, lambda: WebhookClient(url).send(text="later"))
    timer.start()
    assert standin.wait_for(lambda: bool(standin.responses(url)), timeout=2)
    timer.join()
    assert standin.responses(url) == [{"text": "later"}]
    unknown = url.rsplit("/", 1)[0] + "/RNOPE"
    assert WebhookClient(unknown).send(text="x").status_code == 404


def test_waiting_for_calls_returns_them_or_names_what_was_seen(
    standin: SlackStandIn, client: WebClient
) -> None:
    timer = threading.Timer(0.05, client.auth_test)
    timer.start()
    [call] = standin.wait_for_calls("auth.test", timeout=2)
    timer.join()
    assert call.response["ok"] is True
    assert standin.wait_for(lambda: False, timeout=0.01) is False
    with pytest.raises(AssertionError, match=r"chat\.update.*auth\.test"):
        standin.wait_for_calls("chat.update", timeout=0.05)


def test_stop_releases_the_port() -> None:
    standin = SlackStandIn().start()
    url = standin.base_url
    standin.stop()
    standin.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "auth.test", timeout=1)


def test_auth_test_reports_the_granted_scopes_in_slacks_header_when_told(
    standin: SlackStandIn, client: WebClient
) -> None:
    assert "x-oauth-scopes" not in {k.lower() for k in client.auth_test().headers}
    standin.granted_scopes = ["chat:write", "users:read"]
    headers = {k.lower(): v for k, v in client.auth_test().headers.items()}
    assert headers["x-oauth-scopes"] == "chat:write,users:read"


def test_a_socket_mode_connection_opens_only_with_the_app_token(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.socket_mode_url = "ws://127.0.0.1:1/link/"
    app = WebClient(base_url=standin.base_url, timeout=5)
    assert app.apps_connections_open(app_token=standin.app_token)["url"] == (
        standin.socket_mode_url
    )
    assert fails(app.apps_connections_open, app_token=standin.bot_token) == (
        "not_allowed_token_type"
    )
    assert fails(app.apps_connections_open, app_token="xapp-1-other") == "invalid_auth"
    assert client.auth_test()["ok"]  # the bot token still works everywhere else

"""The people and channels of the test workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.slack_standin import SlackStandIn


@dataclass
class World:
    """The people and channels of the test workspace."""

    pm: str = "UPM00001"
    manager: str = "UMGR0001"
    director: str = "UDIR0001"
    ae: str = "UAE00001"
    csm: str = "UCSM0001"
    leader: str = "ULEAD001"
    bot_user: str = "UBOTUSR1"
    gone: str = "UGONE001"
    leadership_channel: str = ""
    internal_channel: str = ""
    customer_channel: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def build_world(standin: SlackStandIn) -> World:
    world = World()
    standin.add_user(world.pm, "pat.pm", tz="America/Los_Angeles", real_name="Pat PM")
    standin.add_user(world.manager, "morgan.mgr", tz="America/Chicago", real_name="Morgan Manager")
    standin.add_user(world.director, "dana.dir", tz="America/New_York", real_name="Dana Director")
    standin.add_user(world.ae, "alex.ae", tz="America/New_York", real_name="Alex AE")
    standin.add_user(world.csm, "casey.csm", tz="Europe/London", real_name="Casey CSM")
    standin.add_user(world.leader, "lee.lead", tz="America/New_York", real_name="Lee Leader")
    standin.add_user(world.bot_user, "some-bot", is_bot=True, real_name="Some Bot")
    standin.add_user(world.gone, "gone.person", deleted=True, real_name="Gone Person")
    members = (world.pm, world.manager, world.director, world.leader, world.ae, world.csm)
    world.leadership_channel = standin.add_channel("ps-project-leadership", members=members)
    world.internal_channel = standin.add_channel("proj-acme-internal", members=members)
    world.customer_channel = standin.add_channel(
        "acme-shared", members=(world.pm,), is_ext_shared=True, bot_member=True
    )
    return world

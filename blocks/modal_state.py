"""What a person entered in a modal, read one way everywhere.

Slack sends a submitted modal's inputs as `view.state.values`: block id -> action id -> the
element's state, whose key depends on the element (`value`, `selected_option`,
`selected_users`, `selected_date`...). Our modals give each input's block and element the
same id (the field's name), so a field is read by its name alone. Whatever is missing or
not the shape Slack documents reads as "nothing entered": a form then says what it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any


class ModalState:
    """Typed reads of `view.state.values`, one method per kind of element."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values if isinstance(values, Mapping) else {}

    @classmethod
    def of(cls, view: Mapping[str, Any]) -> ModalState:
        """The state of a submitted `view` (an empty one when it carries none)."""
        state = view.get("state")
        return cls(state.get("values", {}) if isinstance(state, Mapping) else {})

    @classmethod
    def wrap(cls, state: ModalState | Mapping[str, Any]) -> ModalState:
        """`state` itself, or a reader of the `view.state.values` mapping it is."""
        return state if isinstance(state, ModalState) else cls(state)

    def _element(self, name: str) -> Mapping[str, Any]:
        block = self._values.get(name)
        element = block.get(name) if isinstance(block, Mapping) else None
        return element if isinstance(element, Mapping) else {}

    def typed(self, name: str) -> str:
        """A text input exactly as typed ("" when empty)."""
        value = self._element(name).get("value")
        return value if isinstance(value, str) else ""

    def text(self, name: str) -> str | None:
        """A text input without surrounding spaces; None when nothing but spaces."""
        return self.typed(name).strip() or None

    def option(self, name: str) -> str | None:
        """The chosen option's value of a select or radio buttons."""
        chosen = self._element(name).get("selected_option")
        value = chosen.get("value") if isinstance(chosen, Mapping) else None
        return value if isinstance(value, str) else None

    def options(self, name: str) -> list[str]:
        """The ticked options' values of checkboxes or a multi-select, in order."""
        chosen = self._element(name).get("selected_options") or []
        return [
            o["value"] for o in chosen if isinstance(o, Mapping) and isinstance(o.get("value"), str)
        ]

    def user(self, name: str) -> str | None:
        """The person chosen in a user select."""
        user = self._element(name).get("selected_user")
        return user if isinstance(user, str) and user else None

    def users(self, name: str) -> list[str]:
        """The people chosen in a multi-user select."""
        users = self._element(name).get("selected_users") or []
        return [u for u in users if isinstance(u, str)]

    def conversation(self, name: str) -> str | None:
        """The channel chosen in a conversation select."""
        channel = self._element(name).get("selected_conversation")
        return channel if isinstance(channel, str) and channel else None

    def day(self, name: str) -> date | None:
        """The day chosen in a date picker (None when none or not a date)."""
        chosen = self._element(name).get("selected_date")
        try:
            return date.fromisoformat(chosen) if isinstance(chosen, str) and chosen else None
        except ValueError:
            return None

    def moment(self, name: str) -> datetime | None:
        """The instant chosen in a date-time picker, in UTC."""
        stamp = self._element(name).get("selected_date_time")
        if not stamp or isinstance(stamp, bool):
            return None
        try:
            return datetime.fromtimestamp(int(stamp), UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            return None

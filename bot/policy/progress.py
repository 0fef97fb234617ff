"""Percent complete of an escalation's milestones: pure, from what their tasks say."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.models import Milestone


@dataclass(frozen=True)
class MilestoneProgress:
    title: str
    tasks_done: int
    tasks_total: int

    @property
    def percent(self) -> int | None:
        """None while the milestone has no task: nothing to measure yet, which is not 0 %."""
        if self.tasks_total == 0:
            return None
        return round(100 * self.tasks_done / self.tasks_total)

    @property
    def complete(self) -> bool:
        return self.tasks_total > 0 and self.tasks_done == self.tasks_total


@dataclass(frozen=True)
class Progress:
    milestones: tuple[MilestoneProgress, ...] = ()

    @property
    def tasks_done(self) -> int:
        return sum(m.tasks_done for m in self.milestones)

    @property
    def tasks_total(self) -> int:
        return sum(m.tasks_total for m in self.milestones)

    @property
    def milestones_complete(self) -> int:
        return sum(1 for m in self.milestones if m.complete)

    @property
    def percent(self) -> int | None:
        """Done tasks over all tasks of every milestone (a milestone's weight is its work);
        None when no milestone has a task yet."""
        if self.tasks_total == 0:
            return None
        return round(100 * self.tasks_done / self.tasks_total)

    def summary(self) -> str:
        """One line for people: "40% complete (2 of 5 tasks; 1 of 3 milestones done)"."""
        if not self.milestones:
            return "no milestones yet"
        count = len(self.milestones)
        milestones = f"{self.milestones_complete} of {count} milestone{'s' if count != 1 else ''}"
        if self.percent is None:
            return f"no tasks yet ({milestones} done)"
        return (
            f"{self.percent}% complete ({self.tasks_done} of {self.tasks_total} "
            f"task{'s' if self.tasks_total != 1 else ''}; {milestones} done)"
        )


def progress_of(milestones: Iterable[tuple[str, Iterable[bool]]]) -> Progress:
    """From (title, each task's done flag) pairs, in milestone order."""
    found = []
    for title, tasks in milestones:
        flags = list(tasks)
        found.append(MilestoneProgress(title, sum(1 for done in flags if done), len(flags)))
    return Progress(tuple(found))


def progress_of_milestones(milestones: Iterable[Milestone]) -> Progress:
    """From the stored milestones with their tasks loaded."""
    return progress_of((m.title, (t.done_at is not None for t in m.tasks)) for m in milestones)

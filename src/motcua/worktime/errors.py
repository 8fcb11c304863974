"""Errors of the working-time engine. All are ValueErrors, so callers may catch either."""

from __future__ import annotations


class WorktimeError(ValueError):
    """Base class: input the engine cannot give a meaningful answer for."""


class NaiveDatetimeError(WorktimeError):
    """A datetime without a timezone: its instant, hence its working day, is ambiguous."""


class OutOfRangeError(WorktimeError):
    """A date outside the years the calendar was built for."""


class PauseError(WorktimeError):
    """A pause (tạm dừng) that ends before it begins, or overlaps another pause."""

"""Domain errors: a machine-readable code, a Vietnamese message, an HTTP status for the API."""

from __future__ import annotations


class DomainError(Exception):
    http_status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    http_status = 400


class NotAllowed(DomainError):
    """The actor may not do this (role or unit)."""

    http_status = 403


class Conflict(DomainError):
    """Not allowed in the current state, or someone else changed the dossier first."""

    http_status = 409

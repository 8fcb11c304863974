"""Domain errors: a machine-readable code, a Vietnamese message, an HTTP status for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    http_status = 400

    def __init__(self, code: str, message: Any, *, field: str | None = None):
        # ``message`` is marked for gettext (docs/architecture.md); it becomes text in the
        # language active where the error is raised: the request's in a view, Vietnamese in
        # jobs and commands. A lazy string kept lazy would not survive "".join() or json.
        message = str(message)
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    http_status = 400


class InvalidInputs(InvalidInput):
    """Several input errors found together, so a form or an API client sees all of them at
    once (``errors``), not one per attempt. A single error is raised as itself."""

    def __init__(self, errors: list[InvalidInput]):
        codes = {e.code for e in errors}
        # One kind of error (three missing papers) keeps its code; a mix is "invalid".
        fields = {e.field for e in errors}
        super().__init__(codes.pop() if len(codes) == 1 else "invalid",
                         _("Dữ liệu không hợp lệ: %(errors)s")
                         % {"errors": " ".join(e.message for e in errors)},
                         field=fields.pop() if len(fields) == 1 else None)
        self.errors = list(errors)


class ErrorList:
    """Collect the InvalidInput of several independent checks, then raise them together.

    ``value = errors.check(fn, *args)`` runs one check (None when it failed);
    ``errors.raise_if_any()`` raises the one error, or ``InvalidInputs`` for several.
    """

    def __init__(self) -> None:
        self.errors: list[InvalidInput] = []

    def add(self, error: InvalidInput) -> None:
        if isinstance(error, InvalidInputs):
            self.errors.extend(error.errors)
        else:
            self.errors.append(error)

    def check(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidInput as error:
            self.add(error)
            return None

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidInputs(self.errors)


class NotAllowed(DomainError):
    """The actor may not do this (role or unit)."""

    http_status = 403


class Conflict(DomainError):
    """Not allowed in the current state, or someone else changed the dossier first."""

    http_status = 409

"""Guard: every message for people that a domain error carries goes through gettext.

A ``InvalidInput("code", "Vietnamese sentence")`` would reach an English page or API client
untranslated; the message must be written ``_("…")`` (or ``_("… %(x)s …") % {...}``) so that
it is extracted into the catalogues (docs/architecture.md, "Messages for people").
"""

from __future__ import annotations

import ast
from pathlib import Path

import motcua

ERRORS = {"InvalidInput", "NotAllowed", "Conflict", "DomainError", "TabularError", "ScannerDown",
          "CatalogInvalid"}
SRC = Path(motcua.__file__).parent


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _raw_vietnamese(node: ast.expr) -> bool:
    """A literal (or f-string, or ``"…" % x``, or ``"…" + x``) with non-ASCII text that no
    gettext call wraps."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and not node.value.isascii()
    if isinstance(node, ast.JoinedStr):
        return any(_raw_vietnamese(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _raw_vietnamese(node.left) or _raw_vietnamese(node.right)
    return False


def offenders(source: str, filename: str = "<source>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in ERRORS:
            args = [*node.args, *(k.value for k in node.keywords)]
            if any(_raw_vietnamese(arg) for arg in args):
                found.append(f"{filename}:{node.lineno}")
    return found


def test_the_guard_sees_raw_and_accepts_wrapped_messages():
    raw = 'raise InvalidInput("x", "Không được.")\nraise Conflict("y", f"Hồ sơ {code} đã khóa.")\n'
    raw += 'raise errors.NotAllowed("z", "Bạn %s" % who)\n'
    assert len(offenders(raw)) == 3
    wrapped = 'raise InvalidInput("x", _("Không được."))\n'
    wrapped += 'raise Conflict("y", _("Hồ sơ %(code)s đã khóa.") % {"code": code})\n'
    wrapped += 'raise NotAllowed("unit_not_allowed", message, field="unit")\n'
    assert offenders(wrapped) == []


def test_no_domain_error_carries_an_untranslated_vietnamese_literal():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found += offenders(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert found == [], "wrap these messages in gettext: " + ", ".join(found)

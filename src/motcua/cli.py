"""The ``motcua`` console script: Django's manage.py under one name.

``motcua catalog import FILE`` and ``motcua deadlines recompute`` read better than Django's
one-word command names, so a first argument that names a command group is joined with the next
one (``catalog import`` -> ``catalog_import``) when such a command exists.
"""

from __future__ import annotations

import os
import sys

GROUPS = {"catalog", "deadlines", "dossiers", "audit", "demo", "retention"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) >= 3 and args[1] in GROUPS and not args[2].startswith("-"):
        args[1:3] = [f"{args[1]}_{args[2]}"]
    from django.core.management import execute_from_command_line

    from motcua.audit.context import CLI, audit_context

    # Events written by a command say so (requests served by runserver set their own).
    with audit_context(channel=CLI):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()

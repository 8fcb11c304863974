"""Input limits read from the model fields that will store the value (one owner per limit).

A value longer than its column, or a number outside its column's range, passed validation and
failed in the database: a 500 on PostgreSQL ("value too long", "out of range for type
smallint"), silently kept on SQLite. Edge validators (API serializers, forms, query parameters)
take their limits from here, so a migration that widens a column widens the check.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.backends.base.operations import BaseDatabaseOperations


def _field(model, name: str):
    return model._meta.get_field(name)


def max_length(model, name: str) -> int | None:
    return _field(model, name).max_length


def int_range(model, name: str) -> dict:
    """``{"min_value": …, "max_value": …}`` of an integer column, for a DRF or form field.

    The range of the column type as every supported database stores it (Django's table for
    the type, e.g. 0..32767 for a PositiveSmallIntegerField), not the current connection's:
    SQLite reports no limit and would accept what PostgreSQL then refuses.
    """
    field = _field(model, name)
    low, high = BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type(),
                                                               (None, None))
    limits = {"min_value": low, "max_value": high}
    for validator in field.validators:
        if isinstance(validator, MinValueValidator) and low is not None:
            limits["min_value"] = max(limits["min_value"], validator.limit_value)
        elif isinstance(validator, MaxValueValidator) and high is not None:
            limits["max_value"] = min(limits["max_value"], validator.limit_value)
    return {k: v for k, v in limits.items() if v is not None}


# Primary keys: Django's BigAutoField (and auth's AutoField) ids as a query parameter or a
# reference in a body. A larger number cannot name a row and overflows the database integer.
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1
# Free texts kept in unbounded (TEXT) columns: reasons, notes, requested items. Ten thousand
# characters is pages of text; more is a paste accident or an attack on the database size.
TEXT_MAX = 10_000

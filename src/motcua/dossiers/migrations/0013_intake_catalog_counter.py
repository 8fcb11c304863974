"""The change counter (``accounts.CacheGeneration``) also moves on every write of what the
staff intake keeps per process (``dossiers/services/catalog_cache.py``: ``intake_unit``,
``intake_version``): units, fields, procedures, versions and a version's receiving units, any
column, any operation. Migration ``0011`` raised it on UPDATEs of the codes and names the
detail shows; the triggers are replaced by wider ones under the same names.
"""

from django.db import migrations

from motcua.core import dbrules

COUNTER = "accounts_cachegeneration"
WATCHED = [
    "org_unit",
    "catalog_field",
    "catalog_procedure",
    "catalog_procedureversion",
    "catalog_procedureversion_receiving_units",
]
# PostgreSQL cuts names at 63 characters: the receiving units' trigger gets a shorter one.
NAMES = {"catalog_procedureversion_receiving_units": f"catalog_pv_receiving_units_bumps_{COUNTER}"}


def _name(table: str) -> str:
    return NAMES.get(table, f"{table}_bumps_{COUNTER}")
# What 0011 had, put back when this one is reversed.
BEFORE = [
    ("org_unit", ("code",)),
    ("catalog_field", ("code",)),
    ("catalog_procedure", ("code",)),
    ("catalog_procedureversion", ("name",)),
]


def triggers(apps, schema_editor):
    for table in WATCHED:
        dbrules.bump_counter(schema_editor, table, counter_table=COUNTER, name=_name(table))


def narrow(apps, schema_editor):
    for table in WATCHED:
        dbrules.drop_counter_triggers(schema_editor, table, _name(table))
    for table, watched in BEFORE:
        dbrules.bump_counter(schema_editor, table, counter_table=COUNTER, ops=("UPDATE",),
                             watched=watched)


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0012_worklist_disjoint_arms"),
        ("catalog", "0006_payments2_fee_rules"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(triggers, narrow)]

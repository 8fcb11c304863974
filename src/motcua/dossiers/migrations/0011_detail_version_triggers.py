"""The dossier's version (``Dossier.lock_version``) kept by the database: every UPDATE of the
dossier row and every INSERT/UPDATE/DELETE of the rows its detail shows (documents, steps,
history, the closing notice's hand-over) raise it, whichever code writes. The staff lookup's
``ETag`` is built from it (``dossiers/conditional.py``).

The codes and names the detail shows from other tables (units, field, procedure, the holder's
and history actors' usernames) change the one-row ``accounts.CacheGeneration`` instead: a
rename is rare, and raising a counter on every dossier of a unit would rewrite millions of rows.
"""

from django.db import migrations

from motcua.core import dbrules

DOSSIER = "dossiers_dossier"
VERSION = "lock_version"
CHILDREN = ["dossiers_dossierdocument", "dossiers_dossierstep", "dossiers_statuschange",
            "dossiers_noticedelivery"]
COUNTER = "accounts_cachegeneration"
# Codes and names shown in the detail that live in other tables (UPDATE of these columns).
REFERENCES = [
    ("org_unit", ("code",)),
    ("catalog_field", ("code",)),
    ("catalog_procedure", ("code",)),
    ("catalog_procedureversion", ("name",)),
]


def triggers(apps, schema_editor):
    dbrules.bump_own_version(schema_editor, DOSSIER, column=VERSION)
    for table in CHILDREN:
        dbrules.bump_parent_version(schema_editor, table, parent_table=DOSSIER,
                                    parent_fk="dossier_id", column=VERSION)
    for table, watched in REFERENCES:
        dbrules.bump_counter(schema_editor, table, counter_table=COUNTER, ops=("UPDATE",),
                             watched=watched)


def drop(apps, schema_editor):
    dbrules.drop_counter_triggers(schema_editor, DOSSIER, f"{DOSSIER}_{VERSION}_bump")
    for table in CHILDREN:
        dbrules.drop_counter_triggers(schema_editor, table, f"{table}_bumps_{DOSSIER}")
    for table, _watched in REFERENCES:
        dbrules.drop_counter_triggers(schema_editor, table, f"{table}_bumps_{COUNTER}")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_cache_generation"),
        ("catalog", "0006_payments2_fee_rules"),
        ("dossiers", "0010_citizen2_reception_supplement"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(triggers, drop)]

"""A published procedure version (and its documents, fees and steps) cannot change in the
database either: only its status may move on (published → retired), never back to a draft."""

from django.db import migrations

from motcua.core import dbrules

_PARTS = ("catalog_requireddocument", "catalog_fee", "catalog_processstep")


def freeze(apps, schema_editor):
    version = apps.get_model("catalog", "ProcedureVersion")
    dbrules.frozen_when(
        schema_editor, version._meta.db_table,
        columns=[f.column for f in version._meta.concrete_fields],
        frozen="OLD.status <> 'draft'", mutable=["status"], refused="NEW.status = 'draft'",
        code="published_version_immutable",
    )
    for table in _PARTS:
        dbrules.frozen_children(
            schema_editor, table, parent_table=version._meta.db_table, parent_fk="version_id",
            frozen="p.status <> 'draft'", code="published_version_immutable",
        )


def unfreeze(apps, schema_editor):
    dbrules.drop_trigger(schema_editor, "catalog_procedureversion", "catalog_procedureversion_frozen")
    for table in _PARTS:
        if schema_editor.connection.vendor == "sqlite":
            for suffix in ("insert", "update", "delete", "update_new"):
                dbrules.drop_trigger(schema_editor, table, f"{table}_frozen_{suffix}")
        else:
            dbrules.drop_trigger(schema_editor, table, f"{table}_frozen")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_search_synonyms")]

    operations = [migrations.RunPython(freeze, unfreeze)]

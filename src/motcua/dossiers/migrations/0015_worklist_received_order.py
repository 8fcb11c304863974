# Narrowed lists by status, newest first (the API lists), read each arm of the unit OR in
# received_at order from an index and stop after the page (selectors.IndexIds) instead of
# sorting every match. The two indexes take the places of the receiving and competent unit
# foreign keys' own single-column indexes, which dossier_recv_unit_at and dossier_comp_unit_at
# (same first column) make redundant: the table keeps the same number of indexes.
#
# The foreign keys change in the migration state only, their indexes are dropped by name: on
# SQLite, AlterField rebuilds the table (a copy of every dossier) and would drop the
# lock_version trigger of migration 0011 with the old table.

import django.db.models.deletion
from django.db import migrations, models

FK_INDEXES = (
    ("dossiers_dossier_competent_unit_id_5a088221", "competent_unit_id"),
    ("dossiers_dossier_receiving_unit_id_0453b4b0", "receiving_unit_id"),
)


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0014_worklist_held_by_third'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='dossier',
                    name='competent_unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='competent_dossiers', to='org.unit', verbose_name='cơ quan giải quyết'),
                ),
                migrations.AlterField(
                    model_name='dossier',
                    name='receiving_unit',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='received_dossiers', to='org.unit', verbose_name='nơi tiếp nhận'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "dossiers_dossier" ("{column}")',
                )
                for name, column in FK_INDEXES
            ],
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['receiving_unit', 'status', 'received_at', 'id', 'due_at'], name='dossier_recv_status_at'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['competent_unit', 'status', 'received_at', 'id', 'due_at', 'receiving_unit'], name='dossier_comp_status_at'),
        ),
    ]

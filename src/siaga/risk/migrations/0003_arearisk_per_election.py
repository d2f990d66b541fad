"""AreaRisk per election: one row per (region, election) with an ordinary primary key.

The old table has the region as its primary key, which Django cannot turn into a plain foreign key in place on
every database, so the rows move to a new table (as Pemilu rows: before this migration only the Pemilu was
scored by area), the old table is dropped and the new one takes its name.
"""

import django.db.models.deletion
from django.db import migrations, models

FIELDS = ["level", "index", "band", "intel", "score_sum", "tps", "kurang_rawan", "rawan", "sangat_rawan", "khusus",
          "computed_at"]


def copy_as_pemilu(apps, schema_editor):
    Old = apps.get_model("risk", "AreaRisk")
    New = apps.get_model("risk", "AreaRiskByElection")
    rows = (New(region_id=row["region_id"], election="pemilu", **{f: row[f] for f in FIELDS})
            for row in Old.objects.values("region_id", *FIELDS).iterator(chunk_size=2000))
    New.objects.bulk_create(rows, batch_size=2000)


def copy_back(apps, schema_editor):
    """Reverse: the Pemilu rows return to the one-row-per-region table (other elections' rows are dropped)."""
    Old = apps.get_model("risk", "AreaRisk")
    New = apps.get_model("risk", "AreaRiskByElection")
    rows = (Old(region_id=row["region_id"], **{f: row[f] for f in FIELDS})
            for row in New.objects.filter(election="pemilu").values("region_id", *FIELDS).iterator(chunk_size=2000))
    Old.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0001_initial"),
        ("risk", "0002_arearisk_score_sum"),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaRiskByElection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to="regions.region")),
                ("election", models.CharField(choices=[("pemilu", "Pemilu"), ("pilkada", "Pilkada")],
                                              default="pemilu", max_length=8, verbose_name="election")),
                ("level", models.PositiveSmallIntegerField(db_index=True)),
                ("index", models.FloatField()),
                ("band", models.PositiveSmallIntegerField()),
                ("intel", models.FloatField(blank=True, null=True)),
                ("score_sum", models.FloatField(default=0.0)),
                ("tps", models.PositiveIntegerField(default=0)),
                ("kurang_rawan", models.PositiveIntegerField(default=0)),
                ("rawan", models.PositiveIntegerField(default=0)),
                ("sangat_rawan", models.PositiveIntegerField(default=0)),
                ("khusus", models.PositiveIntegerField(default=0)),
                ("computed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(copy_as_pemilu, copy_back),
        migrations.DeleteModel(name="AreaRisk"),
        migrations.RenameModel(old_name="AreaRiskByElection", new_name="AreaRisk"),
        migrations.AlterField(
            model_name="arearisk",
            name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="area_risks",
                                    to="regions.region"),
        ),
        migrations.AddConstraint(
            model_name="arearisk",
            constraint=models.UniqueConstraint(fields=("region", "election"), name="risk_arearisk_region_election"),
        ),
    ]

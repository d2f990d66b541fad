"""Bawaslu's IKP editions, bands and area scores as published; AreaRisk's level on Siaga's own scale.

AreaRisk.band held Bawaslu's band names on Siaga's index; it becomes siaga_level (Tingkat Siaga 1-3,
core.siaga_index) and is recomputed from the stored index, whose thresholds differ."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def relevel(apps, schema_editor):
    AreaRisk = apps.get_model("risk", "AreaRisk")
    for level, low, high in ((0, None, 10.0), (1, 10.0, 30.0), (2, 30.0, None)):
        rows = AreaRisk.objects.all()
        if low is not None:
            rows = rows.filter(index__gte=low)
        if high is not None:
            rows = rows.filter(index__lt=high)
        rows.update(siaga_level=level)


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0001_initial"),
        ("risk", "0003_arearisk_per_election"),
    ]

    operations = [
        migrations.RenameField(model_name="arearisk", old_name="band", new_name="siaga_level"),
        migrations.RunPython(relevel, migrations.RunPython.noop),
        migrations.CreateModel(
            name="IkpEdition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="edition")),
                ("released_on", models.DateField(verbose_name="release date")),
                ("kind", models.CharField(choices=[("umum", "General"), ("tematik", "Thematic")], default="umum",
                                          max_length=8, verbose_name="kind")),
                ("theme", models.CharField(blank=True, max_length=100, verbose_name="theme")),
                ("source", models.CharField(max_length=500, verbose_name="source")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "IKP edition", "verbose_name_plural": "IKP editions",
                     "ordering": ["-released_on", "name"]},
        ),
        migrations.CreateModel(
            name="IkpBand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField()),
                ("name", models.CharField(max_length=10)),
                ("lower", models.FloatField()),
                ("upper", models.FloatField()),
                ("edition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="bands",
                                              to="risk.ikpedition")),
            ],
            options={"ordering": ["edition", "level", "lower"]},
        ),
        migrations.CreateModel(
            name="IkpScore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField()),
                ("score", models.FloatField()),
                ("band", models.CharField(max_length=10)),
                ("band_published", models.BooleanField(default=True)),
                ("dimensions", models.JSONField(default=list)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("edition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="scores",
                                              to="risk.ikpedition")),
                ("region", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="ikp_scores",
                                             to="regions.region")),
            ],
            options={"ordering": ["edition", "region"]},
        ),
        migrations.AddConstraint(model_name="ikpband", constraint=models.UniqueConstraint(
            fields=("edition", "level", "name"), name="risk_ikpband_unique")),
        migrations.AddConstraint(model_name="ikpscore", constraint=models.UniqueConstraint(
            fields=("edition", "region"), name="risk_ikpscore_unique")),
    ]

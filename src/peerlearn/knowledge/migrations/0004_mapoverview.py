from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill_overviews(apps: Any, schema_editor: Any) -> None:
    """The shown run of each repository gets the overview its page now reads."""
    from peerlearn.knowledge.result import dumps_overview

    Analysis = apps.get_model("knowledge", "Analysis")
    MapOverview = apps.get_model("knowledge", "MapOverview")
    for analysis in Analysis.objects.filter(status="done").exclude(result="").only("result"):
        MapOverview.objects.create(analysis=analysis, text=dumps_overview(analysis.result))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_analysis_worker"),
    ]

    operations = [
        migrations.CreateModel(
            name="MapOverview",
            fields=[
                (
                    "analysis",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="map_overview",
                        serialize=False,
                        to="knowledge.analysis",
                    ),
                ),
                ("text", models.TextField()),
            ],
        ),
        migrations.RunPython(fill_overviews, migrations.RunPython.noop),
    ]

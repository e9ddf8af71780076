"""A mission's organising firms live in ``Mission.organisers`` only: participations in the
role organiser name regions or people. Existing firm-organiser participations are folded into
the mission before the database refuses new ones."""

from django.db import migrations, models


def fold_organiser_firms_into_missions(apps, schema_editor):
    """For each participation of a firm as organiser: the firm joins the mission's organisers,
    the participation's citations move to the mission (or are deleted where the mission already
    cites that source at that locator, the citations' unique rule), and the participation goes."""
    Participation = apps.get_model("exchanges", "Participation")
    Citation = apps.get_model("exchanges", "Citation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = Participation.objects.filter(role="organiser", firm__isnull=False)
    if not rows.exists():
        return
    participation_type = ContentType.objects.get_for_model(Participation)
    mission_type = ContentType.objects.get_for_model(apps.get_model("exchanges", "Mission"))
    for participation in rows.select_related("mission"):
        mission = participation.mission
        mission.organisers.add(participation.firm_id)
        cited = Citation.objects.filter(content_type=participation_type, object_id=participation.pk)
        for citation in cited:
            held = Citation.objects.filter(
                content_type=mission_type,
                object_id=mission.pk,
                source_id=citation.source_id,
                locator=citation.locator,
            ).exists()
            if held:
                citation.delete()
            else:
                citation.content_type = mission_type
                citation.object_id = mission.pk
                citation.save(update_fields=["content_type", "object_id"])
        participation.delete()
    if schema_editor.connection.vendor == "postgresql":
        # Rows changed in the transaction that alters their table leave deferred foreign-key
        # checks pending, and PostgreSQL refuses the ALTER: run the checks now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0020_indicator_sort_and_filter_indexes"),
    ]

    operations = [
        migrations.RunPython(fold_organiser_firms_into_missions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.CheckConstraint(
                condition=models.Q(("role", "organiser"), _negated=True)
                | models.Q(("firm__isnull", True)),
                name="participation_organiser_not_a_firm",
                violation_error_message=(
                    "A firm that organises a mission is listed among the mission's organisers."
                ),
            ),
        ),
    ]

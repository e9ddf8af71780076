"""Each partnership of firms was stored both ways: one row is kept, and the database holds
one row a pair from now on. Its own migration, so that on PostgreSQL the rows change in another
transaction than the table (deferred foreign-key checks pending from row changes refuse an
ALTER TABLE in the same transaction)."""

import django.db.models.functions.comparison
from django.db import migrations, models


def one_row_per_partnership(apps, schema_editor):
    """Each partnership was stored both ways: keep the row naming the firm with the lower id
    first, delete its mirror. A row without a mirror is kept as it is."""
    FirmPartner = apps.get_model("exchanges", "FirmPartner")
    rows = set(FirmPartner.objects.values_list("from_firm_id", "to_firm_id"))
    mirrored = [(a, b) for a, b in rows if a > b and (b, a) in rows]
    for from_firm, to_firm in mirrored:
        FirmPartner.objects.filter(from_firm_id=from_firm, to_firm_id=to_firm).delete()


def two_rows_per_partnership(apps, schema_editor):
    FirmPartner = apps.get_model("exchanges", "FirmPartner")
    for row in FirmPartner.objects.all():
        FirmPartner.objects.get_or_create(from_firm_id=row.to_firm_id, to_firm_id=row.from_firm_id)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0018_relations_with_kind"),
    ]

    operations = [
        migrations.RunPython(one_row_per_partnership, two_rows_per_partnership),
        migrations.AddConstraint(
            model_name="firmpartner",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Least("from_firm", "to_firm"),
                django.db.models.functions.comparison.Greatest("from_firm", "to_firm"),
                name="firmpartner_one_row_per_pair_to_firm",
                violation_error_message="These two firms already have a partnership.",
            ),
        ),
    ]

"""Each partnership of firms was stored both ways: one row is kept, and the database holds
one row a pair from now on. Its own migration, so that on PostgreSQL the rows change in another
transaction than the table (deferred foreign-key checks pending from row changes refuse an
ALTER TABLE in the same transaction)."""

import django.db.models.functions.comparison
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models
from django.utils import timezone

FIXTURES_USERNAME = "fixtures"


def one_row_per_partnership(apps, schema_editor):
    """Each partnership was stored both ways: keep the row naming the firm with the lower id
    first, delete its mirror. A row without a mirror is kept as it is.

    The rows left are numbered 1, 2, … in the order of their firms, the order in which the
    fixtures number the partnerships they hold, so that a fixture's partnership and the row
    a database already holds for it share one id. A partnership between two firms that only
    the fixtures ever wrote came with them: its history starts there, so that a fixture's
    correction (its kind, its dates) reaches it as it reaches any record of the fixtures."""
    using = schema_editor.connection.alias
    FirmPartner = apps.get_model("exchanges", "FirmPartner")
    rows = FirmPartner.objects.using(using)
    pairs = set(rows.values_list("from_firm_id", "to_firm_id"))
    mirrored = [(a, b) for a, b in pairs if a > b and (b, a) in pairs]
    for from_firm, to_firm in mirrored:
        rows.filter(from_firm_id=from_firm, to_firm_id=to_firm).delete()
    columns = [field.attname for field in FirmPartner._meta.concrete_fields if field.name != "id"]
    kept = list(rows.order_by("from_firm_id", "to_firm_id", "id").values(*columns))
    rows.all().delete()
    renumbered = rows.bulk_create(
        FirmPartner(id=number, **values) for number, values in enumerate(kept, start=1)
    )
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [FirmPartner]):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # The new rows' deferred foreign-key checks would refuse the index added next.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    start_fixture_histories(apps, using, renumbered)


def start_fixture_histories(apps, using, partnerships) -> None:
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    user = User.objects.using(using).filter(username=FIXTURES_USERNAME).first()
    if user is None or not partnerships:
        return
    FirmHistory = apps.get_model("exchanges", "HistoricalFirm")
    firms = {row.from_firm_id for row in partnerships} | {row.to_firm_id for row in partnerships}
    written = set(FirmHistory.objects.using(using).filter(id__in=firms).values_list("id", flat=True))
    edited = set(
        FirmHistory.objects.using(using)
        .filter(id__in=firms)
        .exclude(history_user=user)
        .values_list("id", flat=True)
    )
    by_fixtures = written - edited
    History = apps.get_model("exchanges", "HistoricalPartnership")
    tracked = [field.attname for field in History._meta.concrete_fields]
    now = timezone.now()
    History.objects.using(using).bulk_create(
        History(
            history_date=now,
            history_type="+",
            history_user_id=user.pk,
            history_change_reason="Loaded from fixture firms.json",
            **{
                name: getattr(row, name)
                for name in tracked
                if not name.startswith("history_") and hasattr(row, name)
            },
        )
        for row in partnerships
        if row.from_firm_id in by_fixtures and row.to_firm_id in by_fixtures
    )


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

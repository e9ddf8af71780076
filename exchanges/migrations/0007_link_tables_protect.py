"""Many-to-many link tables declared as models, so that their foreign keys can refuse a delete
(PROTECT); a region's capital and a mission's related tie and office refuse it too.

The link tables already exist with the same names and columns: only Django's state learns of
the models (SeparateDatabaseAndState), no row moves. The tables of their change history are
renamed after the models' new names; on_delete lives in Django, not in the database schema.
"""

import django.db.models.deletion
from django.db import migrations, models

CASCADE = django.db.models.deletion.CASCADE
PROTECT = django.db.models.deletion.PROTECT
DO_NOTHING = django.db.models.deletion.DO_NOTHING


def link_model(name, table, owner, owner_label, target, target_label, names):
    """The state of a link table Django made for a many-to-many field, as a model. ``names``:
    the verbose names of the owner field, the target field, the model and its plural."""
    owner_name, target_name, verbose, plural = names
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            (
                owner,
                models.ForeignKey(
                    on_delete=CASCADE,
                    related_name="+",
                    to=f"exchanges.{owner_label}",
                    verbose_name=owner_name,
                ),
            ),
            (
                target,
                models.ForeignKey(
                    on_delete=PROTECT,
                    related_name="+",
                    to=f"exchanges.{target_label}",
                    verbose_name=target_name,
                ),
            ),
        ],
        options={
            "verbose_name": verbose,
            "verbose_name_plural": plural,
            "db_table": table,
            "unique_together": {(owner, target)},
        },
    )


def history_link_state(name, fields):
    """The renamed history model of a link table: its verbose name and the verbose names its
    fields copy from the link model. Nothing of it is stored in the database."""
    return [
        migrations.AlterModelOptions(name=name, options={"verbose_name": name}),
        *(
            migrations.AlterField(
                model_name=name.lower(),
                name=field,
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=DO_NOTHING,
                    related_name="+",
                    to=f"exchanges.{target}",
                    verbose_name=verbose_name,
                ),
            )
            for field, target, verbose_name in fields
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0006_mission_countries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mission",
            name="related_office",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=PROTECT,
                related_name="missions",
                to="exchanges.overseasoffice",
                verbose_name="related office",
            ),
        ),
        migrations.AlterField(
            model_name="mission",
            name="related_tie",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=PROTECT,
                related_name="missions",
                to="exchanges.sistertie",
                verbose_name="related tie",
            ),
        ),
        migrations.AlterField(
            model_name="region",
            name="capital",
            field=models.ForeignKey(
                blank=True,
                help_text="The region's seat of government, if recorded.",
                null=True,
                on_delete=PROTECT,
                related_name="capital_of",
                to="exchanges.region",
                verbose_name="capital",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                link_model(
                    "FirmPartner",
                    "exchanges_firm_partners",
                    "from_firm",
                    "firm",
                    "to_firm",
                    "firm",
                    ("firm", "partner firm", "partnership of firms", "partnerships of firms"),
                ),
                migrations.AlterField(
                    model_name="firm",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True,
                        through="exchanges.FirmPartner",
                        through_fields=("from_firm", "to_firm"),
                        to="exchanges.firm",
                        verbose_name="partner firms",
                    ),
                ),
                link_model(
                    "MissionOriginRegion",
                    "exchanges_mission_origin_regions",
                    "mission",
                    "mission",
                    "region",
                    "region",
                    (
                        "mission",
                        "origin region",
                        "origin region of a mission",
                        "origin regions of missions",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="origin_regions",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Where the delegation came from.",
                        related_name="missions_from",
                        through="exchanges.MissionOriginRegion",
                        to="exchanges.region",
                        verbose_name="origin regions",
                    ),
                ),
                link_model(
                    "MissionDestinationRegion",
                    "exchanges_mission_destination_regions",
                    "mission",
                    "mission",
                    "region",
                    "region",
                    (
                        "mission",
                        "destination region",
                        "destination region of a mission",
                        "destination regions of missions",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="destination_regions",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Where the mission went or the event took place.",
                        related_name="missions_to",
                        through="exchanges.MissionDestinationRegion",
                        to="exchanges.region",
                        verbose_name="destination regions",
                    ),
                ),
                link_model(
                    "MissionOrganiser",
                    "exchanges_mission_organisers",
                    "mission",
                    "mission",
                    "firm",
                    "firm",
                    ("mission", "organiser", "organiser of a mission", "organisers of missions"),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="organisers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="missions_organised",
                        through="exchanges.MissionOrganiser",
                        to="exchanges.firm",
                        verbose_name="organisers",
                    ),
                ),
                link_model(
                    "MissionParticipatingFirm",
                    "exchanges_mission_participating_firms",
                    "mission",
                    "mission",
                    "firm",
                    "firm",
                    (
                        "mission",
                        "participating firm",
                        "participating firm of a mission",
                        "participating firms of missions",
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="participating_firms",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="missions_joined",
                        through="exchanges.MissionParticipatingFirm",
                        to="exchanges.firm",
                        verbose_name="participating firms",
                    ),
                ),
                link_model(
                    "SisterTieExchangeArea",
                    "exchanges_sistertie_exchange_areas",
                    "sistertie",
                    "sistertie",
                    "exchangearea",
                    "exchangearea",
                    ("tie", "exchange area", "exchange area of a tie", "exchange areas of ties"),
                ),
                migrations.AlterField(
                    model_name="sistertie",
                    name="exchange_areas",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="ties",
                        through="exchanges.SisterTieExchangeArea",
                        to="exchanges.exchangearea",
                        verbose_name="exchange areas",
                    ),
                ),
            ],
        ),
        # simple_history names the history of a link table after its model.
        migrations.RenameModel("HistoricalFirm_partners", "HistoricalFirmPartner"),
        migrations.RenameModel("HistoricalMission_origin_regions", "HistoricalMissionOriginRegion"),
        migrations.RenameModel(
            "HistoricalMission_destination_regions", "HistoricalMissionDestinationRegion"
        ),
        migrations.RenameModel("HistoricalMission_organisers", "HistoricalMissionOrganiser"),
        migrations.RenameModel(
            "HistoricalMission_participating_firms", "HistoricalMissionParticipatingFirm"
        ),
        migrations.RenameModel(
            "HistoricalSisterTie_exchange_areas", "HistoricalSisterTieExchangeArea"
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                *history_link_state(
                    "HistoricalFirmPartner",
                    [("from_firm", "firm", "firm"), ("to_firm", "firm", "partner firm")],
                ),
                *history_link_state(
                    "HistoricalMissionOriginRegion",
                    [("mission", "mission", "mission"), ("region", "region", "origin region")],
                ),
                *history_link_state(
                    "HistoricalMissionDestinationRegion",
                    [
                        ("mission", "mission", "mission"),
                        ("region", "region", "destination region"),
                    ],
                ),
                *history_link_state(
                    "HistoricalMissionOrganiser",
                    [("mission", "mission", "mission"), ("firm", "firm", "organiser")],
                ),
                *history_link_state(
                    "HistoricalMissionParticipatingFirm",
                    [("mission", "mission", "mission"), ("firm", "firm", "participating firm")],
                ),
                *history_link_state(
                    "HistoricalSisterTieExchangeArea",
                    [
                        ("sistertie", "sistertie", "tie"),
                        ("exchangearea", "exchangearea", "exchange area"),
                    ],
                ),
            ],
        ),
    ]

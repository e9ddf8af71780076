"""What the change history asks of loads and ids.

- A raw save (``loaddata``) copies rows as they are: a dump brings its own history rows, so a
  load writes none. Django sends ``m2m_changed`` when it sets a loaded record's many-to-many
  fields, where simple_history would add a history row of its own, without an author, under an
  id the dump may already hold; ``no_history_for_raw_saves`` keeps it from doing so.
- A record's id is never given to another record, so that a new record never shows a deleted
  one's history: ``raise_id_sequences`` moves each id sequence past the ids in the table and in
  its history table. SQLite's AUTOINCREMENT and PostgreSQL's sequences never go back by
  themselves, but ``loaddata`` resets them to the largest id in the table, and SQLite copies a
  table whose column a migration alters, keeping only that largest id; both forget a deleted
  record's id. ``migrate`` raises them again afterwards.
"""

from django.db import connections, models
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver


def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


@receiver(pre_save)
def no_history_for_raw_saves(sender, instance, raw, **kwargs):
    if raw and has_history(sender):
        # simple_history writes nothing for an instance carrying this attribute.
        instance.skip_history_when_saving = True


def largest_id_ever(model, using: str) -> int:
    """The largest id the model's records have had: in the table or in its history."""
    largest = model._base_manager.using(using).aggregate(largest=models.Max("pk"))["largest"]
    if has_history(model):
        history = model.history.model._base_manager.using(using)
        in_history = history.aggregate(largest=models.Max(model._meta.pk.attname))["largest"]
        largest = max(largest or 0, in_history or 0)
    return largest or 0


def raise_id_sequences(model_list, using: str = "default") -> None:
    """Moves each model's id sequence past every id its records have had; never lowers one."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for model in model_list:
            pk = model._meta.pk
            if not isinstance(pk, AutoFieldMixin):
                continue
            largest = largest_id_ever(model, using)
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
                (sequence,) = cursor.fetchone()
                if sequence is None:
                    continue
                cursor.execute("SELECT pg_sequence_last_value(%s::regclass)", [sequence])
                if largest > (cursor.fetchone()[0] or 0):
                    cursor.execute("SELECT setval(%s::regclass, %s)", [sequence, largest])
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                if row is None and largest:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, largest]
                    )
                elif row is not None and largest > row[0]:
                    cursor.execute(
                        "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [largest, table]
                    )


@receiver(post_migrate)
def raise_id_sequences_after_migrate(sender, app_config, using, **kwargs):
    if app_config.label == "exchanges":
        raise_id_sequences(app_config.get_models(), using)

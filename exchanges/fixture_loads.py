"""Loading the directory's fixtures into a database that staff already keep.

``loaddata`` writes every record of a fixture over the row with its id: a record staff edited
goes back to the fixture's version, and a record staff deleted comes back, under its old id,
with the deleted record's history. ``load_fixtures`` loads only the records that are new: a
record whose id is in its table is kept as staff left it, and a record whose id is only in its
history table was deleted and stays deleted. What it loads gets one history row each, written by
the inactive ``fixtures`` user with the fixture file named as the reason, so that staff reading a
record's history see where it came from.

A record that only the fixtures ever wrote (every history row by the ``fixtures`` user) is
brought up to date when its fixture corrects it: the fields the fixture gives are set, with a
history row saying so. A record staff edited even once is theirs and is never touched.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone

from .models.history import has_history, raise_id_sequences

FIXTURES_USERNAME = "fixtures"
# The column is 100 characters long.
REASON_LENGTH = 100


@dataclass
class FixtureCounts:
    loaded: Counter = field(default_factory=Counter)  # by fixture file name
    kept: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    corrected: Counter = field(default_factory=Counter)


def loader_user(username: str, first_name: str, last_name: str, using: str = "default"):
    """An account that stands for a loader (the fixtures, the gazetteer) in the change
    history: it cannot sign in."""
    user_model = get_user_model()
    user, created = user_model._base_manager.db_manager(using).get_or_create(
        **{user_model.USERNAME_FIELD: username},
        defaults={"is_active": False, "first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_unusable_password()
        user.save(using=using, update_fields=["password"])
    elif user.is_active or user.has_usable_password():
        raise ImproperlyConfigured(
            f"The user {username!r} can sign in, so it cannot stand for a loader in the change "
            "history: rename that account first."
        )
    return user


def fixtures_user(using: str = "default"):
    """The account that history rows of fixture loads name."""
    return loader_user(FIXTURES_USERNAME, "Fixtures", "(fixtures/)", using)


def ids_in(queryset, ids) -> set:
    found = set()
    ids = list(ids)
    for start in range(0, len(ids), 500):
        found.update(queryset.filter(pk__in=ids[start : start + 500]).values_list("pk", flat=True))
    return found


def ids_in_history(model, ids, using: str) -> set:
    if not has_history(model):
        return set()
    history = model.history.model._base_manager.using(using)
    column = model._meta.pk.attname
    found = set()
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(history.filter(**{f"{column}__in": chunk}).values_list(column, flat=True))
    return found


def ids_written_by_fixtures_only(model, ids, user, using: str) -> set:
    """The ids among ``ids`` whose every history row the fixtures user wrote. A record with no
    history at all has an unknown author, so it is not among them."""
    if not has_history(model):
        return set()
    history = model.history.model._base_manager.using(using)
    column = model._meta.pk.attname
    written, edited = set(), set()
    ids = list(ids)
    for start in range(0, len(ids), 500):
        rows = history.filter(**{f"{column}__in": ids[start : start + 500]})
        written.update(rows.values_list(column, flat=True))
        edited.update(rows.exclude(history_user=user).values_list(column, flat=True))
    return written - edited


def sort_objects(objects, using: str, counts: FixtureCounts, name: str) -> tuple[list, list]:
    """The deserialized objects whose id no record has, nor ever had; and those whose record
    exists."""
    by_model = defaultdict(list)
    for obj in objects:
        by_model[type(obj.object)].append(obj)
    new, existing_objects = [], []
    for model, model_objects in by_model.items():
        ids = {obj.object.pk for obj in model_objects if obj.object.pk is not None}
        existing = ids_in(model._base_manager.using(using), ids)
        deleted = ids_in_history(model, ids - existing, using)
        for obj in model_objects:
            if obj.object.pk in existing:
                existing_objects.append(obj)
            elif obj.object.pk in deleted:
                counts.deleted[name] += 1
            else:
                new.append(obj)
    return new, existing_objects


def given_fields(raw_records) -> dict:
    """The field names each fixture record gives, by (model label, pk): a field a record leaves
    out keeps the database's value."""
    return {
        (record["model"].lower(), record.get("pk")): set(record.get("fields", {}))
        for record in raw_records
    }


def corrections(obj, current, fields: set) -> tuple[dict, dict]:
    """The values and links of ``fields`` in which the fixture's ``obj`` differs from the
    database's ``current`` record."""
    values, links = {}, {}
    for name in fields - {"created", "updated"}:
        model_field = current._meta.get_field(name)
        if model_field.many_to_many:
            wanted = {int(pk) for pk in obj.m2m_data.get(name, [])}
            if wanted != set(getattr(current, name).values_list("pk", flat=True)):
                links[name] = wanted
            continue
        wanted = getattr(obj.object, model_field.attname)
        held = getattr(current, model_field.attname)
        # Equal as values (Decimal 1.50 and 1.5) or as text (a country and its code).
        if wanted != held and str(wanted) != str(held):
            values[model_field.attname] = wanted
    return values, links


def correct_unedited(existing, raw_fields, user, using, counts, name) -> None:
    """Brings each record that only the fixtures wrote to its fixture's version (see the
    module's docstring); every other existing record is kept as it is."""
    by_model = defaultdict(list)
    for obj in existing:
        by_model[type(obj.object)].append(obj)
    for model, model_objects in by_model.items():
        ids = [obj.object.pk for obj in model_objects]
        unedited = ids_written_by_fixtures_only(model, ids, user, using)
        records = model._base_manager.using(using).in_bulk(list(unedited))
        for obj in model_objects:
            current = records.get(obj.object.pk)
            fields = raw_fields.get((model._meta.label_lower, obj.object.pk), set())
            values, links = corrections(obj, current, fields) if current else ({}, {})
            if not (values or links):
                counts.kept[name] += 1
                continue
            for attname, value in values.items():
                setattr(current, attname, value)
            current._history_user = user
            current._change_reason = f"Corrected from fixture {name}"[:REASON_LENGTH]
            current.save(using=using)
            for field_name, pks in links.items():
                getattr(current, field_name).set(pks)
            counts.corrected[name] += 1


def write_history(instances, user, reason: str, using: str, now) -> None:
    """One history row per loaded record ("created") at ``now``, with its many-to-many links as
    they are."""
    by_model = defaultdict(list)
    for instance in instances:
        if has_history(type(instance)):
            by_model[type(instance)].append(instance)
    for model, model_instances in by_model.items():
        history_model = model.history.model
        rows = history_model._base_manager.using(using).bulk_create(
            [
                history_model(
                    history_date=now,
                    history_type="+",
                    history_user=user,
                    history_change_reason=reason,
                    **{f.attname: getattr(i, f.attname) for f in history_model.tracked_fields},
                )
                for i in model_instances
            ]
        )
        for m2m_field in history_model._history_m2m_fields:
            through = m2m_field.remote_field.through
            link_history = getattr(history_model, m2m_field.name).model
            owner = m2m_field.m2m_column_name()
            columns = [f.attname for f in through._meta.concrete_fields]
            by_owner = defaultdict(list)
            links = through._base_manager.using(using).filter(
                **{f"{owner}__in": [i.pk for i in model_instances]}
            )
            for link in links.values(*columns):
                by_owner[link[owner]].append(link)
            link_history._base_manager.using(using).bulk_create(
                link_history(history_id=row.pk, **link)
                for instance, row in zip(model_instances, rows, strict=True)
                for link in by_owner[instance.pk]
            )


def load_fixtures(paths, using: str = "default") -> FixtureCounts:
    """Loads the records of these fixture files that are new; see the module's docstring."""
    connection = connections[using]
    counts = FixtureCounts()
    loaded_by_file, corrected_by_file = [], []
    models = set()
    with transaction.atomic(using=using):
        user = fixtures_user(using)
        with connection.constraint_checks_disabled():
            deferred = []
            for path in paths:
                name = Path(path).name
                with open(path, "rb") as stream:
                    text = stream.read().decode("utf-8")
                objects = [
                    obj
                    for obj in serializers.deserialize(
                        "json", text, using=using, handle_forward_references=True
                    )
                    if router.allow_migrate_model(using, type(obj.object))
                ]
                models.update(type(obj.object) for obj in objects)
                loaded, existing = sort_objects(objects, using, counts, name)
                corrected_by_file.append((name, existing, given_fields(json.loads(text))))
                for obj in loaded:
                    obj.save(using=using)
                    if obj.deferred_fields:
                        deferred.append(obj)
                counts.loaded[name] += len(loaded)
                loaded_by_file.append((name, [obj.object for obj in loaded]))
            for obj in deferred:
                obj.save_deferred_fields(using=using)
            for name, existing, raw_fields in corrected_by_file:
                correct_unedited(existing, raw_fields, user, using, counts, name)
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
        # After every file, so that each record's links to records of later files are written;
        # all at one moment, as one change: a citation loaded from an earlier file than its
        # record does not come before the record's creation in the change feed.
        now = timezone.now()
        for name, instances in loaded_by_file:
            reason = f"Loaded from fixture {name}"[:REASON_LENGTH]
            write_history(instances, user, reason, using, now)
        link_models = {
            m2m.remote_field.through for model in models for m2m in model._meta.many_to_many
        }
        raise_id_sequences([*models, *link_models], using)
    return counts

"""Search in any script, the same on SQLite and PostgreSQL, served by an index.

Each searchable record keeps ``search_text``: the words of its own searchable fields, normalised
once in Python (NFKC, so full-width Ｂｕｓａｎ reads as busan and half-width ｶﾅ as カナ; then
case-folded). A search word is normalised the same way and found with a plain ``LIKE '%word%'``,
so both engines give identical results whatever their collation or ``lower()`` know of Unicode.

On PostgreSQL a trigram GIN index (pg_trgm) on ``search_text`` serves that ``LIKE``. The
database's character classification must keep CJK characters in trigrams; with a UTF-8 ctype
(C.UTF-8, en_US.UTF-8, ja_JP.UTF-8) it does, and the ``exchanges.W001`` check warns otherwise.
On SQLite an FTS5 table with the trigram tokenizer mirrors each model's ``search_text`` (kept
in step by triggers, set up after every ``migrate``) and answers the same match with ``GLOB``.
Words shorter than three characters (釜山, 見附) yield no trigram of their own, so
``search_text`` also holds every pair of adjacent CJK characters as a word of its own, padded
with spaces, where a two-character search word finds it through the index (`` 釜山 ``).
"""

import unicodedata

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from .derived import DerivedTextField

# Unicode blocks whose characters are written without spaces between words.
CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
)


def normalise(text: str) -> str:
    """The form both stored text and search words take: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk(character: str) -> bool:
    code = ord(character)
    return any(first <= code <= last for first, last in CJK_RANGES)


def is_cjk_pair(word: str) -> bool:
    return len(word) == 2 and all(is_cjk(character) for character in word)


def cjk_pairs(text: str) -> list[str]:
    """Every two adjacent CJK characters in ``text``: 釜山広域市 → 釜山, 山広, 広域, 域市."""
    return sorted(
        {
            first + second
            for first, second in zip(text, text[1:], strict=False)
            if is_cjk(first) and is_cjk(second)
        }
    )


def search_text(values) -> str:
    """What ``q`` searches in a record: its values, then its CJK character pairs as words."""
    text = normalise(" ".join(str(value) for value in values if value))
    pairs = cjk_pairs(text)
    if not pairs:
        return text
    return f"{text} | {' '.join(pairs)} "


def search_condition_value(word: str) -> str:
    """The ``LIKE`` operand (without wildcards) that finds a normalised search word: a
    two-character CJK word as a padded word of its own, anything else as it is."""
    return f" {word} " if is_cjk_pair(word) else word


def matching(model, word: str) -> Q:
    """A condition: the record's search text holds the search word (normalised here)."""
    operand = search_condition_value(normalise(word))
    # A trigram index finds nothing shorter than a trigram: such words are looked for row by row.
    if connection.vendor != "sqlite" or len(operand) < 3:
        return Q(search_text__contains=operand)
    table = connection.ops.quote_name(fts_table(model))
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE search_text GLOB %s", [glob(operand)]))


def glob(operand: str) -> str:
    """A GLOB pattern finding ``operand`` anywhere; its wildcard characters stand for
    themselves."""
    escaped = "".join(f"[{c}]" if c in "*?[" else c for c in operand)
    return f"*{escaped}*"


def fts_table(model) -> str:
    return f"{model._meta.db_table}_search"


def SearchTextField(*source_fields: str, also=None):  # noqa: N802 - reads as a field declaration
    """``search_text`` derived from the record's own ``source_fields`` and, with ``also``, the
    values ``also(record)`` gives (a region's parents' names)."""

    def derive(record) -> str:
        values = [getattr(record, name) for name in source_fields]
        return search_text([*values, *(also(record) if also else ())])

    field = DerivedTextField(
        "search text",
        blank=True,
        default="",
        derive=derive,
        help_text="The record's names and searchable text, normalised for search.",
    )
    field.source_fields = source_fields  # what the search looks in, for the admin to show
    return field


def searchable_models() -> list:
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("exchanges").get_models()
        if any(field.name == "search_text" for field in model._meta.concrete_fields)
    ]


def ensure_sqlite_search_tables(using="default", **kwargs) -> None:
    """After ``migrate`` on SQLite: an FTS5 trigram table for each searchable model, triggers
    that keep it in step with ``search_text``, and a rebuild wherever a trigger was missing
    (a new table, or one Django's SQLite migrations rebuilt, which drops its triggers)."""
    from django.db import connections

    database = connections[using]
    if database.vendor != "sqlite":
        return
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {name for (name,) in cursor.fetchall()}
        for model in searchable_models():
            table, search = model._meta.db_table, fts_table(model)
            triggers = {f"{search}_{event}": event for event in ("insert", "delete", "update")}
            if search in existing and existing >= set(triggers):
                continue
            if search not in existing:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {quote(search)} USING fts5(search_text, "
                    f"content={quote(table)}, content_rowid='id', "
                    "tokenize='trigram case_sensitive 1')"
                )
            add = (
                f"INSERT INTO {quote(search)}(rowid, search_text) VALUES (new.id, new.search_text);"
            )
            remove = (
                f"INSERT INTO {quote(search)}({quote(search)}, rowid, search_text) "
                "VALUES ('delete', old.id, old.search_text);"
            )
            bodies = {"insert": add, "delete": remove, "update": remove + add}
            timing = {"insert": "INSERT", "delete": "DELETE", "update": "UPDATE OF search_text"}
            for name, event in triggers.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
                cursor.execute(
                    f"CREATE TRIGGER {quote(name)} AFTER {timing[event]} ON {quote(table)} "
                    f"BEGIN {bodies[event]} END"
                )
            cursor.execute(f"INSERT INTO {quote(search)}({quote(search)}) VALUES ('rebuild')")

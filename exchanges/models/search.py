"""Search in any script, the same on SQLite and PostgreSQL, served by an index.

Each searchable record keeps ``search_text``: the words of its own searchable fields, normalised
once in Python (NFKC, so full-width Ｂｕｓａｎ reads as busan and half-width ｶﾅ as カナ; then
case-folded). A search word is normalised the same way and found with a plain ``LIKE '%word%'``,
so both engines give identical results whatever their collation or ``lower()`` know of Unicode.

On PostgreSQL a trigram GIN index (pg_trgm) on ``search_text`` serves that ``LIKE``. The
database's character classification must keep CJK characters in trigrams; with a UTF-8 ctype
(C.UTF-8, en_US.UTF-8, ja_JP.UTF-8) it does, and the ``exchanges.W001`` check warns otherwise.
Words shorter than three characters (釜山, 見附) yield no trigram of their own, so
``search_text`` also holds every pair of adjacent CJK characters as a word of its own, padded
with spaces, where a two-character search word finds it through the index (`` 釜山 ``).
"""

import unicodedata

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


def SearchTextField(*source_fields: str):  # noqa: N802 - reads as a field declaration
    """``search_text`` derived from the record's own ``source_fields``."""

    def derive(record) -> str:
        return search_text(getattr(record, name) for name in source_fields)

    return DerivedTextField(
        "search text",
        blank=True,
        default="",
        derive=derive,
        help_text="The record's names and searchable text, normalised for search.",
    )

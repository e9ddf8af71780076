"""Reading the text files staff upload, in whatever encoding their spreadsheet saved them.

Excel saves "CSV" in the Windows code page of its system: Shift_JIS (CP932) on Japanese
Windows, EUC-KR (CP949) on Korean, GBK (read as GB18030, its superset) on Chinese; only
"CSV UTF-8" is UTF-8, with a byte-order mark. ``decode`` reads a file in the encoding staff
choose, or finds it:

1. a UTF-8 byte-order mark says UTF-8;
2. text that decodes as UTF-8 strictly is UTF-8: legacy CJK text almost never forms valid
   UTF-8 sequences by chance, so this test is reliable and comes first;
3. otherwise each legacy encoding that decodes the whole file strictly is a candidate, and the
   one whose text reads most plausibly wins (``plausibility``).

Step 3 needs a judgement because the three legacy encodings share byte ranges: a Korean text
decodes cleanly as GB18030 (into common Chinese characters), and a Japanese one often as CP949
(into rare Hangul syllables). charset-normalizer (installed with requests) judges by letter
frequencies, which a sheet of names is too short for: on files of one to ten of the
directory's own names it reads half of the Chinese-only files and a tenth of the Japanese ones
as CP949. The scoring below instead judges each word by the character sets the three languages
are written in (JIS X 0208, KS X 1001, GB 2312), which a wrong reading leaves, and reads all of
those files right but for a Chinese name alone whose characters are also valid KS X 1001
Hangul. Such a tie goes to the earlier encoding, CP949: a Korean text always reads as valid
Chinese too, while a Chinese text of more than a name or two rarely reads as Hangul throughout.
The preview says which encoding was used, and staff may choose another.

A file that reads cleanly may still hold text garbled before it was saved: a UTF-8 file that
Excel opened as CP932 and saved again turns 新潟 into 譁ｰ貎・. ``garbled`` finds such text, which
the import refuses rather than storing.
"""

import functools
import re
import unicodedata
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DETECT = "detect"
UTF8 = "utf-8"
# Python's codecs, with the names staff know them by; the order is the order of detection.
LEGACY = {
    "cp932": gettext_lazy("Shift_JIS (CP932, Japanese Windows)"),
    "cp949": gettext_lazy("EUC-KR (CP949, Korean Windows)"),
    "gb18030": gettext_lazy("GB18030 (GBK, GB2312, Chinese Windows)"),
}
NAMES = {UTF8: "UTF-8", **LEGACY}
CHOICES = [(DETECT, gettext_lazy("Detect")), *NAMES.items()]
# What starts a UTF-8 file that Excel and LibreOffice should read as UTF-8: they take a text
# file without it to be in the system's code page. Every CSV the directory writes starts so.
BYTE_ORDER_MARK = "\ufeff"

# How much of a file's text judging its encoding reads: the whole file is decoded strictly, but
# its first hundred thousand characters say plainly enough which language they are in.
SAMPLE = 100_000
# The character sets each language's legacy encoding was built on: a word written in one of
# them reads as that language; a wrong reading scatters into the encodings' extensions.
CORE_SETS = ("shift_jis", "euc_kr", "gb2312")
# The encodings a UTF-8 file is misread in before being saved again as garbled text.
WESTERN = ("cp1252", "latin-1")
MISREAD_AS = ("cp932", "cp949", "gb18030", *WESTERN)
WORD = re.compile(r"[^\W\d_]+")
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Control and private-use characters: what stray bytes decode to, never in a sheet of names.
UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]")
REPLACEMENT = "\ufffd"
# The UTF-8 of an accented letter (two bytes or more) and of an East Asian character (three).
UTF8_ACCENT = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
UTF8_EAST_ASIAN = re.compile(rb"[\xe3-\xef][\x80-\xbf]{2}")
EAST_ASIAN = re.compile("[\u3000-\u9fff\uac00-\ud7a3\uff00-\uffef]")
# Half-width katakana or punctuation touching a full-width East Asian character, which is
# neither an ideographic space nor half-width itself.
_FULL_WIDTH = "[\u3001-\u9fff\uac00-\ud7a3\uff01-\uff60\uffa0-\uffef]"
MIXED_WIDTHS = re.compile(f"[\uff61-\uff9f]{_FULL_WIDTH}|{_FULL_WIDTH}[\uff61-\uff9f]")
# The replacement character and private-use characters: where a reading lost bytes.
LOST = re.compile(r"[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
# A character with the E of a CP932 ・ after it, ending a cell or before ASCII punctuation.
CP932_REPLACED = re.compile(r"([\u3000-\u9fff\uac00-\ud7a3])E(?=[\x00-\x3f]|$)")


class Decoded(NamedTuple):
    text: str
    encoding: str  # a key of NAMES
    detected: bool


class UnreadableText(ValueError):
    """A file that does not decode in the encoding chosen, or in any the import reads."""


def name_of(encoding: str) -> str:
    return str(NAMES.get(encoding, encoding))


def decode(data: bytes, encoding: str = DETECT) -> Decoded:
    """The file's text, decoded strictly in ``encoding`` or, with ``DETECT``, in the one it
    was saved in. Raises ``UnreadableText`` with a message for the person who sent it."""
    if encoding not in (DETECT, *NAMES):
        raise ValueError(f"unknown encoding {encoding!r}")
    if encoding == UTF8 or data.startswith(BYTE_ORDER_MARK.encode()):
        return Decoded(_strict(data, "utf-8-sig"), UTF8, encoding == DETECT)
    if encoding != DETECT:
        return Decoded(_strict(data, encoding), encoding, False)
    try:
        return Decoded(data.decode("utf-8"), UTF8, True)
    except UnicodeDecodeError as error:
        _refuse_damaged_utf8(data, error)
    best = None
    for candidate in LEGACY:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:SAMPLE])
        if score is not None and score > 0 and (best is None or score > best[0]):
            best = (score, candidate, text)
    if best is None:
        raise UnreadableText(
            _(
                "The text is in none of the encodings the import reads (UTF-8, Shift_JIS, "
                "EUC-KR, GB18030), or it is damaged. Save it from the spreadsheet as “CSV UTF-8” "
                "and choose it again."
            )
        )
    return Decoded(best[2], best[1], True)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableText(
            _(
                "The text is not %(encoding)s: line %(line)s holds bytes that encoding does "
                "not have. Choose the file's encoding, or “Detect”."
            )
            % {"encoding": name_of("utf-8" if encoding == "utf-8-sig" else encoding), "line": line}
        ) from error


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError) -> None:
    """Refuses UTF-8 text with some characters damaged: what a UTF-8 file becomes when a
    spreadsheet opens it in its code page (CP932) and saves it again, replacing the bytes that
    code page has no character for. Legacy CJK text read as UTF-8 loses far more than it
    keeps: in the directory's own names, never less than four times as much."""
    recovered = data.decode("utf-8", errors="replace")
    lost = recovered.count(REPLACEMENT)
    kept = len(EAST_ASIAN.findall(recovered))
    if kept >= 2 and lost * 4 <= kept:
        raise UnreadableText(
            _(
                "The text is UTF-8 with characters damaged from line %(line)s on, as when a file "
                "is opened in another encoding and saved again. Import the original file."
            )
            % {"line": data[: error.start].count(b"\n") + 1}
        )


def plausibility(text: str) -> int | None:
    """How much of ``text`` reads as Japanese, Korean or Chinese: the length of its plausible
    words less that of its implausible ones; None for text with control or private-use
    characters, which no spreadsheet of names holds.

    A word (letters between spaces and punctuation) is plausible when it is kana, Han
    characters or Hangul written within one of the languages' core character sets, without
    Hangul and Han characters run together (which no Korean word does, and a Chinese text read
    as CP949 does); half-width katakana alone count as nothing, and mixed with other letters
    (as a Japanese text read as another encoding gives) against. Other letters count as
    nothing; symbols outside ASCII count against."""
    if UNUSABLE.search(text):
        return None
    score = 0
    for match in NON_ASCII.finditer(text):
        stretch = match.group()
        score -= sum(unicodedata.category(character)[0] == "S" for character in stretch)
        for word in WORD.findall(stretch):
            score += _word_score(word)
    return score


@functools.lru_cache(maxsize=4096)
def _word_score(word: str) -> int:
    half_width = sum(_is_half_width_kana(character) for character in word)
    if half_width:
        return 0 if half_width == len(word) else -len(word)
    hangul = any(_is_hangul(character) for character in word)
    han = any(_is_han(character) for character in word)
    if hangul and han:
        return -len(word)
    if not (hangul or han or any(_is_kana(character) for character in word)):
        return 0
    return len(word) if any(_encodes(word, charset) for charset in CORE_SETS) else -len(word)


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _is_half_width_kana(character: str) -> bool:
    return "\uff61" <= character <= "\uff9f"


def _is_kana(character: str) -> bool:
    return "\u3040" <= character <= "\u30ff"


def _is_hangul(character: str) -> bool:
    return "\uac00" <= character <= "\ud7a3"


def _is_han(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"


def garbled(text: str) -> str | None:
    """The first stretch of ``text`` that is garbled text rather than text, or None.

    Garbled text is UTF-8 misread in another encoding and saved again: 新潟 read as CP932 turns
    into 譁ｰ貎・, and é read as Windows-1252 into Ã©. It is found by

    - the replacement character, which a reader puts for bytes it could not read, and
      private-use characters, which a wrong reading maps stray bytes to;
    - half-width katakana or punctuation run together with full-width letters, as CP932 gives
      for the bytes of UTF-8 (縺ｫ, 譁ｰ); Japanese writes half-width katakana apart;
    - what such text becomes when saved in CP932 and read as UTF-8 again: Windows reads the
      last byte of a character that ends a cell (市, E5 B8 82) as a lead byte missing its
      trail and puts ・ (81 45) for it, which UTF-8 reads as another character and an "E"
      (币E);
    - encoding the stretch back in the encoding it was misread in: the UTF-8 bytes come back
      and decode into Japanese, Chinese or Korean text (at most a quarter of it lost where the
      misreading replaced bytes), or, read as Windows-1252, into accented letters. Real text
      encoded in another code page almost never forms UTF-8."""
    lost = LOST.search(text)
    if lost:
        return text[max(lost.start() - 5, 0) : lost.end() + 5]
    for match in CP932_REPLACED.finditer(text):
        if ord(match.group(1)) & 0x3F == 0x01:  # its UTF-8 ends in 0x81, the ・ of CP932
            return text[max(match.start() - 10, 0) : match.end()]
    for match in NON_ASCII.finditer(text):
        if _garbled_stretch(match.group()):
            return match.group()[:12]
    return None


@functools.lru_cache(maxsize=4096)  # a sheet repeats its names in many rows
def _garbled_stretch(stretch: str) -> bool:
    return bool(MIXED_WIDTHS.search(stretch)) or (
        len(stretch) >= 2 and any(_misread(stretch, encoding) for encoding in MISREAD_AS)
    )


def _misread(stretch: str, encoding: str) -> bool:
    try:
        raw = stretch.encode(encoding)
    except UnicodeEncodeError:
        return False
    if not (UTF8_ACCENT if encoding in WESTERN else UTF8_EAST_ASIAN).search(raw):
        return False  # most text, quickly: nothing in it reads as UTF-8
    recovered = raw.decode("utf-8", errors="replace")
    lost = recovered.count(REPLACEMENT)
    if encoding in WESTERN:
        return not lost and any(ord(character) > 0x7F for character in recovered)
    found = len(EAST_ASIAN.findall(recovered))
    if found + lost < len(recovered):
        return False  # anything but East Asian text: real text in another code page
    return found >= 1 and lost == 0 or found >= 2 and lost * 4 <= found

"""A normalised *matching view* of Arabic text that maps back to the original.

Stored text is never normalised (see :mod:`benchmark.gold.schema`).  To compare a
string a system returned with the article, both are passed through
:func:`normalized_view`, matched in the normalised space, and the match is
mapped back to half-open ``[start, end)`` offsets of the exact original text.

The operations form one versioned list, :data:`NORMALIZATION_VERSION`
(``ar-norm-v2``).  Each character of the input is processed on its own, in
this order (so the offset map is exact):

1. characters removed outright: Arabic diacritics U+064B–U+0652 (tanwin,
   harakat, shadda, sukun), superscript alef U+0670, the combining maddah and
   hamza marks U+0653–U+0655 (``ا`` + U+0654 is another spelling of ``أ``),
   tatweel U+0640, and every Unicode *format* character (category ``Cf``:
   LRM/RLM, the Arabic letter mark U+061C, ZWJ/ZWNJ, BOM, bidi controls);
2. NFKC compatibility mapping, then ``str.casefold`` (for Latin names):
   this turns Arabic presentation forms and the lam-alef ligatures (``ﻻ`` →
   ``لا``) into ordinary letters.  A space that NFKC produces from a
   non-space character (the isolated-diacritic forms U+FE70–U+FE7F) is
   dropped;
3. one-to-one letter mappings: alef forms ``أ إ آ ٱ`` → ``ا``, alef maqsura
   ``ى`` → ``ي``, taa marbuta ``ة`` → ``ه``, hamza on a waw or yeh seat
   ``ؤ ئ`` → ``ء`` (new in ``ar-norm-v2``), Persian yeh ``ی`` → ``ي`` and
   keheh ``ک`` → ``ك``, Arabic-Indic and Persian digits → ASCII digits.
   The one exception to "each character on its own": a combining hamza
   above (U+0654), removed by step 1, turns the ``و`` or ``ي`` it sits on
   (the letter right before it, harakat in between allowed) into ``ء``,
   since ``و`` + U+0654 is the decomposed spelling of ``ؤ`` (and ``ي`` +
   U+0654 of ``ئ``); the offset map stays one-to-one;
4. every quotation mark (``" ' « » “ ” „ ‟ ‘ ’ ‚ ‛ ‹ ›``) → ``"``;
5. every run of whitespace (``str.isspace``) → one ``" "``.

We follow camel-tools in mapping ``ى`` → ``ي`` (pyarabic maps it to ``ا``);
the two must never be mixed, hence the version string.

Versions: ``ar-norm-v1`` had steps 1–5 without the ``ؤ ئ`` mapping.
``ar-norm-v2`` adds it because the seat of a medial hamza is a common
spelling variant (Egyptian «المسئولون», «شئون» for «المسؤولون», «شؤون»):
both seats fold to the bare hamza, as pyarabic's ``normalize_hamza`` and
OpenITI's light normalisation do for these two letters.  Mapping ``ؤ`` → ``و`` and ``ئ`` → ``ي``
instead (dropping the hamza) would not make the two seats equal.  Alef
forms keep folding to ``ا``, as in Arabic IR (Larkey's light stemmer,
Lucene's ``ArabicNormalizer``), so ``أ``/``ء`` stay distinct.

Examples
--------
>>> v = normalized_view("قالَ إنّ")
>>> v.text
'قال ان'
>>> v.to_original
(0, 1, 2, 4, 5, 6)
>>> start, end = v.span(4, 6)
>>> "قالَ إنّ"[start:end]
'إنّ'
>>> normalize("مُهِمَّة  جداً")
'مهمه جدا'
>>> normalize("المسئولون") == normalize("المسؤولون") == "المسءولون"
True
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

NORMALIZATION_VERSION = "ar-norm-v2"
"""The version of the operation list below; recorded wherever a match depends on it."""

#: Characters removed by step 1 (besides every category ``Cf`` character).
REMOVED_CHARS = frozenset(
    [chr(c) for c in range(0x064B, 0x0656)] + ["\u0670", "\u0640"]
)

#: One-to-one letter mappings of step 3.
LETTER_MAP = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى → ي
    "\u0629": "\u0647",  # ة → ه
    "\u0624": "\u0621",  # ؤ → ء (ar-norm-v2)
    "\u0626": "\u0621",  # ئ → ء (ar-norm-v2)
    "\u06cc": "\u064a",  # Persian yeh ی → ي
    "\u06a9": "\u0643",  # keheh ک → ك
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}

_HAMZA_ABOVE = "\u0654"
_HAMZA_SEATS = frozenset("\u0648\u064a")  # و ي

#: Quotation marks unified to ``"`` by step 4.
QUOTE_CHARS = frozenset("\"'«»“”„‟‘’‚‛‹›")


def _is_removed(ch: str) -> bool:
    return ch in REMOVED_CHARS or unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """The normalised form of one character (``" "`` for any whitespace)."""
    if ch.isspace():
        return " "
    if _is_removed(ch):
        return ""
    out = []
    for x in unicodedata.normalize("NFKC", ch).casefold():
        if x.isspace() or _is_removed(x):
            # a non-space character must not turn into a word break
            continue
        x = LETTER_MAP.get(x, x)
        out.append('"' if x in QUOTE_CHARS else x)
    return "".join(out)


@dataclass(frozen=True)
class NormalizedText:
    """A normalised string with a map from its offsets to the original's."""

    text: str
    """The normalised string."""
    to_original: tuple[int, ...]
    """``to_original[i]`` is the original offset of the character that
    produced ``text[i]`` (one entry per normalised character)."""
    original: str = field(repr=False)
    """The original string, kept to extend spans over removed characters."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised match ``[start, end)`` back to original offsets.

        The result is ``[to_original[start], to_original[end - 1] + 1)``,
        extended over characters that normalisation removed right after the
        last matched character (diacritics, tatweel), so a span never cuts a
        letter from its harakat.  When the match does not split the
        expansion of one original character (``ﻻ`` → ``لا``), normalising the
        returned original span gives back exactly ``text[start:end]``; when it
        does, the span covers that whole character.

        >>> v = normalized_view("ﻻ بُدَّ")
        >>> v.text
        'لا بد'
        >>> v.span(3, 5)
        (2, 7)
        >>> v.span(0, 1)  # half of the ligature: the whole ligature
        (0, 1)
        """
        if not 0 <= start < end <= len(self.text):
            raise ValueError(
                f"normalised span [{start}, {end}) is not inside [0, {len(self.text)}]"
            )
        a = self.to_original[start]
        b = self.to_original[end - 1] + 1
        while b < len(self.original) and _is_attached(self.original[b]):
            b += 1
        return a, b

    def to_normalized(self, offset: int) -> int:
        """The first normalised offset whose original offset is ``>= offset``."""
        return bisect.bisect_left(self.to_original, offset)


def _is_attached(ch: str) -> bool:
    """A removed character that belongs to the letter before it."""
    return ch in REMOVED_CHARS or unicodedata.category(ch) == "Mn" and not _fold_char(ch)


@lru_cache(maxsize=64)
def normalized_view(text: str) -> NormalizedText:
    """Apply the ``ar-norm-v2`` operations to ``text``, keeping an offset map.

    Parameters
    ----------
    text : str
        Any string: an article text or a system's output.

    Returns
    -------
    NormalizedText
        The normalised string and, for each of its characters, the offset of
        the original character it came from.

    Examples
    --------
    >>> v = normalized_view("إلى  الأمام")
    >>> v.text
    'الي الامام'
    >>> v.to_original
    (0, 1, 2, 3, 5, 6, 7, 8, 9, 10)
    """
    chars: list[str] = []
    to_original: list[int] = []
    prev_space = False
    # The last letter is a hamza seat (و/ي) followed only by attached marks,
    # which NormalizedText.span extends over: only then does a U+0654 turn
    # it into ء, so a mapped span always includes the hamza that changed it.
    seat = False
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        if not folded:
            if ch == _HAMZA_ABOVE and seat:
                chars[-1] = chars[-1][:-1] + "\u0621"  # و/ي + U+0654 spells ؤ/ئ
            seat = seat and ch != _HAMZA_ABOVE and _is_attached(ch)
            continue
        seat = folded[-1] in _HAMZA_SEATS
        if folded == " ":
            if prev_space:
                continue
            prev_space = True
        else:
            prev_space = False
        chars.append(folded)
        to_original.extend([i] * len(folded))
    return NormalizedText(text="".join(chars), to_original=tuple(to_original), original=text)


_SPACES = re.compile(" +")


def normalize(text: str) -> str:
    """The normalised string alone: :func:`normalized_view`'s text, without building the offset map.

    Every step but the combining-hamza rule works character by character, so
    the folded characters are joined and runs of spaces collapsed, about three
    times faster than :func:`normalized_view` (queries are normalised once
    each; a file may hold many long ones).

    >>> normalize("“الولايات المتحدة”") == normalize('"الولايات المتحده"')
    True
    >>> normalize("  قالَ \u200f  إنّ ") == normalized_view("  قالَ \u200f  إنّ ").text == " قال ان "
    True
    """
    if _HAMZA_ABOVE in text:  # contextual: و/ي + U+0654 → ء needs the character before it
        return normalized_view(text).text
    return _SPACES.sub(" ", "".join(map(_fold_char, text)))

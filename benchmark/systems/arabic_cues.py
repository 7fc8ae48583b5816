"""Cue detection for the Arabic rules: reporting verbs, participles, prepositional cues.

A cue is *clause-initial* when it opens the sentence (after a dateline or a
narrator connective such as «ومع ذلك،»), follows a comma, dash, colon or
closing quotation mark, or follows «كما»/«ثم»/«قد» in such a position;
*coordinated* when it carries ``و``/``ف``.  Only such cues end the content
of an earlier quote in the same sentence.

Examples
--------
>>> from benchmark.systems.arabic_lexicon import tokenize
>>> toks = tokenize("ومع ذلك، أشار إلى أنه من الصعب القول.")
>>> p0 = prefix_end(toks)
>>> cue = find_cue(toks, p0, p0)
>>> cue.kind, cue.initial, cue.j, complementizer(toks, cue.j, len(toks))
('verb', True, 5, 6)
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.systems.arabic_lexicon import (
    ADVERBIAL_STARTS, BLOCKERS, CLAUSE_OPENERS, CLAUSE_PUNCT, CLOSE_QUOTES, COMMAS, COMP_PREPS,
    COMPLEMENTIZERS, CONNECTIVE_STARTS, CUES, FUNCTION_WORDS, HASABAMA, OPEN_QUOTES, PREP_CUES,
    PREP_CUES_WITH_L, QUOTE_MARKS, CueForm, Token, original_length, readings,
)
from benchmark.systems.arabic_names import Phrase


@dataclass
class Cue:
    """A cue found at token ``i``."""

    i: int
    """Index of the cue's first token."""
    j: int
    """Index where the source may start (after «إلى»/«على» attached to the verb)."""
    span: tuple[int, int]
    """Character span of the cue, without ``و``/``ف`` and without a complementizer."""
    kind: str
    """``verb``, ``participle``, ``prep`` («وفقًا ل», «بحسب») or ``hasabama`` («حسبما قال»)."""
    form: CueForm | None
    """Inflection of the reporting verb (gender, number, governed prepositions)."""
    initial: bool
    """Clause-initial (see the module docstring)."""
    coordinated: bool
    """Carries ``و``/``ف``."""


def quote_pairs(toks: list[Token]) -> list[tuple[int, int]]:
    """Token indices of matching opening and closing quotation marks (unclosed ones are dropped)."""
    pairs, open_at = [], None
    for i, t in enumerate(toks):
        if t.text in OPEN_QUOTES or (t.text == '"' and open_at is None):
            open_at = i
        elif (t.text in CLOSE_QUOTES or t.text == '"') and open_at is not None:
            pairs.append((open_at, i))
            open_at = None
    return pairs


def prefix_end(toks: list[Token]) -> int:
    """Index after a dateline «(SeaPRwire) –» and a narrator connective «ومع ذلك،»."""
    i = 0
    if toks and toks[0].text == "(":
        close = next((k for k in range(1, min(8, len(toks))) if toks[k].text == ")"), None)
        if close is not None:
            i = close + 1
            if i < len(toks) and toks[i].text in ("–", "-", "—"):
                i += 1
    if i < len(toks) and toks[i].key in CONNECTIVE_STARTS:
        for k in range(i + 1, min(i + 8, len(toks))):
            t = toks[k]
            if t.text in QUOTE_MARKS or verb_form(t) is not None:
                break
            if t.text in COMMAS:
                return k + 1
    return i


def verb_form(tok: Token) -> tuple[int, CueForm] | None:
    """``(proclitic length, analysis)`` when ``tok`` is a reporting verb or participle."""
    for n, rest in readings(tok.key, proclitics=("و", "ف")):
        if rest in CUES:
            return n, CUES[rest]
    return None


def find_cue(toks: list[Token], i: int, p0: int) -> Cue | None:
    """The cue starting at ``toks[i]``, if any; ``p0`` is where the sentence proper starts."""
    t = toks[i]
    if not t.is_word:
        return None
    prev = toks[i - 1] if i > 0 else None
    before = toks[i - 2] if i > 1 else None
    initial = (i == p0 or prev is None or prev.text in CLAUSE_PUNCT or prev.text in CLOSE_QUOTES
               or (prev.key in CLAUSE_OPENERS and (i - 1 == p0 or before is None or before.text in CLAUSE_PUNCT)))
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    k = t.key
    bare_k, n = (k[1:], 1) if k.startswith("و") and k[1:] in PREP_CUES | HASABAMA else (k, 0)
    start = t.start + original_length(t.text, n)
    trailing_kama = bare_k != "كما" or (prev is not None and prev.text in COMMAS)  # «، كما قال X»
    if bare_k in HASABAMA and trailing_kama and nxt is not None and (vf := verb_form(nxt)) is not None and vf[0] == 0:
        return Cue(i, i + 2, (start, nxt.end), "hasabama", vf[1], initial, False)
    if (bare_k in PREP_CUES and nxt is not None and nxt.key == "ما" and i + 2 < len(toks)
            and (vf := verb_form(toks[i + 2])) is not None and vf[0] == 0):
        return Cue(i, i + 3, (start, toks[i + 2].end), "hasabama", vf[1], initial, False)  # «بحسب ما قال»
    if bare_k in PREP_CUES and nxt is not None and nxt.is_word:
        if bare_k in PREP_CUES_WITH_L:
            if not nxt.key.startswith("ل"):
                return None
            return Cue(i, i + 1, (start, nxt.start + original_length(nxt.text, 1)), "prep", None, initial, False)
        return Cue(i, i + 1, (start, t.end), "prep", None, initial, False)
    vf = verb_form(t)
    if vf is None:
        return None
    n, form = vf
    if form.kind == "participle" and not (prev is not None and prev.text in COMMAS):
        return None
    if not initial and prev is not None and prev.key in BLOCKERS:
        return None
    end, j = t.end, i + 1
    if nxt is not None and nxt.key in form.preps:
        end, j = nxt.end, i + 2  # «أشار إلى», «شدد على»: one continuous cue
    return Cue(i, j, (t.start + original_length(t.text, n), end), form.kind, form, initial, n > 0)


def unknown_name(text: str, toks: list[Token], j: int, *, to_end: bool = False) -> Phrase | None:
    """One to three plain words that must be a name: before a complementizer (``إلى أن`` …), a
    colon or a quotation («قال بيسكوف إن», «وقال بيسكوف: “…”»), or, with ``to_end``, closing
    the sentence after a trailing cue («…، بحسب ما قال مسؤولون.»)."""
    def plain(w: Token) -> bool:
        return w.is_word and w.key not in FUNCTION_WORDS and w.key not in ADVERBIAL_STARTS and w.key not in CUES

    for width in (1, 2, 3):
        words = toks[j:j + width]
        if len(words) < width or not all(plain(w) for w in words):
            break
        after = toks[j + width] if j + width < len(toks) else None
        ok = (after is None or not after.is_word) if to_end else after is not None and (
            after.key in COMPLEMENTIZERS or after.text == ":" or after.text in OPEN_QUOTES
            or (after.key in COMP_PREPS and j + width + 1 < len(toks)
                and toks[j + width + 1].key in COMPLEMENTIZERS))
        if ok:
            s, e = words[0].start, words[-1].end
            return Phrase(s, e, j + width, "named", text[s:e])
    return None


def complementizer(toks: list[Token], k: int, stop: int) -> int | None:
    """Index of the first content token after a complementizer near ``toks[k]``."""
    m = k
    if m < stop and toks[m].text in COMMAS and m + 1 < stop and toks[m + 1].key in COMPLEMENTIZERS:
        m += 1  # «Kirill Dmitriev، إن»
    adverbial = False
    for m in range(m, min(stop, m + 7)):
        t = toks[m]
        if t.key in COMPLEMENTIZERS:
            return m + 1
        if t.key in COMP_PREPS and m + 1 < stop and toks[m + 1].key in COMPLEMENTIZERS:
            return m + 2
        if not t.is_word or t.key in COMP_PREPS:
            return None
        if m == k or not adverbial:
            adverbial = t.key in ADVERBIAL_STARTS
            if not adverbial:
                return None
    return None

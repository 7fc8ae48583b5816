"""Rule-based Arabic quote extraction: cues, sources, content spans and speakers.

Per sentence (gold segmentation, boilerplate skipped):

1. **Cues**: reporting verbs in any listed inflection with ``و``/``ف``
   (:data:`~benchmark.systems.arabic_lexicon.CUES`), participles after a
   comma («، مشيرًا إلى أن»), prepositional cues («وفقًا ل X»، «بحسب X»,
   «حسبما قال X»).  Cues inside quotation marks belong to the quoted speaker
   and are skipped; a verb after «ما», «قد», «كان» … reports no proposition.
2. **Source**: the noun phrase right after the cue
   (:func:`~benchmark.systems.arabic_names.parse_np`), else one to three
   unlisted words directly before a complementizer, colon or quotation (or
   closing the sentence after a trailing cue), also right after a title.
3. **Content** starts after the complementizer (``أن إن بأن أنه`` …, also
   after «إلى»/«على»), after a colon, at an opening quotation mark, or right
   after the source for verbs that report a noun phrase («شدد المسؤولون على
   ضرورة …»); «وصف X Y بأنه “Z”» gives the two parts [Y, Z].  A cue after a
   comma with nothing but its source after it is a *trailing* attribution
   («“…”، قال أوشاكوف.», «…، حسبما قال لافروف.»): the content is the clause
   before it.  Content ends at the sentence end or at the next clause-level
   cue, and never includes quotation marks at its edges or final punctuation.
4. **Speaker**: the source's name; a title alone («الوزير») is resolved to the
   last speaker with that title; pro-drop cues take the last speaker whose
   gender and number agree with the verb; a participle takes the speaker of
   the clause it hangs on.  A pro-drop verb inside a clause (neither
   clause-initial nor carrying ``و``/``ف``) is not a cue: its subject is
   usually not the discourse speaker, and these rules do not parse it.

Examples
--------
>>> from benchmark.systems.arabic_quotes import extract_text
>>> a = extract_text("قال وزير الخارجية سيرغي لافروف إن المحادثات “مفيدة”. وأضاف أن الحوار مهم.")
>>> [(q.text, q.speaker, q.type) for q in a.quotes]
[('المحادثات “مفيدة', 'سيرغي لافروف', 'mixed'), ('الحوار مهم', 'سيرغي لافروف', 'indirect')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from benchmark.tasks.inputs import DocInput
from benchmark.gold.segmentation import split_segments
from benchmark.systems.arabic_lexicon import (
    CLAUSE_OPENERS, CLOSE_QUOTES, COMMAS, COMPLEMENTIZERS, FA_INNA, QUOTE_MARKS, WASF_STOPS, Token,
    tokenize,
)
from benchmark.systems.arabic_cues import Cue, complementizer, find_cue, prefix_end, quote_pairs, unknown_name, verb_form
from benchmark.systems.arabic_names import Gazetteer, Phrase, build_gazetteer, parse_np

_TRAIL = set(" \t\n\xa0.،,:؛;!؟?–-") | set(QUOTE_MARKS)
_LEAD = set(" \t\n\xa0،,:؛;–-") | set(QUOTE_MARKS)


@dataclass(frozen=True)
class Found:
    """One extracted attribution relation."""

    content: tuple[tuple[int, int], ...]
    """Content spans in text order (two for «وصف X Y بأنه Z»)."""
    cue: tuple[int, int]
    source: tuple[int, int] | None
    """``None`` for pro-drop cues."""
    speaker: str | None
    """Canonical name of the speaker (``None`` when nothing could be resolved)."""
    type: str
    """``direct``, ``indirect`` or ``mixed`` (:func:`quote_type`)."""
    text: str
    """Content text, parts joined by a space (for doctests and debugging)."""


@dataclass
class _Speaker:
    at: int
    name: str
    gender: str
    number: str


@dataclass
class Analysis:
    """Everything the rules found in one document."""

    quotes: list[Found] = field(default_factory=list)
    history: list[_Speaker] = field(default_factory=list)
    """Speakers in the order of their cues (for pro-drop and the attribution fallback)."""
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    sentences: list[list[Token]] = field(default_factory=list)
    titled: list[tuple[int, str, str]] = field(default_factory=list)
    """``(offset, title head, name)`` of every titled name in the text."""

    def last_speaker(self, before: int, *, gender: str = "?", number: str = "?") -> str | None:
        """The last speaker before ``before`` agreeing in gender and number (relaxed if none)."""
        past = [h for h in self.history if h.at < before]
        for want_g, want_n in ((gender, number), ("?", number), ("?", "?")):
            for h in reversed(past):
                if want_g in ("?", h.gender) and want_n in ("?", h.number):
                    return h.name
        return None

    def by_title(self, head: str, before: int) -> str | None:
        """Resolve a bare title («الوزير») to the last speaker, then the last name, with that title."""
        for h in reversed([h for h in self.history if h.at < before]):
            if head in self.gazetteer.titles.get(h.name, ()):
                return h.name
        for at, title, name in reversed(self.titled):
            if at < before and title == head:
                return name
        return None


@dataclass
class _Frame:
    cue: Cue
    source: Phrase | None
    content_start: int | None = None
    """Token index where the content starts (to the next boundary)."""
    fixed: tuple[tuple[int, int], ...] = ()
    """Content already delimited (direct quotation, وصف, trailing attribution)."""
    boundary: int | None = None
    """Char offset where this cue's clause begins (ends earlier content)."""


def _frame(text: str, toks: list[Token], cue: Cue, p0: int, gaz: Gazetteer,
           pairs: list[tuple[int, int]]) -> _Frame | None:
    """The source and content of one cue, or ``None`` when the cue frames no quote."""
    src = _source(text, toks, cue, gaz)
    if src is None and not (cue.initial or cue.coordinated):
        return None  # a pro-drop verb inside a clause: its subject is not the discourse speaker
    if cue.kind in ("prep", "hasabama") and src is None:
        return None
    f = _Frame(cue, src)
    prev = toks[cue.i - 1] if cue.i > 0 else None
    if prev is not None and prev.key in CLAUSE_OPENERS and cue.i > 1:
        prev = toks[cue.i - 2]
    after_comma = prev is not None and (prev.text in COMMAS or prev.text in CLOSE_QUOTES)
    if cue.initial or cue.coordinated:
        f.boundary = prev.start if after_comma and prev.text in COMMAS else toks[cue.i].start
    k = src.next if src is not None else cue.j
    if _delimited_content(f, toks, k, pairs):
        return f
    return f if _open_content(f, toks, k, p0, prev if after_comma else None) else None


def _source(text: str, toks: list[Token], cue: Cue, gaz: Gazetteer) -> Phrase | None:
    """The noun phrase after the cue that names who speaks (``None`` when there is none)."""
    src = parse_np(text, toks, cue.j, gaz) if cue.j < len(toks) else None
    if src is None:
        if cue.kind == "verb":
            src = unknown_name(text, toks, cue.j)
        elif cue.kind in ("prep", "hasabama"):
            src = unknown_name(text, toks, cue.j, to_end=True)  # «…، بحسب ما قال مسؤولون.»
    elif src.kind == "nominal" and (name := unknown_name(text, toks, src.next)) is not None:
        # «المتحدث باسم الكرملين دميتري بيسكوف إن»: an unlisted name after a title
        src = Phrase(src.start, name.end, name.next, "named", name.name, src.head, src.gender)
    if src is not None and cue.kind in ("verb", "participle") and src.kind == "gpe" and cue.j > cue.i + 1:
        src = None  # «أشار إلى روسيا»: the place is the object, not the subject
    return src


def _delimited_content(f: _Frame, toks: list[Token], k: int, pairs: list[tuple[int, int]]) -> bool:
    """Content opened by a complementizer, «وصف … بأنه», a colon or a quotation mark right after the source."""
    n, cue, form = len(toks), f.cue, f.cue.form
    comp = complementizer(toks, k, n) if cue.kind not in ("prep",) else None
    if comp is not None and comp < n:
        f.content_start = comp
        return True
    if form is not None and form.takes_object and cue.kind == "verb":
        m = next((x for x in range(k, n) if toks[x].key in COMPLEMENTIZERS), None)
        if m is not None and m > k and m + 1 < n:
            f.fixed = ((toks[k].start, toks[m - 1].end), _description(toks, m + 1, pairs))
            return True
    if k < n and toks[k].text == ":" and k + 1 < n:
        f.content_start = k + 1
        return True
    opening = next((p for p in pairs if p[0] == k), None)
    if opening is not None and cue.kind != "prep":
        f.fixed = ((toks[opening[0]].start, toks[opening[1]].end),)
        return True
    return False


def _open_content(f: _Frame, toks: list[Token], k: int, p0: int, comma: Token | None) -> bool:
    """Content before a trailing attribution (``comma``: the mark before the cue), after «وفقًا لـ …،», or a noun phrase."""
    n, cue, form = len(toks), f.cue, f.cue.form
    rest = toks[k:]
    tail = [t for t in rest if t.is_word]
    trailing_ok = (len(tail) <= 6 and not any(t.text in QUOTE_MARKS or t.text in COMMAS for t in rest)
                   and not any(verb_form(t) for t in tail))
    if comma is not None and trailing_ok and (cue.kind in ("prep", "hasabama") or f.source is not None
                                              or (form is not None and form.number == "sg")):
        start = toks[p0].start if p0 < cue.i else toks[0].start
        f.fixed = ((start, comma.start if comma.text in COMMAS else comma.end),)
        f.boundary = comma.start
        return True
    if cue.kind == "prep":
        if cue.initial and k < n and toks[k].text in COMMAS and k + 1 < n:
            f.content_start = k + 1  # «وفقًا لوزير …، كانت المحادثات …»
            if toks[k + 1].key in FA_INNA and k + 2 < n:
                f.content_start = k + 2  # «وبحسب الوزير، فإن المحادثات …»
            return True
        return False
    if form is not None and form.np_content and not form.needs_comp and k < n and toks[k].is_word:
        if toks[k].key in form.preps and k + 1 < n:
            k += 1  # «شدد المسؤولون على ضرورة …»
        if cue.initial or f.source is not None:
            f.content_start = k
            return True
    return False


def _description(toks: list[Token], m: int, pairs: list[tuple[int, int]]) -> tuple[int, int]:
    """The short predicate after «وصف … بأنه»: a quotation, else up to a clause break."""
    q = next((p for p in pairs if p[0] == m), None)
    if q is not None:
        return toks[q[0]].start, toks[q[1]].end
    end = m
    while end < len(toks) and toks[end].is_word and toks[end].key not in WASF_STOPS:
        end += 1
    return toks[m].start, toks[max(m, end - 1)].end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace, edge quotation marks and final punctuation from ``[start, end)``.

    >>> text = "قال إن “لم يستمعا فقط”."
    >>> s, e = trim(text, 7, len(text))
    >>> text[s:e]
    'لم يستمعا فقط'
    """
    while start < end and text[start] in _LEAD:
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    return start, end


def quote_type(text: str, parts: Sequence[tuple[int, int]]) -> str:
    """``direct`` if every part is exactly a quotation, ``mixed`` if marks touch or fall inside it.

    >>> t = "“مفيد” و “جيد” جدا"
    >>> quote_type(t, [(1, 5)]), quote_type(t, [(1, 5), (10, 13)]), quote_type(t, [(9, 18)])
    ('direct', 'direct', 'mixed')
    """
    def bounded(s: int, e: int) -> bool:
        left = text[max(0, s - 8):s].rstrip()
        right = text[e:e + 8].lstrip(".،,!؟? ")
        return bool(left) and left[-1] in QUOTE_MARKS and bool(right) and right[0] in QUOTE_MARKS

    inner = any(ch in QUOTE_MARKS for s, e in parts for ch in text[s:e])
    edges = [bounded(s, e) for s, e in parts]
    if all(edges) and not inner:
        return "direct"
    if inner or any(edges):
        return "mixed"
    return "indirect"


def _sentences(doc: DocInput) -> list[tuple[int, int]]:
    if doc.segments:
        return [(s.span.start, s.span.end) for s in doc.segments if s.kind != "boilerplate"]
    return [(s.start, s.end) for s, kind, _ in split_segments(doc.text) if kind != "boilerplate"]


def _speaker(frame: _Frame, analysis: Analysis,
             same_sentence: list[str | None]) -> tuple[str | None, str, str]:
    cue, src = frame.cue, frame.source
    at = cue.span[0]
    form = cue.form
    if src is not None:
        name = src.name
        if src.kind == "nominal":
            name = analysis.by_title(src.head, at) or src.name
        verb_gender = form.gender if form is not None and form.kind == "verb" and form.number == "sg" else None
        return name, verb_gender or src.gender, src.number
    if cue.kind == "participle" and same_sentence and same_sentence[-1] is not None:
        name = same_sentence[-1]
        known = next((h for h in reversed(analysis.history) if h.name == name), None)
        return name, known.gender if known else "m", known.number if known else "sg"
    gender = form.gender if form is not None else "?"
    number = form.number if form is not None else "?"
    return analysis.last_speaker(at, gender=gender, number=number), gender, number


def _extract_sentence(text: str, toks: list[Token], analysis: Analysis) -> None:
    pairs = quote_pairs(toks)
    inside = {i for a, b in pairs for i in range(a, b + 1)}
    p0 = prefix_end(toks)
    frames = []
    for i in range(len(toks)):
        if i in inside:
            continue
        cue = find_cue(toks, i, p0)
        if cue is None or (frames and cue.i < frames[-1].cue.j):
            continue
        f = _frame(text, toks, cue, p0, analysis.gazetteer, pairs)
        if f is not None:
            frames.append(f)
    bounds = sorted(f.boundary for f in frames if f.boundary is not None)
    sent_end = toks[-1].end if toks else 0
    speakers: list[str | None] = []
    for f in frames:
        if f.fixed:
            parts = f.fixed
        else:
            s = toks[f.content_start].start
            e = min([b for b in bounds if b > s] + [sent_end])
            parts = ((s, e),)
        parts = tuple(p for p in (trim(text, s, e) for s, e in parts) if p[1] > p[0])
        if not parts:
            continue
        name, gender, number = _speaker(f, analysis, speakers)
        speakers.append(name)
        if name is not None:
            analysis.history.append(_Speaker(f.cue.span[0], name, gender, number))
        src = (f.source.start, f.source.end) if f.source is not None else None
        analysis.quotes.append(Found(parts, f.cue.span, src, name, quote_type(text, parts),
                                     " ".join(text[s:e] for s, e in parts)))


def noun_phrases(text: str, analysis: Analysis):
    """Every noun phrase :func:`parse_np` finds, left to right, sentence by sentence."""
    for toks in analysis.sentences:
        i = 0
        while i < len(toks):
            p = parse_np(text, toks, i, analysis.gazetteer)
            if p is None:
                i += 1
                continue
            yield p
            i = p.next


def extract(doc: DocInput) -> Analysis:
    """Run the rules over one document (deterministic, no gold used)."""
    text = doc.text
    sentences = [tokenize(text, s, e) for s, e in _sentences(doc)]
    analysis = Analysis(gazetteer=build_gazetteer(text, sentences), sentences=sentences)
    for p in noun_phrases(text, analysis):
        if p.kind == "named" and p.head:
            analysis.titled.append((p.start, p.head, p.name))
    for toks in sentences:
        _extract_sentence(text, toks, analysis)
    return analysis


def extract_text(text: str) -> Analysis:
    """:func:`extract` on a bare text (segmented with :mod:`benchmark.gold.segmentation`)."""
    return extract(DocInput(doc_id="text", text=text, segments=(), quotes=(), stance_items=(), targets=()))

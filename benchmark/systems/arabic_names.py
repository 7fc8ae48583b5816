"""Noun phrases that can be quote sources: titles, names, groups, places.

A small grammar over :mod:`~benchmark.systems.arabic_lexicon` tokens:

* a *title phrase* is a head from the title, organisation or group lists,
  definite («المساعد») or in construct state with a genitive complement
  («وزير الخارجية», «رئيس RDIF»), followed by nisba adjectives and a few
  other modifiers («الرئاسي الروسي»), ``باسم`` + organisation, or ``ل`` +
  organisation («لصندوق الاستثمار المباشر»);
* a *name* is a capitalised Latin-script sequence («Kirill Dmitriev») or an
  Arabic name learnt from the same text by :func:`build_gazetteer`: two
  indefinite words right after a person title («وزير الخارجية الروسي سيرغي
  لافروف»); its last word becomes a short form («لافروف»).

Nothing is learnt from the gold.

Examples
--------
>>> from benchmark.systems.arabic_lexicon import tokenize
>>> text = "ضم الوفد وزير الخارجية سيرغي لافروف. وقال لافروف إن المحادثات مفيدة."
>>> toks = tokenize(text)
>>> gaz = build_gazetteer(text, [toks])
>>> p = parse_np(text, toks, 8, gaz)
>>> p.kind, p.name, text[p.start:p.end]
('named', 'سيرغي لافروف', 'لافروف')
>>> p = parse_np(text, toks, 2, gaz)
>>> text[p.start:p.end], p.head
('وزير الخارجية سيرغي لافروف', 'وزير')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmark.systems.arabic_lexicon import (
    COMPLEMENTIZERS,
    CONSTRUCT_NOUNS,
    CUES,
    FUNCTION_WORDS,
    GPES,
    GROUP_HEADS,
    MODIFIERS,
    NAME_PARTICLES,
    ORG_HEADS,
    PERSON_TITLES,
    PRONOMINAL_TITLES,
    Token,
    original_length,
    readings,
)


@dataclass(frozen=True)
class Phrase:
    """A noun phrase that can name a speaker."""

    start: int
    """Offset of the first character (after a proclitic such as ``ل``)."""
    end: int
    next: int
    """Index of the first token after the phrase."""
    kind: str
    """``named``, ``nominal`` (a title alone), ``group``, ``org`` or ``gpe``."""
    name: str
    """Canonical name for ``named`` phrases, else the phrase text."""
    head: str = ""
    """Key of the title head without the article («وزير»), or ``""``."""
    gender: str = "m"
    number: str = "sg"
    title: tuple[int, int] | None = None
    """An appositive title span («رئيس RDIF» in «رئيس RDIF، Kirill Dmitriev»)."""


def _definite(k: str) -> bool:
    return k.startswith("ال") and len(k) > 3


def _nisba(k: str) -> bool:
    """A definite relational adjective: «الروسي», «الأمريكية», «القومي»."""
    return _definite(k) and k not in FUNCTION_WORDS and k.endswith(("ي", "يه", "يين", "يون", "يان"))


def _feminine(h: "_Head") -> bool:
    """A feminine title («المتحدثة», «وزارة»); «نظيره» ends in the pronoun ـه, not ة."""
    return h.head.endswith("ه") and h.head not in PRONOMINAL_TITLES


def _start(tok: Token, n_clitic: int) -> int:
    return tok.start + original_length(tok.text, n_clitic)


@dataclass(frozen=True)
class _Head:
    clitic: int
    head: str
    cls: str  # person / org / group
    definite: bool


def _head(tok: Token) -> _Head | None:
    if not tok.is_word:
        return None
    for n, rest in readings(tok.key):
        if rest in PRONOMINAL_TITLES:
            return _Head(n, rest, "person", True)
        definite = _definite(rest)
        bare = rest[2:] if definite else rest
        if bare in PERSON_TITLES:
            return _Head(n, bare, "person", definite)
        if bare in ORG_HEADS:
            return _Head(n, bare, "org", definite)
        if definite and bare in GROUP_HEADS:
            return _Head(n, bare, "group", True)
    return None


def title_phrase(toks: list[Token], i: int) -> tuple[_Head, int] | None:
    """The head at ``toks[i]`` and the index after its modifiers, or ``None``.

    A construct-state head («وزير», «رئيس») needs a complement: a definite
    word or a Latin acronym; without one it is not a title («زعيم غربي»).
    """
    h = _head(toks[i]) if i < len(toks) else None
    if h is None:
        return None
    need = not h.definite
    good = None if need else i + 1
    j = i + 1
    while j < len(toks):
        t = toks[j]
        k = t.key
        if not t.is_word or k in FUNCTION_WORDS:
            break
        if need:
            if _definite(k) or t.is_acronym:
                need, good = False, j + 1
            elif k not in CONSTRUCT_NOUNS:
                break
        elif k == "باسم" or (k.startswith("ل") and k[1:] in CONSTRUCT_NOUNS):
            need = True  # «المتحدثة باسم وزارة …», «الرئيس التنفيذي لصندوق …»
        elif _nisba(k) or k in MODIFIERS or (_definite(k) and k[2:] in PERSON_TITLES):
            good = j + 1
        else:
            break
        j += 1
    return None if good is None else (h, good)


def latin_name(toks: list[Token], i: int, *, min_words: int = 1) -> int | None:
    """Index after a capitalised Latin-script name starting at ``toks[i]``."""
    j = i
    while j < len(toks) and j - i < 4 and toks[j].is_capitalised and not toks[j].is_acronym:
        j += 1
    return j if j - i >= min_words else None


def _arabic_name(toks: list[Token], j: int) -> int | None:
    """Index after a two-word (or particle three-word) name at ``toks[j]``, learnt after a title."""

    def namelike(t: Token) -> bool:
        return (t.is_word and not t.is_latin and not t.text[0].isdigit()
                and not any(_definite(rest) for _, rest in readings(t.key))  # «للصحفيين» = ل + الصحفيين
                and t.key not in FUNCTION_WORDS and t.key not in COMPLEMENTIZERS and t.key not in CUES)

    if j + 1 >= len(toks) or not (namelike(toks[j]) and namelike(toks[j + 1])):
        return None
    end = j + 2
    if toks[j + 1].key in NAME_PARTICLES and end < len(toks) and namelike(toks[end]):
        end += 1
    after = toks[end] if end < len(toks) else None
    # A third content word means we are not at a name boundary (unless it is «و…», a conjunction).
    if after is not None and namelike(after) and not after.key.startswith("و"):
        return None
    return end


@dataclass
class Gazetteer:
    """Names learnt from title + name patterns and Latin names in one text."""

    full: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Word keys of a full name → canonical name (its first surface form)."""
    short: dict[str, str] = field(default_factory=dict)
    """Key of a last name → canonical name."""
    titles: dict[str, set[str]] = field(default_factory=dict)
    """Canonical name → title heads seen right before it («وزير»)."""
    feminine: set[str] = field(default_factory=set)

    def add(self, text: str, toks: list[Token], *, head: str = "", feminine: bool = False) -> str:
        canonical = text[toks[0].start:toks[-1].end]
        k = tuple(t.key for t in toks)
        canonical = self.full.setdefault(k, canonical)
        if len(k) > 1 and k[-1] not in FUNCTION_WORDS and len(k[-1]) >= 3:
            self.short.setdefault(k[-1], canonical)
        if head:
            self.titles.setdefault(canonical, set()).add(head)
        if feminine:
            self.feminine.add(canonical)
        return canonical

    def match(self, toks: list[Token], i: int) -> tuple[int, int, str] | None:
        """``(start offset, next index, canonical)`` of the longest known name at ``toks[i]``."""
        if i >= len(toks) or not toks[i].is_word:
            return None
        for n, rest in readings(toks[i].key):
            best = None
            for k, canonical in self.full.items():
                if k[0] == rest and tuple(t.key for t in toks[i + 1:i + len(k)]) == k[1:]:
                    if best is None or len(k) > best[0]:
                        best = (len(k), canonical)
            if best is not None:
                return _start(toks[i], n), i + best[0], best[1]
            if rest in self.short:
                return _start(toks[i], n), i + 1, self.short[rest]
        return None


def build_gazetteer(text: str, segments: list[list[Token]]) -> Gazetteer:
    """Learn person names from ``title + name`` patterns and Latin names."""
    gaz = Gazetteer()
    for toks in segments:
        for i in range(len(toks)):
            found = title_phrase(toks, i)
            if found is not None and found[0].cls == "person":
                h, j = found
                fem = _feminine(h)
                if j < len(toks) and toks[j].key in ("،", ","):
                    j += 1  # apposition: «رئيس RDIF، Kirill Dmitriev»
                end = latin_name(toks, j) or _arabic_name(toks, j)
                if end:
                    gaz.add(text, toks[j:end], head=h.head, feminine=fem)
                    continue
            if not toks[i].is_capitalised or (i > 0 and toks[i - 1].is_capitalised):
                continue
            end = latin_name(toks, i, min_words=2)
            if end and not (i > 0 and toks[i - 1].text == "("):
                gaz.add(text, toks[i:end])
    return gaz


def _gpe(toks: list[Token], i: int) -> tuple[int, int] | None:
    for n, rest in readings(toks[i].key):
        for k in sorted(GPES, key=len, reverse=True):
            if k[0] == rest and tuple(t.key for t in toks[i + 1:i + len(k)]) == k[1:]:
                return _start(toks[i], n), i + len(k)
    return None


def parse_np(text: str, toks: list[Token], i: int, gaz: Gazetteer) -> Phrase | None:
    """The source-like noun phrase starting at ``toks[i]``, if any."""
    if i >= len(toks) or not toks[i].is_word:
        return None
    m = gaz.match(toks, i)
    if m is not None:
        start, nxt, canonical = m
        return Phrase(start, toks[nxt - 1].end, nxt, "named", canonical,
                      gender="f" if canonical in gaz.feminine else "m")
    end = latin_name(toks, i, min_words=2)  # a lone unknown Latin word is no name («SeaPRwire»)
    if end is not None:
        name = text[toks[i].start:toks[end - 1].end]
        return Phrase(toks[i].start, toks[end - 1].end, end, "named", name)
    found = title_phrase(toks, i)
    if found is not None:
        h, j = found
        start = _start(toks[i], h.clitic)
        gender = "f" if _feminine(h) else "m"
        if h.cls == "person":
            m = gaz.match(toks, j)
            nxt = m[1] if m else latin_name(toks, j)
            if nxt is not None:
                name = m[2] if m else text[toks[j].start:toks[nxt - 1].end]
                return Phrase(start, toks[nxt - 1].end, nxt, "named", name, h.head, gender)
            if j + 1 < len(toks) and toks[j].key in ("،", ","):
                m = gaz.match(toks, j + 1)
                nxt = m[1] if m else latin_name(toks, j + 1)
                if nxt is not None:
                    name = m[2] if m else text[toks[j + 1].start:toks[nxt - 1].end]
                    return Phrase(toks[j + 1].start, toks[nxt - 1].end, nxt, "named", name, h.head,
                                  gender, title=(start, toks[j - 1].end))
        end_char = toks[j - 1].end
        kind = {"person": "nominal", "org": "org", "group": "group"}[h.cls]
        number = GROUP_HEADS.get(h.head, "sg") if h.cls == "group" else "sg"
        return Phrase(start, end_char, j, kind, text[start:end_char], h.head, gender, number)
    g = _gpe(toks, i)
    if g is not None:
        start, nxt = g
        return Phrase(start, toks[nxt - 1].end, nxt, "gpe", text[start:toks[nxt - 1].end], gender="f")
    if toks[i].is_acronym:
        return Phrase(toks[i].start, toks[i].end, i + 1, "org", toks[i].text)
    return None

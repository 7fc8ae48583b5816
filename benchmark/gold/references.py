"""Checks of the English references (``GUIDELINES.md`` section 5).

Called by ``check-data`` for every annotated document of the gold layer:

* **complete**: every segment and every quote has a reference;
* **names**: a segment whose Arabic names an entity (a ``named`` mention)
  uses one of the entity's English names; the entity's *first* named mention
  in the document uses its canonical ``name_en``;
* **one spelling of a name**: an English variant that is a spelling of the
  canonical name («Yury Ushakov» for «Yuri Ushakov», «U.S.» for «US») is
  accepted from systems but never written in a reference;
* **quotes inside segments**: a quote's reference is *the words of its
  segment's reference*: each part (parts of a discontinuous quote are joined
  by `` ... ``) is a substring of the reference of the segment(s) the content
  lies in, ignoring the case of the part's first letter and a full stop or
  comma just inside a closing quotation mark;
* **one spelling of a word** (corpus-wide, with the target descriptions):
  no two references spell one word two ways (``normalise``/``normalize``,
  ``towards``/``toward``, ``re-establish``/``reestablish``).

Every problem names file, field and what differs.

Examples
--------
>>> spelling_key("normalising") == spelling_key("normalizing")
True
>>> is_spelling_variant("Yury Ushakov", "Yuri Ushakov"), is_spelling_variant("Ushakov", "Yuri Ushakov")
(True, False)
>>> part_end("the talks were useful", "According to Lavrov, the talks were useful.")
42
>>> part_end("The talks were “very useful”", "He said the talks were “very useful.”") is not None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from benchmark.gold.problems import Problem
from benchmark.gold.schema import Document, Entity, Target

PART_SEPARATOR = " ... "
"""Joins the parts of a discontinuous quote's reference."""
SIMILAR_TOKEN = 0.6
"""difflib ratio above which two different tokens are spellings of one name
(Yury/Yuri 0.75, Kiev/Kyiv 0.75, US/U.S. 0.67; Mike/Michael 0.55 is a
different form, not a spelling)."""


def _strip_article(name: str) -> str:
    return name[4:] if name[:4].lower() == "the " else name


def name_pattern(name: str) -> re.Pattern:
    """A regular expression for ``name`` as whole words; a leading ``the`` is
    optional and the first letter may be either case (sentence starts).

    >>> bool(name_pattern("US").search("the USA")), bool(name_pattern("the officials").search("The officials said"))
    (False, True)
    """
    core = _strip_article(name)
    first = core[0]
    head = f"[{re.escape(first.upper())}{re.escape(first.lower())}]" if first.isalpha() else re.escape(first)
    return re.compile(rf"(?<![\w.]){head}{re.escape(core[1:])}(?![\w]|\.\w)")


def is_spelling_variant(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` spell one name two ways: as many words, each pair
    equal or similar (:data:`SIMILAR_TOKEN`), at least one pair different."""
    ta, tb = _strip_article(a).split(), _strip_article(b).split()
    if len(ta) != len(tb) or ta == tb:
        return False
    return all(x == y or difflib.SequenceMatcher(None, x, y).ratio() >= SIMILAR_TOKEN for x, y in zip(ta, tb))


def spelling_groups(entity: Entity) -> list[list[str]]:
    """The entity's English names grouped by spelling; singletons left out."""
    names: list[str] = []
    for n in entity.names_en:
        if _strip_article(n) not in {_strip_article(x) for x in names}:
            names.append(n)
    groups: list[list[str]] = []
    for n in names:
        for g in groups:
            if any(is_spelling_variant(n, x) for x in g):
                g.append(n)
                break
        else:
            groups.append([n])
    return [g for g in groups if len(g) > 1]


_QUOTE_PUNCT = re.compile(r"[.,](?=”)")


def _comparable(text: str) -> str:
    return _QUOTE_PUNCT.sub("", text)


def part_end(part: str, reference: str, start: int = 0) -> int | None:
    """Where ``part`` ends in ``reference`` (searching from ``start``), or None.

    Offsets are into ``reference`` without the full stops and commas just
    inside closing quotation marks; the part's first letter may differ in case.
    """
    part, ref = _comparable(part), _comparable(reference)
    if not part:
        return None
    found = [i for i in (ref.find(c, start) for c in (part, part[0].swapcase() + part[1:])) if i >= 0]
    return min(found) + len(part) if found else None


def _words(text: str) -> list[str]:
    return _comparable(text).split()


def _key(word: str) -> str:
    return word.strip("“”\"'.,;:").lower()


def _first_difference(part: str, reference: str) -> str:
    """The first words where ``part`` and the most similar stretch of ``reference`` differ."""
    pw, rw = _words(part), _words(reference)
    pk, rk = [_key(w) for w in pw], [_key(w) for w in rw]
    best, window = -1.0, (0, 0)
    for j in range(len(rw)):
        for n in range(max(1, len(pw) - 3), len(pw) + 4):
            r = difflib.SequenceMatcher(None, pk, rk[j:j + n], autojunk=False).ratio()
            if r > best:
                best, window = r, (j, j + n)
    seg_words = rw[window[0]:window[1]]
    ops = difflib.SequenceMatcher(None, pk, rk[window[0]:window[1]], autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag != "equal":
            return f"{' '.join(pw[i1:i2]) or '(nothing)'!r} where the segment has {' '.join(seg_words[j1:j2]) or '(nothing)'!r}"
    return "the words agree but not their punctuation or quotation marks"


def check_references(doc: Document, *, file: str) -> list[Problem]:
    """Every problem of one annotated document's English references."""
    p = _check_complete(doc, file)
    p += _check_names(doc, file)
    p += _check_name_spellings(doc, file)
    p += _check_quotes_in_segments(doc, file)
    return p


def _check_complete(doc: Document, file: str) -> list[Problem]:
    p = [Problem(file, f"segments[{i}].translation_en", f"segment {s.id!r} has no English reference")
         for i, s in enumerate(doc.segments) if not s.translation_en.strip()]
    p += [Problem(file, f"quotes[{i}].translation_en", f"quote {q.id!r} has no English reference")
          for i, q in enumerate(doc.quotes) if not q.translation_en.strip()]
    return p


def _named_by_segment(doc: Document) -> list[list[tuple[str, str]]]:
    """For each segment, the (entity id, Arabic surface) of its named mentions, in text order."""
    out: list[list[tuple[str, str]]] = [[] for _ in doc.segments]
    for m in sorted(doc.mentions, key=lambda m: (m.span.start, -m.span.end)):
        if m.kind != "named":
            continue
        for i, s in enumerate(doc.segments):
            if s.span.start <= m.span.start and m.span.end <= s.span.end:
                if m.entity not in [e for e, _ in out[i]]:
                    out[i].append((m.entity, m.span.text))
    return out


def _check_names(doc: Document, file: str) -> list[Problem]:
    entities = {e.id: e for e in doc.entities}
    seen: set[str] = set()
    p: list[Problem] = []
    for i, (seg, named) in enumerate(zip(doc.segments, _named_by_segment(doc))):
        field = f"segments[{i}].translation_en"
        for entity_id, surface in named:
            e = entities.get(entity_id)
            if e is None or not seg.translation_en:
                continue  # a dangling entity is check.py's problem; an empty reference is reported above
            used = [n for n in e.names_en if name_pattern(n).search(seg.translation_en)]
            if not used:
                p.append(Problem(file, field, f"segment {seg.id!r} names {entity_id!r} («{surface}») but its reference "
                                              f"uses none of its English names: {', '.join(map(repr, e.names_en))}"))
            elif entity_id not in seen and not name_pattern(e.name_en).search(seg.translation_en):
                p.append(Problem(file, field, f"the first named mention of {entity_id!r} («{surface}», segment "
                                              f"{seg.id!r}) must use the canonical English name {e.name_en!r}; "
                                              f"the reference has {used[0]!r}"))
            seen.add(entity_id)
    return p


def _references(doc: Document) -> Iterable[tuple[str, str]]:
    for i, s in enumerate(doc.segments):
        yield f"segments[{i}].translation_en", s.translation_en
    for i, q in enumerate(doc.quotes):
        yield f"quotes[{i}].translation_en", q.translation_en


def _check_name_spellings(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    for e in doc.entities:
        for group in spelling_groups(e):
            canonical = next((n for n in group if _strip_article(n) == _strip_article(e.name_en)), None)
            first_used: str | None = None
            for field, text in _references(doc):
                for n in group:
                    if not name_pattern(n).search(text):
                        continue
                    if canonical is not None and n != canonical:
                        p.append(Problem(file, field, f"{n!r} is a spelling variant of the canonical English name "
                                                      f"{canonical!r} of {e.id!r}; references use the canonical spelling"))
                    elif canonical is None and first_used is not None and n != first_used:
                        p.append(Problem(file, field, f"{n!r} and {first_used!r} spell one name of {e.id!r} two ways; "
                                                      "references use one spelling throughout"))
                    first_used = first_used or n
    return p


def _check_quotes_in_segments(doc: Document, file: str) -> list[Problem]:
    p: list[Problem] = []
    for i, q in enumerate(doc.quotes):
        segs = [s for s in doc.segments if any(c.start < s.span.end and s.span.start < c.end for c in q.content)]
        reference = " ".join(s.translation_en for s in segs)
        if not q.translation_en.strip() or not reference.strip():
            continue
        pos: int | None = 0
        for part in q.translation_en.split(PART_SEPARATOR):
            pos = part_end(part, reference, pos or 0)
            if pos is None:
                where = ", ".join(repr(s.id) for s in segs)
                p.append(Problem(file, f"quotes[{i}].translation_en",
                                 f"quote {q.id!r}: {part!r} is not words of the reference of segment {where}: "
                                 f"{_first_difference(part, reference)}"))
                break
    return p


_SUFFIXES = (  # British ending → American ending, longest first
    ("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ises", "izes"),
    ("ise", "ize"), ("yses", "yzes"), ("ysed", "yzed"), ("yse", "yze"), ("ogues", "ogs"), ("ogue", "og"),
    ("tres", "ters"), ("tre", "ter"), ("ences", "enses"), ("ence", "ense"),
)
_OUR = re.compile(r"our(s|ed|ing|able|ite|ites)?$")
_DOUBLE_L = ("travel", "cancel", "label", "model", "signal", "fuel", "counsel", "level", "channel", "equal",
             "dial", "marshal", "total", "tunnel", "rival", "quarrel")
_WORDS = {"programme": "program", "programmes": "programs", "towards": "toward", "afterwards": "afterward",
          "grey": "gray", "whilst": "while", "amongst": "among", "judgement": "judgment", "ageing": "aging"}


def spelling_key(word: str) -> str:
    """One key for the British and American spellings of ``word`` (and its
    hyphenated form): two different words of the references with one key are
    the same word spelled two ways.

    >>> spelling_key("re-establish") == spelling_key("reestablish"), spelling_key("favour") == spelling_key("favor")
    (True, True)
    >>> spelling_key("four") == spelling_key("for")   # too short to be a -our word
    False
    """
    w = word.lower().replace("-", "")
    if w in _WORDS:
        return _WORDS[w]
    for stem in _DOUBLE_L:
        if w.startswith(stem + "l") and w[len(stem) + 1:] in ("ed", "ing", "er", "ers"):
            return stem + w[len(stem) + 1:]
    if len(w) >= 6 and _OUR.search(w):
        return _OUR.sub(lambda m: "or" + (m.group(1) or ""), w)
    for british, american in _SUFFIXES:
        if len(w) > len(british) + 2 and w.endswith(british):
            return w[: -len(british)] + american
    return w


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def check_spelling(docs: Iterable[tuple[Document, str]], *, targets: Iterable[Target],
                   targets_file: str) -> list[Problem]:
    """Corpus-wide: every word of the references and target descriptions is
    spelled one way. Each later spelling is reported against the first one met."""
    texts: list[tuple[str, str, str]] = [(targets_file, f"[{i}].description_en", t.description_en)
                                         for i, t in enumerate(targets)]
    for doc, file in docs:
        texts += [(file, field, text) for field, text in _references(doc)]
    first: dict[str, tuple[str, str, str]] = {}
    p: list[Problem] = []
    for file, field, text in texts:
        for word in _WORD.findall(text):
            key, form = spelling_key(word), word.lower()
            if key not in first:
                first[key] = (form, file, field)
            elif first[key][0] != form:
                other, f0, fd0 = first[key]
                p.append(Problem(file, field, f"{word!r} is spelled {other!r} in {f0}: {fd0}; "
                                              "references use one spelling throughout (GUIDELINES.md section 5)"))
    return p

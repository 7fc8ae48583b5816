"""The ``lexicon`` stance baseline: Arabic polarity words, negation and target keywords.

For each gold (quote, target) pair:

1. find the target's keywords in the quote content (``targets`` in
   ``stance_lexicon.json``); none → ``NONE`` (the quote is not about it);
2. add up the polarity of the positive (+1) and negative (−1) words within
   ``window`` words of a keyword (the keywords themselves do not count:
   naming «التعاون» is no stance on cooperation); a negator up to ``negation_scope`` words
   before a polar word («غير مقبول», «لن تكون في صراع») or a *shifter* up to
   ``shift_scope`` words before it («إزالة الحواجز», «حل الصراع») reverses it;
3. a positive sum → ``FAVOR``, negative → ``AGAINST``, zero → ``NONE``.

Words match lexicon stems with light morphology (:func:`matches`).

Examples
--------
>>> lex = load_lexicon()
>>> stance_label("سيكون نشر القوات أمرًا مقبولًا", "nato_troops_in_ukraine", lex)
'FAVOR'
>>> stance_label("سيكون نشر القوات أمرًا غير مقبول", "nato_troops_in_ukraine", lex)
'AGAINST'
>>> stance_label("سيكون نشر القوات أمرًا غير مقبول", "trump", lex)
'NONE'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Collection, Sequence

from benchmark.errors import ConfigError, InputError
from benchmark.tasks.inputs import DocInput
from benchmark.gold.schema import Corpus
from benchmark.systems.base import check_tasks
from benchmark.systems.arabic_lexicon import key, readings, tokenize

LEXICON_PATH = Path(__file__).with_name("stance_lexicon.json")


@dataclass(frozen=True)
class Lexicon:
    """The stance lexicon with every entry turned into word keys."""

    positive: tuple[tuple[str, ...], ...]
    negative: tuple[tuple[str, ...], ...]
    negators: frozenset[str]
    shifters: tuple[tuple[str, ...], ...]
    targets: dict[str, tuple[tuple[str, ...], ...]]
    window: int
    negation_scope: int
    shift_scope: int
    max_suffix: int
    version: int


def _entries(raw: object, field: str, file: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise ConfigError("expected a list of non-empty strings", file=file, field=field)
    return tuple(tuple(_core(key(w)) for w in entry.split()) for entry in raw)


def _core(word_key: str) -> str:
    return word_key[2:] if word_key.startswith("ال") and len(word_key) > 4 else word_key


@lru_cache(maxsize=4)
def load_lexicon(path: Path | str = LEXICON_PATH) -> Lexicon:
    """Read and check ``stance_lexicon.json`` (cached)."""
    file = str(path)
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read the stance lexicon: {exc}", file=file) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected a JSON object", file=file)
    missing = [k for k in ("positive", "negative", "negators", "shifters", "targets") if k not in raw]
    if missing:
        raise ConfigError(f"missing keys {missing}", file=file)
    if not isinstance(raw["targets"], dict):
        raise ConfigError("expected an object of target id → keywords", file=file, field="targets")
    ints = {}
    for name, default in (("window", 8), ("negation_scope", 3), ("shift_scope", 2), ("max_suffix", 5), ("version", 1)):
        value = raw.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"expected a non-negative integer, got {value!r}", file=file, field=name)
        ints[name] = value
    return Lexicon(
        positive=_entries(raw["positive"], "positive", file),
        negative=_entries(raw["negative"], "negative", file),
        negators=frozenset(w for (w,) in _entries(raw["negators"], "negators", file)),
        shifters=_entries(raw["shifters"], "shifters", file),
        targets={t: _entries(words, f"targets.{t}", file) for t, words in raw["targets"].items()},
        **ints,
    )


def _cores(word_key: str) -> set[str]:
    return {_core(rest) for _, rest in readings(word_key)} | {word_key}


def matches(word: str, stem: str, *, max_suffix: int = 5) -> bool:
    """Does ``word`` (surface form) match a lexicon ``stem`` (already a key)?

    Proclitics and the article are stripped; the rest must equal the stem
    or extend it by at most ``max_suffix`` letters (3 for three-letter
    stems, none for shorter ones).  Cached: every word of a quote is
    matched against every lexicon entry, for each target it is paired with.

    >>> matches("بنجاح", key("نجاح")), matches("والمفاوضين", key("مفاوض")), matches("حالة", key("حل"))
    (True, True, False)
    """
    return _matches(word, stem, max_suffix)


@lru_cache(maxsize=1 << 18)
def _matches(word: str, stem: str, max_suffix: int) -> bool:
    limit = 0 if len(stem) < 3 else (3 if len(stem) == 3 else max_suffix)
    return any(c == stem or (c.startswith(stem) and len(c) - len(stem) <= limit) for c in _word_cores(word))


@lru_cache(maxsize=1 << 16)
def _word_cores(word: str) -> frozenset[str]:
    return frozenset(_cores(key(word)))


@lru_cache(maxsize=1 << 12)
def _hits(words: tuple[str, ...], entries: tuple[tuple[str, ...], ...], max_suffix: int) -> tuple[int, ...]:
    """Indices of words where one of the (multi-word) entries starts.

    Cached: a quote paired with several targets is searched for the same
    polar words and shifters once.  Only the entries whose first stem the
    word could match (:func:`_stem_candidates`) are tried.
    """
    index = _by_first_stem(entries)
    out = []
    for i, word in enumerate(words):
        for stem in _stem_candidates(word, max_suffix) & index.keys():
            if any(i + len(entry) <= len(words) and all(
                    _matches(words[i + k], s, max_suffix) for k, s in enumerate(entry)) for entry in index[stem]):
                out.append(i)
                break
    return tuple(out)


@lru_cache(maxsize=64)
def _by_first_stem(entries: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for entry in entries:
        index.setdefault(entry[0], []).append(entry)
    return {stem: tuple(group) for stem, group in index.items()}


@lru_cache(maxsize=1 << 16)
def _stem_candidates(word: str, max_suffix: int) -> frozenset[str]:
    # A stem the word matches is one of its cores less at most max(3, max_suffix)
    # final letters (see _matches): every such prefix, a superset checked by _matches.
    slack = max(3, max_suffix)
    return frozenset(core[:n] for core in _word_cores(word) for n in range(max(0, len(core) - slack), len(core) + 1))


def stance_label(text: str, target: str, lex: Lexicon) -> str:
    """``FAVOR``, ``AGAINST`` or ``NONE`` for a quote ``text`` towards ``target``."""
    words = tuple(t.text for t in tokenize(text) if t.is_word)
    anchors = _hits(words, lex.targets.get(target, ()), lex.max_suffix)
    if not anchors:
        return "NONE"
    anchor_set = set(anchors)
    near = {i for a in anchors for i in range(max(0, a - lex.window), min(len(words), a + lex.window + 1))}
    shifters = set(_hits(words, lex.shifters, lex.max_suffix))
    score = 0
    for polarity, entries in ((1, lex.positive), (-1, lex.negative)):
        for i in _hits(words, entries, lex.max_suffix):
            if i not in near or i in anchor_set:
                continue  # a keyword names the topic («التعاون»); saying it is no stance
            flips = sum(1 for k in range(max(0, i - lex.negation_scope), i) if key(words[k]) in lex.negators)
            flips += sum(1 for k in range(max(0, i - lex.shift_scope), i) if k in shifters)
            score += polarity * (-1) ** flips
    return "FAVOR" if score > 0 else "AGAINST" if score < 0 else "NONE"


class LexiconSystem:
    """Stance from ``stance_lexicon.json`` (ignores ``gold``)."""

    name = "lexicon"
    supported_tasks = frozenset({"stance"})
    ranked = True
    needs_gold = False

    def __init__(self, *, path: Path | str = LEXICON_PATH) -> None:
        self.lexicon = load_lexicon(path)
        self.description = (f"Arabic polarity/negation lexicon v{self.lexicon.version}: NONE without target "
                            f"keywords, else the sign of polar words within {self.lexicon.window} words, "
                            f"reversed by negators and shifters")

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        outputs = []
        for doc in docs:
            out: dict = {"doc_id": doc.doc_id}
            if "stance" in run:
                pairs = dict.fromkeys((it.quote_id, it.target) for it in doc.stance_items)
                out["stance"] = [{"quote_id": q, "target": t, "label": stance_label(_text(doc, q), t, self.lexicon)}
                                 for q, t in pairs]
            outputs.append(out)
        return outputs


def _text(doc: DocInput, quote_id: str) -> str:
    try:
        return doc.quote_text(quote_id)
    except KeyError:
        raise InputError(f"stance item refers to unknown quote {quote_id!r}", field="stance_items") from None


def build(*, seed: int = 0) -> LexiconSystem:
    """The ``lexicon`` system (deterministic: ``seed`` is unused)."""
    return LexiconSystem()

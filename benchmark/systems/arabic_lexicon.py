"""Arabic word lists, matching keys and a tokenizer for the rule-based baseline.

Nothing here changes the text: tokens keep their exact offsets, and every
lookup goes through :func:`key`, a *matching* view of a word (no diacritics
or tatweel, one alef, ``ى`` → ``ي``, ``ة`` → ``ه``).  Proclitics are split
with :func:`readings`, which also says how many characters of the original
word they cover, so a span can start right after ``و`` or ``ل`` as the
guidelines allow.

Examples
--------
>>> key("مشيرًا") == key("مشيراً") == "مشيرا"
True
>>> [t.text for t in tokenize("وقال لافروف: “مفيد”.")]
['وقال', 'لافروف', ':', '“', 'مفيد', '”', '.']
>>> CUES[key("وذكرت")[1:]].gender, CUES[key("قالوا")].number
('f', 'pl')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MARKS = re.compile("[\u064B-\u0652\u0670\u0640]")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_TOKEN = re.compile(r"\d+(?:[.,٫]\d+)+|[\w\u0640\u064B-\u065F\u0670]+|\S")

OPEN_QUOTES = "“«"
CLOSE_QUOTES = "”»"
QUOTE_MARKS = OPEN_QUOTES + CLOSE_QUOTES + '"'
COMMAS = {"،", ","}
CLAUSE_PUNCT = {"،", ",", "–", "-", "—", ":", "؛", ";"}
"""Punctuation after which a new clause (and so a clause-level cue) may start."""


def key(word: str) -> str:
    """Matching key of ``word``: diacritics and tatweel removed, letters unified.

    >>> key("أوضحَ"), key("المتحدثة"), key("على")
    ('اوضح', 'المتحدثه', 'علي')
    """
    return _MARKS.sub("", word).translate(_LETTERS)


def keys(words: str) -> tuple[str, ...]:
    """Keys of a space-separated phrase, for multi-word lexicon entries."""
    return tuple(key(w) for w in words.split())


@dataclass(frozen=True)
class Token:
    """One word or punctuation character with its exact offsets."""

    start: int
    end: int
    text: str
    key: str

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def is_latin(self) -> bool:
        return self.text.isascii() and self.text[0].isalpha()

    @property
    def is_capitalised(self) -> bool:
        """A Latin word starting with a capital (``Kirill``, ``RDIF``)."""
        return self.is_latin and self.text[0].isupper()

    @property
    def is_acronym(self) -> bool:
        return self.is_latin and len(self.text) >= 2 and self.text.isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words (with their diacritics) and single punctuation characters of ``text[start:end]``.

    >>> [(t.start, t.text) for t in tokenize("قال أوشاكوف 4.5", 0)]
    [(0, 'قال'), (4, 'أوشاكوف'), (12, '4.5')]
    """
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group(), key(m.group()))
            for m in _TOKEN.finditer(text, start, end)]


def original_length(word: str, n_key_chars: int) -> int:
    """How many characters of ``word`` make up its first ``n_key_chars`` key characters.

    Diacritics are dropped by :func:`key`, so a proclitic of one key letter
    may cover two original characters («لِ»).
    """
    seen = 0
    for i, ch in enumerate(word):
        if seen == n_key_chars:
            return i
        if not _MARKS.match(ch):
            seen += 1
    return len(word)


_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=1 << 16)
def readings(word_key: str, *, proclitics: tuple[str, ...] = _PROCLITICS) -> tuple[tuple[int, str], ...]:
    """``(proclitic length, rest)`` readings of a key, the bare word first.

    ``لل`` is ``ل`` plus the article (``للجانب`` → ``الجانب``); the rest must
    keep at least two letters.  Cached: the rule systems ask for the same
    words' readings many times per document.

    >>> readings("وللجانب")
    ((0, 'وللجانب'), (2, 'الجانب'), (1, 'للجانب'))
    >>> readings("قال")
    ((0, 'قال'),)
    """
    out = [(0, word_key)]
    for p in proclitics:
        if not word_key.startswith(p) or len(word_key) - len(p) < 2:
            continue
        rest = word_key[len(p):]
        if p.endswith("ل") and rest.startswith("ل") and len(rest) > 2:
            out.append((len(p), "ا" + rest))  # ل + (ا)ل: the article keeps its alef
        else:
            out.append((len(p), rest))
    # Longer proclitics first, so «للجانب» prefers ل+الجانب over ل+لجانب.
    return (out[0], *sorted(out[1:], key=lambda r: -r[0]))


# --------------------------------------------------------------------------
# Reporting verbs.  Each row: past 3ms, present 3ms, active participle,
# prepositions the verb governs, whether it may take a noun-phrase content
# (no complementizer), and whether it is a cue only before a complementizer
# (verbs that often mean something else: «رأى» 'saw', «تابع» 'followed').


@dataclass(frozen=True)
class CueForm:
    """One inflected form of a reporting verb or participle."""

    lemma: str
    """Key of the past 3rd-person masculine singular form."""
    kind: str
    """``verb`` or ``participle``."""
    gender: str
    """``m``, ``f`` (or ``?`` when the form does not tell)."""
    number: str
    """``sg``, ``du`` or ``pl``."""
    preps: tuple[str, ...]
    """Keys of prepositions the verb governs («الي», «علي», «ب»)."""
    np_content: bool
    """May report a noun phrase without a complementizer («شدد على ضرورة …»)."""
    needs_comp: bool
    """Only a cue when a complementizer follows."""
    takes_object: bool = False
    """``X وصف Y بأنه Z``: the object Y is part of the content."""


_VERBS: tuple[tuple[str, str | None, str | None, str, str], ...] = (
    # past, present, participle, preps, flags (n = NP content, c = needs complementizer, o = object)
    ("قال", "يقول", "قائلا", "", ""),
    ("أضاف", "يضيف", "مضيفا", "", ""),
    ("أوضح", "يوضح", "موضحا", "", ""),
    ("أشار", "يشير", "مشيرا", "إلى", "n"),
    ("شدد", "يشدد", "مشددا", "على", "n"),
    ("أكد", "يؤكد", "مؤكدا", "على", "n"),
    ("أعلن", "يعلن", "معلنا", "عن", "n"),
    ("ذكر", "يذكر", None, "", "n"),
    ("اعترف", "يعترف", "معترفا", "ب", "n"),
    ("كرر", "يكرر", "مكررا", "", "n"),
    ("اقترح", "يقترح", "مقترحا", "", "n"),
    ("وصف", "يصف", "واصفا", "", "o"),
    ("صرح", "يصرح", "مصرحا", "ب", ""),
    ("نفى", "ينفي", "نافيا", "", "n"),
    ("حذر", "يحذر", "محذرا", "من", "n"),
    ("أقر", "يقر", "مقرا", "ب", "c"),
    ("لفت", "يلفت", "لافتا", "إلى", "c"),
    ("أفاد", None, None, "", "c"),
    ("تابع", None, None, "", "c"),
    ("أردف", None, None, "", "c"),
    ("رأى", "يرى", None, "", "c"),
    ("اعتبر", "يعتبر", "معتبرا", "", "c"),
    ("زعم", "يزعم", "زاعما", "", "c"),
    ("كتب", "يكتب", None, "", "c"),
    ("أبلغ", "يبلغ", None, "", "c"),
)


def _conjugate() -> dict[str, CueForm]:
    table: dict[str, CueForm] = {}
    for past, present, participle, preps, flags in _VERBS:
        lemma = key(past)
        common = dict(preps=keys(preps), np_content="n" in flags, needs_comp="c" in flags,
                      takes_object="o" in flags)
        if lemma.endswith("ي"):  # defective verbs: رأى → رأت، رأيا، رأوا
            stem = lemma[:-1]
            past_forms = [(lemma, "m", "sg"), (stem + "ت", "f", "sg"), (stem + "يا", "m", "du"),
                          (stem + "تا", "f", "du"), (stem + "وا", "m", "pl")]
        else:
            past_forms = [(lemma, "m", "sg"), (lemma + "ت", "f", "sg"), (lemma + "ا", "m", "du"),
                          (lemma + "تا", "f", "du"), (lemma + "وا", "m", "pl")]
        forms = [(f, "verb", g, n) for f, g, n in past_forms]
        if present:
            p = key(present)
            stem = p[1:]
            forms += [("ي" + stem, "verb", "m", "sg"), ("ت" + stem, "verb", "f", "sg")]
            if not stem.endswith("ي"):
                forms += [("ي" + stem + "ون", "verb", "m", "pl"), ("ي" + stem + "ان", "verb", "m", "du"),
                          ("ت" + stem + "ان", "verb", "f", "du")]
        if participle:
            a = key(participle)
            forms += [(a, "participle", "m", "sg"), (a[:-1] + "ه", "participle", "f", "sg"),
                      (a[:-1] + "ين", "participle", "m", "pl")]
        for form, kind, gender, number in forms:
            table.setdefault(form, CueForm(lemma, kind, gender, number, **common))
    return table


CUES: dict[str, CueForm] = _conjugate()
"""Key of an inflected reporting verb or participle → its analysis."""

PREP_CUES = {key("حسب"), key("بحسب"), key("وفقا"), key("طبقا"), key("وبحسب"), key("ووفقا")}
"""Prepositional cues followed by the source («وفقًا ل X», «بحسب X»)."""
PREP_CUES_WITH_L = {key("وفقا"), key("طبقا"), key("ووفقا")}
"""Prepositional cues whose source carries the preposition ل («وفقًا لوزير …»)."""
HASABAMA = {key("حسبما"), key("وحسبما"), key("بحسبما"), key("كما")}
"""``حسبما`` + reporting verb: a trailing attribution («، حسبما قال لافروف»); ``كما`` only after a comma."""

COMPLEMENTIZERS = {key(w) for w in "أن إن أنه إنه أنها إنها أنهم إنهم أنهما أنهن بأن بأنه بأنها بأنهم بأنهما".split()}
"""Complementizers (with the expletive or resumptive pronoun): outside the content."""
COMP_PREPS = {key("إلى"), key("على"), key("ب"), key("من")}
"""A preposition that may stand between the subject and ``أن`` («أشار أوشاكوف إلى أنه», «حذر … من أن»)."""
FA_INNA = {key(w) for w in "فإن فإنه فإنها".split()}
"""``فإن`` opening the main clause after a fronted «بحسب X،»: outside the content."""

CONNECTIVE_STARTS = {key(w) for w in (
    "وكجزء كجزء ومع مع في وفي بعد وبعد ومن من لكن ولكن وعلى على ولذلك لذلك وكذلك كذلك وأيضا "
    "ثم وقبل قبل خلال وخلال عقب وعقب إلى وإلى بينما وبينما إذ منذ ومنذ").split()}
"""First words of a sentence-initial narrator phrase ending in a comma («ومع ذلك،»)."""

CLAUSE_OPENERS = {key(w) for w in "كما وكما ثم وقد قد".split()}
"""Particles that may precede a clause-initial cue («كما شدد على أن …»)."""

BLOCKERS = {key(w) for w in "ما مما وهو وهي لم لن لا قد كان كانت الذي التي".split()}
"""Words after which a cue reports no proposition of its own («وهو ما شددت …»,
«كما كان قد اقترح …»)."""

FUNCTION_WORDS = {key(w) for w in (
    "في من إلى على عن مع بعد قبل خلال حول لدى عند أن إن أنه بأن بأنه و أو ثم لكن بل "
    "الذي التي الذين هذا هذه ذلك تلك هو هي هم هما ما لا لم لن ليس قد كان كانت كما "
    "أيضا يوم اليوم أمس بين حتى إذا إذ لأن بينما حيث كل بعض أي غير وفي وعلى ولم").split()}
"""Words that are never part of a name."""

ADVERBIAL_STARTS = {key(w) for w in (
    "أيضا بعد قبل خلال في يوم اليوم أمس عقب للصحفيين لوسائل لصحيفة لقناة لوكالة "
    "أثناء مساء صباح الثلاثاء الاثنين الأربعاء الخميس الجمعة السبت الأحد").split()}
"""Words that start an adverbial between a source and its complementizer."""

WASF_STOPS = {key(w) for w in "بينما حيث وسط فيما في حين و".split()}
"""Words that end the short description after «وصف … بأنه»."""

# --------------------------------------------------------------------------
# Heads of noun phrases that can be sources.  Bare (indefinite) forms; the
# definite form is the same word with «ال».

PERSON_TITLES = {key(w) for w in (
    "وزير وزيرة رئيس رئيسة مساعد مساعدة متحدث متحدثة ناطق ناطقة مستشار مستشارة مبعوث "
    "مبعوثة سفير سفيرة نائب نائبة مدير مديرة أمين مندوب مندوبة ممثل ممثلة قائد زعيم ملك "
    "أمير سيناتور جنرال مسؤول مسؤولة مفوض مفوضة مساعدة").split()}
PRONOMINAL_TITLES = {key(w) for w in "نظيره نظيرها نظيرهم نظيريه".split()}
"""Heads made definite by a possessive pronoun («ونظيره الأمريكي دونالد ترامب»)."""
ORG_HEADS = {key(w) for w in (
    "وزارة صندوق إدارة مجلس حلف حكومة هيئة منظمة مكتب وكالة خارجية كرملين بيت اتحاد "
    "أمم جيش شركة بنك").split()}
CONSTRUCT_NOUNS = ORG_HEADS | {key(w) for w in "باسم دولة دول مجلس لجنة".split()}
"""Indefinite nouns that take a genitive complement inside a title («باسم وزارة الخارجية»)."""
GROUP_HEADS: dict[str, str] = {
    **{key(w): "sg" for w in "جانب وفد فريق طرف".split()},
    **{key(w): "du" for w in "جانبان جانبين وفدان وفدين طرفان طرفين".split()},
    **{key(w): "pl" for w in "وفود مسؤولون مسؤولين دبلوماسيون دبلوماسيين خبراء محللون مفاوضون مفاوضين".split()},
}
"""Definite group nouns that speak («الجانب الروسي», «المسؤولون») and their number."""
MODIFIERS = {key(w) for w in (
    "الخاص الخاصة المباشر العام العامة الأعلى الأول الأولى الدائم الدائمة السابق السابقة "
    "الجديد الجديدة التنفيذي المساعد الأبيض المتحدة السفير").split()}
"""Definite adjectives that are not nisba forms but modify titles."""

GPES: dict[tuple[str, ...], str] = {keys(w): w for w in (
    "روسيا", "موسكو", "واشنطن", "الولايات المتحدة", "أمريكا", "أوكرانيا", "كييف", "الصين",
    "بكين", "إيران", "طهران", "تركيا", "أنقرة", "فرنسا", "باريس", "بريطانيا", "لندن", "ألمانيا",
    "برلين", "إسرائيل", "مصر", "القاهرة", "قطر", "الدوحة", "الكرملين", "البيت الأبيض",
)}
"""Place names that speak for their government (metonymy), keyed by word keys."""

NAME_PARTICLES = {key(w) for w in "بن ابن بنت أبو عبد دي فون فان آل".split()}
"""Name-internal words that allow a three-word Arabic name («محمد بن سلمان»)."""

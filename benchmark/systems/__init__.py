"""Built-in offline systems and the system registry.

A system turns :class:`~benchmark.inputs.DocInput` objects into one plain,
JSON-serialisable dict per document in **submission format v1** (see
``benchmark/submission.schema.json``): ``doc_id`` plus one key per task it
ran (``speakers``, ``quotes``, ``attribution``, ``stance``,
``translations``).  An absent key means *not attempted*.  Spans are
half-open ``[start, end)`` character offsets into ``DocInput.text``.

Systems never read the gold answers at prediction time.  ``gold`` is passed
only to the ``oracle`` (which returns it) and to ``sklearn`` (which trains
out of fold, never on the item it predicts); every other system ignores it.

Examples
--------
>>> sorted(BUILTIN)  # other packages register more (llm, hf)
['copy', 'lexicon', 'majority', 'oracle', 'rules', 'sklearn']
>>> BUILTIN <= set(SYSTEMS)
True
>>> system = make_system("rules")
>>> system.name, sorted(system.supported_tasks), system.ranked
('rules', ['attribution', 'end2end', 'quotes', 'speakers'], True)
>>> make_system("rules", sed=1)
Traceback (most recent call last):
...
benchmark.errors.ConfigError: system: Unknown option 'sed' of system 'rules'. Did you mean 'seed'? Available: mentions, seed
"""

from __future__ import annotations

import inspect
from typing import Callable, Collection, Protocol, Sequence, runtime_checkable

from ..errors import ConfigError, UnknownNameError
from ..inputs import DocInput
from ..registry import Registry, unknown_name_message
from ..schema import Corpus

TASKS = ("speakers", "quotes", "attribution", "end2end", "stance", "translation")
"""Task names a system may support."""

TASK_KEYS = {"speakers": "speakers", "quotes": "quotes", "end2end": "quotes", "attribution": "attribution",
             "stance": "stance", "translation": "translations"}
"""Submission key written for each task (``quotes`` and ``end2end`` share ``quotes``)."""


@runtime_checkable
class System(Protocol):
    """What the harness needs from a system.

    Optional attributes the harness reads with ``getattr``: ``needs_gold``
    (pass ``gold=``; only the oracle and ``sklearn``) and ``training_note``
    (how a trained system was trained, for the report).
    """

    name: str
    description: str
    supported_tasks: frozenset[str]
    """Subset of :data:`TASKS`."""
    ranked: bool
    """``False`` for reference systems (the oracle) kept off the leaderboard."""

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        """One submission-format dict per document, in the order of ``docs``."""
        ...


SYSTEMS: Registry[Callable[..., System]] = Registry("system")
"""Factories of the systems; each takes keyword-only options."""

BUILTIN = frozenset({"oracle", "rules", "lexicon", "majority", "sklearn", "copy"})
"""The offline systems defined in this package."""


def make_system(name: str, **options) -> System:
    """Build the registered system ``name`` with keyword options (``seed`` …).

    Unknown names raise :class:`~benchmark.errors.UnknownNameError` and
    unknown options :class:`~benchmark.errors.ConfigError`, both with a
    did-you-mean suggestion.
    """
    factory = SYSTEMS.get(name)
    accepted = [p.name for p in inspect.signature(factory).parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY]
    for option in options:
        if option not in accepted:
            message = unknown_name_message("option", option, accepted).replace(
                f"option {option!r}.", f"option {option!r} of system {name!r}.", 1)
            raise ConfigError(message, field="system")
    return factory(**options)


def check_tasks(system: System, tasks: Collection[str]) -> frozenset[str]:
    """The requested tasks that ``system`` supports; unknown task names raise.

    A known task the system does not support is simply not run, so its key
    is absent from the output (*not attempted*).

    >>> check_tasks(make_system("copy"), ["translation", "quotes"])
    frozenset({'translation'})
    >>> check_tasks(make_system("copy"), ["translate"])
    Traceback (most recent call last):
    ...
    benchmark.errors.UnknownNameError: Unknown task 'translate'. Did you mean 'translation'? Available: attribution, end2end, quotes, speakers, stance, translation
    """
    for t in tasks:
        if t not in TASKS:
            raise UnknownNameError(unknown_name_message("task", t, TASKS))
    return frozenset(tasks) & system.supported_tasks


MENTION_MODES = ("sources", "all")
"""What task ``speakers`` returns: quote source spans (what the task scores) or
every mention of an entity that speaks."""


def check_mentions(mentions: str) -> str:
    """Validate the ``mentions`` option of ``oracle`` and ``rules``."""
    if mentions not in MENTION_MODES:
        raise ConfigError(f"mentions must be one of {MENTION_MODES}, got {mentions!r}", field="mentions")
    return mentions


def pair(start: int, end: int) -> list[int]:
    """A span as the ``[start, end]`` pair of the submission format."""
    return [int(start), int(end)]


@SYSTEMS.register("oracle", help="returns the gold answers (reference, must score 100%)")
def _oracle(*, seed: int = 0, mentions: str = "all") -> System:
    from .oracle import OracleSystem

    return OracleSystem(mentions=mentions)


@SYSTEMS.register("rules", help="Arabic rule-based extractor: reporting verbs, complementizers, titles and names")
def _rules(*, seed: int = 0, mentions: str = "all") -> System:
    from .rules import RulesSystem

    return RulesSystem(mentions=mentions)


@SYSTEMS.register("lexicon", help="stance from an Arabic polarity and negation lexicon")
def _lexicon(*, seed: int = 0) -> System:
    from .lexicon import LexiconSystem

    return LexiconSystem()


@SYSTEMS.register("sklearn", help="TF-IDF char n-grams + logistic regression, trained out of fold by paragraph")
def _sklearn(*, seed: int = 0, n_splits: int = 5, C: float = 1.0) -> System:
    from .sklearn_system import SklearnSystem

    return SklearnSystem(seed=seed, n_splits=n_splits, C=C)


@SYSTEMS.register("majority", help="stance floor: each target's most frequent label, out of fold by paragraph")
def _majority(*, seed: int = 0, n_splits: int = 5) -> System:
    from .majority import MajoritySystem

    return MajoritySystem(seed=seed, n_splits=n_splits)


@SYSTEMS.register("copy", help="copies the Arabic source segment as its translation (lower bound)")
def _copy(*, seed: int = 0) -> System:
    from .copy import CopySystem

    return CopySystem()


from ..llm import register as _llm_register  # noqa: E402,F401  (registers "llm"; needs SYSTEMS above)
from ..hf import register as _hf_register  # noqa: E402,F401  (registers "hf"; imports no torch)

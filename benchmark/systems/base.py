"""What a system is, and small helpers every system uses.

A system turns :class:`~benchmark.tasks.inputs.DocInput` objects into one
plain, JSON-serialisable dict per document in **submission format v1** (see
``benchmark/submission/submission.schema.json``): ``doc_id`` plus one key per
task it ran (``speakers``, ``quotes``, ``attribution``, ``stance``,
``translations``).  An absent key means *not attempted*.  Spans are
half-open ``[start, end)`` character offsets into ``DocInput.text``.
"""

from __future__ import annotations

import re
from typing import Collection, Protocol, Sequence, runtime_checkable

from benchmark.common.registry import unknown_name_message
from benchmark.errors import ConfigError, UnknownNameError
from benchmark.gold.schema import Corpus
from benchmark.tasks.inputs import DocInput

TASKS = ("speakers", "quotes", "attribution", "end2end", "stance", "translation")
"""Task names a system may support."""

TASK_KEYS = {"speakers": "speakers", "quotes": "quotes", "end2end": "quotes", "attribution": "attribution",
             "stance": "stance", "translation": "translations"}
"""Submission key written for each task (``quotes`` and ``end2end`` share ``quotes``)."""


@runtime_checkable
class System(Protocol):
    """What the harness needs from a system.

    Optional attributes the harness reads with ``getattr``: ``needs_gold``
    (pass ``gold=``; only the oracle and ``sklearn``), ``training_note``
    (how a trained system was trained, for the report), ``default_label``
    (run-folder name when ``system.label`` is unset), ``shardable`` (``False``
    when one document's prediction depends on other documents, so the run
    cannot be split with ``shard.count``; default ``True``), ``manifest_extra()`` and
    ``on_items`` (a model-backed system declares it, ``None`` at first; the
    harness sets it to a ``(done, total)`` callback the system calls as items
    are predicted, for the progress bar).
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


def check_tasks(system: System, tasks: Collection[str]) -> frozenset[str]:
    """The requested tasks that ``system`` supports; unknown task names raise.

    A known task the system does not support is simply not run, so its key
    is absent from the output (*not attempted*).

    >>> class Copy:
    ...     supported_tasks = frozenset({"translation"})
    >>> check_tasks(Copy(), ["translation", "quotes"])
    frozenset({'translation'})
    >>> check_tasks(Copy(), ["translate"])
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


def folder_label(prefix: str, model: str) -> str:
    """``<prefix>-<model>`` reduced to letters, digits and ``-_.`` (a run-folder and table name).

    A local folder (``/models/x``, ``./x``, ``~/x``) contributes its last component only.

    >>> folder_label("llm", "qwen2.5:7b"), folder_label("hf", "Helsinki-NLP/opus-mt-ar-en")
    ('llm-qwen2.5-7b', 'hf-Helsinki-NLP-opus-mt-ar-en')
    >>> folder_label("hf", "/srv/models/nllb-600m/"), folder_label("llm", "hf.co/org/M:Q4_K_M")
    ('hf-nllb-600m', 'llm-hf.co-org-M-Q4_K_M')
    """
    model = str(model).strip()
    if model.startswith(("/", "./", "../", "~")) or "\\" in model:
        model = re.split(r"[/\\]", model.rstrip("/\\"))[-1]
    name = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.-]+", "-", model)).strip("-.")
    return f"{prefix}-{name}" if name else prefix

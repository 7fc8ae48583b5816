"""The system registry: one table of names → factories, plus plugins.

Each row names a system, the module and factory that build it, and one line
of help.  Factories are imported only when their system is built, so
``python -m benchmark list`` imports no model code.  Third-party packages add
systems through the ``benchmark.systems`` entry-point group (as pytest
plugins do)::

    # in the plugin's pyproject.toml
    [project.entry-points."benchmark.systems"]
    my-ner = "my_package.system:build"

The factory takes keyword-only options (``seed`` among them) and returns an
object with the :class:`~benchmark.systems.base.System` attributes.  A
plugin may not take a built-in name: it is skipped with a warning.

Examples
--------
>>> sorted(BUILTIN)
['copy', 'lexicon', 'majority', 'oracle', 'rules', 'sklearn']
>>> system = make_system("rules")
>>> system.name, sorted(system.supported_tasks), system.ranked
('rules', ['attribution', 'end2end', 'quotes', 'speakers'], True)
>>> make_system("rules", sed=1)
Traceback (most recent call last):
...
benchmark.errors.ConfigError: system: Unknown option 'sed' of system 'rules'. Did you mean 'seed'? Available: mentions, seed
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from benchmark.common.registry import Registry, unknown_name_message
from benchmark.errors import ConfigError
from benchmark.systems.base import System

ENTRY_POINT_GROUP = "benchmark.systems"
"""Entry-point group through which installed distributions add systems."""


@dataclass(frozen=True)
class Factory:
    """Where a system's factory lives; imported on first use."""

    module: str
    attr: str
    origin: str = "built-in"
    """``built-in``, or the distribution a plugin came from."""

    def load(self) -> Callable[..., System]:
        return getattr(importlib.import_module(self.module), self.attr)


_TABLE = (
    ("oracle", "benchmark.systems.oracle", "returns the gold answers (reference, must score 100%)"),
    ("rules", "benchmark.systems.rules",
     "Arabic rule-based extractor: reporting verbs, complementizers, titles and names"),
    ("lexicon", "benchmark.systems.lexicon", "stance from an Arabic polarity and negation lexicon"),
    ("majority", "benchmark.systems.majority",
     "stance floor: each target's most frequent label, out of fold by paragraph"),
    ("sklearn", "benchmark.systems.sklearn_system",
     "TF-IDF char n-grams + logistic regression, trained out of fold by paragraph"),
    ("copy", "benchmark.systems.copy", "copies the Arabic source segment as its translation (lower bound)"),
)
_MODEL_BACKED = (
    ("llm", Factory("benchmark.systems.llm.system", "make_llm_system"),
     "any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp, TGI, OpenAI); needs system.model"),
    ("hf", Factory("benchmark.systems.hf.system", "make_hf_system"),
     "Hugging Face transformers models run locally: seq2seq translation, NER speakers, zero-shot stance"),
)

_SLOW = frozenset({"sklearn", "llm", "hf"})
"""Systems that train or call a model: started first when systems run side by side."""


def cost_hint(name: str) -> float:
    """Relative cost of system ``name``'s run, for scheduling only (never part of a result).

    Systems that run side by side start the slowest first, so the last to
    finish is not also the last to start.

    >>> cost_hint("sklearn") > cost_hint("rules")
    True
    """
    return 10.0 if name in _SLOW else 1.0


def warm_up() -> list[str]:
    """``module:import_libraries`` of the slow built-in systems, which a run may import ahead of time.

    A system module may define ``import_libraries()``, importing the heavy
    libraries it would otherwise import on first use (scikit-learn); a run
    of several systems imports them on its helper process while Hydra starts
    (:mod:`benchmark.cli.side_by_side`).

    >>> warm_up()
    ['benchmark.systems.sklearn_system:import_libraries']
    """
    return [f"{module}:import_libraries" for name, module, _ in _TABLE if name in _SLOW]


BUILTIN = frozenset(name for name, _, _ in _TABLE)
"""The offline systems of this package (``system=all`` runs them)."""


def _plugins(taken: set[str]) -> list[tuple[str, Factory, str]]:
    from importlib.metadata import entry_points

    rows = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = getattr(getattr(ep, "dist", None), "name", None) or "an installed package"
        if ep.name in taken or ep.name == "predictions":
            warnings.warn(f"ignored system {ep.name!r} from {dist}: the name is taken by a built-in system",
                          stacklevel=2)
            continue
        module, _, attr = ep.value.partition(":")
        rows.append((ep.name, Factory(module.strip(), attr.strip(), origin=dist), f"plugin from {dist} ({ep.value})"))
        taken.add(ep.name)
    return rows


@lru_cache(maxsize=1)
def systems() -> Registry[Factory]:
    """Every system by name: built-in, model-backed, then plugins (read once)."""
    rows = [(name, Factory(module, "build"), help_) for name, module, help_ in _TABLE] + list(_MODEL_BACKED)
    rows += _plugins({name for name, _, _ in rows})
    return Registry.from_table("system", rows)


def is_builtin(name: str) -> bool:
    """Whether system ``name`` is part of this package (its output needs no schema check).

    >>> is_builtin("rules"), is_builtin("llm"), is_builtin("predictions")
    (True, True, False)
    """
    return name in systems() and systems().get(name).origin == "built-in"


def plugin_names() -> list[str]:
    """Names of the systems that installed distributions added (entry points)."""
    registry = systems()
    return [name for name in registry.names() if registry.get(name).origin != "built-in"]


def default_options(name: str) -> dict[str, Any]:
    """The keyword-only options of system ``name``'s factory and their defaults.

    >>> default_options("sklearn")
    {'seed': 0, 'n_splits': 5, 'C': 1.0}
    """
    factory = systems().get(name).load()
    return {p.name: p.default for p in inspect.signature(factory).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not inspect.Parameter.empty}


def option_names(name: str) -> list[str]:
    """The keyword-only options of system ``name``'s factory (``[]`` for a name not registered).

    >>> option_names("rules")
    ['seed', 'mentions']
    """
    if name not in systems():
        return []
    factory = systems().get(name).load()
    return [p.name for p in inspect.signature(factory).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY]


def unknown_option_message(name: str, option: str, accepted) -> str:
    """``Unknown option 'sed' of system 'rules'. Did you mean 'seed'? Available: …``."""
    return unknown_name_message("option", option, accepted).replace(
        f"option {option!r}.", f"option {option!r} of system {name!r}.", 1)


def make_system(name: str, **options: Any) -> System:
    """Build the system ``name`` with keyword options (``seed`` …).

    Unknown names raise :class:`~benchmark.errors.UnknownNameError` and
    unknown options :class:`~benchmark.errors.ConfigError`, both with a
    did-you-mean suggestion.
    """
    factory = systems().get(name).load()
    accepted = option_names(name)
    for option in options:
        if option not in accepted:
            raise ConfigError(unknown_option_message(name, option, accepted), field="system")
    return factory(**options)

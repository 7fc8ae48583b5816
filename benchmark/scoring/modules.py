"""Where the benchmark's ``evaluate`` modules are installed.

The span and stance metrics are also `evaluate <https://huggingface.co/docs/evaluate>`_
modules (``quote_spans``, ``stance_favg``), shipped inside the package
(``benchmark/evaluate_modules/``), so they load offline from any working
directory and from a regular (non-editable) install::

    import evaluate
    from benchmark.scoring.modules import evaluate_module_path

    metric = evaluate.load(evaluate_module_path("quote_spans"))

They wrap this stage's functions; this helper only locates them (``evaluate``
copies the folder into its own cache and imports it from there).

Examples
--------
>>> import os
>>> os.path.isfile(os.path.join(evaluate_module_path("stance_favg"), "stance_favg.py"))
True
>>> evaluate_module_path("quote_span")
Traceback (most recent call last):
...
benchmark.errors.UnknownNameError: Unknown evaluate module 'quote_span'. Did you mean 'quote_spans'? Available: quote_spans, stance_favg
"""

from __future__ import annotations

from importlib import resources

from benchmark.common.registry import unknown_name_message
from benchmark.errors import UnknownNameError

EVALUATE_MODULES = ("quote_spans", "stance_favg")
"""The ``evaluate`` modules shipped with the package."""


def evaluate_module_path(name: str) -> str:
    """The folder of the installed ``evaluate`` module ``name``, to pass to ``evaluate.load``.

    Raises :class:`~benchmark.errors.UnknownNameError` (with a suggestion) for any other name.
    """
    if name not in EVALUATE_MODULES:
        raise UnknownNameError(unknown_name_message("evaluate module", name, EVALUATE_MODULES))
    return str(resources.files("benchmark") / "evaluate_modules" / name)

"""Systems: task inputs in, submission-format predictions out.

Takes :class:`~benchmark.tasks.inputs.DocInput` objects (what each task gives
a system, never the answers) and hands on one submission-format dict per
document, which the harness reads through the same reader as an external
submission file.  :mod:`.base` says what a system is; :mod:`.registry` lists
them by name (built-in, ``llm``, ``hf`` and plugins).  Systems never read the
gold answers at prediction time, except the ``oracle`` (which returns them)
and ``sklearn``/``majority`` (trained out of fold).
"""

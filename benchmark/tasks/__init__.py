"""Tasks: what each task gives a system, and how its answers are scored.

Takes the gold corpus and typed predictions; hands on per-item rows and
:class:`~benchmark.scoring.result.TaskResult` metrics.  :mod:`.inputs` builds
the :class:`~benchmark.tasks.inputs.DocInput` a system sees (never the
answers); :mod:`.definitions` defines the six tasks; :mod:`.registry` lists
them by name.
"""

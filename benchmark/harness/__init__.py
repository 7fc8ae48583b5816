"""The harness: one system's run from predictions to a run folder.

Takes a typed run configuration (composed by Hydra in :mod:`benchmark.cli.run`)
and the checked gold; runs the system (or reads a submission file), aligns its
output through the submission reader, scores every requested task and hands
on the run's files — ``metrics.json``, ``per_item.jsonl.gz``,
``predictions.jsonl``, ``config.yaml``, ``overrides.yaml``, ``manifest.json`` —
committed atomically as ``results/runs/<system>/<stamp>-<hash>/``.
:mod:`.config` (typed config), :mod:`.runner` (predict, score, finish),
:mod:`.rundir` (folder naming and the atomic commit), :mod:`.manifest`
(environment, versions, git state), :mod:`.shards` (which documents a shard
of a run holds, and how its folder is marked) and :mod:`.merge` (joining the
shards of one run into one run folder).
"""

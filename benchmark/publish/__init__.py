"""Publish the benchmark on the Hugging Face Hub (``python -m benchmark publish``).

Builds, under ``results/hub/``, exactly the folders that would be uploaded:
``dataset/`` (the gold as Parquet with its schema, its card, ``LICENSE.md``,
``GUIDELINES.md`` and an ``eval.yaml`` registering it as a Hub benchmark),
``results/`` (a results dataset of the runs someone chose, ``hub.runs`` or the
leaderboard's rule: one config per system, one split per run plus
``latest``, the run the leaderboard ranks per task) and, for a system that is
a Hub model, ``model_card/`` (``.eval_results`` and ``model-index`` entries).
Every number is the runs' ``metrics.json`` value on a stated scale.  With a
token and repo ids it uploads each repo in one atomic commit and records the
commits in ``publish_manifest.json``.  It never replaces a folder it did not
build (:mod:`.guard`).  See ``docs/PUBLISHING.md``.
"""

from __future__ import annotations

from benchmark.publish.command import cmd_publish, publish
from benchmark.publish.config import PublishSettings, load_settings
from benchmark.errors import PublishError

__all__ = ["PublishError", "PublishSettings", "cmd_publish", "load_settings", "publish"]

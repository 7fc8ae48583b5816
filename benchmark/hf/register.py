"""Registers the ``hf`` system in :data:`benchmark.systems.SYSTEMS`.

Imported by one line at the end of ``benchmark/systems/__init__.py``; it
imports neither ``torch`` nor ``transformers`` (the factory does, when a
system is built).
"""

from __future__ import annotations

from ..systems import SYSTEMS
from .options import make_hf_system

SYSTEMS.add("hf", make_hf_system,
            help="Hugging Face transformers models run locally: seq2seq translation, NER speakers, zero-shot stance")

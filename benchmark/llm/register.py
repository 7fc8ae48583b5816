"""Registers the ``llm`` system in :data:`benchmark.systems.SYSTEMS`.

Imported by one line at the end of ``benchmark/systems/__init__.py``; kept
apart from :mod:`.system` so that using the client, cache or parser never
imports the system registry.
"""

from __future__ import annotations

from ..systems import SYSTEMS
from .system import make_llm_system

SYSTEMS.add("llm", make_llm_system,
            help="any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp, TGI, OpenAI); needs system.model")

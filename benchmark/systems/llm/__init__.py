"""The ``llm`` system: any OpenAI-compatible chat endpoint as a benchmark system.

vLLM, Ollama, llama.cpp's server, TGI and OpenAI all serve
``POST {base_url}/chat/completions``; this package turns the benchmark's
inputs into prompts (:mod:`.prompts`, templates in ``prompts/`` beside it),
sends them concurrently with retries (:mod:`.client`), keeps every answer in
a resumable SQLite cache (:mod:`.cache`), parses the answers defensively
(:mod:`.parse`) and returns submission-format dicts (:mod:`.system`).

Modules are imported lazily by their users; importing this package is cheap.
"""

"""Options of the ``llm`` system, validated at the edge into a frozen record.

Every check names the option (``system.<option>``) in its error; the key
variable's *value* is never echoed, and is registered for redaction as soon
as its name is known.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from benchmark.common.redact import register_secret_env
from benchmark.errors import ConfigError
from benchmark.systems.llm.client import Endpoint

SUPPORTED_TASKS = frozenset({"speakers", "quotes", "end2end", "attribution", "stance", "translation"})
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = {"model", "messages", "temperature", "seed", "max_tokens", "response_format", "stream", "n"}


@dataclass(frozen=True)
class LLMOptions:
    """Validated options of the ``llm`` system (documented in ``configs/system/llm.yaml``)."""

    model: str
    base_url: str = "http://localhost:8000/v1"
    api_key_env: str | None = "OPENAI_API_KEY"
    prompt_version: str = "v1"
    concurrency: int = 8
    timeout: float = 120.0
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_cap: float = 120.0
    json_mode: bool = True
    temperature: float = 0.0
    max_tokens: int = 4096
    seed: int = 12345
    cache_path: str | None = "results/cache/llm.sqlite"
    price_prompt_per_m: float | None = None
    price_completion_per_m: float | None = None
    tasks: tuple[str, ...] | None = None
    batch_size: int = 10
    passage_chars: int = 4000
    extra_body: tuple[tuple[str, Any], ...] = ()

    def params(self) -> dict[str, Any]:
        """Generation parameters: sent with every request and part of the cache key."""
        p: dict[str, Any] = {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}
        if self.json_mode:
            p["response_format"] = {"type": "json_object"}
        p.update(dict(self.extra_body))
        return p


def _bad(name: str, expected: str, got: Any) -> ConfigError:
    return ConfigError(f"expected {expected}, got {got!r}", field=f"system.{name}")


def _int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _bad(name, f"an integer >= {low}", value)
    return value


def _num(name: str, value: Any, *, allow_none: bool = False, positive: bool = False,
         high: float | None = None) -> float | None:
    if value is None and allow_none:
        return None
    number = _finite(value)
    if number is None or number < 0 or (positive and number == 0) or (high is not None and number > high):
        expected = "a finite number " + ("> 0" if positive else ">= 0") + (f" and <= {high:g}" if high else "")
        raise _bad(name, expected + (" or null" if allow_none else ""), value)
    return number


def _finite(value: Any) -> float | None:
    """``value`` as a finite float; ``None`` for a bool, a non-number, inf, nan or an int beyond float range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


MAX_SECONDS = 86_400.0
"""Longest timeout, backoff or Retry-After wait accepted (one day): a socket timeout beyond about
10¹¹ s overflows the platform's time_t."""


def check_options(*, model: str, base_url: str, api_key_env: str | None, prompt_version: str, concurrency: int,
                  timeout: float, max_retries: int, backoff_base: float, backoff_max: float,
                  retry_after_cap: float, json_mode: bool, temperature: float, max_tokens: int, seed: int,
                  cache_path: str | None, price_prompt_per_m: float | None, price_completion_per_m: float | None,
                  tasks: Any, batch_size: int, passage_chars: int, extra_body: Mapping[str, Any] | None) -> LLMOptions:
    """Validate raw option values into :class:`LLMOptions` (``ConfigError`` naming ``system.<option>``)."""
    if not isinstance(model, str) or not model.strip() or model == "???":
        raise _bad("model", "the model name the endpoint serves (system.model=…)", model)
    Endpoint.parse(base_url)
    if api_key_env not in (None, "") and not (isinstance(api_key_env, str) and _ENV_RE.match(api_key_env)):
        raise _bad("api_key_env", "the name of an environment variable (not the key itself) or null", "<hidden>")
    register_secret_env(api_key_env)  # its value is redacted from every file and line from now on
    if not isinstance(json_mode, bool):
        raise _bad("json_mode", "true or false", json_mode)
    if tasks is not None:
        tasks = tuple([tasks] if isinstance(tasks, str) else tasks)
        unknown = [t for t in tasks if t not in SUPPORTED_TASKS]
        if unknown:
            raise _bad("tasks", f"a subset of {', '.join(sorted(SUPPORTED_TASKS))}", unknown[0])
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise _bad("extra_body", "a mapping of extra request fields or null", extra_body)
    extra = dict(extra_body or {})
    if set(extra) & _RESERVED:
        raise _bad("extra_body", f"no key among {', '.join(sorted(_RESERVED))}", sorted(set(extra) & _RESERVED)[0])
    opts = LLMOptions(
        model=model, base_url=str(base_url), api_key_env=api_key_env or None, prompt_version=str(prompt_version),
        concurrency=_int("concurrency", concurrency, 1),
        timeout=_num("timeout", timeout, positive=True, high=MAX_SECONDS),
        max_retries=_int("max_retries", max_retries, 0), backoff_base=_num("backoff_base", backoff_base, high=MAX_SECONDS),
        backoff_max=_num("backoff_max", backoff_max, high=MAX_SECONDS),
        retry_after_cap=_num("retry_after_cap", retry_after_cap, high=MAX_SECONDS),
        json_mode=json_mode, temperature=_num("temperature", temperature), max_tokens=_int("max_tokens", max_tokens, 1),
        seed=_int("seed", seed, 0), cache_path=None if cache_path in (None, "", "null") else str(cache_path),
        price_prompt_per_m=_num("price_prompt_per_m", price_prompt_per_m, allow_none=True),
        price_completion_per_m=_num("price_completion_per_m", price_completion_per_m, allow_none=True),
        tasks=tasks, batch_size=_int("batch_size", batch_size, 1), passage_chars=_int("passage_chars", passage_chars, 0),
        extra_body=tuple(sorted(extra.items())),
    )
    return opts

"""Translation of segments and quote contents with any sequence-to-sequence model (``model.generate``).

``model.generate`` is called directly rather than through
``pipeline("translation")``, which transformers 5 no longer has; the same
code runs MarianMT, NLLB, M2M100 and mBART-50.  Multilingual models need
their language codes: the source code is given to the tokenizer
(``src_lang``) and the target code is forced as the first generated token
(``forced_bos_token_id``).

Decoding is deterministic: beam search (or greedy with ``num_beams=1``), no
sampling, the model in eval mode.  Texts (segments and quote contents alike)
are batched longest first (less padding); the order of the output is the
order of the input.

Examples
--------
>>> batches([5, 1, 9, 3], batch_size=2)
[[2, 0], [3, 1]]
>>> input_limit(512, 512, None), input_limit(10**30, 1024, None), input_limit(10**30, None, None)
(512, 1024, None)
>>> input_limit(512, 512, 128)
128
"""

from __future__ import annotations

from typing import Any, Sequence

from benchmark.errors import ConfigError
from benchmark.systems.hf.loading import LoadedModel

_NO_LIMIT = 10**6
"""Tokenizers without a length limit report a huge ``model_max_length``."""


def batches(lengths: Sequence[int], *, batch_size: int) -> list[list[int]]:
    """Indices grouped into batches, longest first (ties in input order)."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def input_limit(tokenizer_max: int | None, positions: int | None, requested: int | None) -> int | None:
    """Longest source in tokens: ``requested``, else the tokenizer's or the model's limit."""
    if requested is not None:
        return requested
    limits = [n for n in (tokenizer_max, positions) if isinstance(n, int) and 0 < n < _NO_LIMIT]
    return min(limits) if limits else None


def needs_languages(tokenizer: Any) -> bool:
    """True for multilingual tokenizers (NLLB, M2M100, mBART) that take ``src_lang``."""
    return isinstance(getattr(type(tokenizer), "src_lang", None), property)


def language_token_id(tokenizer: Any, lang: str, *, field: str) -> int:
    """The vocabulary id of language code ``lang`` (``eng_Latn``, ``en``, ``en_XX`` …)."""
    get_lang_id = getattr(tokenizer, "get_lang_id", None)  # M2M100: "en" → id of "__en__"
    if callable(get_lang_id):
        try:
            return int(get_lang_id(lang))
        except (KeyError, ValueError):
            pass
    token_id = tokenizer.convert_tokens_to_ids(lang)
    if token_id is None or token_id == tokenizer.unk_token_id:
        raise ConfigError(f"{lang!r} is not a language code of the tokenizer {type(tokenizer).__name__} "
                          "(NLLB: arb_Arab/eng_Latn, M2M100: ar/en, mBART-50: ar_AR/en_XX; MarianMT "
                          "opus-mt-ar-en needs none: leave src_lang and tgt_lang null)", field=field)
    return int(token_id)


def target_token_id(loaded: LoadedModel, *, src_lang: str | None, tgt_lang: str | None) -> int | None:
    """Check the language options against the tokenizer; the forced first token."""
    tok = loaded.tokenizer
    if src_lang is not None:
        if not needs_languages(tok):
            raise ConfigError(f"the tokenizer {type(tok).__name__} takes no source language: leave src_lang null",
                              field="system.src_lang")
        language_token_id(tok, src_lang, field="system.src_lang")
    if tgt_lang is None:
        if needs_languages(tok):
            raise ConfigError(f"{loaded.info['name']!r} is multilingual: set system.tgt_lang (and system.src_lang), "
                              "e.g. NLLB eng_Latn/arb_Arab, M2M100 en/ar, mBART-50 en_XX/ar_AR",
                              field="system.tgt_lang")
        return None
    return language_token_id(tok, tgt_lang, field="system.tgt_lang")


def translate(texts: Sequence[str], *, loaded: LoadedModel, torch: Any, device: str, batch_size: int,
              num_beams: int, max_new_tokens: int, max_input_tokens: int | None,
              forced_bos_token_id: int | None) -> tuple[list[str], int]:
    """Translate ``texts``; returns the translations and how many were truncated.

    Empty or blank texts translate to ``""`` without calling the model.
    """
    model, tok = loaded.model, loaded.tokenizer
    limit = input_limit(getattr(tok, "model_max_length", None),
                        getattr(model.config, "max_position_embeddings", None), max_input_tokens)
    out = [""] * len(texts)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    truncated = 0
    generate = {"num_beams": num_beams, "max_new_tokens": max_new_tokens, "do_sample": False}
    if forced_bos_token_id is not None:
        generate["forced_bos_token_id"] = forced_bos_token_id
    for batch in batches([len(texts[i]) for i in todo], batch_size=batch_size):
        sources = [texts[todo[j]] for j in batch]
        if limit is not None:
            truncated += sum(len(ids) > limit for ids in tok(sources)["input_ids"])
        enc = tok(sources, return_tensors="pt", padding=True, truncation=limit is not None, max_length=limit)
        # Only ids and mask: BERT-style tokenizers add token_type_ids, which generate() rejects.
        inputs = {k: enc[k].to(device) for k in ("input_ids", "attention_mask") if k in enc}
        with torch.inference_mode():
            ids = model.generate(**inputs, **generate)
        for j, text in zip(batch, tok.batch_decode(ids, skip_special_tokens=True)):
            out[todo[j]] = text.strip()
    return out, truncated

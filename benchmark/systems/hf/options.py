"""Options of the ``hf`` system: validation and the factory.

Every option is documented in ``configs/system/hf.yaml``.  Validation is
pure Python; ``torch`` and ``transformers`` are imported only when the
factory builds a system that has a model to run.

Examples
--------
>>> opts = check_options(model="Helsinki-NLP/opus-mt-ar-en", ner_model=None, zero_shot_model=None)
>>> opts.tasks
frozenset({'translation'})
>>> default_label(opts)
'hf-Helsinki-NLP-opus-mt-ar-en'
>>> check_options(batch_size=0)
Traceback (most recent call last):
...
benchmark.errors.ConfigError: system.batch_size: expected an integer >= 1, got 0
>>> check_options(device="gpu")
Traceback (most recent call last):
...
benchmark.errors.ConfigError: system.device: expected one of auto, cpu, cuda, cuda:<n>, mps, got 'gpu'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from benchmark.errors import ConfigError
from benchmark.systems.base import folder_label

STANCE_LABELS = ("FAVOR", "AGAINST", "NONE")
AGGREGATIONS = ("simple", "first", "average", "max")
"""Token-classification pipeline strategies that group tokens into entities
(``none`` would give one span per sub-word token, so it is refused)."""
DEFAULT_TEMPLATES = {
    "FAVOR": "The speaker supports {target}.",
    "AGAINST": "The speaker opposes {target}.",
    "NONE": "The speaker is neutral about {target}.",
}
DEFAULT_NER_LABELS = ("PER", "PERS", "ORG")
"""CoNLL-style models say PER; ANERcorp-trained ones (CAMeL-Lab) say PERS."""
_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


@dataclass(frozen=True)
class HFOptions:
    """Validated options of the ``hf`` system (see ``configs/system/hf.yaml``)."""

    model: str | None = "Helsinki-NLP/opus-mt-ar-en"
    """Translation model: Hub id or local folder; ``None`` = no translation."""
    revision: str | None = None
    """Hub branch, tag or commit of ``model`` (``None`` = ``main``)."""
    src_lang: str | None = None
    """Source language code of a multilingual tokenizer (NLLB ``arb_Arab``, M2M100 ``ar``)."""
    tgt_lang: str | None = None
    """Target language code, forced as the first generated token (NLLB ``eng_Latn``, M2M100 ``en``)."""
    source_prefix: str = ""
    """Text put before every source segment (T5 task prefixes, ``>>eng<< `` for multi-target Marian)."""
    num_beams: int = 4
    max_new_tokens: int = 256
    max_input_tokens: int | None = None
    """Longer segments are truncated (and counted); ``None`` = the model's own limit."""
    ner_model: str | None = "CAMeL-Lab/bert-base-arabic-camelbert-msa-ner"
    ner_revision: str | None = None
    ner_labels: tuple[str, ...] = DEFAULT_NER_LABELS
    """Entity labels kept as speaker mentions (compared case-insensitively, B-/I- prefixes ignored)."""
    ner_aggregation: str = "simple"
    ner_min_score: float = 0.0
    zero_shot_model: str | None = "MoritzLaurer/mDeBERTa-v3-base-xnli-multilingual-nli-2mil7"
    zero_shot_revision: str | None = None
    stance_templates: tuple[tuple[str, str], ...] = tuple(DEFAULT_TEMPLATES.items())
    """(label, hypothesis template with ``{target}``); NONE may be left out."""
    target_language: str = "en"
    """Which target description fills ``{target}``: ``en`` or ``ar``."""
    none_threshold: float = 0.0
    """FAVOR/AGAINST whose zero-shot score is below this become NONE."""
    batch_size: int = 8
    device: str = "auto"
    seed: int = 0
    tasks: frozenset[str] = field(default=frozenset(), compare=False)
    """Tasks whose model is set (derived)."""


def _name(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"expected a Hub model id, a local folder or null, got {value!r}", field=f"system.{key}")
    return value.strip()


def _int(value: Any, key: str, *, minimum: int = 1, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"expected an integer >= {minimum}{' or null' if optional else ''}, got {value!r}",
                          field=f"system.{key}")
    return value


def _unit(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"expected a number between 0 and 1, got {value!r}", field=f"system.{key}")
    return float(value)


def _choice(value: Any, key: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"expected one of {', '.join(choices)}, got {value!r}", field=f"system.{key}")
    return value


def _optional_str(value: Any, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"expected a string or null, got {value!r}", field=f"system.{key}")
    return value or None


def _templates(value: Any) -> tuple[tuple[str, str], ...]:
    """``{label: template}`` → ordered pairs; FAVOR and AGAINST required, NONE optional."""
    key = "system.stance_templates"
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a mapping FAVOR/AGAINST/NONE → template, got {value!r}", field=key)
    unknown = sorted(set(value) - set(STANCE_LABELS))
    if unknown:
        raise ConfigError(f"unknown stance label {unknown[0]!r}: expected keys FAVOR, AGAINST and optionally NONE",
                          field=key)
    out = []
    for label in STANCE_LABELS:
        template = value.get(label)
        if template is None and label == "NONE":
            continue  # no NONE hypothesis: NONE then comes only from none_threshold
        if not isinstance(template, str) or "{target}" not in template:
            raise ConfigError(f"expected a string containing {{target}}, got {template!r}", field=f"{key}.{label}")
        out.append((label, template))
    if len({t for _, t in out}) < len(out):
        raise ConfigError("two labels have the same template: the zero-shot labels must differ", field=key)
    return tuple(out)


def check_options(**options: Any) -> HFOptions:
    """Validate raw config values into :class:`HFOptions` (no heavy imports)."""
    o = {**HFOptions().__dict__, **options}
    device = o["device"]
    if not isinstance(device, str) or not _DEVICE.fullmatch(device):
        raise ConfigError(f"expected one of auto, cpu, cuda, cuda:<n>, mps, got {device!r}", field="system.device")
    labels = o["ner_labels"]
    if isinstance(labels, str) or not labels or not all(isinstance(x, str) and x for x in labels):
        raise ConfigError(f"expected a non-empty list of entity labels such as [PER, ORG], got {labels!r}",
                          field="system.ner_labels")
    if isinstance(o["seed"], bool) or not isinstance(o["seed"], int):
        raise ConfigError(f"expected an integer, got {o['seed']!r}", field="system.seed")
    if not isinstance(o["source_prefix"], str):
        raise ConfigError(f"expected a string, got {o['source_prefix']!r}", field="system.source_prefix")
    opts = HFOptions(
        model=_name(o["model"], "model"),
        revision=_optional_str(o["revision"], "revision"),
        src_lang=_optional_str(o["src_lang"], "src_lang"),
        tgt_lang=_optional_str(o["tgt_lang"], "tgt_lang"),
        source_prefix=o["source_prefix"],
        num_beams=_int(o["num_beams"], "num_beams"),
        max_new_tokens=_int(o["max_new_tokens"], "max_new_tokens"),
        max_input_tokens=_int(o["max_input_tokens"], "max_input_tokens", minimum=2, optional=True),
        ner_model=_name(o["ner_model"], "ner_model"),
        ner_revision=_optional_str(o["ner_revision"], "ner_revision"),
        ner_labels=tuple(labels),
        ner_aggregation=_choice(o["ner_aggregation"], "ner_aggregation", AGGREGATIONS),
        ner_min_score=_unit(o["ner_min_score"], "ner_min_score"),
        zero_shot_model=_name(o["zero_shot_model"], "zero_shot_model"),
        zero_shot_revision=_optional_str(o["zero_shot_revision"], "zero_shot_revision"),
        stance_templates=_templates(dict(o["stance_templates"]) if isinstance(o["stance_templates"], tuple)
                                    else o["stance_templates"]),
        target_language=_choice(o["target_language"], "target_language", ("en", "ar")),
        none_threshold=_unit(o["none_threshold"], "none_threshold"),
        batch_size=_int(o["batch_size"], "batch_size"),
        device=device,
        seed=o["seed"],
    )
    tasks = {t for t, m in (("translation", opts.model), ("speakers", opts.ner_model),
                            ("stance", opts.zero_shot_model)) if m}
    return HFOptions(**{**opts.__dict__, "tasks": frozenset(tasks)})


def default_label(options: HFOptions, *, tasks: Collection[str] | None = None) -> str:
    """Run-folder and table name when ``system.label`` is not set: ``hf-<model>``.

    The model is the translation model, else the NER model, else the
    zero-shot model, among those of ``tasks`` (default: every task with a
    model), so ``task=stance`` runs are named after the model that ran.

    >>> opts = check_options(ner_model="/models/my-ner/")
    >>> default_label(opts, tasks={"speakers", "stance"}), default_label(opts, tasks=set())
    ('hf-my-ner', 'hf')
    """
    for task, model in (("translation", options.model), ("speakers", options.ner_model),
                        ("stance", options.zero_shot_model)):
        if model and (tasks is None or task in tasks):
            return folder_label("hf", model)
    return "hf"

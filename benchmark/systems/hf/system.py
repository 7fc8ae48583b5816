"""The ``hf`` system object: loads the models a run needs, then predicts.

Models are loaded in :meth:`HFSystem.predict`, only for the tasks asked
for, all before any inference (a missing model fails before minutes of
translation are spent).  Outputs are deterministic: the run seed goes to
``torch.manual_seed``, models are in eval mode and decoding never samples.
"""

from __future__ import annotations

from typing import Any, Callable, Collection, Sequence

from benchmark.errors import ConfigError
from benchmark.tasks.inputs import DocInput
from benchmark.gold.schema import Corpus
from benchmark.systems.base import check_tasks
from benchmark.systems.hf.options import DEFAULT_NER_LABELS, DEFAULT_TEMPLATES, HFOptions, check_options, default_label
from benchmark.systems.hf.loading import LoadedModel, library_versions, load_model, require_hf, resolve_device
from benchmark.systems.hf.ner import label_of, speaker_mentions
from benchmark.systems.hf.stance import stance_labels
from benchmark.systems.hf.translate import target_token_id, translate


def _pipeline(transformers: Any, task: str, lm: LoadedModel, device: str, field: str, **kwargs: Any) -> Any:
    """A transformers pipeline around a loaded model; refusals become ConfigError."""
    try:
        return transformers.pipeline(task, model=lm.model, tokenizer=lm.tokenizer, device=device, **kwargs)
    except (ValueError, KeyError) as exc:  # e.g. aggregation "first" with a slow tokenizer
        raise ConfigError(f"cannot build the {task} pipeline of {lm.info['name']!r}: {exc}", field=field) from None


class HFSystem:
    """Hugging Face models run locally (see :mod:`benchmark.systems.hf`); ignores ``gold``."""

    name = "hf"
    ranked = True
    needs_gold = False
    training_note = "pretrained models used as published; nothing is trained or tuned on this benchmark's gold"

    def __init__(self, options: HFOptions) -> None:
        self.options = options
        self.supported_tasks = options.tasks
        used = [f"{task}: {name}" for task, name in (("translation", options.model), ("speakers", options.ner_model),
                                                     ("stance", options.zero_shot_model)) if name]
        self.description = "Hugging Face transformers, run locally (" + ("; ".join(used) or "no model") + ")"
        self._torch: Any = None
        self._transformers: Any = None
        self._device: str | None = None
        if options.tasks:  # fail at construction, before any run starts, when the packages are missing
            self._torch, self._transformers = require_hf()
            self._device = resolve_device(options.device, self._torch)
        self._loaded: dict[str, LoadedModel] = {}
        self._pipes: dict[str, Any] = {}
        self._forced_bos: int | None = None
        # "truncated_segments" also counts quote-content items (the key predates them).
        self._counts = {"truncated_segments": 0, "unfound_mentions": 0}
        self._ran: frozenset[str] = frozenset()
        self.on_items: Callable[[int, int], None] | None = None
        """Set by the harness: called with (items predicted, items in all) after each task's batch run."""

    @property
    def default_label(self) -> str:
        """Run-folder and table name when ``system.label`` is not set (see :func:`.options.default_label`):
        named after the models of the tasks the last ``predict`` ran, else of every task with a model."""
        return default_label(self.options, tasks=self._ran or None)

    # ----------------------------------------------------------------- loading

    def _load(self, tasks: Collection[str]) -> None:
        o, tf = self.options, self._transformers
        if "translation" in tasks and "translation" not in self._loaded:
            lm = load_model(o.model, revision=o.revision, auto_class="AutoModelForSeq2SeqLM", key="model",
                            tokenizer_kwargs={"src_lang": o.src_lang} if o.src_lang else None)
            self._forced_bos = target_token_id(lm, src_lang=o.src_lang, tgt_lang=o.tgt_lang)
            lm.model.to(self._device)
            self._loaded["translation"] = lm
        if "speakers" in tasks and "speakers" not in self._loaded:
            lm = load_model(o.ner_model, revision=o.ner_revision, auto_class="AutoModelForTokenClassification",
                            key="ner_model")
            labels = {label_of({"entity": x}).upper() for x in lm.model.config.id2label.values()}
            if not labels & {x.upper() for x in o.ner_labels}:
                raise ConfigError(f"the labels of {o.ner_model!r} are {sorted(labels)}; system.ner_labels="
                                  f"{list(o.ner_labels)} keeps none of them", field="system.ner_labels")
            self._pipes["speakers"] = _pipeline(tf, "token-classification", lm, self._device, "system.ner_aggregation",
                                                aggregation_strategy=o.ner_aggregation)
            self._loaded["speakers"] = lm
        if "stance" in tasks and "stance" not in self._loaded:
            lm = load_model(o.zero_shot_model, revision=o.zero_shot_revision,
                            auto_class="AutoModelForSequenceClassification", key="zero_shot_model")
            names = [str(x).lower() for x in lm.model.config.id2label.values()]
            if not any(x.startswith("entail") for x in names):
                raise ConfigError(f"{o.zero_shot_model!r} is not an NLI model: its labels {names} have no "
                                  "'entailment'", field="system.zero_shot_model")
            self._pipes["stance"] = _pipeline(tf, "zero-shot-classification", lm, self._device,
                                              "system.zero_shot_model")
            self._loaded["stance"] = lm

    # -------------------------------------------------------------- predicting

    def predict(self, docs: Sequence[DocInput], *, tasks: Collection[str],
                gold: Corpus | None = None) -> list[dict]:
        run = check_tasks(self, tasks)
        self._ran = frozenset(run)
        outputs: list[dict] = [{"doc_id": d.doc_id} for d in docs]
        if not run:
            return outputs
        self._load(run)
        self._torch.manual_seed(self.options.seed)
        o = self.options
        sizes = {"translation": sum(len(d.segments) + len(d.quotes) for d in docs), "speakers": len(docs),
                 "stance": sum(len(d.stance_items) for d in docs)}
        total = sum(n for task, n in sizes.items() if task in run)
        done = [0]

        def tick(task: str) -> None:
            done[0] += sizes[task]
            if self.on_items is not None:
                self.on_items(done[0], total)
        if "translation" in run:
            # Every segment, then every gold quote's content as an item of its
            # own (quote_chrf++), all in one list: translate() batches them
            # together, longest first.  Blank quote contents are not asked.
            items = [(d, "segment_id", s.id, doc.text[s.span.start:s.span.end])
                     for d, doc in enumerate(docs) for s in doc.segments]
            items += [(d, "quote_id", q.id, doc.quote_text(q.id))
                      for d, doc in enumerate(docs) for q in doc.quotes if doc.quote_text(q.id).strip()]
            texts, truncated = translate(
                [o.source_prefix + t for *_, t in items], loaded=self._loaded["translation"], torch=self._torch,
                device=self._device, batch_size=o.batch_size, num_beams=o.num_beams,
                max_new_tokens=o.max_new_tokens, max_input_tokens=o.max_input_tokens,
                forced_bos_token_id=self._forced_bos)
            self._counts["truncated_segments"] += truncated
            for out in outputs:
                out["translations"] = []
            for (d, key, item_id, _), text in zip(items, texts):  # segments first, as listed
                outputs[d]["translations"].append({key: item_id, "text": text})
            tick("translation")
        if "speakers" in run:
            mentions, unfound = speaker_mentions(docs, pipe=self._pipes["speakers"], labels=o.ner_labels,
                                                 min_score=o.ner_min_score, batch_size=o.batch_size)
            self._counts["unfound_mentions"] += unfound
            for out, rows in zip(outputs, mentions):
                out["speakers"] = rows
            tick("speakers")
        if "stance" in run:
            labels = stance_labels(docs, pipe=self._pipes["stance"], templates=o.stance_templates,
                                   language=o.target_language, none_threshold=o.none_threshold,
                                   batch_size=o.batch_size)
            for out, rows in zip(outputs, labels):
                out["stance"] = rows
            tick("stance")
        return outputs

    def manifest_extra(self) -> dict[str, Any]:
        """Models (name, commit or folder checksum, classes), device, settings, versions."""
        o = self.options
        return {
            "models": {task: dict(lm.info) for task, lm in sorted(self._loaded.items())},
            "device": self._device,
            "batch_size": o.batch_size,
            "seed": o.seed,
            "generation": {"num_beams": o.num_beams, "max_new_tokens": o.max_new_tokens, "do_sample": False,
                           "max_input_tokens": o.max_input_tokens, "src_lang": o.src_lang, "tgt_lang": o.tgt_lang,
                           "forced_bos_token_id": self._forced_bos, "source_prefix": o.source_prefix},
            "stance": {"templates": dict(o.stance_templates), "target_language": o.target_language,
                       "none_threshold": o.none_threshold},
            "ner": {"labels": list(o.ner_labels), "aggregation": o.ner_aggregation, "min_score": o.ner_min_score},
            "counts": dict(self._counts),
            "libraries": library_versions(),
        }


def make_hf_system(
    *,
    model: str | None = HFOptions.model,
    revision: str | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    source_prefix: str = "",
    num_beams: int = HFOptions.num_beams,
    max_new_tokens: int = HFOptions.max_new_tokens,
    max_input_tokens: int | None = None,
    ner_model: str | None = HFOptions.ner_model,
    ner_revision: str | None = None,
    ner_labels: Any = DEFAULT_NER_LABELS,
    ner_aggregation: str = "simple",
    ner_min_score: float = 0.0,
    zero_shot_model: str | None = HFOptions.zero_shot_model,
    zero_shot_revision: str | None = None,
    stance_templates: Any = None,
    target_language: str = "en",
    none_threshold: float = 0.0,
    batch_size: int = HFOptions.batch_size,
    device: str = "auto",
    seed: int = 0,
):
    """Build the ``hf`` system; raises :class:`~benchmark.errors.ConfigError`
    for a bad option and :class:`~benchmark.systems.hf.loading.HFDependencyError`
    when ``torch``/``transformers`` are missing.  Models load in ``predict``."""
    opts = check_options(
        model=model, revision=revision, src_lang=src_lang, tgt_lang=tgt_lang, source_prefix=source_prefix,
        num_beams=num_beams, max_new_tokens=max_new_tokens, max_input_tokens=max_input_tokens,
        ner_model=ner_model, ner_revision=ner_revision, ner_labels=ner_labels, ner_aggregation=ner_aggregation,
        ner_min_score=ner_min_score, zero_shot_model=zero_shot_model, zero_shot_revision=zero_shot_revision,
        stance_templates=DEFAULT_TEMPLATES if stance_templates is None else stance_templates,
        target_language=target_language, none_threshold=none_threshold, batch_size=batch_size, device=device,
        seed=seed,
    )
    return HFSystem(opts)

"""The ``hf`` system without models: options, config file, pure helpers, and
the error when torch/transformers are missing.  Runs without the [hf] extra."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmark.errors import ConfigError, GoldDataError
from benchmark.errors import HFDependencyError
from benchmark.systems.hf.loading import LoadedModel, require_hf
from benchmark.systems.hf.ner import entity_spans, find_word, trim
from benchmark.systems.hf.options import DEFAULT_TEMPLATES, check_options
from benchmark.systems.hf.system import make_hf_system
from benchmark.systems.hf.stance import decide, hypotheses, stance_labels
from benchmark.systems.hf.translate import batches, input_limit, language_token_id, target_token_id
from benchmark.tasks.inputs import DocInput, QuoteInput, SegmentInput, StanceItem
from benchmark.gold.schema import Span, Target
from benchmark.systems.registry import make_system, systems

CONFIG = Path(__file__).resolve().parents[1] / "configs" / "system" / "hf.yaml"
NO_MODELS = {"model": None, "ner_model": None, "zero_shot_model": None}


# ------------------------------------------------------------- registration

def test_registered_and_importing_systems_imports_no_torch():
    assert "hf" in systems()
    code = ("import sys, benchmark.systems; from benchmark.systems.registry import make_system; "
            "make_system('hf', model=None, ner_model=None, zero_shot_model=None); "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_model_means_no_task():
    system = make_system("hf", **NO_MODELS)
    assert system.supported_tasks == frozenset()
    assert system.predict([], tasks=["translation"]) == []


def test_unknown_option_gets_a_suggestion():
    with pytest.raises(ConfigError, match="Did you mean 'num_beams'"):
        make_system("hf", num_beam=2)


# ------------------------------------------------------------------ config

def test_config_lists_every_option_with_a_comment():
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    params = [p.name for p in inspect.signature(make_hf_system).parameters.values()
              if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert cfg["name"] == "hf"
    assert sorted(set(cfg) - {"name", "label"}) == sorted(params)
    top_level = [ln for ln in CONFIG.read_text(encoding="utf-8").splitlines() if re.match(r"[a-z_]+:", ln)]
    assert [ln for ln in top_level if "#" not in ln and not ln.startswith("name:")] == []
    assert cfg["seed"] == "${seed}"
    assert cfg["stance_templates"] == DEFAULT_TEMPLATES


def test_config_defaults_equal_factory_defaults():
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for p in inspect.signature(make_hf_system).parameters.values():
        expected = cfg[p.name]
        default = p.default
        if p.name == "stance_templates":
            default = DEFAULT_TEMPLATES
        if p.name == "seed":
            continue  # ${seed} in the config
        assert (list(default) if isinstance(default, tuple) else default) == expected, p.name


@pytest.mark.parametrize("option, value, message", [
    ("batch_size", 0, "expected an integer >= 1, got 0"),
    ("num_beams", True, "expected an integer >= 1, got True"),
    ("max_input_tokens", 1, "expected an integer >= 2 or null, got 1"),
    ("device", "gpu", "expected one of auto, cpu, cuda, cuda:<n>, mps, got 'gpu'"),
    ("model", "", "expected a Hub model id, a local folder or null, got ''"),
    ("ner_labels", "PER", "expected a non-empty list of entity labels"),
    ("ner_aggregation", "none", "expected one of simple, first, average, max, got 'none'"),
    ("none_threshold", 1.5, "expected a number between 0 and 1, got 1.5"),
    ("target_language", "fr", "expected one of en, ar, got 'fr'"),
    ("stance_templates", {"FAVOR": "yes", "AGAINST": "no {target}"}, r"expected a string containing \{target\}"),
    ("stance_templates", {"FAVOUR": "{target}"}, "unknown stance label 'FAVOUR'"),
    ("stance_templates", {"FAVOR": "{target}", "AGAINST": "{target}"}, "two labels have the same template"),
])
def test_bad_option_names_the_field(option, value, message):
    with pytest.raises(ConfigError, match=message) as info:
        check_options(**{option: value})
    assert info.value.field.startswith(f"system.{option}")


def test_none_template_is_optional():
    opts = check_options(stance_templates={"FAVOR": "pro {target}", "AGAINST": "anti {target}"})
    assert opts.stance_templates == (("FAVOR", "pro {target}"), ("AGAINST", "anti {target}"))
    assert check_options(**{**NO_MODELS, "ner_model": "x"}).tasks == frozenset({"speakers"})


# --------------------------------------------------- missing dependencies

@pytest.mark.parametrize("module", ["transformers", "torch"])
def test_missing_package_says_how_to_install(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` raise ImportError
    with pytest.raises(HFDependencyError, match=re.escape("pip install -e '.[hf]'")) as info:
        make_system("hf", model="Helsinki-NLP/opus-mt-ar-en", ner_model=None, zero_shot_model=None)
    assert isinstance(info.value, ConfigError)
    assert "torch" in str(info.value) and "cpu" in str(info.value)
    with pytest.raises(HFDependencyError):
        require_hf()


# ------------------------------------------------------------ translation

def test_batches_longest_first_and_input_limits():
    assert batches([3, 10, 10, 1, 7], batch_size=2) == [[1, 2], [4, 0], [3]]
    assert batches([], batch_size=4) == []
    assert input_limit(512, 1024, None) == 512
    assert input_limit(10**30, None, None) is None
    assert input_limit(512, 512, 64) == 64


class _MultilingualTokenizer:
    """Stands in for NLLB/M2M100 tokenizers: a ``src_lang`` property, language tokens."""

    unk_token_id = 3
    vocab = {"eng_Latn": 7, "arb_Arab": 8}

    @property
    def src_lang(self):
        return "arb_Arab"

    def convert_tokens_to_ids(self, token):
        return self.vocab.get(token, self.unk_token_id)


class _M2MTokenizer(_MultilingualTokenizer):
    def get_lang_id(self, lang):
        return {"en": 11, "ar": 12}[lang]


def test_language_codes():
    multi = LoadedModel(None, _MultilingualTokenizer(), {"name": "nllb"})
    assert target_token_id(multi, src_lang="arb_Arab", tgt_lang="eng_Latn") == 7
    with pytest.raises(ConfigError, match="is multilingual: set system.tgt_lang") as info:
        target_token_id(multi, src_lang=None, tgt_lang=None)
    assert info.value.field == "system.tgt_lang"
    with pytest.raises(ConfigError, match="'en' is not a language code") as info:
        target_token_id(multi, src_lang=None, tgt_lang="en")
    m2m = LoadedModel(None, _M2MTokenizer(), {"name": "m2m"})
    assert target_token_id(m2m, src_lang="ar", tgt_lang="en") == 11
    assert language_token_id(m2m.tokenizer, "eng_Latn", field="f") == 7  # falls back to the token itself


# --------------------------------------------------------------- mentions

@pytest.mark.parametrize("text, word, start, expected", [
    ("قال لافروف", "لافروف", 0, (4, 10)),
    ("وَقالَ لافروف", "وقال", 0, (0, 6)),          # diacritics dropped by the tokenizer
    ("كيريل ديميترييف", "كيريل ديميترييف", 0, (0, 15)),
    ("Kirill Dmitriev said", "kirill dmitriev", 0, (0, 15)),  # uncased model
    ("RDIF و RDIF", "RDIF", 1, (7, 11)),            # successive occurrences
    ("سيرـــغي", "سيرغي", 0, (0, 8)),               # tatweel
    ("قال ترامب", "[UNK] ترامب", 0, (0, 9)),
    ("قال ترامب", "[UNK]", 0, None),
    ("قال ترامب", "بوتين", 0, None),
])
def test_find_word(text, word, start, expected):
    assert find_word(text, word, start) == expected


def test_entity_spans_filters_trims_and_aligns():
    text = "قال «لافروف» إن الناتو وبوتين"
    ents = [
        {"entity_group": "PER", "score": 0.9, "word": "«لافروف»", "start": 4, "end": 12},
        {"entity_group": "ORG", "score": 0.2, "word": "الناتو", "start": 16, "end": 22},
        {"entity": "B-PERS", "score": 0.9, "word": "بوتين", "start": None, "end": None},
        {"entity_group": "PER", "score": 0.9, "word": "«", "start": 4, "end": 5},
        {"entity_group": "PER", "score": 0.9, "word": "غورباتشوف", "start": None, "end": None},
    ]
    spans = entity_spans(text, ents, labels=("per", "PERS", "ORG"), min_score=0.5)
    assert spans == [(5, 11), (24, 29), "غورباتشوف"]
    assert text[5:11] == "لافروف" and text[24:29] == "بوتين"
    assert trim(text, 3, 5) is None


# ----------------------------------------------------------------- stance

def _stance_doc(targets=None):
    text = "قال لافروف إن المحادثات كانت مفيدة. ورفض انضمام كييف."
    a, b = text.index("المحادثات"), text.index("ورفض")
    quotes = (QuoteInput("q1", (Span(a, a + 20),), 0), QuoteInput("q2", (Span(b, b + 16),), 0))
    items = (StanceItem("q1", "talks", 0), StanceItem("q2", "nato", 0), StanceItem("q1", "nato", 0))
    targets = targets or (Target("talks", "The talks", "المحادثات"), Target("nato", "Ukraine joining NATO", "الناتو"))
    return DocInput("d1", text, (SegmentInput("s1", Span(0, len(text)), "body", 0),), quotes, items, targets)


class _FakeZeroShot:
    """Records calls; prefers the hypothesis containing ``prefer``."""

    def __init__(self, prefer):
        self.prefer, self.calls = prefer, []

    def __call__(self, premises, *, candidate_labels, hypothesis_template, multi_label, batch_size):
        self.calls.append((list(premises), list(candidate_labels), hypothesis_template))
        out = []
        for _ in premises:
            scores = [0.8 if self.prefer in h else 0.1 for h in candidate_labels]
            order = sorted(range(len(scores)), key=lambda i: -scores[i])
            out.append({"labels": [candidate_labels[i] for i in order], "scores": [scores[i] for i in order]})
        return out


def test_stance_labels_group_by_target_and_map_hypotheses():
    pipe = _FakeZeroShot("opposes")
    templates = tuple(DEFAULT_TEMPLATES.items())
    [rows] = stance_labels([_stance_doc()], pipe=pipe, templates=templates, language="en", none_threshold=0.0,
                           batch_size=4)
    assert rows == [{"quote_id": "q1", "target": "talks", "label": "AGAINST"},
                    {"quote_id": "q2", "target": "nato", "label": "AGAINST"},
                    {"quote_id": "q1", "target": "nato", "label": "AGAINST"}]
    assert [c[1] for c in pipe.calls] == [
        ["The speaker supports Ukraine joining NATO.", "The speaker opposes Ukraine joining NATO.",
         "The speaker is neutral about Ukraine joining NATO."],
        ["The speaker supports The talks.", "The speaker opposes The talks.",
         "The speaker is neutral about The talks."],
    ]
    assert pipe.calls[0][0] == ["ورفض انضمام كييف", "المحادثات كانت مفيدة"] and pipe.calls[0][2] == "{}"
    [rows] = stance_labels([_stance_doc()], pipe=_FakeZeroShot("opposes"), templates=templates, language="ar",
                           none_threshold=0.9, batch_size=4)
    assert {r["label"] for r in rows} == {"NONE"}


def test_stance_unknown_target_is_a_gold_error():
    doc = _stance_doc(targets=(Target("talks", "The talks", "المحادثات"),))
    with pytest.raises(GoldDataError, match="target 'nato'"):
        stance_labels([doc], pipe=_FakeZeroShot("x"), templates=tuple(DEFAULT_TEMPLATES.items()), language="en",
                      none_threshold=0.0, batch_size=2)


def test_decide_breaks_ties_by_template_order():
    hyps = hypotheses("X", tuple(DEFAULT_TEMPLATES.items()))
    assert list(hyps.values()) == ["FAVOR", "AGAINST", "NONE"]
    labels = ["The speaker opposes X.", "The speaker supports X.", "The speaker is neutral about X."]
    assert decide(labels, [0.4, 0.4, 0.2], hyps, none_threshold=0.0) == "FAVOR"
    assert decide(labels, [0.2, 0.3, 0.5], hyps, none_threshold=0.9) == "NONE"
    assert hypotheses("{x}", (("FAVOR", "pro {target}"),)) == {"pro {x}": "FAVOR"}

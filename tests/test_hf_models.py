"""The ``hf`` system end to end with tiny random models built here, offline.

Each model (MarianMT, BERT token classifier, BERT NLI classifier) and a
word-level tokenizer are saved to a temporary folder and loaded back by
folder path through the system's real code: ``AutoModel*.from_pretrained``,
``model.generate`` and the token-classification / zero-shot pipelines.
Outputs of random models are meaningless, so the tests check structure,
offsets, determinism and the manifest.  Skipped without the [hf] extra.
"""

from __future__ import annotations

import json
import re

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from benchmark.errors import ConfigError  # noqa: E402
from benchmark.tasks.inputs import DocInput, QuoteInput, make_input  # noqa: E402
from benchmark.gold.schema import Corpus, Document, Entity, Mention, Quote, Segment, Span, Stance, Target  # noqa: E402
from benchmark.submission.reader import parse_submission_lines  # noqa: E402
from benchmark.systems.registry import make_system  # noqa: E402

WORDS = ["قال", "لافروف", "إن", "المحادثات", "كانت", "مفيدة", "ترامب", "بوتين", "روسيا", "الناتو", "رفض",
         "انضمام", "كييف", "the", "talks", "were", "useful", "Lavrov", "said", "speaker", "supports", "opposes",
         "is", "neutral", "about", "Ukraine", "joining", "NATO", "The", "«", "»", ".", "،"]
SPECIALS = ["<pad>", "</s>", "<unk>", "[CLS]", "[SEP]", "[MASK]", "eng_Latn"]
NER_LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG"]
NLI_LABELS = ["entailment", "neutral", "contradiction"]
NONE = {"model": None, "ner_model": None, "zero_shot_model": None}


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))  # an empty cache


def _tokenizer(**special):
    vocab = {t: i for i, t in enumerate(SPECIALS + WORDS)}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()  # words and punctuation runs
    tok.decoder = tokenizers.decoders.WordPiece(prefix="##")    # joins tokens with spaces
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>",
                                                **special), len(vocab)


def _bert(n_labels, labels, vocab):
    return transformers.BertConfig(
        vocab_size=vocab, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        max_position_embeddings=64, num_labels=n_labels, pad_token_id=0,
        id2label=dict(enumerate(labels)), label2id={x: i for i, x in enumerate(labels)})


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Folders of a tiny MarianMT model, NER model and NLI model with their tokenizers."""
    root = tmp_path_factory.mktemp("hf_models")
    torch.manual_seed(0)
    tok, vocab = _tokenizer(eos_token="</s>", additional_special_tokens=["eng_Latn"])
    mt = transformers.MarianMTModel(transformers.MarianConfig(
        vocab_size=vocab, d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        pad_token_id=0, eos_token_id=1, decoder_start_token_id=0, forced_eos_token_id=1))
    mt.save_pretrained(root / "mt")
    tok.save_pretrained(root / "mt")
    bert_tok, _ = _tokenizer(cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    ner = transformers.BertForTokenClassification(_bert(len(NER_LABELS), NER_LABELS, vocab))
    with torch.no_grad():  # every token B-PER: each word is its own PER entity, a checkable outcome
        ner.classifier.bias.copy_(torch.tensor([0.0, 20.0, 0.0, 0.0, 0.0]))
    ner.save_pretrained(root / "ner")
    bert_tok.save_pretrained(root / "ner")
    nli = transformers.BertForSequenceClassification(_bert(3, NLI_LABELS, vocab))
    nli.save_pretrained(root / "nli")
    bert_tok.save_pretrained(root / "nli")
    no_nli = transformers.BertForSequenceClassification(_bert(2, ["yes", "no"], vocab))
    no_nli.save_pretrained(root / "no_nli")
    bert_tok.save_pretrained(root / "no_nli")
    return {k: str(root / k) for k in ("mt", "ner", "nli", "no_nli")}


def _corpus() -> Corpus:
    """One document: a headline with an emoji (astral code point) and a body of two sentences."""
    text = "😀 قال لافروف\n\nقال «لافروف» إن المحادثات كانت مفيدة. رفض بوتين انضمام كييف إلى الناتو."
    body = text.index("قال «")
    dot = text.index(".") + 1

    def span(s, e):
        return Span(s, e, text[s:e])

    q1 = text.index("المحادثات")
    q2 = text.index("انضمام")
    segments = (Segment("s1", span(0, body - 2), "headline", 0), Segment("s2", span(body, dot), "body", 1),
                Segment("s3", span(dot + 1, len(text)), "body", 1))
    src = text.index("لافروف", body)
    entities = (Entity("lavrov", "PER", "لافروف", "Lavrov"), Entity("putin", "PER", "بوتين", "Putin"))
    mentions = (Mention("m1", "lavrov", span(src, src + 6), "named"),)
    quotes = (Quote("q1", (span(q1, dot - 1),), span(body, body + 3), span(src, src + 6), "lavrov", "indirect"),
              Quote("q2", (span(q2, len(text) - 1),), None, None, "putin", "indirect"))
    stances = (Stance("st1", "q1", "lavrov", "talks", "FAVOR"), Stance("st2", "q2", "putin", "nato", "AGAINST"),
               Stance("st3", "q1", "lavrov", "nato", "NONE"))
    doc = Document("d1", text, "", (), entities, mentions, quotes, stances, segments)
    targets = (Target("talks", "The talks", "المحادثات"), Target("nato", "Ukraine joining NATO", "انضمام كييف"))
    return Corpus((doc,), targets, "")


def _system(models, **options):
    return make_system("hf", **{**NONE, "device": "cpu", "seed": 7, **options})


def _ids(translations):
    return [t["segment_id"] if "segment_id" in t else t["quote_id"] for t in translations]


def test_translation_one_string_per_segment_and_quote_deterministic(models):
    corpus = _corpus()
    docs = [make_input(d, corpus.targets) for d in corpus.documents]
    runs = [_system(models, model=models["mt"], batch_size=2, num_beams=2, max_new_tokens=6)
            .predict(docs, tasks={"translation", "stance"}) for _ in range(2)]
    out = runs[0][0]
    assert set(out) == {"doc_id", "translations"}  # stance not supported: no model
    assert _ids(out["translations"]) == ["s1", "s2", "s3", "q1", "q2"]  # segments, then gold quote contents
    assert all(set(t) == {"segment_id", "text"} for t in out["translations"][:3])
    assert all(set(t) == {"quote_id", "text"} for t in out["translations"][3:])
    assert all(isinstance(t["text"], str) for t in out["translations"])
    words = {w for token in SPECIALS + WORDS for w in re.findall(r"\w+", token)}
    assert all(set(re.findall(r"\w+", t["text"])) <= words for t in out["translations"])  # vocabulary only
    assert runs[0] == runs[1]
    # batch size changes padding, never which item gets which translation slot
    one = _system(models, model=models["mt"], batch_size=1, num_beams=2, max_new_tokens=6).predict(
        docs, tasks={"translation"})
    assert _ids(one[0]["translations"]) == ["s1", "s2", "s3", "q1", "q2"]


def test_quote_contents_are_translated_alone_in_the_same_batches(models, monkeypatch):
    import benchmark.systems.hf.system as hf_system

    seen = []

    def spy(texts, **kw):  # the real translate(), recording its sources
        seen.append(list(texts))
        return real(texts, **kw)

    real = hf_system.translate
    monkeypatch.setattr(hf_system, "translate", spy)
    corpus = _corpus()
    doc = make_input(corpus.documents[0], corpus.targets)
    blank = QuoteInput("q3", (), 1)  # no content: nothing to translate, not asked
    doc = DocInput(doc.doc_id, doc.text, doc.segments, (*doc.quotes, blank), (), ())
    [out] = _system(models, model=models["mt"], source_prefix=">> ", max_new_tokens=2).predict(
        [doc], tasks={"translation"})
    assert seen == [[">> " + doc.text[s.span.start:s.span.end] for s in doc.segments]
                    + [">> المحادثات كانت مفيدة", ">> انضمام كييف إلى الناتو"]]  # one call: same batching
    assert _ids(out["translations"]) == ["s1", "s2", "s3", "q1", "q2"]


def test_translation_manifest_and_forced_language(models):
    system = _system(models, model=models["mt"], tgt_lang="eng_Latn", max_input_tokens=3, max_new_tokens=4)
    corpus = _corpus()
    system.predict([make_input(corpus.documents[0], corpus.targets)], tasks={"translation"})
    extra = system.manifest_extra()
    json.dumps(extra)  # the manifest is JSON
    info = extra["models"]["translation"]
    assert info["name"] == models["mt"] and info["source"] == "local"
    assert re.fullmatch(r"[0-9a-f]{64}", info["folder_sha256"]) and info["commit"] is None
    assert info["model_class"] == "MarianMTModel"
    assert extra["generation"]["forced_bos_token_id"] == SPECIALS.index("eng_Latn")
    assert extra["device"] == "cpu" and extra["seed"] == 7
    assert extra["libraries"]["transformers"] == transformers.__version__
    # the bodies (9 and 7 tokens) and quote q2's content (4), not the 3-token headline or q1's content (3)
    assert extra["counts"]["truncated_segments"] == 3
    with pytest.raises(ConfigError, match="'fra_Latn' is not a language code"):
        _system(models, model=models["mt"], tgt_lang="fra_Latn").predict([], tasks={"translation"})
    with pytest.raises(ConfigError, match="takes no source language"):
        _system(models, model=models["mt"], src_lang="arb_Arab").predict([], tasks={"translation"})


def test_ner_mentions_are_code_point_spans_of_words(models):
    corpus = _corpus()
    doc = corpus.documents[0]
    system = _system(models, ner_model=models["ner"], ner_labels=["PER"])
    [out] = system.predict([make_input(doc, corpus.targets)], tasks={"speakers"})
    spans = [(m["start"], m["end"]) for m in out["speakers"]]
    # every word of every segment; entities of punctuation («, », .) or an emoji alone are dropped
    expected = sorted((s.span.start + m.start(), s.span.start + m.end())
                      for s in doc.segments for m in re.finditer(r"\w+", s.span.text))
    assert spans == expected
    assert all(doc.text[m["start"]:m["end"]] == m["entity"] for m in out["speakers"])
    assert spans[0] == (2, 5) and doc.text[2:5] == "قال"  # right after the astral emoji: str offsets
    org_only = _system(models, ner_model=models["ner"], ner_labels=["ORG"])
    assert org_only.predict([make_input(doc, corpus.targets)], tasks={"speakers"})[0]["speakers"] == []
    with pytest.raises(ConfigError, match="keeps none of them"):
        _system(models, ner_model=models["ner"], ner_labels=["LOC"]).predict([], tasks={"speakers"})


def test_stance_one_label_per_item_deterministic(models):
    corpus = _corpus()
    docs = [make_input(d, corpus.targets) for d in corpus.documents]
    runs = [_system(models, zero_shot_model=models["nli"]).predict(docs, tasks={"stance"}) for _ in range(2)]
    rows = runs[0][0]["stance"]
    assert [(r["quote_id"], r["target"]) for r in rows] == [("q1", "talks"), ("q2", "nato"), ("q1", "nato")]
    assert {r["label"] for r in rows} <= {"FAVOR", "AGAINST", "NONE"}
    assert runs[0] == runs[1]
    strict = _system(models, zero_shot_model=models["nli"], none_threshold=1.0).predict(docs, tasks={"stance"})
    assert [r["label"] for r in strict[0]["stance"]] == ["NONE"] * 3
    with pytest.raises(ConfigError, match="is not an NLI model"):
        _system(models, zero_shot_model=models["no_nli"]).predict(docs, tasks={"stance"})


def test_all_tasks_through_the_submission_reader(models):
    corpus = _corpus()
    system = make_system("hf", model=models["mt"], ner_model=models["ner"], zero_shot_model=models["nli"],
                         device="cpu", max_new_tokens=4, num_beams=1)
    assert system.supported_tasks == {"translation", "speakers", "stance"}
    raw = system.predict([make_input(d, corpus.targets) for d in corpus.documents],
                         tasks={"translation", "speakers", "stance", "quotes"})
    pred = parse_submission_lines([json.dumps(r, ensure_ascii=False) for r in raw], corpus=corpus)["d1"]
    assert len(pred.translations) == 5 and len(pred.stance) == 3 and pred.quotes is None
    assert [(t.segment_id, t.quote_id) for t in pred.translations] == [
        ("s1", None), ("s2", None), ("s3", None), (None, "q1"), (None, "q2")]
    assert all(m.span is not None for m in pred.speakers)
    assert sorted(system.manifest_extra()["models"]) == ["speakers", "stance", "translation"]




def test_quote_translations_on_the_gold_pass_the_reader_and_are_scored(models):
    from benchmark.gold.loading import load_corpus
    from benchmark.scoring.translation import translation_rows

    corpus = load_corpus()
    system = _system(models, model=models["mt"], max_new_tokens=2, num_beams=1, batch_size=16)
    raw = system.predict([make_input(d, corpus.targets) for d in corpus.documents], tasks={"translation"})
    preds = parse_submission_lines([json.dumps(r, ensure_ascii=False) for r in raw], corpus=corpus)
    for doc in corpus.documents:
        pred, n = preds[doc.doc_id], len(doc.segments)
        assert [t.segment_id for t in pred.translations[:n]] == [s.id for s in doc.segments]
        assert [t.quote_id for t in pred.translations[n:]] == [q.id for q in doc.quotes if q.content]
        rows = translation_rows(doc, pred.translations)
        assert [r["item"] for r in rows if r["unit"] == "quote"] == [q.id for q in doc.quotes if q.content]
        assert all(set(r["stats"]) == {"quote_chrf++"} for r in rows if r["unit"] == "quote")


def test_models_that_cannot_be_loaded(models, tmp_path):
    with pytest.raises(ConfigError, match="HF_HUB_OFFLINE=1 forbids downloading") as info:
        _system(models, model="no-such-org/no-such-model").predict([], tasks={"translation"})
    assert info.value.field == "system.model"
    with pytest.raises(ConfigError, match="no such model folder"):
        _system(models, ner_model="./no/such/folder").predict([], tasks={"speakers"})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="cannot load the model in folder"):
        _system(models, zero_shot_model=str(tmp_path / "empty")).predict([], tasks={"stance"})


def test_hub_id_loads_from_the_cache_with_its_commit(models, tmp_path, monkeypatch):
    import shutil

    import huggingface_hub.constants
    import huggingface_hub.file_download
    import transformers.utils.hub

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--tiny-org--tiny-mt"
    shutil.copytree(models["mt"], repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    # Point the cache here; older releases copy the path into module globals at import.
    for module in (huggingface_hub.constants, huggingface_hub.file_download, transformers.utils.hub):
        for attr in ("HF_HUB_CACHE", "TRANSFORMERS_CACHE"):
            if attr in vars(module):
                monkeypatch.setattr(module, attr, str(tmp_path / "hub"))
    corpus = _corpus()
    docs = [make_input(d, corpus.targets) for d in corpus.documents]
    system = _system(models, model="tiny-org/tiny-mt", max_new_tokens=4)
    from_hub = system.predict(docs, tasks={"translation"})
    info = system.manifest_extra()["models"]["translation"]
    assert (info["source"], info["commit"], info["revision"]) == ("hub", commit, None)
    pinned = _system(models, model="tiny-org/tiny-mt", revision=commit, max_new_tokens=4)
    assert pinned.predict(docs, tasks={"translation"}) == from_hub
    from_folder = _system(models, model=models["mt"], max_new_tokens=4).predict(docs, tasks={"translation"})
    assert from_folder == from_hub  # same weights, same outputs


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_absent_gpu_is_refused_at_construction():
    with pytest.raises(ConfigError, match="sees no CUDA GPU") as info:
        make_system("hf", **{**NONE, "model": "x", "device": "cuda:0"})
    assert info.value.field == "system.device"

"""The Label Studio labeling configuration for the gold schema.

One ``<Text>`` shows the article right to left. Span labels mark the regions
(:data:`LABELS`); relations link them (:data:`RELATIONS`); per-region controls
carry each record's fields; two document-level controls carry the status and
the entity inventory. How a record maps to regions:

============  ==============================================================
record        regions
============  ==============================================================
mention       a ``Mention`` region (id = mention id): ``entity`` (entity id)
              and ``mention_kind``
quote         ``Content`` regions; the first (id = quote id) carries
              ``speaker``, ``quote_type`` and ``quote_translation``; later
              parts of a discontinuous quote link to it with ``part``; a
              ``Cue`` region links to it with ``cue``; the source mention
              links to it with ``source``; a nested quote's first part links
              to the outer quote's with ``nested_in``
stance        a ``Stance`` region over the evidence (id = stance id), linked
              to the quote with ``stance``: ``stance_target``,
              ``stance_label``; without evidence it covers the quote's first
              part and ``no_evidence`` is ticked
segment       a ``Segment`` region (id = segment id): ``segment_kind`` and
              ``segment_translation``
entity        one line of the ``entities`` text area:
              ``id | type | Arabic name | English name | English variants ; … | Arabic variants ; …``
============  ==============================================================

Examples
--------
>>> from benchmark.gold.schema import Target
>>> xml = label_config((Target("riyadh_talks", "The Riyadh talks", "محادثات الرياض"),))
>>> 'value="riyadh_talks"' in xml and "direction: rtl" in xml
True
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from benchmark.gold.schema import DOCUMENT_STATUSES, MENTION_KINDS, QUOTE_TYPES, SEGMENT_KINDS, STANCE_LABELS, Target

TEXT = "text"
"""Name of the ``<Text>`` tag (every result's ``to_name``)."""
SPAN = "label"
"""Name of the ``<Labels>`` tag."""
LABELS = {"Mention": "#4e79a7", "Content": "#f28e2b", "Cue": "#e15759", "Stance": "#59a14f", "Segment": "#d9d9d9"}
"""Span labels and their colours."""
RELATIONS = ("cue", "source", "part", "nested_in", "stance")
"""Relation labels; each relation points from the named region to a quote's first content region."""
NO_EVIDENCE = "no evidence span"
"""The one choice of ``no_evidence``."""
ENTITY_FIELDS = "id | type | Arabic name | English name | English variants ; … | Arabic variants ; …"

_RTL = "direction: rtl; text-align: right; font-size: 1.25em; line-height: 2.2; white-space: pre-wrap"


def _choices(parent: ET.Element, name: str, values: Iterable[str], *, per_region: bool, **attrs: str) -> None:
    el = ET.SubElement(parent, "Choices", name=name, toName=TEXT, choice="single", showInline="true", **attrs)
    if per_region:
        el.set("perRegion", "true")
    for v in values:
        ET.SubElement(el, "Choice", value=v)


def _text_area(parent: ET.Element, name: str, placeholder: str, *, per_region: bool, rows: int = 2) -> None:
    el = ET.SubElement(parent, "TextArea", name=name, toName=TEXT, editable="true", rows=str(rows),
                       placeholder=placeholder)
    if per_region:
        el.set("perRegion", "true")
        el.set("maxSubmissions", "1")


def _when(parent: ET.Element, label: str, title: str) -> ET.Element:
    view = ET.SubElement(parent, "View", visibleWhen="region-selected", whenTagName=SPAN, whenLabelValue=label)
    ET.SubElement(view, "Header", value=title, size="5")
    return view


def label_config(targets: Iterable[Target]) -> str:
    """The ``<View>`` XML for a project over the target inventory ``targets``."""
    root = ET.Element("View")
    ET.SubElement(root, "Header", value="$doc_id: quotes, speakers, stances (guidelines: data/GUIDELINES.md)")
    labels = ET.SubElement(root, "Labels", name=SPAN, toName=TEXT)
    for value, colour in LABELS.items():
        ET.SubElement(labels, "Label", value=value, background=colour)
    relations = ET.SubElement(root, "Relations")
    for value in RELATIONS:
        ET.SubElement(relations, "Relation", value=value)
    rtl = ET.SubElement(root, "View", style=_RTL)
    ET.SubElement(rtl, "Text", name=TEXT, value="$text", granularity="symbol")
    mention = _when(root, "Mention", "Mention: entity id and kind")
    _text_area(mention, "entity", "entity id, e.g. lavrov", per_region=True, rows=1)
    _choices(mention, "mention_kind", MENTION_KINDS, per_region=True)
    content = _when(root, "Content", "Quote (first content region): speaker, type, English reference")
    _text_area(content, "speaker", "speaker entity id", per_region=True, rows=1)
    _choices(content, "quote_type", QUOTE_TYPES, per_region=True)
    _text_area(content, "quote_translation", "English reference of the content", per_region=True)
    stance = _when(root, "Stance", "Stance: target and label (the region is the evidence)")
    _choices(stance, "stance_target", [t.id for t in targets], per_region=True)
    _choices(stance, "stance_label", STANCE_LABELS, per_region=True)
    _choices(stance, "no_evidence", [NO_EVIDENCE], per_region=True)
    segment = _when(root, "Segment", "Segment: kind and English reference")
    _choices(segment, "segment_kind", SEGMENT_KINDS, per_region=True)
    _text_area(segment, "segment_translation", "English reference of the segment", per_region=True, rows=3)
    document = ET.SubElement(root, "View")
    ET.SubElement(document, "Header", value="Document status (annotated = complete, checked in full and scored)",
                  size="5")
    _choices(document, "status", DOCUMENT_STATUSES, per_region=False)
    ET.SubElement(document, "Header", value=f"Entities, one per line: {ENTITY_FIELDS}", size="5")
    _text_area(document, "entities", ENTITY_FIELDS, per_region=False, rows=8)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode") + "\n"

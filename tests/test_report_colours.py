"""The status palette stays apart under the common colour-vision deficiencies, and never relies on colour alone.

Colour-vision deficiencies are simulated with colorspacious, which implements
the Machado, Oliveira & Fernandes (2009) model (severity 100 = dichromacy:
deuteranopia, protanopia, tritanopia); differences are ΔE in CAM02-UCS, the
perceptually uniform space colorspacious measures in (about 1 is a just
noticeable difference; the palette this replaced had 7.6 between matched and
missed under deuteranopia).
"""

from __future__ import annotations

import itertools

import pytest

from benchmark.report.assets import STATUS_COLOURS, STATUS_ICONS, STATUS_PATTERNS, status_css

colorspacious = pytest.importorskip("colorspacious", reason="colour checks need colorspacious (test extra)")

SCORED = ("matched", "partial", "missed", "spurious")
MIN_DELTA_E = 20.0
VISION = {"normal": None, **{name: {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
                             for name, kind in (("deuteranopia", "deuteranomaly"), ("protanopia", "protanomaly"),
                                                ("tritanopia", "tritanomaly"))}}


def _rgb(hex_colour: str) -> list[float]:
    return [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]


def _seen(hex_colour: str, vision) -> list[float]:
    import numpy as np

    rgb = _rgb(hex_colour)
    if vision is None:
        return rgb
    return list(np.clip(colorspacious.cspace_convert(rgb, vision, "sRGB1"), 0, 1))


def test_the_simulation_merges_a_red_green_pair_for_deuteranopia():
    # Sanity check of the tool itself: a red and a green of similar lightness (rgb .8/.3/.3 and .3/.6/.3),
    # far apart to normal eyes (ΔE 48), become nearly one colour under deuteranopia (ΔE 2).
    red, green = "#cc4d4d", "#4d994d"
    normal = colorspacious.deltaE(_rgb(red), _rgb(green), input_space="sRGB1")
    deutan = colorspacious.deltaE(_seen(red, VISION["deuteranopia"]), _seen(green, VISION["deuteranopia"]),
                                  input_space="sRGB1")
    assert normal > 40 and deutan < 5


@pytest.mark.parametrize("vision", list(VISION))
def test_statuses_stay_apart(vision):
    for a, b in itertools.combinations(SCORED, 2):
        d = colorspacious.deltaE(_seen(STATUS_COLOURS[a], VISION[vision]), _seen(STATUS_COLOURS[b], VISION[vision]),
                                 input_space="sRGB1")
        assert d >= MIN_DELTA_E, f"{a} vs {b} under {vision}: ΔE {d:.1f}"


def _luminance(hex_colour: str) -> float:
    # WCAG 2 relative luminance.
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(hex_colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("status", SCORED)
def test_text_on_every_status_is_readable(status):
    # The darkest and lightest text drawn on highlights: body text and the speaker-mention blue.
    for text in ("#1d1d1f", "#062a6b", "#4a0f5c", "#6e0f0b"):
        hi, lo = sorted((_luminance(STATUS_COLOURS[status]), _luminance(text)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (status, text)  # WCAG AA for normal text


def test_no_status_is_told_by_colour_alone():
    css = status_css()
    # A distinct pattern for each error status (matched is the plain fill), and an icon for every status.
    assert len({STATUS_PATTERNS[s] for s in ("partial", "missed", "spurious")}) == 3
    for s in ("partial", "missed", "spurious"):
        assert f".st-{s} {{ background: {STATUS_PATTERNS[s]}, {STATUS_COLOURS[s]}; }}" in css
    assert len(set(STATUS_ICONS.values())) == len(STATUS_ICONS)

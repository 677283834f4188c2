"""Every text colour of the stylesheet reads at WCAG AA (4.5:1) on every paper it sits on;
the browser tests' axe check finds what this misses on real pages."""

import re

import pytest

from tests.conftest import ROOT

CSS = (ROOT / "static" / "css" / "site.css").read_text()
COLOURS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))
TEXT = ["ink", "ink-soft", "muted", "clay", "clay-deep", "moss", "danger", "ok"]
PAPERS = ["paper", "paper-deep", "card"]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_old_muted_grey_would_fail():
    assert contrast("#8a7e73", COLOURS["paper"]) < 4.5  # 3.67:1, what visitors met


@pytest.mark.parametrize("text", TEXT)
@pytest.mark.parametrize("paper", PAPERS)
def test_text_colours_read_at_aa_on_every_paper(text, paper):
    ratio = contrast(COLOURS[text], COLOURS[paper])
    assert ratio >= 4.5, f"--{text} on --{paper}: {ratio:.2f}:1"

"""Colour contrast of the shared style sheet (WCAG 2.1 AA: 4.5:1 for text, 3:1 for the
borders of form fields), computed from the CSS itself. The axe-core browser run checks the
rendered pages; this pins the palette so a colour change fails fast."""

from __future__ import annotations

import re
from pathlib import Path

import motcua.core

CSS = (Path(motcua.core.__file__).parent / "static" / "motcua" / "site.css").read_text()


def _var(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_warning_text_on_its_badge_and_on_white():
    # "Sắp đến hạn" badge, the "Hướng dẫn bổ sung" button, "Đề xuất điều chuyển cán bộ".
    assert contrast(_var("warn"), "#fff0d6") >= 4.5
    assert contrast(_var("warn"), "#ffffff") >= 4.5
    assert contrast(_var("warn"), "#fffaf0") >= 4.5  # a due-soon row


def test_form_field_borders_reach_three_to_one():
    rule = re.search(r"input, select, textarea \{[^}]*\}", CSS).group(0)
    colour = re.search(r"border: 1px solid var\(--([a-z]+)\)", rule).group(1)
    assert contrast(_var(colour), "#ffffff") >= 3


def test_late_and_ok_badges():
    assert contrast(_var("late"), "#fde2e0") >= 4.5
    assert contrast(_var("ok"), "#dff3e5") >= 4.5
    assert contrast(_var("muted"), "#faf8fb") >= 4.5

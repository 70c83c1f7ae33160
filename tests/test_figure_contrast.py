"""Words inside every activity's figures are legible: dark enough on the white page for the
contrast WCAG asks of text (4.5:1), whatever colour the line they label is drawn in."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.activities import compute, find_activities
from generator.drawing import RC, WIDTH
from generator.figures import figure_specs, plan
from generator.variants import defaults

ROOT = Path(__file__).resolve().parent.parent
ACTIVITIES = find_activities(ROOT)


def contrast_on_white(colour) -> float:
    """WCAG 2 contrast ratio of an RGB(A) colour against white."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in to_rgb(colour))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def drawn_words(activity):
    """(figure name, text, colour) of every visible word the activity's figures draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.style
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    results = compute(activity, defaults(activity.parameters))
    for spec in figure_specs(activity.figure_modules(), results.namespace()):
        with matplotlib.style.context(["default", RC]):
            figure = Figure(figsize=(WIDTH, spec.height), layout="constrained")
            plan(spec).draw(spec, figure)
            for text in figure.findobj(Text):
                if text.get_visible() and text.get_text().strip():
                    yield spec.name, text.get_text(), text.get_color()


@pytest.mark.parametrize("activity_id", sorted(ACTIVITIES))
def test_every_word_in_a_figure_has_the_contrast_of_text(activity_id):
    words = list(drawn_words(ACTIVITIES[activity_id]))
    assert words, "the figures draw no words at all: the search for them is broken"
    faint = [(name, text, colour, round(contrast_on_white(colour), 1)) for name, text, colour in words
             if contrast_on_white(colour) < 4.5]
    assert not faint, f"words fainter than 4.5:1 on white: {faint}"


def test_the_measure_tells_faint_from_dark():
    assert contrast_on_white("black") == pytest.approx(21.0)
    assert contrast_on_white("0.55") < 4.5 < contrast_on_white("0.3")

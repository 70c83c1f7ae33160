"""The PDF key and its HTML twin come from one prose source: their texts must say the same thing.

Compared as the reader gets them: the PDF's text layer (pdftotext) against the page's text (with
the words MathML shows as text). The PDF has words the page has not, which are left out here:
its running headers and the text drawn inside the figures (the page describes figures in alt
text). Floats may land elsewhere in the PDF than in the page's order, so the two are compared as
counts of words, which must agree almost everywhere.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import make_root

pytestmark = pytest.mark.slow
WORD = re.compile(r"[A-Za-z]{4,}")


def pdf_text(path: Path) -> str:
    """The text layer in reading order, a line per line of text, pages split by form feeds."""
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module", params=[("2024-fall", "activity05"), ("2027-spring", "activity05"),
                                        ("2027-spring", "activity06")], ids=lambda p: "/".join(p))
def twins(request, tmp_path_factory):
    """A key and its twin: the original's term (with its errata), a variant, and the second activity."""
    from generator.build import build
    from generator.html import build_html

    semester, activity = request.param
    root = make_root(tmp_path_factory.mktemp("twins"))
    build(semester, activity, kinds=("key",), root=root, log=lambda m: None, figure_formats=("pdf", "svg"))
    build_html(semester, activity, root=root, log=lambda m: None)
    return root, semester, activity


def pdf_words(built: tuple[Path, str, str]) -> list[str]:
    root, semester, activity = built
    out = root / "output" / semester
    term = " ".join(reversed(semester.title().split("-")))  # "Fall 2024"
    running = {"CS 316/365 Deep Learning", f"{term} Answer key", term, "Answer key"}
    lines = [line for line in pdf_text(out / f"{activity}-key.pdf").splitlines() if line.strip() not in running]
    words = WORD.findall("\n".join(lines))
    drawn = Counter()  # text drawn in a figure: the page describes figures in alt text instead
    for figure in (root / "figures" / semester / activity).glob("*.pdf"):
        drawn.update(WORD.findall(pdf_text(figure)))
    kept = []
    for word in words:
        if drawn[word] > 0:
            drawn[word] -= 1
        else:
            kept.append(word)
    return kept


def html_words(built: tuple[Path, str, str]) -> list[str]:
    root, semester, activity = built
    page = (root / "output" / semester / f"{activity}-key.html").read_text(encoding="utf-8")
    page = re.sub(r"<(style|head)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<math\b.*?</math>", lambda m: " ".join(re.findall(r"<m(?:text|i)[^>]*>([^<]*)</m(?:text|i)>",
                                                                       m.group(0))), page, flags=re.S)
    return WORD.findall(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def disagreements(pdf: list[str], page: list[str]) -> dict[str, int] | None:
    """The words one side has more often than the other (positive: the PDF), if more than a few."""
    difference = Counter(pdf)
    difference.subtract(Counter(page))
    apart = {word: n for word, n in difference.items() if n}
    return apart if sum(abs(n) for n in apart.values()) > 0.02 * max(len(pdf), len(page)) else None


def test_the_pdf_and_the_html_twin_say_the_same_words(twins):
    pdf, page = pdf_words(twins), html_words(twins)
    assert len(pdf) > 400  # the comparison read the whole key, not an empty text layer
    assert disagreements(pdf, page) is None, disagreements(pdf, page)


def test_a_paragraph_only_in_one_output_is_a_disagreement(twins):
    """The comparison is sharp enough to see one paragraph missing from the page."""
    pdf, page = pdf_words(twins), html_words(twins)
    at = len(page) // 2
    assert disagreements(pdf, page[:at] + page[at + 40:]) is not None

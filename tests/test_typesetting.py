"""What a typesetter checks on every document of every term: no line runs into the margin, no
lead-in is left alone at the foot of a page, and errata appear only for the original's term.

Every activity of every semester file is built (key, handout and audit report) into one scratch
root, and each check reads what the reader gets: the LaTeX logs and the PDFs' text.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import ARITY, BUILDS, REPO, make_root

pytestmark = BUILDS
KINDS = ("key", "handout", "audit")
OVERFULL = re.compile(r"Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)[^\n]*\n([^\n]*)")


def course() -> list[tuple[str, str]]:
    """(semester, activity) for every activity table of every semester file."""
    pairs = []
    for toml in sorted((REPO / "semesters").glob("*.toml")):
        tables = tomllib.loads(toml.read_text(encoding="utf-8"))
        pairs += [(toml.stem, name) for name in tables if re.fullmatch(r"activity\d+", name)]
    return pairs


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from generator.build import build

    root = make_root(tmp_path_factory.mktemp("course"))
    for semester, activity in course():
        build(semester, activity, kinds=KINDS, root=root, log=lambda m: None, html=True, figure_formats=("pdf", "svg"))
    return root


def log_of(root: Path, semester: str, activity: str, kind: str) -> str:
    (log,) = (root / ".cache" / semester / activity).glob(f"last-pass-{kind}-*/{activity}-{kind}.log")
    return log.read_text(encoding="utf-8", errors="replace")


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def test_the_course_has_both_terms_and_both_activities():
    assert ("2024-fall", "activity05") in course() and ("2027-spring", "activity06") in course()


@pytest.mark.parametrize("kind", KINDS)
def test_no_line_runs_into_the_margin(built, kind):
    for semester, activity in course():
        wide = [(float(points), line.strip()) for points, line in OVERFULL.findall(log_of(built, semester, activity, kind))
                if float(points) > 1.0]
        assert wide == [], f"{semester} {activity}-{kind}: overfull boxes {wide}"


def test_a_line_that_introduces_something_is_never_the_last_on_its_page(built):
    for semester, activity in course():
        for kind in KINDS:
            found = pages(built / "output" / semester / f"{activity}-{kind}.pdf")
            for number, page in enumerate(found[:-1], start=1):
                lines = [line.strip() for line in page.splitlines() if line.strip()]
                body = [line for line in lines if not line.isdigit()]  # the page number in the footer
                assert not body[-1].endswith(":"), f"{semester} {activity}-{kind} p{number} ends with {body[-1]!r}"


def test_a_list_starts_on_the_page_of_the_lines_that_lead_into_it(built):
    for semester, activity in course():
        for kind in KINDS:
            found = pages(built / "output" / semester / f"{activity}-{kind}.pdf")
            for number, page in enumerate(found[1:], start=2):
                lines = [line.strip() for line in page.splitlines() if line.strip()][1:]  # below the running head
                assert not (lines and re.match(r"1\.\s", lines[0])), \
                    f"{semester} {activity}-{kind} p{number} starts a list whose lead-in is on the page before"


def test_a_derivations_checked_with_line_stays_on_the_page_of_its_chain(built):
    for semester, activity in course():
        found = pages(built / "output" / semester / f"{activity}-audit.pdf")
        for number, page in enumerate(found[1:], start=2):
            lines = [line.strip() for line in page.splitlines() if line.strip()][1:]  # below the running head
            assert not (lines and lines[0].startswith("Checked with")), \
                f"{semester} {activity}-audit p{number} starts with the Checked-with line of a chain on the page before"


def test_errata_belong_to_the_term_whose_students_had_the_original(built):
    from generator.activities import load_activity
    from generator.variants import defaults

    config = tomllib.loads((REPO / "semesters" / "2027-spring.toml").read_text(encoding="utf-8"))
    assert config["activity05"].get("questions", {}).get("seed") is not None  # a seeded variant
    variant = "".join(pages(built / "output" / "2027-spring" / "activity05-key.pdf"))
    original = "".join(pages(built / "output" / "2024-fall" / "activity05-key.pdf"))
    assert "Errata" not in variant and "Errata of the original handout" in original
    audit = " ".join("".join(pages(built / "output" / "2027-spring" / "activity05-audit.pdf")).split())
    assert "corrected, with other parameters" in audit and "not in this one" in audit
    activity = load_activity(built, "activity05")
    assert activity.has_errata and defaults(activity.parameters) is not None


def test_a_figure_floats_but_never_out_of_its_problem(built):
    # a figure too tall for the rest of a page moves to a later one and the text after it fills the
    # gap, but it stays on the pages of its problem: on or after its problem's first page, and no
    # later than the page where the next problem starts (where \floatbarrier sets it above that heading)
    label = re.compile(r"\\newlabel\{(fig|problem):([^}]+)\}\{\{[^}]*\}\{(\d+)\}")
    for semester, activity in course():
        tex = (built / "output" / semester / f"{activity}-key.tex").read_text(encoding="utf-8")
        (aux,) = (built / ".cache" / semester / activity).glob(f"last-pass-key-*/{activity}-key.aux")
        page = {(kind, name): int(number) for kind, name, number in label.findall(aux.read_text(encoding="utf-8"))}
        problems = re.findall(r"\\label\{problem:([^}]+)\}", tex)
        figures = re.findall(r"\\label\{fig:([^}]+)\}", tex)
        assert figures and "\\begin{figure}[htbp]" in tex, f"{semester} {activity}: no floating figure"
        for name in figures:
            at = tex.index(f"\\label{{fig:{name}}}")
            own = [p for p in problems if tex.index(f"\\label{{problem:{p}}}") < at][-1]
            after = problems[problems.index(own) + 1:]
            assert page["problem", own] <= page["fig", name], (semester, activity, name)
            assert not after or page["fig", name] <= page["problem", after[0]], (semester, activity, name)


def test_a_figure_comes_after_the_text_that_first_mentions_it_in_both_formats(built):
    # a figure is called after the paragraphs that introduce it; the PDF floats it no earlier than
    # there (flafter) and the web page sets it there, so both read alike
    for semester, activity in course():
        folder = built / "output" / semester
        tex = (folder / f"{activity}-key.tex").read_text(encoding="utf-8")
        page = (folder / f"{activity}-key.html").read_text(encoding="utf-8")
        names = re.findall(r"\\label\{fig:([^}]+)\}", tex)
        assert names, f"{semester} {activity}: no figure"
        for name in names:
            assert -1 < tex.find(f"\\ref{{fig:{name}}}") < tex.index(f"\\label{{fig:{name}}}"), (semester, name)
            assert -1 < page.find(f'href="#figure:{name}"') < page.index(f'id="figure:{name}"'), (semester, name)


def test_a_long_derivation_may_break_but_never_leaves_one_row_alone(built):
    for semester, activity in course():
        tex = (built / "output" / semester / f"{activity}-key.tex").read_text(encoding="utf-8")
        blocks = re.findall(r"\\begin\{align\*\}(.*?)\\end\{align\*\}", tex, re.S)
        assert any("\\derivationbreak" in block for block in blocks), f"{semester} {activity}: no breakable derivation"
        for block in blocks:
            rows = [row for row in re.split(r"(?<=\\\\)\*?(?:\[1ex\])?\n", block.strip()) if row.strip()]
            assert "\\derivationbreak" not in rows[0] and (len(rows) < 2 or "\\derivationbreak" not in rows[-2]), \
                f"{semester} {activity}: a break after a block's first row or before its last"


def test_every_formula_of_every_page_is_well_formed_mathml(built):
    # a space or an extra child inside a fraction or a script makes the browser drop the bar or the script
    import xml.etree.ElementTree as ET

    pages = sorted((built / "output").glob("*/*.html"))
    assert {p.name for p in pages} >= {f"{activity}-{kind}.html" for _, activity in course() for kind in ("key", "audit")}
    for page in pages:
        for formula in re.findall(r"<math\b.*?</math>", page.read_text(encoding="utf-8"), re.S):
            for element in ET.fromstring(formula).iter():
                tag = element.tag.split("}")[-1]
                assert tag not in ARITY or len(element) == ARITY[tag], (page.name, tag, formula[:300])


def test_a_tall_definition_under_a_derivation_is_set_as_a_display_not_in_the_line(built):
    # a stacked fraction or a sum with its limits in a line of the note would push its lines apart
    displays = 0
    for semester, activity in course():
        tex = (built / "output" / semester / f"{activity}-audit.tex").read_text(encoding="utf-8")
        # a note is one line, and one unbroken paragraph: it stays on the page of its chain
        for note in re.findall(r"^\{\\small\\raggedright\\unbrokenparagraphs Checked with (.*)$", tex, re.M):
            inline = re.findall(r"\\\((.*?)\\\)", note, re.S)
            assert not [m for m in inline if re.search(r"\\frac|\\sum|\\prod", m)], f"{semester} {activity}: {note[:200]}"
            displays += note.count("\\[")
    assert displays  # some are tall: the display is used


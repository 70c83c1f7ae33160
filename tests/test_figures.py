"""The key's figures: deterministic bytes, the hash cache, vector PDFs that show what they claim,
alt text and printed numbers that match the data, and the momentum comparison it draws."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import a5
import numpy as np
import pytest
from a5 import (
    QUESTION_DEFAULTS,
    Questions,
    descent_path,
    draw_questions,
    least_squares_gradient,
    problem,
    render_figures,
)

from generator import figures
from generator.build import remove_stale

least_squares, logistic, momentum = problem("least_squares"), problem("logistic"), problem("momentum")

ROOT = Path(__file__).resolve().parent.parent
MINUS = "\u2212"



def fact_values(facts) -> dict[str, bool]:
    """A figure's facts by name (each fact also says in words what it means, for the audit)."""
    return {name: value for name, value, _ in facts}

def results(q: Questions):
    return logistic.compute(q), momentum.compute(q), least_squares.compute(q)


def variant(seed: int) -> Questions:
    """The semester variant a seed draws (every seed draws a valid one: see test_variants)."""
    return draw_questions({"seed": seed}, where=lambda key: key)


@pytest.fixture(scope="module")
def default_results():
    return results(Questions(**QUESTION_DEFAULTS))


@pytest.fixture(scope="module")
def rendered(default_results, tmp_path_factory):
    directory = tmp_path_factory.mktemp("figures")
    return directory, {f.name: f for f in render_figures(*default_results, directory)}


def pdf_glyphs(path: Path) -> str:
    """What a reader or a search finds in the figure: its PDF's text layer (pdftotext), spaces
    dropped, and the phi symbol that STIX draws for \\phi read as the letter phi.

    This fails for text drawn as Type 3 glyph pictures or in fonts whose character map is not
    Unicode (matplotlib's Computer Modern: phi would read as a stray Latin letter).
    """
    import subprocess

    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(text.split()).replace("\u03d5", "\u03c6")


def test_figure_text_is_real_text_in_embedded_truetype_fonts(rendered):
    import subprocess

    for figure in rendered[1].values():
        fonts = subprocess.run(["pdffonts", str(figure.pdf)], check=True, capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows, figure.name
        assert all("Type 3" not in row and "TrueType" in row for row in rows), fonts


def printed(text: str) -> str:
    """How a number's text looks once mathtext has set it: a true minus sign."""
    return text.replace("-", MINUS)


# --- files: determinism, cache, invalidation -------------------------------------------------

@pytest.mark.slow
def test_a_fresh_process_renders_byte_identical_files(rendered, tmp_path):
    directory, first = rendered
    script = textwrap.dedent(f"""
        from pathlib import Path
        from a5 import Questions, QUESTION_DEFAULTS, problem, render_figures
        least_squares, logistic, momentum = problem("least_squares"), problem("logistic"), problem("momentum")
        q = Questions(**QUESTION_DEFAULTS)
        render_figures(logistic.compute(q), momentum.compute(q), least_squares.compute(q), Path({str(tmp_path)!r}))
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT / "tests", check=True,
                   env={**os.environ, "PYTHONHASHSEED": "random"})
    for figure in first.values():
        for path in (figure.pdf, figure.svg):
            again = tmp_path / path.name
            assert again.read_bytes() == path.read_bytes(), f"{path.name} differs between runs"


def test_files_are_named_by_digest_and_free_of_timestamps(rendered):
    directory, by_name = rendered
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        f"{name}-{f.digest[:12]}.{ext}" for name, f in by_name.items() for ext in ("pdf", "svg"))
    for figure in by_name.values():
        assert len(figure.digest) == 64
        pdf = figure.pdf.read_bytes()
        assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf and b"/Producer" not in pdf
        svg = figure.svg.read_text(encoding="utf-8")
        assert "<dc:date>" not in svg


def test_a_cache_hit_rewrites_nothing(rendered, default_results):
    directory, first = rendered
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in directory.iterdir()}
    again = {f.name: f for f in render_figures(*default_results, directory)}
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in directory.iterdir()} == before
    assert again == first


def test_a_cache_hit_does_not_even_import_matplotlib(rendered):
    directory, _ = rendered
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from a5 import Questions, QUESTION_DEFAULTS, problem, render_figures
        least_squares, logistic, momentum = problem("least_squares"), problem("logistic"), problem("momentum")
        import generator.figures
        assert "matplotlib" not in sys.modules, "importing generator.figures imported matplotlib"
        q = Questions(**QUESTION_DEFAULTS)
        render_figures(logistic.compute(q), momentum.compute(q), least_squares.compute(q), Path({str(directory)!r}))
        assert "matplotlib" not in sys.modules, "a cache hit imported matplotlib"
    """)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT / "tests", check=True)


def test_changing_one_value_redraws_that_figure_only_and_its_old_files_go_when_told(rendered, default_results,
                                                                                    tmp_path):
    directory, first = rendered
    for path in directory.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    old_logistic, old_momentum = first["logistic_family"], first["momentum"]
    momentum_stat = (tmp_path / old_momentum.pdf.name).stat()
    result, moment, data = default_results
    moved = dataclasses.replace(result.phi0_family[0], phi0=-2.5, midpoint=2.5 / result.phi1_fixed)
    changed = dataclasses.replace(result, phi0_family=(moved, *result.phi0_family[1:]))

    new = {f.name: f for f in render_figures(changed, moment, data, tmp_path)}

    assert new["logistic_family"].digest != old_logistic.digest
    assert new["logistic_family"].pdf.read_bytes() != old_logistic.pdf.read_bytes()
    assert (tmp_path / old_logistic.pdf.name).exists()  # kept until the whole build succeeded
    remove_stale(tmp_path, "logistic_family", new["logistic_family"].digest)
    assert not (tmp_path / old_logistic.pdf.name).exists() and not (tmp_path / old_logistic.svg.name).exists()
    assert new["logistic_family"].pdf.exists()
    assert (-2.5, "-2.5") in new["logistic_family"].numbers
    assert f"φ0={MINUS}2.5" in pdf_glyphs(new["logistic_family"].pdf)
    assert new["momentum"].digest == old_momentum.digest
    assert (tmp_path / old_momentum.pdf.name).stat().st_mtime_ns == momentum_stat.st_mtime_ns


def test_a_failed_write_leaves_neither_a_figure_nor_a_temporary_file(tmp_path, monkeypatch):
    from generator import write

    target = tmp_path / "momentum-0123456789ab.pdf"

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(write.os, "fsync", crash)  # the bytes are written, not yet on disk
    with pytest.raises(OSError, match="disk full"):
        write.write_atomically(target, b"%PDF-1.4 half a figure")
    assert list(tmp_path.iterdir()) == []


def test_stale_removal_spares_other_figures_and_other_files(tmp_path):
    keep = "a" * 64
    names = ["momentum-" + "a" * 12 + ".pdf", "momentum-" + "b" * 12 + ".svg", "momentum_extra-" + "b" * 12 + ".pdf",
             "logistic_family-" + "b" * 12 + ".pdf", "momentum-notes.txt"]
    for name in names:
        (tmp_path / name).write_text("x")
    remove_stale(tmp_path, "momentum", keep)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(set(names) - {"momentum-" + "b" * 12 + ".svg"})


# --- what the PDFs show ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["logistic_family", "momentum"])
def test_pdf_is_vector_with_text(rendered, name):
    figure = rendered[1][name]
    from pypdf import PdfReader

    page = PdfReader(figure.pdf).pages[0]
    objects = page["/Resources"].get("/XObject", {})
    subtypes = {objects[key].get_object().get("/Subtype") for key in objects}
    assert "/Image" not in subtypes, "a raster image in the figure"
    assert page["/Resources"]["/Font"], "no fonts: the text is not text"
    width, height = float(page.mediabox.width) / 72, float(page.mediabox.height) / 72
    assert width == pytest.approx(figures.WIDTH), "the figure must keep its text width so 9 pt stays 9 pt"
    assert 2 < height < 5  # three panels in two rows at most: a figure, not a page


def test_logistic_pdf_shows_every_legend_entry_and_panel_title(rendered, default_results):
    result = default_results[0]
    drawn = pdf_glyphs(rendered[1]["logistic_family"].pdf)
    for curve in result.phi0_family:
        assert f"φ0={printed(figures.number_text(curve.phi0))}" in drawn
    for curve in result.phi1_family:
        assert f"φ1={printed(figures.number_text(curve.phi1))}" in drawn
    assert f"(a)φ1={printed(figures.number_text(result.phi1_fixed))},varyingφ0" in drawn
    assert f"(b)φ1={printed(figures.number_text(result.phi1_mirrored))},varyingφ0" in drawn
    assert f"(c)φ0={printed(figures.number_text(result.phi0_fixed))},varyingφ1" in drawn
    assert "Pr(y=1|x)" in drawn


def test_momentum_pdf_shows_its_parameters_and_legend(rendered):
    figure = rendered[1]["momentum"]
    drawn = pdf_glyphs(figure.pdf)
    beta, window, rate, steps = (text for _, text in figure.numbers)
    for expected in (f"β={beta}", f"1/(1{MINUS}β)={window}", f"α={rate}", f"{steps}stepseach",
                     "gradientdescent", f"withmomentum,β={beta}", "start", "optimum", "runningsum",
                     "(c)lossateachstep", "minimumoftheloss"):
        assert expected in drawn


# --- numbers and alt text --------------------------------------------------------------------

def test_numbers_hold_every_legend_value_as_printed(rendered, default_results):
    result, moment, _ = default_results
    by_name = rendered[1]
    values = [c.phi0 for c in result.phi0_family] + [c.phi1 for c in result.phi1_family]
    assert set(by_name["logistic_family"].numbers) == {
        (v, figures.number_text(v)) for v in [*values, result.phi1_fixed, result.phi1_mirrored, result.phi0_fixed]}
    assert (-2.0, "-2") in by_name["logistic_family"].numbers and (0.5, "0.5") in by_name["logistic_family"].numbers
    spec = a5.momentum_spec(moment, default_results[2])
    assert by_name["momentum"].numbers == ((0.9, "0.9"), (10.0, "10"), (spec.learning_rate, spec.learning_rate_text),
                                           (spec.steps, str(spec.steps)))
    for value, text in by_name["momentum"].numbers:
        assert float(text) == pytest.approx(value, rel=5e-3)


@pytest.mark.parametrize("q", [Questions(**QUESTION_DEFAULTS), variant(0), variant(2), variant(8), variant(15),
                               Questions(**{**QUESTION_DEFAULTS, "logistic_phi1_fixed": -1.5})],
                         ids=["handout", "seed0", "seed2", "seed8", "seed15", "negative-phi1"])
def test_alt_text_names_every_value_and_what_each_curve_does(q):
    result = logistic.compute(q)
    alt = a5.logistic_figure.alt(a5.logistic_spec(result))
    assert "$" not in alt and "\\" not in alt
    assert alt.count(". ") + alt.endswith(".") <= 4, "a sentence of what is drawn, then one a panel"
    left, right = alt.split("Third panel", 1)
    first, second = left.split("Second panel", 1)
    for curve in result.phi0_family:
        assert f"{printed(figures.number_text(curve.phi0))}" in left
    for curve in result.phi1_family:
        value = printed(figures.number_text(curve.phi1))
        expected = {"decreasing": f"φ₁ = {value} is decreasing", "constant": f"φ₁ = {value} is constant",
                    "increasing": f"φ₁ = {value} is increasing"}[curve.direction]
        assert expected in right
        assert (curve.phi1 < 0) == (curve.direction == "decreasing")
        assert (curve.phi1 == 0) == (curve.direction == "constant")
    assert f"φ₁ = {printed(figures.number_text(result.phi1_fixed))}" in first
    assert f"φ₁ = {printed(figures.number_text(result.phi1_mirrored))}" in second
    assert f"φ₀ = {printed(figures.number_text(result.phi0_fixed))}" in right
    assert ("moves the curve left" in first) == ("moves the curve right" in second) == (result.phi1_fixed > 0)


def test_momentum_alt_text_reports_the_drawn_comparison(default_results):
    spec = a5.momentum_spec(default_results[1], default_results[2])
    alt = a5.momentum_figure.alt(spec)
    assert "$" not in alt and "\\" not in alt
    for text in ("β = 0.9", "1/(1 − β) = 10", f"α = {spec.learning_rate_text}", f"for {spec.steps} steps",
                 f"turns back across the valley {a5.descent.reversals(spec.plain, spec.steep)} times",
                 "ends at the lower loss"):
        assert text in alt
    # the caption's losses are drawn in panel (c), and its alt text reads them from the same paths
    start = float(a5.momentum_figure.least_squares_loss(spec.x, spec.y, *spec.plain[0]))
    assert f"(c), below: the loss of each path at every step on a logarithmic scale, from {figures.number_text(start, 3)}" in alt


def test_logistic_figure_marks_the_curves_own_midpoints_inside_the_range(default_results):
    result = default_results[0]
    spec = a5.logistic_spec(result)
    assert [c.midpoint for c in spec.panels[0].curves] == [c.midpoint for c in result.phi0_family]
    assert [c.midpoint for c in spec.panels[1].curves] == [c.midpoint for c in result.phi0_family_mirrored]
    assert [c.midpoint for c in spec.panels[2].curves] == [c.midpoint for c in result.phi1_family]
    for q in map(variant, range(40)):
        curves = (lambda r: r.phi0_family + r.phi0_family_mirrored + r.phi1_family)(logistic.compute(q))
        limit = a5.x_limit(curves)
        assert all(abs(c.midpoint) <= limit - 1.5 for c in curves if c.midpoint is not None)


# --- the momentum comparison -----------------------------------------------------------------

def plain_descent(gradient, start, rate, steps):
    phi, path = np.array(start, dtype=float), [np.array(start, dtype=float)]
    for _ in range(steps):
        phi = phi - rate * gradient(phi)
        path.append(phi)
    return np.array(path)


def test_momentum_path_without_momentum_is_plain_gradient_descent(default_results):
    data = default_results[2]
    gradient = least_squares_gradient(data.x, data.y)
    plain = plain_descent(gradient, data.start, 0.03, 25)
    assert np.array_equal(descent_path(gradient, data.start, 0.03, 0.0, 25), plain)
    assert np.allclose(descent_path(gradient, data.start, 0.03, 1e-9, 25), plain, rtol=0, atol=1e-7)
    assert not np.allclose(descent_path(gradient, data.start, 0.03, 0.5, 25), plain)


def test_momentum_path_follows_the_book_recursion_with_m0_zero(default_results):
    data = default_results[2]
    gradient = least_squares_gradient(data.x, data.y)
    path = descent_path(gradient, data.start, 0.02, 0.9, 3)
    g0 = gradient(path[0])
    assert np.allclose(path[1], path[0] - 0.02 * 0.1 * g0)  # m_1 = (1 - beta) g_0
    m1 = 0.1 * g0
    assert np.allclose(path[2], path[1] - 0.02 * (0.9 * m1 + 0.1 * gradient(path[1])))


def test_figure_gradient_is_the_proven_gradient(default_results):
    data = default_results[2]
    gradient = least_squares_gradient(data.x, data.y)
    xs, ys = np.array(data.x), np.array(data.y)
    rng = np.random.default_rng(1)
    for point in [np.array(data.start), *rng.normal(size=(3, 2))]:
        assert np.allclose(gradient(point), least_squares.proven_gradient(point, xs, ys))


def comparison(q: Questions):
    return momentum.compute(q).comparison


def test_the_comparison_rate_is_nine_tenths_of_the_stability_limit_and_both_converge():
    q = Questions(**QUESTION_DEFAULTS)
    run = comparison(q)
    design = np.column_stack([np.ones(len(q.least_squares_x)), q.least_squares_x])
    limit = 2 / np.linalg.eigvalsh(2 * design.T @ design).max()  # plain descent converges below 2/lambda_max
    assert run.stability_limit == pytest.approx(limit)
    assert run.learning_rate == pytest.approx(0.9 * limit, rel=5e-3)  # three digits of nine tenths of it
    assert run.steps == round(3 / (1 - q.momentum_beta))  # three windows 1/(1 - beta)
    assert run.learning_rate < run.stability_limit and run.percent_of_limit == pytest.approx(90, abs=0.5)
    assert run.lowest_loss < run.plain_loss < run.start_loss and run.momentum_loss < run.start_loss


@pytest.mark.parametrize("seed", range(0, 40, 3))
def test_the_caption_facts_are_what_the_drawn_paths_do(seed):
    q = variant(seed)
    run = comparison(q)
    spec = a5.momentum_spec(momentum.compute(q), least_squares.compute(q))
    facts = fact_values(a5.momentum_figure.facts(spec))
    assert spec.plain == run.plain and spec.with_momentum == run.with_momentum  # the figure draws the results
    across = a5.descent.reversals(run.plain, spec.steep)  # the step's sign across the valley
    assert across == run.plain_reversals
    assert facts["plain_zigzags"] == (across > run.steps // 2)
    assert facts["momentum_swings_slower"] == (0 < run.momentum_reversals < across)
    assert facts["momentum_lower"] == (run.momentum_loss < run.plain_loss)
    assert run.plain_loss < run.start_loss  # below the stability limit plain descent converges


def test_reversals_count_steps_that_turn_back():
    assert a5.descent.reversals([(0, 0), (1, 0), (0, 0), (1, 0)]) == 2
    assert a5.descent.reversals([(0, 0), (1, 0), (2, 1), (3, 1)]) == 0


def test_an_svg_drawn_alone_is_the_svg_drawn_with_its_pdf(rendered, tmp_path):
    """Formats drawn later (an HTML build after a PDF build) must not change a byte."""
    directory, first = rendered
    for figure in first.values():
        figures.draw_files(figure.spec, tmp_path, ("svg",))
        assert (tmp_path / figure.svg.name).read_bytes() == figure.svg.read_bytes(), figure.name
        assert not (tmp_path / figure.pdf.name).exists()




def test_every_fact_of_every_figure_says_what_it_means(tmp_path):
    """The audit prints each caption fact in words: a fact without them would be a bare flag."""
    from generator.figures import describe

    from conftest import REPO

    for semester in ("2024-fall", "2027-spring"):
        from generator import config
        from generator.activities import compute, load_activity
        from generator.figures import figure_specs

        cfg = config.load(config.config_path(REPO, semester), REPO)
        for term in cfg.activities:
            activity = load_activity(REPO, term.id)
            results = compute(activity, term.questions)
            for spec in figure_specs(activity.figure_modules(), results.namespace()):
                figure = describe(spec, tmp_path)
                assert figure.facts and dict(figure.meanings).keys() == dict(figure.facts).keys()
                assert all(len(meaning) > 20 for _, meaning in figure.meanings)

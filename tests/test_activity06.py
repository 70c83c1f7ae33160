"""Activity 6, "Backpropagation and Initialization": its proofs, oracles, variants and figures.

Everything is computed once at the book's values (a few seconds: the proofs integrate, the
simulation runs three networks); the variant tests compute again for a few seeds.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import math
import random
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import sympy as sp

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator.errors import ProofError  # noqa: E402
from generator.proofs import POINTS, NumericCheck, Step, check_derivation, require  # noqa: E402

PACKAGE = "activities.activity06"
PROBLEM_FILES = ("01_backprop", "02_loss_derivatives", "03_sigmoid", "04_he_init")
FIGURES = ("he_init", "sigmoid")
activity = importlib.import_module(PACKAGE)
parameters = importlib.import_module(f"{PACKAGE}.parameters")
MODULES = {stem.split("_", 1)[1]: importlib.import_module(f"{PACKAGE}.problems.{stem}") for stem in PROBLEM_FILES}
FIGURE_MODULES = {name: importlib.import_module(f"{PACKAGE}.figures.{name}") for name in FIGURES}



def fact_values(facts) -> dict[str, bool]:
    """A figure's facts by name (each fact also says in words what it means, for the audit)."""
    return {name: value for name, value, _ in facts}

def compute_all(values: dict) -> SimpleNamespace:
    q = parameters.Questions(**parameters.normalise(values))
    return SimpleNamespace(**{name: module.compute(q) for name, module in MODULES.items()})


DEFAULT = compute_all(parameters.DEFAULTS)
DERIVATIONS = {d.key: d for r in vars(DEFAULT).values() for d in r.derivations}


class Rejected(Exception):
    def __init__(self, keys, message: str, hint: str):
        super().__init__(message)
        self.keys = (keys,) if isinstance(keys, str) else tuple(keys)
        self.message, self.hint = message, hint


def fail(keys, message, hint):
    raise Rejected(keys, message, hint)


# --- the folder -------------------------------------------------------------------------------

def test_the_folder_follows_the_activity_interface():
    assert activity.TITLE == "Backpropagation and Initialization" and activity.NUMBER == 6
    folder = REPO / "activities" / "activity06"
    assert tuple(sorted(p.stem for p in (folder / "problems").glob("[0-9]*.py"))) == PROBLEM_FILES
    assert tuple(sorted(p.stem for p in (folder / "figures").glob("*.py") if p.stem != "__init__")) == FIGURES
    for name, module in MODULES.items():
        result = getattr(DEFAULT, name)
        assert isinstance(module.TITLE, str) and module.TITLE
        assert dataclasses.is_dataclass(result) and dataclasses.fields(result)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.formulas = {}
        assert all(d.problem == module.TITLE for d in result.derivations)
        assert all(c.problem == module.TITLE for c in result.numeric_checks)
        assert all(d.key.startswith(f"{name}.") for d in result.derivations)
        assert all(c.key.startswith(f"{name}.") for c in result.numeric_checks)
    assert len(DERIVATIONS) == sum(len(r.derivations) for r in vars(DEFAULT).values())  # keys are unique


def test_fields_describe_every_parameter():
    names = {f.name for f in dataclasses.fields(parameters.Questions)} - {"seed"}
    assert set(parameters.DEFAULTS) == names == set(parameters.FIELDS)
    for key, (kind, example) in parameters.FIELDS.items():
        assert kind in ("int", "number", "numbers"), key
        value = tomllib.loads(f"v = {example}")["v"]
        assert isinstance(value, list) == (kind == "numbers"), key
    parameters.check(dict(parameters.DEFAULTS), {}, fail, lambda key: "")


# --- proofs -----------------------------------------------------------------------------------

@pytest.mark.slow  # 28 proofs, integrals among them: seconds in all
@pytest.mark.parametrize("key", sorted(DERIVATIONS))
def test_every_derivation_is_proven(key):
    derivation = DERIVATIONS[key]
    record = check_derivation(derivation)
    comparisons = len(derivation.steps) - (0 if derivation.lhs is not None else 1)
    # a step with no variable left (all values given) is one exact comparison; every other gets its points
    assert record.points == derivation.points == sum(1 if c else POINTS for c in derivation.constant)
    assert len(derivation.constant) == comparisons
    assert all(r.latex for r in derivation.rendered)


def _replace_step(derivation, number, expr):
    steps = list(derivation.steps)
    steps[number - 1] = Step(expr, steps[number - 1].why)
    return dataclasses.replace(derivation, steps=tuple(steps))


MUTATIONS = {
    "sign": lambda e: e.xreplace({sp.Integer(-2): sp.Integer(2)}),
    "factor": lambda e: e.xreplace({MODULES["backprop"].omega[2]: MODULES["backprop"].omega[1]}),
    "target": lambda e: e.xreplace({MODULES["loss_derivatives"].y: -MODULES["loss_derivatives"].y}),
    "centre": lambda e: e.xreplace({sp.Rational(-1, 2): sp.Rational(-1, 3)}),
    "no_half": lambda e: e.xreplace({sp.Integer(2): sp.Integer(1)}),
    "no_relu": lambda e: e.xreplace({sp.Integer(0): -sp.oo}),
    "whole": lambda e: e.xreplace({sp.Rational(1, 2): sp.Integer(1)}),
}


@pytest.mark.parametrize("key,number,mutation", [
    ("backprop.dl_domega0_closed", 3, "sign"),
    ("backprop.dl_dbeta1", 2, "factor"),
    ("loss_derivatives.bce", 5, "target"),
    ("sigmoid.bound", 2, "centre"),
    ("he_init.variance", 4, "no_half"),
    ("he_init.relu_standard", 2, "no_relu"),
    ("he_init.relu_square", 3, "no_half"),
    ("he_init.half_positive", 3, "whole"),
    ("backprop.separate_count", 1, "no_half"),
])
def test_a_planted_wrong_step_stops_the_proof(key, number, mutation):
    derivation = DERIVATIONS[key]
    original = derivation.steps[number - 1].expr
    broken = _replace_step(derivation, number, MUTATIONS[mutation](original))
    assert sp.srepr(broken.steps[number - 1].expr) != sp.srepr(original), "the mutation changed nothing"
    with pytest.raises(ProofError) as caught:
        check_derivation(broken)
    assert key in caught.value.message and f"step {number}" in caught.value.message


def test_every_numeric_check_holds_and_a_failing_one_stops():
    checks = [c for r in vars(DEFAULT).values() for c in r.numeric_checks]
    assert len(checks) >= 15
    for check in checks:
        assert math.isfinite(check.error) and check.error >= 0
        require(check)
    with pytest.raises(ProofError):
        require(NumericCheck("x.y", "P", "planted", error=2e-6, tolerance=1e-6))


def test_backprop_checks_every_parameter_by_finite_differences():
    keys = {c.key for c in DEFAULT.backprop.numeric_checks}
    assert keys >= {f"backprop.fd_{p}{k}" for p in ("beta", "omega") for k in range(4)}
    assert {f"backprop.dl_d{p}{k}" for p in ("beta", "omega") for k in range(4)} <= set(DERIVATIONS)
    for row in DEFAULT.backprop.gradient:
        assert abs(row.finite_difference - row.value) <= 1e-6 * max(1, abs(row.value))


# --- the notes' oracles ---------------------------------------------------------------------

ORACLES = {
    "f0": 1.23, "h1": 0.9425, "f1": 1.623, "h2": 5.0683, "f2": 7.1366, "h3": 0.6574, "f3": 2.3723, "loss": 0.1386,
    "dl_dbeta3": 0.7445, "dl_domega3": 0.4895, "dl_dbeta2": -1.6831, "dl_domega2": -8.5302,
    "dl_dbeta1": -17.0605, "dl_domega1": -16.0793, "dl_dbeta0": 2.2809, "dl_domega0": 5.2461,
}


@pytest.mark.parametrize("name", ORACLES)
def test_the_books_values_are_reproduced_to_four_decimals(name):
    assert f"{getattr(DEFAULT.backprop, name):.4f}" == f"{ORACLES[name]:.4f}"


def test_the_passes_fit_together():
    r = DEFAULT.backprop
    assert math.isclose(r.loss, (r.f3 - r.y) ** 2)
    hs = (r.x, r.h1, r.h2, r.h3)
    dfs = (r.dl_df0, r.dl_df1, r.dl_df2, r.dl_df3)
    for k in range(4):
        assert getattr(r, f"dl_dbeta{k}") == dfs[k]
        assert math.isclose(getattr(r, f"dl_domega{k}"), hs[k] * dfs[k])
    assert [row.name for row in r.forward] == ["f0", "h1", "f1", "h2", "f2", "h3", "f3", "loss"]
    assert [row.name for row in r.backward] == ["dl_df3", "dl_dh3", "dl_df2", "dl_dh2", "dl_df1", "dl_dh1", "dl_df0"]
    assert math.isclose(DEFAULT.loss_derivatives.least_squares_at_toy, r.dl_df3)
    assert r.mults_backward < r.mults_separate


def test_the_audit_counts_only_the_backward_pass_as_confirmed_not_its_writing_out():
    # step 1 (the table's rule) is what the check compares with SymPy's derivative; step 2 only
    # multiplies the rules out, which the definitions already say
    for d in MODULES["backprop"].BY_BACKPROP:
        assert d.restating == (False, True) and d.confirmed == (True, False), d.key
    closed = DERIVATIONS["backprop.dl_domega0_closed"]
    assert closed.restating[0] and all(closed.confirmed[1:])


def test_the_multiplications_are_counted_from_the_rules_and_match_the_proven_counts():
    r, module = DEFAULT.backprop, MODULES["backprop"]
    assert (r.mults_separate, r.mults_backward) == (36, 11) and r.depth == 4  # four layers: K(2K+1), 3K-1
    assert (r.closed_factors, r.closed_multiplications) == (9, 8)
    K = module.K  # the depth is K in every problem, as in the book
    for key, count in (("backprop.separate_count", r.mults_separate), ("backprop.backward_count", r.mults_backward)):
        assert DERIVATIONS[key].steps[-1].expr.doit().subs(K, r.depth) == count
    assert module.multiplications((sp.Integer(-1), sp.Symbol("a"), sp.Symbol("b"))) == 1  # a sign is free


def test_the_expectation_over_a_symmetric_variable_proves_what_symmetry_gives_and_no_more():
    he = MODULES["he_init"]
    f, Ex, ReLU, Gate = he.f, he.Ex, he.ReLU, he.Gate
    def claim(lhs, rhs):
        return he.Derivation(key="he_init.planted", problem=he.TITLE, title="planted", lhs=lhs, steps=(Step(rhs, "planted"),))
    check_derivation(claim(Ex(f**3, f), sp.Integer(0)))  # odd: zero by symmetry
    check_derivation(claim(Ex(Gate(f), f), sp.Rational(1, 2)))
    check_derivation(claim(Ex(ReLU(f) ** 2, f), Ex(ReLU(-f) ** 2, f)))
    for lhs, rhs in ((Ex(ReLU(f) ** 2, f), Ex(f**2, f)),  # the half is missing
                     (Ex(sp.Abs(f), f), sp.Integer(0)),  # even, not zero
                     (Ex(ReLU(f), f), sp.Rational(1, 2) * Ex(f, f))):  # E[f] = 0, but E[ReLU[f]] = E[|f|]/2
        with pytest.raises(ProofError):
            check_derivation(claim(lhs, rhs))


def test_he_values_and_sigmoid_bounds():
    he = DEFAULT.he_init
    assert he.he_forward == pytest.approx(2 / he.hidden) == he.he_backward == he.compromise
    assert [run.theory_factor for run in he.runs] == [0.5, 1.0, 2.0]
    module = MODULES["he_init"]
    tolerance = module.STANDARD_ERRORS
    checks = {c.key: c for c in he.numeric_checks}
    for run in he.runs:
        assert run.measured_factor == pytest.approx((run.last / run.first) ** (1 / (he.depth - 1)))  # geometric
        assert run.theory[0] == run.scale  # layer 0: unit-variance inputs of dimension D_h, no ReLU
        assert len(run.variances) == len(run.theory) == he.depth
        # The pooled check is the drawn network's and more: the drawn one is the first of the pool.
        drawn, _ = module.simulate(he.hidden, he.depth, he.batch, run.scale, module.SEED)
        assert tuple(drawn) == run.variances
        check = checks[f"he_init.growth_{run.scale}"]
        assert check.tolerance == pytest.approx(tolerance * run.pooled_error / run.theory_factor)
        assert check.tolerance < 0.1  # a single network allowed 0.15 to 0.2 at four standard errors
        for other in he.runs:  # the growth check tells the scales apart: each fails against another's theory
            wrong = abs(run.pooled_factor / other.theory_factor - 1) > tolerance * run.pooled_error / other.theory_factor
            assert wrong == (other is not run), (run.scale, other.scale)
    assert he.replicas == module.REPLICAS and str(module.SEED) in checks["he_init.growth_1"].description
    he_run = next(run for run in he.runs if run.scale == 2)
    assert (he.he_low, he.he_high) == (min(he_run.variances), max(he_run.variances))
    assert [b.bound for b in DEFAULT.sigmoid.bounds] == [0.25**k for k in parameters.DEFAULTS["sigmoid_layers"]]
    assert DEFAULT.sigmoid.maximum == 0.25 and DEFAULT.sigmoid.argmax == 0.0
    formulas = " ".join(str(v) for r in vars(DEFAULT).values() for v in r.formulas.values())
    assert r"\sin\mathopen{}\left[" in formulas and r"\left(" in formulas
    assert r"\sin{\left(" not in formulas and r"\cos{\left(" not in formulas


# --- variants ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 7, 2027])
def test_a_seeded_variant_is_valid_and_its_checks_hold(seed):
    values = parameters.draw(random.Random(seed))
    assert values == parameters.draw(random.Random(seed))  # deterministic
    assert set(values) == set(parameters.DEFAULTS)
    parameters.check(values, {}, fail, lambda key: "")
    results = compute_all(values)
    for name, result in vars(results).items():
        for check in result.numeric_checks:
            require(check)
        # The derivations do not depend on the parameters: proven once above, for every variant.
        assert result.derivations == getattr(DEFAULT, name).derivations
    assert max(abs(row.value) for row in results.backprop.gradient) < 1e3


def test_seeds_give_different_variants():
    drawn = [parameters.draw(random.Random(seed)) for seed in range(6)]
    assert len({repr(sorted(v.items())) for v in drawn}) > 1
    assert any(v["toy_beta"] != parameters.DEFAULTS["toy_beta"] for v in drawn)


f3 = parameters.toy_output(parameters.DEFAULTS["toy_beta"], parameters.DEFAULTS["toy_omega"],
                           parameters.DEFAULTS["toy_x"])


@pytest.mark.parametrize("change,key", [
    ({"toy_beta": (1.0, 2.0, -3.0)}, "toy_beta"),
    ({"toy_omega": (0.1, 0.0, 2.0, 3.0)}, "toy_omega"),
    ({"toy_omega": (0.1, -4.0, 2.0, 3.0)}, "toy_beta"),
    ({"toy_y": f3}, "toy_y"),
    ({"toy_x": float("nan")}, "toy_x"),
    ({"sigmoid_range": (-2.0, 2.0)}, "sigmoid_range"),
    ({"sigmoid_layers": (5, 2)}, "sigmoid_layers"),
    ({"sigmoid_layers": (1, 2.5)}, "sigmoid_layers"),
    ({"he_hidden": 5}, "he_hidden"),
    ({"he_hidden": 500, "he_batch": 5000}, "he_hidden"),
])
def test_check_rejects_a_bad_value_naming_its_key(change, key):
    with pytest.raises(Rejected) as caught:
        parameters.check({**parameters.DEFAULTS, **change}, change, fail, lambda key: "")
    assert key in caught.value.keys
    assert caught.value.message and caught.value.hint


# --- figures ----------------------------------------------------------------------------------

def _draw(module, spec):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.style
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from generator.drawing import PDF_METADATA, RC, WIDTH

    with matplotlib.style.context(["default", RC]):
        figure = Figure(figsize=(WIDTH, spec.height), layout="constrained")
        module.draw(spec, figure)
        out = io.BytesIO()
        figure.savefig(out, format="pdf", metadata=PDF_METADATA)
    texts = " ".join(t.get_text() for t in figure.findobj(Text))
    return out.getvalue(), texts


@pytest.mark.parametrize("name", FIGURES)
def test_each_figure_draws_to_pdf_deterministically_and_prints_its_numbers(name):
    module = FIGURE_MODULES[name]
    spec = module.spec(DEFAULT)
    assert spec.name == name and spec.height > 0
    first, texts = _draw(module, spec)
    assert first.startswith(b"%PDF") and first == _draw(module, spec)[0]
    assert spec.numbers
    for value, text in spec.numbers:
        assert isinstance(value, (int, float)) and text in texts, (value, text)
    alt = module.alt(spec)
    assert len(alt) > 80 and all(text in alt for _, text in spec.numbers if text not in ("0",))


def test_sigmoid_facts_follow_the_data():
    module = FIGURE_MODULES["sigmoid"]
    spec = module.spec(DEFAULT)
    facts = fact_values(module.facts(spec))
    r = DEFAULT.sigmoid
    assert facts == {"max_at_zero": r.argmax == 0.0, "max_quarter": True,
                     "tails_small": max(r.derivative_at_low, r.derivative_at_high) < 0.01,
                     "sigmoid_increasing": True, "symmetric_range": True, "ends_equal": True,
                     # 1 - sig[f] falls with f: the share holds left of the stated point wherever it is drawn
                     "near_left": spec.grid[0] < r.near_below < r.argmax}
    narrow = module.spec(SimpleNamespace(sigmoid=MODULES["sigmoid"].compute(
        parameters.Questions(**parameters.normalise({**parameters.DEFAULTS, "sigmoid_range": (-3.0, 3.0)})))))
    assert fact_values(module.facts(narrow))["tails_small"] is False  # sig'(3) = 0.045: not small
    shifted = dataclasses.replace(spec, derivative=spec.derivative[1:] + spec.derivative[:1])
    assert fact_values(module.facts(shifted))["max_at_zero"] is False


def test_he_facts_follow_the_data():
    module = FIGURE_MODULES["he_init"]
    spec = module.spec(DEFAULT)
    facts = fact_values(module.facts(spec))
    runs = {run.scale: run.variances for run in DEFAULT.he_init.runs}
    assert facts["small_shrinks"] == (runs[1][-1] < runs[1][0]) is True
    assert facts["large_grows"] == (runs[4][-1] > runs[4][0]) is True
    assert facts["he_level"] == (max(runs[2]) <= 10 * min(runs[2])) is True
    assert facts["small_halves"] and facts["large_doubles"]
    he_run = next(run for run in DEFAULT.he_init.runs if run.scale == 2)
    assert facts["he_about_prediction"] == (min(he_run.variances) < he_run.theory[0] < max(he_run.variances))
    he = next(line for line in spec.lines if line.scale == 2)
    wild = dataclasses.replace(he, variances=tuple(v * 1.5**k for k, v in enumerate(he.variances)))
    planted = dataclasses.replace(spec, lines=tuple(wild if line.scale == 2 else line for line in spec.lines))
    assert fact_values(module.facts(planted))["he_level"] is False
    swapped = dataclasses.replace(spec, lines=tuple(dataclasses.replace(line, variances=line.variances[::-1])
                                                    for line in spec.lines))
    assert not fact_values(module.facts(swapped))["small_shrinks"] and not fact_values(module.facts(swapped))["large_grows"]

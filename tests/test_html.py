"""The accessible HTML twin: built into a scratch root, opened in Debian's headless Chromium.

The browser part (tests/a11y/check.mjs) takes screenshots at desktop and phone widths, reads the
page's text, images and MathML, and runs axe-core's WCAG 2.0/2.1 A and AA rules. It needs
/usr/bin/chromium (Debian's package; `.ci/run` installs it) and `npm ci --prefix tests/a11y`;
without them these tests fail with a message saying so, never skip.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import config as config_module
from generator.build import BuildReport, load_model, render_documents
from generator.errors import RenderError
from generator.html import build_html, figure_directory_name, latex_to_mathml, render_html
from generator.paths import Paths

from conftest import ACTIVITY, ARITY, REPO, copy_activities, load_activity, make_root, prose

A11Y = REPO / "tests" / "a11y"
CHROMIUM = Path("/usr/bin/chromium")
SEMESTER = "2024-fall"


@pytest.fixture(scope="session")
def html_root(built, tmp_path_factory) -> Path:
    """A root holding the built PDF's proven model, and the HTML built from it."""
    root = make_root(tmp_path_factory.mktemp("html"), like=built.parent.parent)
    pages = build_html(SEMESTER, root=root, log=lambda m: None)
    assert pages == [root / "output" / SEMESTER / f"{ACTIVITY}-key.html"]
    return root


@pytest.fixture(scope="session")
def page_path(html_root) -> Path:
    return html_root / "output" / SEMESTER / "activity05-key.html"


@pytest.fixture(scope="session")
def model_and_config(html_root):
    """The semester, its Activity 5 (as the term runs it, and its folder) and the proven model."""
    cfg = config_module.load(config_module.config_path(html_root, SEMESTER), html_root)
    term, activity = cfg.activity(ACTIVITY), load_activity(root=html_root)
    model = load_model(activity, term, Paths(html_root, SEMESTER, ACTIVITY), BuildReport(SEMESTER, ACTIVITY),
                       lambda m: None)
    return cfg, term, activity, model


def browser_node() -> str:
    """node, with Debian's Chromium and the checker's packages beside it; a failure saying what is missing."""
    node = shutil.which("node")
    problems = []
    if node is None:
        problems.append("node is not installed (Debian: apt-get install nodejs npm)")
    if not CHROMIUM.exists():
        problems.append("Chromium is not at /usr/bin/chromium (Debian: apt-get install chromium)")
    if not (A11Y / "node_modules" / "axe-core").is_dir() or not (A11Y / "node_modules" / "puppeteer-core").is_dir():
        problems.append("the checker's packages are missing: run 'npm ci --prefix tests/a11y'")
    if problems:
        pytest.fail("cannot run the accessibility checks: " + "; ".join(problems), pytrace=False)
    return node


def in_chromium(views: list[tuple[Path, int]], expression: str) -> list:
    """The JSON value of a JavaScript expression in each page, opened in Chromium at its width
    (one browser for all of them): what a reader's screen shows, measured."""
    script = f"""
import puppeteer from "puppeteer-core";
const browser = await puppeteer.launch({{ executablePath: {json.dumps(str(CHROMIUM))}, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"] }});
try {{
  const tab = await browser.newPage(), out = [];
  for (const [url, width] of {json.dumps([(page.as_uri(), width) for page, width in views])}) {{
    await tab.setViewport({{ width, height: 900, deviceScaleFactor: 1 }});
    await tab.goto(url, {{ waitUntil: "load" }});
    out.push(await tab.evaluate(() => ({expression})));
  }}
  console.log(JSON.stringify(out));
}} finally {{ await browser.close(); }}
"""
    done = subprocess.run([browser_node(), "--input-type=module", "-e", script], cwd=A11Y, capture_output=True,
                          text=True, timeout=240)
    if done.returncode != 0:
        pytest.fail(f"the browser measurement failed ({done.returncode}): {done.stderr[-2000:]}", pytrace=False)
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def browser(page_path, tmp_path_factory) -> dict:
    """What Chromium saw: one report for widths 1280 and 390, screenshots in a scratch folder."""
    node = browser_node()
    shots = tmp_path_factory.mktemp("screenshots")
    done = subprocess.run([node, str(A11Y / "check.mjs"), str(page_path), str(shots), "1280", "390"],
                          capture_output=True, text=True, timeout=240)
    if done.returncode != 0:
        pytest.fail(f"the browser check failed ({done.returncode}): {done.stderr[-2000:]}", pytrace=False)
    return json.loads(done.stdout)


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.tags: list[str] = []
        self.lang = None
        self.th_scopes: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(attrs)
        if tag == "th":
            self.th_scopes.append(attrs.get("scope"))


def outline(text: str) -> _Outline:
    parser = _Outline()
    parser.feed(text)
    return parser


# --- what a browser shows --------------------------------------------------------------------


def test_no_latex_is_visible_at_any_width(browser):
    for width, seen in browser["widths"].items():
        text = seen["text"]
        assert len(text) > 5000, width
        for leak in ("\\", "$", "^{", "_{", "\ue000", "&#", "<<"):
            assert leak not in text, f"{leak!r} visible at {width}px: ...{text[max(0, text.find(leak) - 80):][:160]}..."
        assert "Problem 4" in text and "Errata of the original handout" in text


def test_math_is_mathml_and_every_image_has_alt_text_and_loads(browser, model_and_config):
    *_, model = model_and_config
    alts = {figure["alt"] for figure in model["figures"].values()}
    for width, seen in browser["widths"].items():
        assert seen["maths"] > 150, width
        assert all(w > 0 for w in seen["mathWidths"])  # laid out, not left as unknown elements
        assert len(seen["images"]) == len(model["figures"])
        for image in seen["images"]:
            assert image["alt"] and image["alt"].strip(), image
            assert image["alt"] in alts  # the alt text made from the plotted data
            assert image["loaded"], image


def test_axe_finds_no_wcag_a_or_aa_violation(browser):
    violations = browser["axe"]["violations"]
    assert violations == [], json.dumps(violations, indent=1)
    assert browser["axe"]["passes"] > 10


def test_a_phone_never_scrolls_the_page_sideways(browser):
    phone = browser["widths"]["390"]
    assert phone["scrollWidth"] <= phone["clientWidth"], "content wider than a 390px screen"
    desktop = browser["widths"]["1280"]
    assert desktop["scrollWidth"] <= desktop["clientWidth"]


REASONS = """[...document.querySelectorAll(".derivation")].flatMap((d) => {
  const box = d.getBoundingClientRect(), edge = Math.min(box.right, document.documentElement.clientWidth);
  return [...d.querySelectorAll(".why")].map((why) => {
    const r = why.getBoundingClientRect();
    return { text: why.textContent.slice(0, 50), left: r.left, right: r.right, edge };
  });
})"""


@pytest.mark.browser
def test_a_derivations_reasons_are_on_the_screen_of_a_phone_without_scrolling(html_root):
    """Each step's reason stands inside the screen and its derivation's visible box, wrapped if it
    must be (the key, its audit, and the Canvas body, which has neither stylesheet nor media query)."""
    out = html_root / "output" / SEMESTER
    pages = [out / f"{ACTIVITY}-key.html", out / f"{ACTIVITY}-audit.html", out / f"{ACTIVITY}-key.canvas.html"]
    views = [(page, width) for page in pages for width in (400, 1100)]
    for (page, width), reasons in zip(views, in_chromium(views, REASONS)):
        assert len(reasons) > 30, (page.name, width)
        cut = [r for r in reasons if r["right"] > r["edge"] + 0.5 or r["left"] < 0]
        assert not cut, f"{page.name} at {width}px: reasons past the edge: {cut[:3]}"


def canvas_declarations(body: str) -> list[tuple[str, str]]:
    """Every declaration of every inline style: (property, value)."""
    return [(d.split(":")[0].strip().lower(), d.split(":", 1)[1].strip())
            for style in re.findall(r'\sstyle="([^"]*)"', body) for d in style.split(";") if d.strip()]


def test_the_canvas_body_sets_only_styles_canvas_keeps_and_no_grid(html_root):
    """Canvas's sanitizer keeps a list of properties (CanvasSanitize's :style_properties): what it
    would drop (a grid's columns, a gap) the body does without, so it reads as it was checked."""
    from generator.html_style import CANVAS_PROPERTIES

    body = (html_root / "output" / SEMESTER / f"{ACTIVITY}-key.canvas.html").read_text()
    declarations = canvas_declarations(body)
    assert len(declarations) > 1000
    dropped = {p for p, _ in declarations if not CANVAS_PROPERTIES.fullmatch(p)}
    assert dropped == set(), dropped
    for kept in ("display", "margin-top", "border-bottom", "white-space", "font-size", "text-align"):
        assert CANVAS_PROPERTIES.fullmatch(kept), kept
    for lost in ("grid-template-columns", "column-gap", "row-gap", "align-items", "font-variant-numeric", "gap"):
        assert not CANVAS_PROPERTIES.fullmatch(lost), lost
    assert ("display", "grid") not in declarations  # a grid without its columns is one column as wide as the widest formula
    derivation = re.search(r'<div class="derivation scroll" style="([^"]*)"', body).group(1)
    assert "grid" not in derivation and "overflow-x: auto" in derivation


def test_screenshots_were_taken(browser):
    for width, seen in browser["widths"].items():
        shot = Path(seen["screenshot"])
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000, width


def test_headings_in_order_lang_and_table_headers(page_path, browser):
    parsed = outline(page_path.read_text())
    assert parsed.lang == "en" and browser["widths"]["1280"]["lang"] == "en"
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(parsed.headings, parsed.headings[1:])), parsed.headings
    assert parsed.th_scopes and all(scope in ("col", "row") for scope in parsed.th_scopes)
    assert all(count > 0 for count in browser["widths"]["1280"]["tables"])
    assert "Activity 5: Gradient Descent" in browser["widths"]["1280"]["title"]


# --- one source of truth ---------------------------------------------------------------------


def test_the_html_shows_the_numbers_the_pdf_shows(model_and_config):
    cfg, term, activity, model = model_and_config
    pdf = render_documents(cfg, term, model, activity, ("key",))["key"].ledger.entries
    page = render_html(cfg, term, model, activity).ledger.entries
    numbers = lambda entries: {(e.source, e.text) for e in entries if e.kind == "number"}  # noqa: E731
    assert numbers(page) == numbers(pdf)
    constants = lambda entries: {(e.source, e.text) for e in entries if e.kind == "sympy"}  # noqa: E731
    assert constants(page) == constants(pdf)


def test_known_values_appear_as_printed(browser):
    """As a browser reads MathML out: one token (a number, an operator, a base or its exponent) a line."""
    text = browser["widths"]["1280"]["text"]
    for shown in ("12.36690", "\u2212\n21.90400", "\u2212\n26.84044", "0.82595", "0.52223", "0.19987", "10\n12"):
        assert f"\n{shown}\n" in text, shown


def test_every_formula_the_pdf_prints_converts_without_leaving_latex(model_and_config):
    *_, model = model_and_config
    from generator.numbers import SympyLatex

    formulas = []

    def walk(value):
        if isinstance(value, SympyLatex):
            formulas.append(value)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            for item in vars(value).values():
                walk(item)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)

    walk(model["results"])
    walk(model["errata"])
    assert len(formulas) > 80
    for latex in formulas:
        mathml = latex_to_mathml(latex, display=True)
        assert mathml.startswith("<math") and "\\" not in mathml and "mathvariant=\"bold" not in mathml


def test_constructs_the_key_uses_convert_as_expected():
    assert "<mi>sig</mi>" in latex_to_mathml(r"\operatorname{sig}\mathopen{}\left[z\right]\mathclose{}")
    assert "\U0001d753" in latex_to_mathml(r"\boldsymbol{\phi}")  # bold italic phi, which Chromium draws
    limit = latex_to_mathml(r"\lim_{t \to \infty} x", display=True)
    assert '<munder><mo movablelimits="true" form="prefix" rspace="0.1667em" lspace="0">lim</mo>' in limit
    assert "<munderover><mo>\u2211</mo>" in latex_to_mathml(r"\sum_{i=1}^{I} x_i", display=True)
    assert "<mtable>" in latex_to_mathml(r"\left[\begin{matrix}1\\2\end{matrix}\right]")
    assert "<mtext>left\u00a0side</mtext>" in latex_to_mathml(r"a,\ \allowbreak b:\quad \text{left side} \neq c")
    with pytest.raises(RenderError):
        latex_to_mathml(r"\unknowncommand{x}")


# --- the Canvas body, config text, failures ---------------------------------------------------


def test_the_canvas_body_carries_no_stylesheet_no_h1_and_inline_styles(html_root):
    body = (html_root / "output" / SEMESTER / "activity05-key.canvas.html").read_text()
    parsed = outline(body)
    assert not {"style", "script", "svg", "html", "head", "h1"} & set(parsed.tags)
    assert parsed.headings[0] == 2 and 'style="' in body and "<math" in body
    assert figure_directory_name(ACTIVITY) == "activity05-key-figures"
    assert all(image["src"].startswith("activity05-key-figures/") for image in parsed.images)
    for image in parsed.images:
        assert (html_root / "output" / SEMESTER / image["src"]).is_file()


def test_config_text_prints_literally(model_and_config):
    cfg, term, activity, model = model_and_config
    odd = dataclasses.replace(cfg, course=dataclasses.replace(cfg.course, name=r"R&D <b>101</b> \(x\) $5 %x"))
    page = render_html(odd, term, model, activity).html
    assert r"R&amp;D &lt;b&gt;101&lt;/b&gt; &#92;(x&#92;) &#36;5 %x" in page


def test_a_failed_build_leaves_the_previous_html_untouched(html_root, tmp_path):
    root = tmp_path / "root"  # the built root, with activities of its own whose prose is broken
    shutil.copytree(html_root, root, symlinks=True)
    output = root / "output" / SEMESTER
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file() and "activity05-key" in p.name}
    assert before
    copy_activities(root)
    fragment = prose(root, "hessian")
    text = fragment.read_text()
    assert "is used instead." in text
    fragment.write_text(text.replace("is used instead.", "is used instead, \\textbf{bold}."))
    with pytest.raises(RenderError) as caught:
        build_html(SEMESTER, root=root, log=lambda m: None)
    assert "backslash" in caught.value.message
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before}
    assert after == before


def test_rebuilding_with_nothing_changed_touches_nothing(html_root):
    output = html_root / "output" / SEMESTER
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file() and "activity05-key" in str(p)}
    build_html(SEMESTER, root=html_root, log=lambda m: None)
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_no_number_is_typed_into_the_html_templates(model_and_config):
    """In audit mode every number, formula and config string is a placeholder: digits left are notation."""
    from generator.audit import typed_numbers

    cfg, term, activity, model = model_and_config
    audit = render_html(cfg, term, model, activity, audit=True).html
    text = re.sub(r"<style>.*?</style>", " ", audit, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text.replace("<<NUM>>", " ").replace("<<SYMPY>>", " ").replace("<<CONFIG>>", " "))
    labels = r"(Problem|Figure|Table)\s+\d\b"  # the counters LaTeX prints with \ref and captions
    found = typed_numbers(re.sub(labels, " ", text))
    assert found == [], found


def test_a_function_name_after_a_letter_keeps_texs_thin_space():
    from generator.mathml import latex_to_mathml

    mathml = latex_to_mathml(r"\omega_1 x \sin\left[f_2\right] - y \log[z] + \sin[x]")
    assert mathml.count('<mspace width="0.1667em" />') == 2  # after x and after y; not after "+"
    assert '<mi>x</mi><mspace width="0.1667em" /><mi>sin</mi>' in mathml


def test_a_formula_ending_in_a_comma_adds_no_space_after_it():
    from generator.mathml import latex_to_mathml

    mathml = latex_to_mathml(r"Pr(y=1|x) = \text{sig}[\phi_0 + \phi_1 x],")  # a quoted line, its quote closing after it
    assert mathml.endswith('<mo rspace="0">,</mo></mrow></math>')
    assert 'rspace="0">,' not in latex_to_mathml("a, b")  # a comma inside a formula keeps its space
    assert '<mo lspace="0" rspace="0">…</mo><mo>,</mo>' in latex_to_mathml(r"s = 1, \dots, 8")  # spaced by the commas


def test_punctuation_after_inline_math_stays_on_its_line():
    from generator.html import _Finisher

    class Gate:
        numbers, formulas = [], []

    page = _Finisher(Gate())("<p>(here \\( K = 4 \\)), the chains</p>")
    assert '<span style="white-space: nowrap"><math' in page and "</math>),</span> the chains" in page


def test_a_formula_in_pieces_still_breaks_between_them_before_its_punctuation():
    from generator.html import _Finisher

    class Gate:
        numbers, formulas = [], []

    page = _Finisher(Gate())("<p>so \\( a = b,\\ \\allowbreak c = d \\).</p>")
    assert page.count("<math") == 2 and page.index('<span style="white-space: nowrap">') > page.index("</math>")


def test_a_lettered_lists_letters_are_text_that_survives_without_a_stylesheet():
    from generator.html import lettered

    items = "<li>one<ul><li>inner</li></ul></li>\n<li>two</li>"
    out = str(lettered(items))
    assert out.count('class="marker"') == 2 and "(a) </span>one" in out and "(b) </span>two" in out
    assert "<li>inner</li>" in out  # a list inside an item keeps its own marks


def test_a_tables_flush_left_columns_are_flush_left_in_html_as_in_the_pdf():
    from generator.html import tabular

    out = str(tabular(r"a & b & 1 \\ \midrule c & d & 2 \\ e & f & 3 \\", header=True, columns="llr"))
    assert '<th scope="col" class="head text">a</th>' in out and '<th scope="col" class="head">1</th>' in out
    assert '<td class="cell text">d</td>' in out and '<td class="cell">2</td>' in out
    # the last row carries the \bottomrule, as dark as the head's rule
    assert '<td class="cell text end">e</td><td class="cell text end">f</td><td class="cell end">3</td>' in out


def test_a_power_of_ten_in_text_is_math_that_a_screen_reader_reads_as_a_power():
    from generator.mathml import number_forms

    small, plain = number_forms(10**12, power=True), number_forms(-2.5, places=1)
    assert small.html.startswith("<math") and "<msup>" in small.html and "<sup>" not in small.html
    assert plain.html == "\u22122.5"  # a plain number stays text


# --- typography: apostrophes, ties, rules ------------------------------------------------------


def text_outside_code_and_math(page: str) -> str:
    """What a reader reads as words: no tag, style, code or math (and entities read as characters)."""
    import html as html_module

    page = re.sub(r"<(style|code|math)\b.*?</\1>", " ", page, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]*>", " ", page))


def test_an_apostrophe_in_text_is_typographic_but_not_in_code_attributes_or_urls():
    from generator.html import prose_text

    out = prose_text("<p title=\"it's\">the sigmoid's slope, He's value, the weights' variance, (b)'s steps "
                     "<code>f'(x)</code> <a href=\"https://x.org/it's\">https://x.org/it's</a> "
                     "<style>q { quotes: '“' '”'; }</style>&#x27;s</p>")
    assert out.startswith("<p title=\"it's\">the sigmoid\u2019s slope, He\u2019s value, the weights\u2019 variance, "
                          "(b)\u2019s steps <code>f'(x)</code> <a href=\"https://x.org/it's\">https://x.org/it's</a>")
    assert "<style>q { quotes: '“' '”'; }</style>\u2019s</p>" in out


def test_the_key_its_audit_and_the_canvas_body_print_no_straight_apostrophe(html_root):
    out = html_root / "output" / SEMESTER
    for name in (f"{ACTIVITY}-key.html", f"{ACTIVITY}-audit.html", f"{ACTIVITY}-key.canvas.html"):
        page = (out / name).read_text()
        text = text_outside_code_and_math(page)
        assert "'" not in text, f"{name}: ...{text[max(0, text.find(chr(39)) - 60):][:120]}..."
        assert "sigmoid\u2019s derivative" in text, name


def test_words_tied_by_a_tilde_stay_together_a_word_space_apart():
    """~ (a no-break space in LaTeX) as an ordinary space in a run that does not break: Latin
    Modern's no-break space is half an em, half as wide again as its word space."""
    from generator.html import prose_text

    assert prose_text("large, 80~GB, and") == 'large, <span style="white-space: nowrap">80 GB,</span> and'
    assert prose_text("(note&nbsp;2)") == '<span style="white-space: nowrap">(note 2)</span>'
    assert prose_text("a~b~c d") == '<span style="white-space: nowrap">a b c</span> d'
    assert prose_text("<code>a~b</code> x~<em>y</em>") == "<code>a~b</code> x\u00a0<em>y</em>"  # no run to wrap


def test_a_number_and_its_unit_never_part_and_print_no_wide_no_break_space(html_root):
    page = (html_root / "output" / SEMESTER / f"{ACTIVITY}-key.html").read_text()
    for size in re.findall(r"(\d+)\s+(?:TB|GB)", text_outside_code_and_math(page)):
        assert f'<span style="white-space: nowrap">{size} ' in page, size
    assert re.search(r'<span style="white-space: nowrap">4 TB,</span>', page)
    assert "\u00a0" not in text_outside_code_and_math(page)


def test_a_midrule_between_groups_of_rows_is_drawn_as_in_the_pdf():
    from generator.html import tabular

    out = str(tabular(r"h & 1 \\ \midrule a & 2 \\ b & 3 \\ \midrule c & 4 \\ d & 5 \\ \bottomrule", header=True,
                      columns="lr"))
    rows = re.findall(r"<tr>(.*?)</tr>", out)
    ruled = [row for row in rows if "rule" in row]
    assert len(ruled) == 1 and '<td class="cell text rule">c</td><td class="cell rule">4</td>' in ruled[0]
    # without a header, a rule under the first row (the row of column numbers, say) is drawn too;
    # a centred column of the PDF is centred on the page
    plain = str(tabular(r"k & 0 & 1 \\ \midrule w & 2 & 3 \\ v & 4 & 5 \\", columns="lcc"))
    assert '<th scope="row" class="rowhead text rule">w</th><td class="cell center rule">2</td>' in plain


def test_table_1s_three_families_are_parted_by_rules_in_the_page_and_on_canvas(html_root):
    out = html_root / "output" / SEMESTER
    for name in (f"{ACTIVITY}-key.html", f"{ACTIVITY}-key.canvas.html"):
        page = (out / name).read_text()
        table = page[page.index('id="table:curves"'):]
        rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")])
        ruled = [n for n, row in enumerate(rows) if 'class="cell rule"' in row or 'class="cell text rule"' in row]
        assert len(rows) == 11 and ruled == [4, 7], (name, ruled)  # the head, then 3 + 3 + 4 curves
        if name.endswith(".canvas.html"):
            assert "border-top: 2px solid #808080" in rows[4]


def test_brackets_around_a_square_root_keep_their_size():
    # a root of a letter is a line's height: a stretched bracket beside it only adds gaps
    out = latex_to_mathml(r"\left(1 + \sqrt{\beta}\right)")
    assert 'stretchy="true"' not in out and out.count('stretchy="false"') == 2
    assert 'stretchy="false"' not in latex_to_mathml(r"\left(\frac{1}{2}\right)")  # a fraction is tall


def test_a_primed_and_indexed_letter_stacks_its_prime_over_the_index():
    for source in (r"f'_{i}", r"f_{i}'"):
        out = latex_to_mathml(source)
        assert re.search(r"<msubsup><mpadded depth=\"0\"><mi>f</mi></mpadded><mrow><mi>i</mi></mrow><mpadded [^>]*>"
                         r"<mo [^>]*>\u2032</mo></mpadded></msubsup>", out), out


def test_an_index_and_a_star_sit_as_tex_sets_them():
    # a letter's descender does not push its index down; a star is the asterisk operator, on the axis
    out = latex_to_mathml(r"\phi_0 + \boldsymbol{\phi}_t + x^{*}")
    assert out.count('<mpadded depth="0">') == 2 and "\u2217" in out and "*" not in out


def test_a_box_that_scrolls_sideways_shows_that_it_does():
    from generator.html_style import SCROLL_CUE, STYLES

    for name in ("scroll", "display", "derivation"):
        assert SCROLL_CUE in STYLES[name] and "overflow-x: auto" in STYLES[name]
    assert "background-attachment: local, local, scroll, scroll" in SCROLL_CUE


def test_a_function_name_in_a_denominator_gets_no_space_inside_the_fraction():
    import xml.etree.ElementTree as ET

    for source in (r"\frac{1}{\mathrm{sig}[f]}", r"\frac{\frac{a}{b}}{\frac{c}{d}}", r"\frac{y}{\mathrm{sig}'[f]}"):
        for element in ET.fromstring(latex_to_mathml(source)).iter():
            tag = element.tag.split("}")[-1]
            assert tag not in ARITY or len(element) == ARITY[tag], source


def test_a_table_of_a_few_named_rows_and_many_values_is_set_in_parts_a_phone_holds():
    from generator.html import WRAP_COLUMNS, tabular

    values = " & ".join(str(n) for n in range(12))
    wide = str(tabular(rf"x & {values} \\ \midrule y & {values} \\", columns="l" + "r" * 12))
    bodies = wide.split("<tbody>")[1:]
    assert len(bodies) == 4  # two parts, each with the x row apart from the y row, as the \midrule sets them
    assert all(body.count("<td") <= WRAP_COLUMNS for body in bodies)
    assert wide.count('<th scope="row"') == 4 and ">11</td>" in wide  # each part names its rows; no value lost
    tall = str(tabular(r" \\ ".join(f"r{n} & {values}" for n in range(4)) + r" \\", columns="l" + "r" * 12))
    assert tall.count("<tbody>") == 1  # four rows: a table of its own kind, left whole


def test_aligned_rows_meet_at_the_relation_and_a_letter_keeps_its_italic_correction():
    aligned = latex_to_mathml(r"\begin{aligned} a &= b \\ &= c \end{aligned}", display=True)
    assert aligned.count("padding-left: 0; padding-right: 0") == 4  # MathML Core reads no columnspacing
    assert '<mi style="padding-right: 0.06em">f</mi><mo' in latex_to_mathml(r"\mathrm{sig}[f]")
    assert '<mi style="padding-right: 0.05em">N</mi>' in latex_to_mathml(r"N^{2}")
    assert "padding-right" not in latex_to_mathml(r"x_{2}")  # a subscript keeps its place under the letter

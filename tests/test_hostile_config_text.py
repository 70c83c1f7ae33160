"""Text from a config prints literally, whatever it holds, and can never run LaTeX."""

from __future__ import annotations

import re
import unicodedata

import pytest

from generator.build import build
from generator.latex import engine_for
from generator.render import escape_latex

from conftest import REPO, make_root, pdf_text

SPECIALS = r"R&D 101_a −2.2 %x \ { } $ & # ^ _ % ~ \input{/etc/passwd} -- `` '' ,, !` << >>"
NAMES = "Zoë Ångström, 李明, Đặng"
LONG = "A long note " + "that keeps going " * 30 + "and ends."


def _toml_literal(text: str) -> str:
    return "'''" + text + "'''"


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory, built):
    root = make_root(tmp_path_factory.mktemp("hostile"), like=built.parent.parent)
    path = root / "semesters" / "2024-fall.toml"
    text = path.read_text()
    text = re.sub(r'(?m)^code = .*$', lambda m: "code = " + _toml_literal(SPECIALS), text)
    text = re.sub(r'(?m)^name = .*$', lambda m: f'name = "Deep Learning"\ninstructor = "{NAMES}"\nnotes = "{LONG}"',
                  text)
    path.write_text(text)
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    return root / "output" / "2024-fall" / "activity05-key.pdf"


def test_latex_specials_print_literally(hostile_pdf):
    first_page = pdf_text(hostile_pdf).split("\f")[0]
    assert SPECIALS in first_page.replace("\n", " ")


def test_unicode_names_print_literally(hostile_pdf):
    # pdftotext pads wide glyphs with spaces and may decompose accents: compare in NFC, unspaced
    squeeze = lambda text: unicodedata.normalize("NFC", "".join(text.split()))  # noqa: E731
    assert squeeze(NAMES) in squeeze(pdf_text(hostile_pdf))


def test_a_long_note_is_wrapped_not_lost(hostile_pdf):
    text = " ".join(pdf_text(hostile_pdf).split())
    assert LONG.strip() in text


def test_the_engine_follows_the_text():
    assert engine_for(["Zoë Ångström", "R&D – “quoted” €"]) == "pdflatex"
    assert engine_for(["李明"]) == "lualatex" and engine_for(["Đặng"]) == "lualatex"


def test_escaped_text_has_no_command_group_or_math_of_its_own():
    escaped = escape_latex(SPECIALS)
    unescaped_specials = re.findall(r"(?<!\\)[$#%&~^_]", escaped)
    assert unescaped_specials == []
    commands = set(re.findall(r"\\([A-Za-z]+)", escaped))
    assert commands <= {"textbackslash", "textasciicircum", "textasciitilde", "textless", "textgreater", "mbox",
                        "textquotesingle", "textasciigrave", "textbar", "textminus"}
    assert "input" not in commands


def test_the_repository_configs_need_no_unicode_engine():
    texts = [line for toml in (REPO / "semesters").glob("*.toml") for line in toml.read_text().splitlines()]
    assert engine_for(texts) == "pdflatex"

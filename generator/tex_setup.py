"""Make sure TeX can build the templates: latexmk, pdflatex and every package they load.

On Debian or Ubuntu as root the missing pieces are installed with apt-get; anywhere else the
user gets the exact command for their system and exit status 2.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import SetupError
from .render import TEMPLATES

COMMANDS = ("latexmk", "pdflatex", "lualatex", "kpsewhich", "pdftotext", "fc-list")
# Fonts for config text beyond what pdflatex can print (LuaLaTeX's fallback chain).
FONTS = ("Latin Modern Roman", "Noto Serif", "Noto Serif CJK SC")
# Debian packages that hold what the templates use (TeX Live 2022 in Debian 12).
DEBIAN_PACKAGES = ("latexmk", "texlive-latex-base", "texlive-latex-recommended", "texlive-science",
                   "texlive-fonts-recommended", "lmodern", "texlive-luatex", "fonts-lmodern",
                   "fonts-noto-core", "fonts-noto-cjk", "fontconfig", "poppler-utils")
OTHER_SYSTEMS = (
    "Debian/Ubuntu: sudo apt-get install --no-install-recommends " + " ".join(DEBIAN_PACKAGES),
    "macOS:         brew install --cask mactex-no-gui font-noto-serif font-noto-serif-cjk-sc",
    "Windows:       winget install MiKTeX.MiKTeX   (MiKTeX installs missing packages on first use), "
    "then install Strawberry Perl for latexmk",
)


def packages_used(directory: Path = TEMPLATES) -> list[str]:
    """Every package named by \\usepackage in the templates, so the check follows the templates."""
    names: set[str] = set()
    for template in directory.rglob("*.tex.j2"):
        for options_and_names in re.findall(r"\\usepackage(?:\[[^\]]*\])?\{([^}]*)\}", template.read_text()):
            names.update(n.strip() for n in options_and_names.split(",") if n.strip())
    return sorted(names)


# What the test suite needs beyond TeX: PDF text extraction, and a browser and Node.js for the
# accessibility checks of the HTML twin.
TEST_COMMANDS = ("pdftotext", "chromium", "node", "npm")
TEST_DEBIAN_PACKAGES = ("poppler-utils", "chromium", "nodejs", "npm")


def missing_test_tools() -> list[str]:
    return [c for c in TEST_COMMANDS if shutil.which(c) is None]


def ensure_test_tools(out=sys.stderr) -> None:
    lacking = missing_test_tools()
    if not lacking:
        return
    if _can_apt():
        print(f"installing test tools ({', '.join(lacking)} missing) with apt-get ...", file=out)
        packages = [p for c, p in zip(TEST_COMMANDS, TEST_DEBIAN_PACKAGES) if c in lacking]
        if "npm" in lacking and "nodejs" not in packages and shutil.which("node") is None:
            packages.append("nodejs")
        _apt_install(packages)
        lacking = missing_test_tools()
        if not lacking:
            return
    raise SetupError("the test suite needs " + ", ".join(lacking),
                     hint="on Debian/Ubuntu: sudo apt-get install " + " ".join(TEST_DEBIAN_PACKAGES)
                          + "; on macOS: brew install poppler node && brew install --cask chromium")


def _apt_install(packages) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SetupError(f"'{' '.join(command)}' failed: {result.stderr.strip()[-400:]}",
                             hint="check the network and apt sources, then run the make target again")


def missing() -> list[str]:
    gone = [c for c in COMMANDS if shutil.which(c) is None]
    if "kpsewhich" in gone:
        return gone + [f"{p}.sty" for p in packages_used()]
    for package in packages_used():
        found = subprocess.run(["kpsewhich", f"{package}.sty"], capture_output=True, text=True).stdout.strip()
        if not found:
            gone.append(f"{package}.sty")
    if "fc-list" not in gone:
        for family in FONTS:
            if not subprocess.run(["fc-list", f":family={family}"], capture_output=True, text=True).stdout.strip():
                gone.append(f"font {family}")
    return gone


def _can_apt() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None and os.geteuid() == 0


def ensure_tex(out=sys.stderr) -> None:
    lacking = missing()
    if not lacking:
        return
    if _can_apt():
        print(f"installing TeX ({', '.join(lacking)} missing) with apt-get ...", file=out)
        _apt_install(DEBIAN_PACKAGES)
        lacking = missing()
        if not lacking:
            return
    raise SetupError("TeX is incomplete; missing: " + ", ".join(lacking),
                     hint="install it with the command for your system, then run the make target again:\n    "
                          + "\n    ".join(OTHER_SYSTEMS))

"""Build the book exactly as `make book` does (warnings are errors) and check the result.

The build uses the outputs stored in the notebooks (execute_notebooks: "off"), so it takes
well under a minute. It goes to a temporary folder, leaving _build/ alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow  # builds the book / runs nbval

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PROSE = ["intro", "setup", "teaching", "tuning_class", "glossary", "test_looks"]
APPENDICES = sorted(p.stem for p in (ROOT / "notebooks").glob("appendix_*.ipynb"))  # pages that compute
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Served from book/vendor (copied to _static/); see book/vendor/README.md.
VENDORED = [
    "requirejs/require.js",
    "require-paths.js",
    "html-manager/dist/embed-amd.js",
    "mathjax/es5/tex-chtml.js",
    "mathjax/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
]
SCRIPT_SRC = re.compile(r"<script\b[^>]*?\bsrc=\"([^\"]*)\"", re.I)
LINK_TAG = re.compile(r"<link\b[^>]*>", re.I)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)


@pytest.fixture(scope="module")
def html(built_book: Path) -> Path:
    return built_book


def _pages(html: Path) -> dict[str, str]:
    return {p.relative_to(html).as_posix(): p.read_text(encoding="utf-8")
            for p in html.rglob("*.html") if not p.relative_to(html).as_posix().startswith("_static/")}


def test_all_pages_and_only_those(html: Path):
    pages = set(_pages(html))
    expected = {f"notebooks/{c}.html" for c in [*CHAPTERS, *APPENDICES]} | {f"book/{p}.html" for p in PROSE}
    assert expected <= pages, f"missing pages: {sorted(expected - pages)}"
    extra = pages - expected - {"index.html", "genindex.html", "search.html"}
    assert not extra, f"unexpected pages (not in _toc.yml?): {sorted(extra)}"
    assert not list(html.glob("notebooks/*.py*")) and not list((html / "_sources").glob("notebooks/*.py*")), \
        "the jupytext .py twins must not become pages"


def test_vendored_assets_are_in_the_output(html: Path):
    missing = [f for f in VENDORED if not (html / "_static" / f).is_file()]
    assert not missing, f"vendored files missing from _build/html/_static: {missing}"


def _is_remote(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") or url.startswith("//")


def test_no_script_or_stylesheet_from_a_remote_host(html: Path):
    """No CDN: every script, stylesheet, font or preload a page asks for is served by the book."""
    remote = []
    for page, text in _pages(html).items():
        remote += [f"{page}: script {u}" for u in SCRIPT_SRC.findall(text) if _is_remote(u)]
        for tag in LINK_TAG.findall(text):
            rel = re.search(r"\brel=\"([^\"]*)\"", tag)
            href = re.search(r"\bhref=\"([^\"]*)\"", tag)
            if rel and href and re.search(r"stylesheet|preload|modulepreload|icon", rel.group(1)) \
                    and _is_remote(href.group(1)):
                remote.append(f"{page}: link {href.group(1)}")
        # ... and no script tag names a CDN in any other way (e.g. a data- attribute).
        remote += [f"{page}: {t[:120]}" for t in SCRIPT_TAG.findall(text)
                   if re.search(r"cdn|unpkg|jsdelivr", t, re.I)]
    assert not remote, "pages load resources from remote hosts:\n" + "\n".join(sorted(set(remote)))


def test_local_scripts_resolve(html: Path):
    """Every local script a page refers to (require.js, embed-amd.js, MathJax, ...) exists."""
    broken = []
    for page, text in _pages(html).items():
        for url in SCRIPT_SRC.findall(text):
            path = urlsplit(url).path
            if not path or urlsplit(url).scheme:
                continue
            if not ((html / page).parent / path).resolve().is_file():
                broken.append(f"{page}: {url}")
    assert not broken, "scripts that do not exist in the build:\n" + "\n".join(broken)


def test_widget_pages_embed_state_and_local_manager(html: Path):
    pages = _pages(html)
    for chapter in CHAPTERS:
        nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state")
        text = pages[f"notebooks/{chapter}.html"]
        if state:
            assert WIDGET_STATE in text, f"{chapter}: widget state not embedded"
            srcs = SCRIPT_SRC.findall(text)
            for needed in ("_static/requirejs/require.js", "_static/require-paths.js",
                           "_static/html-manager/dist/embed-amd.js"):
                assert any(needed in s for s in srcs), f"{chapter}: no {needed} script"
            order = [next(i for i, s in enumerate(srcs) if n in s) for n in
                     ("requirejs/require.js", "require-paths.js", "embed-amd.js")]
            assert order == sorted(order), f"{chapter}: widget scripts out of order: {srcs}"
        else:
            assert WIDGET_STATE not in text


def test_math_uses_vendored_mathjax(html: Path):
    pages = _pages(html)
    mathjax = [p for p, t in pages.items() if "mathjax/es5/tex-chtml.js" in t]
    assert "book/intro.html" in mathjax, "the landing page has math but does not load the vendored MathJax"
    assert not [p for p, t in pages.items() if re.search(r"src=\"https?://[^\"]*mathjax", t, re.I)]


def test_glued_numbers_on_prose_pages(html: Path):
    pages = _pages(html)
    intro = pages["book/intro.html"]
    pasted = re.findall(r"class=\"pasted-text\">([^<]*)<", intro)
    assert pasted and all(p.strip() for p in pasted), f"glued values missing on the landing page: {pasted}"
    assert any(re.fullmatch(r"\d{1,3}\.\d%", p) for p in pasted), f"no accuracy (percentage) on the landing page: {pasted}"
    assert any(re.fullmatch(r"\d{1,3}(?:,\d{3})*", p) for p in pasted), f"no parameter count on the landing page: {pasted}"
    teaching = re.findall(r"class=\"pasted-text\">([^<]*)<", pages["book/teaching.html"])
    assert len([p for p in teaching if re.fullmatch(r"\d+", p)]) >= 4, f"chapter timings (seconds) missing: {teaching}"


def test_no_script_declares_a_global_twice(html: Path):
    """Two inline scripts declaring the same `const` make the browser log an error (this is
    how sphinx-thebe's THEBE_JS_URL used to appear twice on every page)."""
    doubled = []
    for page, text in _pages(html).items():
        names = re.findall(r"<script>\s*const\s+(\w+)\s*=", text)
        doubled += [f"{page}: {n}" for n in sorted(set(names)) if names.count(n) > 1]
    assert not doubled, "globals declared twice:\n" + "\n".join(doubled)
    assert not [p for p, t in _pages(html).items() if "THEBE_JS_URL" in t], "sphinx-thebe is back"


def test_glossary_terms_are_linked_from_the_chapters(html: Path):
    pages = _pages(html)
    for chapter in CHAPTERS:
        assert 'href="../book/glossary.html#term-' in pages[f"notebooks/{chapter}.html"], \
            f"{chapter}: no link to the glossary"



def test_widget_fonts_are_served_where_the_manager_looks(html: Path):
    """require-paths.js points every @jupyter-widgets module (and the assets path) at the
    vendored html-manager folder, which holds the icon fonts; without it the controls module
    asks for them under <page folder>/@jupyter-widgets/, where nothing is served."""
    script = (html / "_static" / "require-paths.js").read_text(encoding="utf-8")
    for name in ("base", "controls", "html-manager"):
        assert f'"{name}"' in script, f"require-paths.js does not map @jupyter-widgets/{name}"
    assert "__jupyter_widgets_assets_path__" in script
    assert list((html / "_static" / "html-manager" / "dist").glob("*.woff2"))


def test_the_appendix_lists_every_look_at_the_test_set(html: Path):
    page = (html / "book" / "test_looks.html").read_text(encoding="utf-8")
    looks = [json.loads(line) for line in (ROOT / "ledger" / "test_looks.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    table = re.search(r'<table[^>]*test-looks.*?</table>', page, re.S)
    assert table and looks, "the appendix has no table of looks"
    assert table.group(0).count("<tr") == len(looks) + 1  # a header and one row per look
    assert f"{100 * looks[0]['test_acc']:.2f}%" in table.group(0) and "by hand" in table.group(0)


def _section(page: str, anchor: str) -> str:
    """The HTML of the section ``id="anchor"`` of a page, up to the next section's start or end."""
    start = page.index(f'<section id="{anchor}"')
    ends = [i for i in (page.find("<section", start + 1), page.find("</section>", start)) if i != -1]
    return page[start:min(ends)]


def test_chapters_7_and_11_link_the_test_set_log_where_they_state_test_accuracy(html: Path):
    def links(chapter: str, anchor: str) -> bool:
        page = (html / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
        return 'href="../book/test_looks.html"' in _section(page, anchor)

    assert links("07_better_cnn", "the-test-set-once"), "chapter 7 does not link the test-set log where it states test accuracy"
    assert links("11_speedrun", "five-seeds-and-the-test-pictures-once"), "chapter 11 does not link the test-set log there"
    assert not links("03_plain_network", "the-test-set-once")  # the check can fail

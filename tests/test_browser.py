"""The book in a real browser: JupyterLab runs the chapters, the static book works offline.

Playwright drives Debian's chromium (/usr/bin/chromium, installed by .ci/system-packages;
nothing is ever downloaded). Screenshots of every chapter in both places are written to
_build/screenshots/ for review.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from apparel_lib.figures.questions import QUESTIONS
from apparel_lib.figures.selfcheck import self_check
from apparel_lib.figures.spatial import TRANSFORMS, row_similarity, transform_picture
from tests.helpers import alt_text_problem, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from lab_glossary import glossary_entries

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPLORER_CHAPTER = "02_flattening"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
CAPTION = re.compile(r"cosine similarity of the two rows: (-?\d\.\d{3})")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `bash .ci/system-packages` installs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make setup`")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors and failed or outside requests are recorded."""

    def __init__(self, browser, *, allow: re.Pattern[str], viewport: dict[str, int] | None = None) -> None:
        self.page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("console", lambda m: m.type == "warning" and self.warnings.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))

        def guard(route):
            if allow.match(route.request.url):
                route.continue_()
            else:
                self.failed.append(f"outside request {route.request.url}")
                route.abort()

        self.page.route("**/*", guard)

    def close(self) -> None:
        self.page.close()


def visible_caption(page) -> float:
    texts = page.locator(".similarity").filter(visible=True).all_inner_texts()
    assert len(texts) == 1, f"expected one visible explorer caption, found {texts}"
    return float(CAPTION.fullmatch(texts[0].strip()).group(1))


def check_explorer_responds(page, data) -> None:
    """Move the slider one step and pick another transformation: the caption follows, with the
    library's numbers. Raises AssertionError when the explorer does not respond."""
    page.locator(".widget-slider").first.wait_for(state="visible", timeout=30_000)
    names = list(TRANSFORMS)
    select = page.locator(".widget-dropdown select").first
    start_name = names[select.evaluate("s => s.selectedIndex")]

    def expected(i, name):
        return round(row_similarity(data.test_images[i], transform_picture(data.test_images[i], name)), 3)

    assert visible_caption(page) == expected(0, start_name)
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert visible_caption(page) == expected(1, start_name), "moving the slider did not change the view"
    other = next(n for n in names if n != start_name and expected(1, n) != expected(1, start_name))
    select.select_option(index=names.index(other))
    page.wait_for_timeout(300)
    assert visible_caption(page) == expected(1, other), "changing the transformation did not change the view"


# --- the static book, opened from disk ----------------------------------------------------------

FILE_ONLY = re.compile(r"^(file:|data:|blob:|about:)")


def open_book_page(browser, html: Path, page: str, viewport: dict[str, int] | None = None) -> Watched:
    w = Watched(browser, allow=FILE_ONLY, viewport=viewport)
    w.page.goto((html / page).as_uri(), wait_until="load")
    w.page.wait_for_load_state("networkidle")
    return w


def book_pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html") if not p.relative_to(html).as_posix().startswith("_"))


@dataclass
class PageVisit:
    """What one visit to a page of the built book found (:func:`survey`)."""

    load: list[str]  # console errors, failed or outside requests, images that did not load
    overflow: list[str]  # blocks wider than the column at 1280 px (overflowing_blocks)
    alts: list[tuple[bool, str]]  # images whose alt text does not say what they show (image_alt_problems)
    text: str  # the article's text, as a reader sees it
    axe: dict[str, list[str]] = field(default_factory=dict)  # axe-core's violations in each colour mode


THEME_IS = "mode => !document.documentElement.dataset.mode || document.documentElement.dataset.theme === mode"
"""Whether the page shows the colour mode ``mode`` (a page without the theme, such as a redirect, always does)."""
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"
BROKEN_IMAGES_JS = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"


@pytest.fixture(scope="module")
def survey(browser, built_book) -> dict[str, PageVisit]:
    """Every page of the built book, visited once at 1280 px for the checks that look at every page:
    first in light mode (loading, widths, alt text, the text, axe), then switched to dark mode on
    the same page (the theme follows the system's colour scheme as it changes) for axe again.
    Chapters are screenshotted whole into _build/screenshots/."""
    visits = {}
    for page in book_pages(built_book):
        w = Watched(browser, allow=FILE_ONLY)
        w.page.emulate_media(color_scheme=COLOUR_MODES[0])
        w.page.goto((built_book / page).as_uri(), wait_until="load")
        w.page.wait_for_load_state("networkidle")
        rendered(w.page)
        broken = w.page.evaluate(BROKEN_IMAGES_JS)
        load = ([f"console error {e}" for e in w.errors] + [f"request {f}" for f in w.failed]
                + [f"image did not load {b[:80]}" for b in broken])
        if page.startswith("notebooks/"):
            w.page.screenshot(path=SCREENSHOTS / f"book-{Path(page).stem}.png", full_page=True)
        article = w.page.locator("article")
        visit = PageVisit(load, overflowing_blocks(w.page), image_alt_problems(w.page),
                          article.first.inner_text() if article.count() else "")
        for mode in COLOUR_MODES:
            if mode != COLOUR_MODES[0]:  # switched in place: the theme's colour transitions would be caught half-way
                w.page.add_style_tag(content=NO_TRANSITIONS)
            w.page.emulate_media(color_scheme=mode)
            w.page.wait_for_function(THEME_IS, arg=mode, timeout=10_000)
            visit.axe[mode] = axe_violations(w.page)
        visits[page] = visit
        w.close()
    return visits


def test_every_page_loads_offline_without_errors(survey):
    problems = [f"{page}: {p}" for page, visit in survey.items() for p in visit.load]
    assert not problems, "\n".join(problems)


def test_math_renders(browser, built_book):
    w = open_book_page(browser, built_book, "book/intro.html")
    w.page.locator("mjx-container").first.wait_for(timeout=30_000)
    assert w.page.locator("mjx-container").count() >= 1
    w.close()


# --- numbers cited in the prose ({eval}, book/_ext/stored_eval.py) -----------------------------

RAW_MYST = re.compile(r"\{(eval|glue:text|glue|term)\}")


def cited_numbers(chapter: str) -> list[tuple[int, str]]:
    """(Markdown cell index, shown text) of every value the chapter's prose cites with {eval},
    as stored by `make execute`."""
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    assert any("{eval}" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"), \
        f"{chapter}.ipynb predates its .py, which cites values with {{eval}}: run `make execute`"
    cited = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown" and "{eval}" in "".join(cell["source"]):
            stored = cell["metadata"].get("user_expressions")
            assert stored, f"{chapter}: Markdown cell {i + 1} cites values but none are stored: run `make execute`"
            cited += [(i, re.sub(r"^(['\"])(.*)\1$", r"\2", s["result"]["data"]["text/plain"])) for s in stored]
    return cited


CITING = [c for c in CHAPTERS if "{eval}" in (ROOT / "notebooks" / f"{c}.py").read_text(encoding="utf-8")]


def test_some_chapter_cites_computed_numbers():
    assert CITING, "no chapter cites a number with {eval}: the checks below would check nothing"


@pytest.mark.parametrize("chapter", CITING)
def test_the_book_shows_the_numbers_the_prose_cites(survey, chapter):
    text = survey[f"notebooks/{chapter}.html"].text
    missing = [shown for _, shown in cited_numbers(chapter) if shown not in text]
    assert not missing, f"{chapter}: cited values not shown in the book: {missing}"
    assert not RAW_MYST.search(text), f"{chapter}: raw MyST in the book: {RAW_MYST.search(text).group(0)}"


# --- nothing is clipped at a laptop's width --------------------------------------------------------

OVERFLOW_JS = """() => {
  const main = document.querySelector('article.bd-article');
  if (!main) return [];  // a redirect (index.html)
  const article = main.getBoundingClientRect();
  const scrolls = e => { for (let p = e.parentElement; p && p.tagName !== 'ARTICLE'; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return p; } return null; };
  const problems = [];
  for (const e of document.querySelectorAll('article.bd-article pre, article.bd-article table, article.bd-article img')) {
    if (!e.offsetParent) continue;  // hidden (e.g. a folded cell)
    const what = `${e.tagName.toLowerCase()} "${(e.innerText || e.alt || e.src || '').trim().slice(0, 60)}"`;
    const box = scrolls(e);
    if (e.tagName === 'PRE' && e.scrollWidth > e.clientWidth + 1) problems.push(`${what} is ${e.scrollWidth - e.clientWidth} px wider than its box`);
    else if (box && e.tagName === 'TABLE') { if (box.getBoundingClientRect().right > article.right + 1) problems.push(`${what}: its scrolling box runs past the page`); }
    else if (e.getBoundingClientRect().right > article.right + 1) problems.push(`${what} runs ${Math.round(e.getBoundingClientRect().right - article.right)} px past the page`);
  }
  return problems; }"""


def overflowing_blocks(page) -> list[str]:
    """Code and output blocks (and tables, figures) on the open page that do not fit at its width;
    a table may instead scroll inside a box that fits."""
    return page.evaluate(OVERFLOW_JS)


def test_no_code_or_output_block_overflows_at_1280_px(survey):
    problems = [f"{page}: {p}" for page, visit in survey.items() for p in visit.overflow]
    assert not problems, "\n".join(problems)


def test_an_overflowing_block_is_caught(browser, built_book):
    """Proof that the check can fail: an 88-column line in 20 px type does not fit."""
    w = open_book_page(browser, built_book, f"notebooks/{EXPLORER_CHAPTER}.html")
    w.page.evaluate("() => { const p = document.querySelector('article.bd-article div.highlight pre');"
                    " p.style.fontSize = '20px'; p.textContent = 'x'.repeat(88); }")
    assert any("wider than its box" in p for p in overflowing_blocks(w.page))
    w.close()



# --- tables fit their column, without scrolling, at 1280 px ------------------------------------------

WIDE_TABLES_JS = """selector => {
  const main = document.querySelector('article.bd-article');
  if (!main) return [];
  const right = main.getBoundingClientRect().right;
  return [...main.querySelectorAll(selector)].filter(t => t.offsetParent)
    .filter(t => t.getBoundingClientRect().right > right + 1 || t.scrollWidth > t.parentElement.clientWidth + 1)
    .map(t => `table "${t.innerText.trim().slice(0, 60)}" is ${Math.round(t.scrollWidth)} px wide in ${Math.round(main.clientWidth)}`); }"""

SHOW_TABLE_JS = """html => { const t = document.querySelector('article.bd-article table.dataframe');
  const box = document.createElement('div'); box.innerHTML = html;
  box.firstElementChild.setAttribute('data-shown', ''); t.replaceWith(box.firstElementChild); }"""


def wide_tables(page, selector: str = "table") -> list[str]:
    """Tables on the open page (those ``selector`` picks) wider than the column; a table that
    fits only by scrolling counts."""
    return page.evaluate(WIDE_TABLES_JS, selector)


def _chapter10_tables():
    """Chapter 10's two trial tables (its ten best trials and its live trials) as the chapter
    shows them now, from the shipped study."""
    import shutil
    import tempfile

    from apparel_lib.book_plans.study import open_chapter_study, study_journal
    from apparel_lib.tuning.report import compact_trials, trial_table

    with tempfile.TemporaryDirectory() as folder:  # a copy, as the chapter reads it: opening writes to the journal
        study = open_chapter_study(shutil.copy(study_journal(), Path(folder) / "chapter10.journal"))
        trials = trial_table(study).drop(columns=["seconds"])
    pruned = trials[trials["state"] == "pruned"].tail(2)
    return trials, [compact_trials(trials.sort_values("val_acc", ascending=False).head(10)), compact_trials(pruned)]


def _chapter11_attempts():
    import json

    import pandas as pd

    record = json.loads((ROOT / "notebooks" / "records" / "speedrun_attempts.json").read_text(encoding="utf-8"))
    attempts = pd.DataFrame(record["attempts"])
    attempts["val %"] = 100 * attempts["val_acc"]
    return attempts[["name", "why", "tflops", "seconds", "val %"]].round(2)


def test_the_trial_and_attempt_tables_fit_the_column_at_1280_px(browser, built_book):
    """Chapters 10 and 11's tables as their cells make them now, shown in their pages (so the
    check does not wait for the chapters to be executed again)."""
    from apparel_lib.figures.tables import whole

    _, tables = _chapter10_tables()
    shown = {"10_tuning": [t.to_html(classes="dataframe") for t in tables],
             "11_speedrun": [whole(_chapter11_attempts())._repr_html_()]}
    problems = []
    for chapter, htmls in shown.items():
        for html in htmls:
            w = open_book_page(browser, built_book, f"notebooks/{chapter}.html")
            w.page.evaluate(SHOW_TABLE_JS, html)
            problems += [f"{chapter}: {p}" for p in wide_tables(w.page, "table[data-shown]")]
            w.close()
    assert not problems, "\n".join(problems)


def test_a_wide_table_is_caught(browser, built_book):
    """Planted fault: chapter 10's ten best trials as they were (long headers, lr as 1.7e-03)."""
    trials, _ = _chapter10_tables()
    old = (trials.round(4).assign(lr=trials["lr"].map("{:.1e}".format))
           .sort_values("val_acc", ascending=False).head(10))
    w = open_book_page(browser, built_book, "notebooks/10_tuning.html")
    w.page.evaluate(SHOW_TABLE_JS, old.to_html(classes="dataframe"))
    assert wide_tables(w.page, "table[data-shown]")
    w.close()

# --- on a phone (390x844) and a laptop (1280x900) -------------------------------------------------

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


def sidebar_shown(page) -> bool:
    """Whether the chapter list (primary sidebar) is on screen, in the page or as a drawer."""
    return page.evaluate("""() => [...document.querySelectorAll('.bd-sidebar-primary')].some(s => {
        const r = s.getBoundingClientRect(), cs = getComputedStyle(s);
        return cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 50 && r.right > 50 && r.left < innerWidth; })""")


@pytest.mark.parametrize("size", SIZES)
def test_the_sidebar_toggle_opens_and_closes_the_chapter_list(browser, built_book, size):
    w = open_book_page(browser, built_book, f"notebooks/{EXPLORER_CHAPTER}.html", SIZES[size])
    toggle = w.page.locator(".primary-toggle").filter(visible=True)
    assert toggle.count() == 1, f"{size}: {toggle.count()} visible sidebar toggles"
    before = sidebar_shown(w.page)
    toggle.first.click()
    w.page.wait_for_timeout(500)
    after = sidebar_shown(w.page)
    w.page.screenshot(path=SCREENSHOTS / f"book-sidebar-{size}.png")
    if size == "phone":  # the drawer closes with Escape
        w.page.keyboard.press("Escape")
    else:
        toggle.first.click()
    w.page.wait_for_timeout(500)
    again = sidebar_shown(w.page)
    assert not w.errors, w.errors
    w.close()
    assert after != before, f"{size}: the sidebar toggle did not change the sidebar (shown: {before})"
    assert again == before, f"{size}: the sidebar did not go back (shown: {again}, was {before})"


EXPLORER_FIT_JS = """() => {
  const row = document.querySelector('.cell_output .widget-hbox');
  const track = document.querySelector('.cell_output .widget-slider .noUi-target');
  const controls = [...row.children].map(c => c.getBoundingClientRect());
  return {track: track.getBoundingClientRect().width, right: Math.max(...controls.map(r => r.right)),
          left: Math.min(...controls.map(r => r.left)), screen: innerWidth,
          page: document.scrollingElement.scrollWidth}; }"""


@pytest.mark.parametrize("size", SIZES)
def test_the_explorer_fits_and_works(browser, built_book, data, size):
    """The explorer's controls fit the screen, its slider has a track to drag, and it responds."""
    w = open_book_page(browser, built_book, f"notebooks/{EXPLORER_CHAPTER}.html", SIZES[size])
    w.page.locator(".widget-slider").first.wait_for(state="visible", timeout=30_000)
    w.page.locator(".widget-slider").first.scroll_into_view_if_needed()
    fit = w.page.evaluate(EXPLORER_FIT_JS)
    w.page.screenshot(path=SCREENSHOTS / f"book-{EXPLORER_CHAPTER}-explorer-{size}.png")
    check_explorer_responds(w.page, data)
    w.close()
    assert fit["track"] >= 100, f"{size}: the slider's track is {fit['track']:.0f} px wide"
    assert fit["left"] >= 0 and fit["right"] <= fit["screen"], f"{size}: the controls do not fit the screen: {fit}"
    assert fit["page"] <= fit["screen"], f"{size}: the page scrolls sideways: {fit}"


def test_navigation_reaches_every_chapter(browser, built_book):
    w = open_book_page(browser, built_book, "index.html")
    links = w.page.locator("nav.bd-links a, .bd-sidebar a").evaluate_all("as => as.map(a => a.href)")
    w.close()
    reached = {Path(link.split("#")[0]).stem for link in links}
    assert set(CHAPTERS) <= reached, f"the navigation does not link to {sorted(set(CHAPTERS) - reached)}"
    w = open_book_page(browser, built_book, "book/intro.html")
    visited = []
    for _ in range(len(CHAPTERS) + 6):  # follow "next" from the landing page to the end
        visited.append(Path(w.page.url).stem)
        nxt = w.page.locator("a.right-next")
        if not nxt.count():
            break
        nxt.first.click()
        w.page.wait_for_load_state("load")
    w.close()
    assert [c for c in visited if c in CHAPTERS] == CHAPTERS


def test_the_static_explorer_responds(browser, built_book, data):
    w = open_book_page(browser, built_book, f"notebooks/{EXPLORER_CHAPTER}.html")
    check_explorer_responds(w.page, data)
    w.page.locator(".widget-slider").first.scroll_into_view_if_needed()
    w.page.screenshot(path=SCREENSHOTS / f"book-{EXPLORER_CHAPTER}-explorer.png")
    w.close()


def without_links(built_book: Path, tmp_path: Path, chapter: str) -> Path:
    """A copy of the built book whose ``chapter`` page has its browser-side links removed."""
    copy = tmp_path / "html"
    shutil.copytree(built_book, copy)
    page = copy / "notebooks" / f"{chapter}.html"
    text = page.read_text(encoding="utf-8")
    pattern = re.compile(r'(<script type="application/vnd.jupyter.widget-state\+json">)(.*?)(</script>)', re.S)
    match = pattern.search(text)
    assert match, "no widget state on the explorer's page"
    state = json.loads(match.group(2))
    links = [k for k, v in state["state"].items() if v["model_name"] == "LinkModel"]
    assert links
    for key in links:
        del state["state"][key]
    page.write_text(text[: match.start(2)] + json.dumps(state) + text[match.end(2):], encoding="utf-8")
    return copy


def test_a_broken_explorer_is_caught(browser, built_book, data, tmp_path):
    """Proof that the check can fail: the same page with the browser-side links removed."""
    copy = without_links(built_book, tmp_path, EXPLORER_CHAPTER)
    w = open_book_page(browser, copy, f"notebooks/{EXPLORER_CHAPTER}.html")
    with pytest.raises(AssertionError, match="did not change the view"):
        check_explorer_responds(w.page, data)
    w.close()


MAP_CHAPTER = "08_what_it_sees"
MAP_CAPTION = re.compile(r"(.+) · (conv \d) · channel (\d+) · strongest response (\d+\.\d{3})")


def visible_map_caption(page) -> tuple[str, ...]:
    texts = page.locator(".map-caption").filter(visible=True).all_inner_texts()
    assert len(texts) == 1, f"expected one visible feature-map caption, found {texts}"
    return MAP_CAPTION.fullmatch(texts[0].strip()).groups()


def check_map_explorer_responds(page) -> None:
    """Pick another picture, another layer and another channel: the visible view follows each."""
    select = page.locator(".widget-dropdown select").first
    select.wait_for(state="visible", timeout=30_000)
    options = [o.replace("\xa0", " ") for o in select.evaluate("s => Array.from(s.options).map(o => o.text)")]
    picture, layer, channel, _ = visible_map_caption(page)
    assert (picture, layer, channel) == (options[0], "conv 1", "0")
    select.select_option(index=1)
    page.wait_for_timeout(300)
    assert visible_map_caption(page)[0] == options[1], "changing the picture did not change the view"
    page.locator(".widget-toggle-buttons button", has_text="conv 3").first.click()
    page.wait_for_timeout(300)
    assert visible_map_caption(page)[1] == "conv 3", "changing the layer did not change the view"
    page.locator(".widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert visible_map_caption(page)[:3] == (options[1], "conv 3", "1"), "moving the slider did not change the view"


def test_the_static_feature_map_explorer_responds(browser, built_book):
    w = open_book_page(browser, built_book, f"notebooks/{MAP_CHAPTER}.html")
    check_map_explorer_responds(w.page)
    w.page.locator(".map-caption").filter(visible=True).first.scroll_into_view_if_needed()
    w.page.screenshot(path=SCREENSHOTS / f"book-{MAP_CHAPTER}-explorer.png")
    assert not w.errors, w.errors
    w.close()


def test_a_broken_feature_map_explorer_is_caught(browser, built_book, tmp_path):
    copy = without_links(built_book, tmp_path, MAP_CHAPTER)
    w = open_book_page(browser, copy, f"notebooks/{MAP_CHAPTER}.html")
    with pytest.raises(AssertionError, match="did not change the view"):
        check_map_explorer_responds(w.page)
    w.close()


# --- accessibility: axe-core (WCAG 2.0/2.1 A and AA), alt text, named controls ------------------

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"  # vendored by tests/vendor/fetch.sh
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")
AXE_RUN_JS = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.map(n => n.target.join(' '))})); }"""
COLOUR_MODES = ("light", "dark")  # the book follows the reader's system setting (default_mode: auto)


def rendered(page) -> None:
    """Wait until the page's stored widgets are drawn, so checks see what a reader sees."""
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        page.locator(".cell_output .jupyter-widgets").first.wait_for(state="attached", timeout=30_000)
        page.wait_for_timeout(500)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the open page, one line each, most severe first."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN_JS, WCAG)
    order = ["critical", "serious", "moderate", "minor"]
    return [f"{v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} at {', '.join(v['nodes'][:4])}"
            for v in sorted(found, key=lambda v: order.index(v["impact"]) if v["impact"] in order else 9)]


def open_for_axe(browser, html: Path, page: str, mode: str) -> Watched:
    w = Watched(browser, allow=FILE_ONLY)
    w.page.emulate_media(color_scheme=mode)
    w.page.goto((html / page).as_uri(), wait_until="load")
    w.page.wait_for_load_state("networkidle")
    rendered(w.page)
    return w


def test_axe_finds_no_critical_or_serious_violation_on_any_page(survey):
    """Every page, in light and dark mode: 0 critical and 0 serious violations; the moderate and
    minor ones are printed (run pytest with -rP to see them) and raised as one warning."""
    blocking, other = [], []
    for mode in COLOUR_MODES:
        for page, visit in survey.items():
            for line in visit.axe[mode]:
                (blocking if line.startswith(BLOCKING) else other).append(f"{page} ({mode}): {line}")
    print("axe, moderate and minor violations:", *(other or ["none"]), sep="\n  ")
    if other:
        warnings.warn("axe found moderate or minor violations:\n" + "\n".join(other), stacklevel=1)
    assert not blocking, "axe: critical or serious violations:\n" + "\n".join(blocking)


def test_axe_catches_a_planted_serious_violation(browser, built_book):
    """Proof that the check can fail: light grey text on white (color-contrast, serious) and a
    slider whose description is empty, so its handle has no name (aria-input-field-name, serious),
    planted in a chapter."""
    w = open_for_axe(browser, built_book, f"notebooks/{EXPLORER_CHAPTER}.html", "light")
    assert not [v for v in axe_violations(w.page) if v.startswith(BLOCKING)]
    w.page.evaluate("""() => { const article = document.querySelector('article.bd-article');
        article.insertAdjacentHTML('afterbegin', '<p style="color:#ddd;background:#fff">planted pale text</p>');
        document.querySelector('.widget-slider > .widget-label').textContent = '';
        document.querySelector('.widget-slider [role=slider]').removeAttribute('aria-labelledby'); }""")
    found = axe_violations(w.page)
    w.close()
    assert any(v.startswith("serious color-contrast") for v in found), found
    assert any(v.startswith("serious aria-input-field-name") for v in found), found


IMAGES_JS = """() => Array.from(document.images).map(i => ({alt: i.getAttribute('alt'), src: i.src.slice(0, 80),
    widget: !!i.closest('.jupyter-widgets')}))"""
OLD_EXPLORER_ALTS = ("alt='picture'", "alt='feature map'")  # apparel_lib's explorer images before flatten_alt / map_alts


def image_alt_problems(page) -> list[tuple[bool, str]]:
    """(inside a widget, why) for each image on the open page whose alt text does not say what it shows."""
    return [(i["widget"], f"{alt_text_problem(i['alt'])} ({i['src']})") for i in page.evaluate(IMAGES_JS)
            if alt_text_problem(i["alt"])]


def test_every_image_on_every_page_says_what_it_shows(survey):
    """Figures take their alt text from the chapters' cell metadata (tests/test_alt_text.py), the
    explorers' images from apparel_lib (flatten_alt, map_alts; tests/test_widgets.py)."""
    problems, stale = [], []
    for page, visit in survey.items():
        for in_widget, problem in visit.alts:
            chapter = ROOT / "notebooks" / f"{Path(page).stem}.ipynb"
            old = in_widget and chapter.is_file() and any(a in chapter.read_text(encoding="utf-8") for a in OLD_EXPLORER_ALTS)
            (stale if old else problems).append(f"{page}: {problem}")
    assert not problems, "images without meaningful alt text:\n" + "\n".join(problems)
    if stale:  # the stored widget state is the library's old output; re-executing the chapter renews it
        pytest.xfail("explorer images stored before apparel_lib named them; re-execute: " + "; ".join(stale))


def test_an_image_without_meaningful_alt_text_is_caught(browser, built_book):
    w = open_for_axe(browser, built_book, "notebooks/01_apparel_data.html", "light")
    assert not image_alt_problems(w.page)
    w.page.evaluate("() => { const [a, b] = document.querySelectorAll('article img');"
                    " a.alt = '../_images/03e6a1.png'; b.alt = 'picture'; }")
    found = image_alt_problems(w.page)
    w.close()
    assert [p.split(":")[0] for _, p in found] == ["alt text is a path", "alt text is a generic word"], found


FOCUSED_JS = """() => { const e = document.activeElement;
  const by = (e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)?.textContent || '').join(' ').trim();
  const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
  return {role: e.getAttribute('role') || e.tagName.toLowerCase(), name: (e.getAttribute('aria-label') || by || label || e.textContent).trim()}; }"""
EXPLORER_CONTROLS = {EXPLORER_CHAPTER: [("slider", "image"), ("textbox", "image"), ("select", "transform")],
                     MAP_CHAPTER: [("select", "picture"), ("slider", "channel"), ("textbox", "channel"),
                                   ("button", "conv 1"), ("button", "conv 2"), ("button", "conv 3"), ("button", "conv 4")]}


def tab_through_explorer(page) -> list[tuple[str, str]]:
    """(role, accessible name) of each control the Tab key reaches, from the explorer's first control on."""
    first = page.locator(".cell_output .jupyter-widgets :is(select, [role=slider])").first
    first.wait_for(state="visible", timeout=30_000)
    first.focus()
    reached = []
    while page.evaluate("() => !!document.activeElement.closest('.cell_output .jupyter-widgets')"):
        focused = page.evaluate(FOCUSED_JS)
        reached.append((focused["role"], focused["name"]))
        page.keyboard.press("Tab")
    return reached


@pytest.mark.parametrize("chapter", list(EXPLORER_CONTROLS))
def test_every_explorer_control_is_named_and_reached_by_keyboard(browser, built_book, chapter):
    """Tab reaches every control of the explorer, each with its description as its accessible name,
    and the keys change the view (a slider's arrows, a list's arrows, a button's Enter)."""
    w = open_book_page(browser, built_book, f"notebooks/{chapter}.html")
    reached = tab_through_explorer(w.page)
    assert reached == EXPLORER_CONTROLS[chapter], reached
    caption = ".similarity" if chapter == EXPLORER_CHAPTER else ".map-caption"
    shown = lambda: w.page.locator(caption).filter(visible=True).all_inner_texts()  # noqa: E731
    for kind, key in (("[role=slider]", "ArrowRight"), ("select", "ArrowDown"), ("button:not(.mod-active)", "Enter")):
        control = w.page.locator(f".cell_output .jupyter-widgets {kind}").first
        if not control.count():
            continue
        before = shown()
        control.focus()
        w.page.keyboard.press(key)
        w.page.wait_for_timeout(300)
        assert shown() != before, f"{chapter}: {key} on the explorer's {kind} did not change the view"
    assert not w.errors, w.errors
    w.close()


def test_an_unnamed_explorer_control_is_caught(browser, built_book):
    w = open_book_page(browser, built_book, f"notebooks/{MAP_CHAPTER}.html")
    w.page.locator(".widget-slider [role=slider]").first.wait_for(state="visible", timeout=30_000)
    w.page.evaluate("() => { const h = document.querySelector('.widget-slider [role=slider]');"
                    " h.removeAttribute('aria-labelledby'); h.setAttribute('data-planted', ''); }")
    reached = tab_through_explorer(w.page)
    w.close()
    assert ("slider", "") in reached and reached != EXPLORER_CONTROLS[MAP_CHAPTER]


# --- JupyterLab over a throw-away copy of the notebooks -----------------------------------------


LAB_SETTINGS = ROOT / "scripts" / "lab-settings"
LAB_CONFIG = LAB_SETTINGS / "jupyter_server_config.py"
"""The server's settings: the chapters shown with the book's glossary (book/_ext/lab_glossary.py)."""


def test_make_lab_uses_the_lab_settings():
    """`make lab` starts JupyterLab with the settings the tests use (news prompt off, glossary)."""
    recipe = subprocess.run(["make", "-n", "lab", "STAMP=Makefile"], cwd=ROOT, capture_output=True,
                            text=True).stdout
    assert f"--LabApp.app_settings_dir={LAB_SETTINGS.relative_to(ROOT)}" in recipe, recipe
    assert f"--config={LAB_CONFIG.relative_to(ROOT)}" in recipe, recipe
    overrides = json.loads((LAB_SETTINGS / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def _settings(folder: Path) -> None:
    """Every cell rendered (no windowing), so checks see all outputs. (No news or update pop-ups
    comes from LAB_SETTINGS, as in `make lab`.)"""
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def running_lab(root: Path, *options: str) -> Iterator[str]:
    """JupyterLab on a free 127.0.0.1 port with a token, over a copy of the notebooks in ``root``
    (with ``options`` added to its command line); shut down after."""
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    _settings(root / ".settings")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
               f"--LabApp.app_settings_dir={LAB_SETTINGS}", *options]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(root / "lab.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (root / "lab.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "JupyterLab did not start in 90 s"
            time.sleep(0.5)
        yield f"{base}|{token}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """JupyterLab as `make lab` configures it, over a copy of the notebooks."""
    with running_lab(tmp_path_factory.mktemp("lab"), f"--config={LAB_CONFIG}") as url:
        yield url


@pytest.fixture(scope="module")
def lab_without_glossary(tmp_path_factory) -> Iterator[str]:
    """JupyterLab without the server settings (the glossary fix removed), for the proof below."""
    with running_lab(tmp_path_factory.mktemp("lab-plain")) as url:
        yield url


def open_in_lab(browser, lab: str, chapter: str, *, kernel: bool = False) -> Watched:
    """The chapter open in JupyterLab; with ``kernel``, also wait until its kernel is idle."""
    base, token = lab.split("|")
    w = Watched(browser, allow=re.compile(rf"^({re.escape(base)}|ws://127\.0\.0\.1|data:|blob:|about:)"))
    # A workspace of its own, reset: only this notebook is open, whatever was opened before.
    w.page.goto(f"{base}/lab/workspaces/{chapter}/tree/{chapter}.ipynb?reset&token={token}", wait_until="load")
    w.page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    # JupyterLab may ask which kernel to start: accept the notebook's own (python3), preselected.
    dialog = w.page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    idle = w.page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\|\s*Idle"))
    deadline = time.monotonic() + 120
    while kernel or dialog.count():
        if dialog.count():
            dialog.locator(".jp-mod-accept").click()
        elif idle.count():
            break
        assert time.monotonic() < deadline, f"{chapter}: the kernel did not become idle in 120 s"
        w.page.wait_for_timeout(250)
    return w


def test_lab_runs_chapter_2_and_its_explorer_responds(browser, lab, data):
    w = open_in_lab(browser, lab, EXPLORER_CHAPTER, kernel=True)
    page = w.page
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output').length === 0")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent);"
        " return p.length > 0 && p.every(t => /\\[\\d+\\]/.test(t)); }", timeout=240_000)
    errors = page.locator("[data-mime-type='application/vnd.jupyter.error'], [data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_inner_texts()
    try:
        check_explorer_responds(page, data)
    finally:
        page.screenshot(path=SCREENSHOTS / f"lab-{EXPLORER_CHAPTER}-run.png", full_page=True)
    page.locator(".widget-slider").first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"lab-{EXPLORER_CHAPTER}.png")
    w.close()


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c != EXPLORER_CHAPTER])
def test_lab_shows_each_chapters_stored_figures_and_tables(browser, lab, chapter):
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    tables = sum("<table" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    w = open_in_lab(browser, lab, chapter)
    page = w.page
    notebook = page.locator(".jp-NotebookPanel").filter(visible=True)
    assert notebook.count() == 1, f"{chapter}: {notebook.count()} notebooks visible"
    if figures:
        notebook.locator(".jp-OutputArea-output img").nth(figures - 1).wait_for(timeout=90_000)
    shown = notebook.locator(".jp-OutputArea-output img").evaluate_all("is => is.filter(i => i.naturalWidth > 0).length")
    assert shown >= figures, f"{chapter}: {shown} of {figures} stored figures rendered"
    assert notebook.locator(".jp-OutputArea-output table").count() >= tables
    page.screenshot(path=SCREENSHOTS / f"lab-{chapter}.png")
    w.close()


def test_lab_renders_myst_and_shows_the_numbers_the_prose_cites(browser, lab):
    """Opened, not run: jupyterlab-myst renders {term} and the other roles, and shows each value
    the prose cites from what `make execute` stored. No news prompt comes up (LAB_SETTINGS)."""
    chapter = CITING[0]
    w = open_in_lab(browser, lab, chapter)
    cells = w.page.locator(".jp-NotebookPanel").filter(visible=True).locator(".jp-Notebook .jp-Cell")
    cells.first.wait_for(timeout=60_000)
    cited = cited_numbers(chapter)
    w.page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length >= n",
                             arg=max(i for i, _ in cited) + 1, timeout=60_000)
    # jupyterlab-myst renders each Markdown cell on its own time; a loaded machine needs longer.
    deadline = time.monotonic() + 60
    while True:
        missing = [(i, shown) for i, shown in cited if shown not in cells.nth(i).inner_text()]
        if not missing or time.monotonic() > deadline:
            break
        w.page.wait_for_timeout(500)
    markdown = "\n".join(w.page.locator(".jp-MarkdownCell").all_inner_texts())
    news = w.page.get_by_text("official Jupyter news").count()
    w.page.screenshot(path=SCREENSHOTS / f"lab-{chapter}-myst.png")
    w.close()
    assert not missing, f"{chapter}: cited values not shown in JupyterLab (cell index, value): {missing}"
    assert not RAW_MYST.search(markdown), f"{chapter}: raw MyST in JupyterLab: {RAW_MYST.search(markdown).group(0)}"
    assert news == 0, "JupyterLab asked about news: `make lab`'s settings were not applied"


# --- {term} links in JupyterLab lead to the glossary entry -------------------------------------

TERM_CHAPTER = "03_plain_network"
TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)\s*(?:<([^>]*)>)?`")
NOT_FOUND = "Cross reference target was not found"
UNRESOLVED_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell a.hover-link')]
    .filter(a => !(a.getAttribute('href') || '').startsWith('#term-') || !document.getElementById(a.getAttribute('href').slice(1)))
    .map(a => `${a.textContent} (href ${JSON.stringify(a.getAttribute('href'))})`)"""


def first_term(chapter: str) -> tuple[str, str]:
    """The shown text and the glossary term of the first {term} role in the chapter's prose."""
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    shown, target = TERM_ROLE.search(prose).groups()
    return " ".join(shown.split()), " ".join((target or shown).split())


def unresolved_terms(w: Watched, timeout_s: float = 30) -> list[str]:
    """The term links on the open page that lead nowhere, and the console's reports of targets
    not found, once jupyterlab-myst has rendered (given up to ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while True:
        links = w.page.locator(".jp-NotebookPanel .jp-MarkdownCell a.hover-link").count()
        bad = w.page.evaluate(UNRESOLVED_JS) if links else ["no term links rendered"]
        if not bad or time.monotonic() > deadline:
            return [f"term link leads nowhere: {b}" for b in bad] + [e for e in w.errors if NOT_FOUND in e]
        w.page.wait_for_timeout(500)


def summary(problems: list[str], prefix: str) -> str:
    """How many of ``problems`` start with ``prefix``, and the first one."""
    found = [p for p in problems if p.startswith(prefix)]
    return f"{len(found)} × {found[0][:120]!r}" if found else f"0 × {prefix!r}"


def check_term_leads_to_entry(w: Watched, chapter: str) -> None:
    """The chapter's first term link, hovered, shows its glossary entry's text and, clicked,
    scrolls to the entry; no term link leads nowhere and the console reports no missing target."""
    page = w.page
    shown, term = first_term(chapter)
    problems = unresolved_terms(w)
    assert not problems, f"{chapter}: {summary(problems, 'term link leads nowhere')}; console: {summary(problems, NOT_FOUND)}"
    entries = {t.lower(): d for t, d in glossary_entries((ROOT / "book" / "glossary.md").read_text(encoding="utf-8"))}
    words = " ".join(re.split(r"[{`$*]", entries[term.lower()])[0].split()[:5])
    link = page.locator(".jp-NotebookPanel .jp-MarkdownCell a.hover-link").filter(has_text=shown).first
    link.scroll_into_view_if_needed()
    link.hover()
    card = page.locator(".hover-document").filter(has_text=words)
    card.first.wait_for(timeout=10_000)
    page.screenshot(path=SCREENSHOTS / f"lab-{chapter}-term-hover.png")
    target = link.get_attribute("href")[1:]
    page.mouse.move(0, 0)
    link.click()
    page.wait_for_timeout(1000)
    entry = page.locator(f"[id='{target}']")
    assert entry.inner_text().strip().lower() == term.lower(), f"{chapter}: {target} is {entry.inner_text()!r}"
    assert entry.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"), \
        f"{chapter}: clicking {shown!r} did not bring its entry into view"
    page.screenshot(path=SCREENSHOTS / f"lab-{chapter}-term-entry.png")
    assert not w.errors, w.errors


def test_lab_term_link_leads_to_its_glossary_entry(browser, lab):
    w = open_in_lab(browser, lab, TERM_CHAPTER)
    try:
        check_term_leads_to_entry(w, TERM_CHAPTER)
        unsatisfied = [m for m in w.warnings if "Unsatisfied version" in m]
        assert not unsatisfied, unsatisfied  # jupyterlab-myst's compatibility warning changes nothing here
    finally:
        w.close()


def test_without_the_glossary_lab_term_links_lead_nowhere(browser, lab_without_glossary):
    """Proof that the check can fail: JupyterLab without `make lab`'s server settings."""
    w = open_in_lab(browser, lab_without_glossary, TERM_CHAPTER)
    try:
        with pytest.raises(AssertionError, match=rf"[1-9]\d* × 'term link leads nowhere.*console: [1-9]\d* × '{NOT_FOUND}"):
            check_term_leads_to_entry(w, TERM_CHAPTER)
    finally:
        w.close()


# --- self-check questions, answered in the book and in JupyterLab from the stored outputs --------

SELFCHECK_CHAPTER = "03_plain_network"


def stored_self_check(chapter: str) -> bool:
    """Whether the chapter's notebook holds its self-check cell's output (stored by `make execute`)."""
    nb = json.loads((ROOT / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return any('class="selfcheck"' in "".join(o.get("data", {}).get("text/html", ""))
               for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", []))


def needs_stored_self_check(chapters: list[str]) -> None:
    missing = [c for c in chapters if not stored_self_check(c)]
    if missing:  # the cell was added after the chapter last ran; re-executing it stores the output
        pytest.xfail(f"self-check cell stored without its output, re-execute: {', '.join(missing)}")


def check_self_check(page, scope, chapter: str) -> None:
    """Answer the chapter's first question from the keyboard, a wrong answer and then the right
    one: each answer's feedback is hidden until it is chosen, then says "Not quite." or "Right."
    and why, as apparel_lib's questions say. Raises AssertionError where the page does not check."""
    questions = QUESTIONS[int(chapter[:2])]
    shown = scope.locator(".selfcheck-question")
    assert shown.count() == len(questions), f"{chapter}: {shown.count()} questions shown, {len(questions)} in the library"
    question = questions[0]
    items = shown.first.locator(".selfcheck-choices > li")
    assert items.count() == len(question.choices), f"{chapter}: {items.count()} answers shown"
    wrong = next(i for i, c in enumerate(question.choices) if not c.right)
    right = next(i for i, c in enumerate(question.choices) if c.right)
    for i, verdict in ((wrong, "Not quite."), (right, "Right.")):
        choice, item = question.choices[i], items.nth(i)
        feedback = item.locator(".selfcheck-feedback")
        assert not feedback.is_visible(), f"{chapter}: the feedback on {choice.text!r} shows before it is chosen"
        control = item.locator("summary, input").first
        control.focus()
        page.keyboard.press("Space")
        page.wait_for_timeout(200)
        assert feedback.is_visible(), f"{chapter}: choosing {choice.text!r} from the keyboard showed no feedback"
        said = " ".join(feedback.inner_text().split())
        assert said == f"{verdict} {choice.why}", f"{chapter}: choosing {choice.text!r} said {said!r}"


def test_the_book_checks_the_self_check_answers_offline(browser, built_book):
    needs_stored_self_check(CHAPTERS)
    for chapter in CHAPTERS:
        w = open_book_page(browser, built_book, f"notebooks/{chapter}.html")
        check_self_check(w.page, w.page, chapter)
        if chapter == SELFCHECK_CHAPTER:
            w.page.locator(".selfcheck").scroll_into_view_if_needed()
            w.page.screenshot(path=SCREENSHOTS / f"book-{chapter}-selfcheck.png")
        assert not w.errors and not w.failed, (w.errors, w.failed)
        w.close()


@pytest.mark.parametrize("fault,message", [
    ("d => { d.removeAttribute('name'); d.open = true; }", "shows before it is chosen"),
    ("d => d.querySelector('.selfcheck-feedback strong').textContent = 'Right.'", "said 'Right. "),
])
def test_a_self_check_that_does_not_check_is_caught(browser, built_book, fault, message):
    """Proof that the check can fail: the answers shown open from the start, or a wrong answer
    that says it is right, planted in a chapter's page."""
    needs_stored_self_check([SELFCHECK_CHAPTER])
    w = open_book_page(browser, built_book, f"notebooks/{SELFCHECK_CHAPTER}.html")
    w.page.locator(".selfcheck-question details").evaluate_all(f"ds => ds.forEach({fault})")
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_self_check(w.page, w.page, SELFCHECK_CHAPTER)
    w.close()


def test_lab_checks_a_self_check_answer_from_the_stored_output(browser, lab):
    """Opened, not run: the stored output of an untrusted notebook, as JupyterLab's sanitizer
    leaves it, checks the answers by itself."""
    needs_stored_self_check([SELFCHECK_CHAPTER])
    w = open_in_lab(browser, lab, SELFCHECK_CHAPTER)
    try:
        panel = w.page.locator(".jp-NotebookPanel").filter(visible=True)
        panel.locator(".jp-OutputArea-output .selfcheck").wait_for(timeout=60_000)
        check_self_check(w.page, panel, SELFCHECK_CHAPTER)
        # Lab's style sheet hides the disclosure triangle; the answer's frame (inline) survives
        frame = panel.locator(".selfcheck summary").first.evaluate("e => getComputedStyle(e).borderTopStyle")
        assert frame == "solid", f"the answers are not framed in JupyterLab ({frame})"
        panel.locator(".selfcheck").scroll_into_view_if_needed()
        w.page.screenshot(path=SCREENSHOTS / f"lab-{SELFCHECK_CHAPTER}-selfcheck.png")
    finally:
        w.close()


RADIO = re.compile(r'<details class="selfcheck-choice" name="([^"]+)"><summary[^>]*>(.*?)</summary>(.*?)</details>')
RADIO_STYLE = "<style>.selfcheck-feedback {display: none} li:has(input:checked) .selfcheck-feedback {display: block}</style>"


def upload_notebook(lab: str, name: str, html: str) -> None:
    """A notebook ``name`` whose one code cell holds ``html`` as its stored output (unsigned, so
    JupyterLab treats it as untrusted), written through the server's contents API."""
    base, token = lab.split("|")
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                          "language": "python"}},
          "cells": [{"cell_type": "code", "id": "planted", "execution_count": 1, "metadata": {}, "source": "self_check(3)",
                     "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                  "data": {"text/html": html, "text/plain": "planted"}}]}]}
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    request = urllib.request.Request(f"{base}/api/contents/{name}.ipynb?token={token}", data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status in (200, 201), r.status


def test_a_css_radio_quiz_does_not_check_in_lab(browser, lab):
    """Proof that the check can fail in JupyterLab, and why the questions are <details>: the same
    questions as radio buttons whose feedback a <style> sheet hides until one is checked. The
    sanitizer removes the <style> (and the radios' name) from an untrusted output, so every
    answer's feedback shows from the start."""
    html = RADIO_STYLE + RADIO.sub(r'<label><input type="radio" name="\1"> \2</label>\3', self_check(3)._repr_html_())
    assert html.count('type="radio"') == sum(len(q.choices) for q in QUESTIONS[3])
    upload_notebook(lab, "planted_radio_quiz", html)
    w = open_in_lab(browser, lab, "planted_radio_quiz")
    try:
        panel = w.page.locator(".jp-NotebookPanel").filter(visible=True)
        panel.locator(".jp-OutputArea-output .selfcheck").wait_for(timeout=60_000)
        with pytest.raises(AssertionError, match="shows before it is chosen"):
            check_self_check(w.page, panel, SELFCHECK_CHAPTER)
    finally:
        w.close()

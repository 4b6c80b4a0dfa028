"""The book's one way to weigh a difference: paired t over seeds, Welch when unpaired, Holm for
several rows, the sampling error of N pictures; checked on hand-made numbers."""

import re
from pathlib import Path

import pytest
from scipy import stats

from apparel_lib.errors import ApparelError
from apparel_lib.runs.weigh import holm, sampling_error, spread_against_sampling, t_critical, weigh, weigh_rows
from tests.helpers import one_line

BASE = {0: 0.90, 1: 0.91, 2: 0.92}
AHEAD = {0: 0.92, 1: 0.925, 2: 0.945}  # +0.020, +0.015, +0.025: the same way every seed
LEVEL = {0: 0.91, 1: 0.90, 2: 0.925}  # +0.010, -0.010, +0.005


def test_t_critical_for_the_seeds_used():
    assert t_critical(2) == pytest.approx(4.303, abs=1e-3)  # 3 against 3 seeds, paired
    assert t_critical(4) == pytest.approx(2.776, abs=1e-3)  # 3 + 3 seeds, equal spreads
    assert t_critical(1) == pytest.approx(12.706, abs=1e-3)  # 2 seeds, paired
    assert t_critical(10_000) == pytest.approx(1.960, abs=1e-3)  # the normal's, with many


def test_a_difference_every_seed_agrees_on_is_clear():
    v = weigh(BASE, AHEAD)
    assert v.test == "paired t over 3 seeds"
    assert v.difference == pytest.approx(0.02)
    half = 4.303 * 0.005 / 3 ** 0.5  # t(2) times the standard error of the mean difference
    assert (v.low, v.high) == pytest.approx((0.02 - half, 0.02 + half), abs=1e-5)
    assert v.p == pytest.approx(stats.ttest_rel(list(AHEAD.values()), list(BASE.values())).pvalue)
    assert v.p < 0.05 and v.clear and v.words == "clear"


def test_the_verdict_follows_the_level_asked_for():
    v = weigh(BASE, AHEAD, level=0.99)  # p of about 0.02: clear at 95%, not at 99%
    assert v.level == 0.99 and not v.clear and v.high - v.low > weigh(BASE, AHEAD).high - weigh(BASE, AHEAD).low


def test_a_difference_the_seeds_disagree_on_is_within_the_noise():
    v = weigh(BASE, LEVEL)
    assert v.low < 0 < v.high and not v.clear and v.words == "within the noise"


def test_unpaired_falls_back_to_welch_and_says_so():
    welch = stats.ttest_ind(list(AHEAD.values()), list(BASE.values()), equal_var=False)
    v = weigh(BASE, AHEAD, paired=False)
    assert v.test.startswith("Welch") and "unpaired" in v.test
    assert v.p == pytest.approx(welch.pvalue)
    assert (v.low, v.high) == pytest.approx(tuple(welch.confidence_interval(0.95)))
    assert not v.clear  # the same numbers, unpaired, are within the noise: pairing matters
    other_seeds = {s + 3: a for s, a in AHEAD.items()}
    assert weigh(BASE, other_seeds).test.startswith("Welch")
    assert weigh(list(BASE.values()), list(AHEAD.values())).test.startswith("Welch")


def test_only_the_shared_seeds_are_paired():
    more = {**AHEAD, 3: 0.5, 4: 0.99}  # extra seeds of one side are left out of a paired test
    v = weigh(BASE, more)
    assert v.test == "paired t over 3 seeds (2 unpaired runs left out)"
    assert v.difference == pytest.approx(weigh(BASE, AHEAD).difference)


def test_holm_on_a_known_example():
    # sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 -> kept at 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])  # never above 1
    assert holm([0.02]) == [0.02]


def test_weigh_rows_corrects_the_table_together():
    rows = {"ahead": (BASE, AHEAD), "level": (BASE, LEVEL)}
    verdicts = weigh_rows(rows)
    alone = weigh(BASE, AHEAD)
    assert verdicts["ahead"].p == alone.p
    assert verdicts["ahead"].adjusted_p == pytest.approx(holm([alone.p, weigh(BASE, LEVEL).p])[0])
    # clear alone, but not once three more rows of the same doubt share the 5%
    crowded = weigh_rows({**{f"row {i}": (BASE, AHEAD) for i in range(4)}})
    assert alone.clear and not any(v.clear for v in crowded.values())


def test_sampling_error_of_n_pictures():
    assert sampling_error(0.9, 6000) == pytest.approx(0.003873, abs=1e-6)  # about 0.4 points
    assert sampling_error(1.0, 10) == 0
    spread = spread_against_sampling([0.90, 0.91, 0.92], 6000)
    assert spread.seed_sd == pytest.approx(0.01)
    assert spread.sampling_se == pytest.approx(sampling_error(0.91, 6000))
    assert spread.ratio == pytest.approx(0.01 / sampling_error(0.91, 6000))


@pytest.mark.parametrize("call,words", [
    (lambda: weigh({0: 0.9}, AHEAD), ["two seeds or more"]),
    (lambda: weigh(BASE, {4: 0.9, 5: 0.91, 6: 0.92}, paired=True), ["same seeds"]),
    (lambda: weigh(BASE, [0.9, 0.91], paired=True), ["same seeds"]),
    (lambda: weigh(BASE, {0: 0.9, 1: float("nan"), 2: 0.9}), ["finite"]),
    (lambda: holm([0.2, 1.5]), ["between 0 and 1"]),
    (lambda: sampling_error(90, 6000), ["fraction"]),
    (lambda: sampling_error(0.9, 0), ["picture"]),
    (lambda: weigh_rows({}), ["no rows"]),
    (lambda: t_critical(0), ["two seeds"]),
    (lambda: weigh(BASE, AHEAD, level=95), ["between 0 and 1"]),
])
def test_bad_input_gets_one_line(call, words):
    with pytest.raises(ApparelError) as excinfo:
        call()
    one_line(excinfo, *words)


ROOT = Path(__file__).resolve().parents[1]
# A chapter that weighs a difference its own way: a local helper, a noise of k standard
# errors or spreads, or a hypot of two spreads.
OWN_NOISE = re.compile(r"def apart\(|\bnoise\s*=|hypot\(|\b\d\s*\*\s*(?:se|spread|noise)\b")
# A chapter that gives a verdict of the module's.
VERDICT = re.compile(r"\bweigh(?:_rows)?\(|seed_comparison\(|leave_one_out_table\(|step_table\(")


def verdict_problems(name: str, source: str) -> list[str]:
    """What keeps a chapter's verdicts from going through runs.weigh and its appendix page."""
    problems = [f"{name}: weighs on its own ({m.group(0)!r})" for m in OWN_NOISE.finditer(source)]
    if VERDICT.search(source) and "appendix_compare_numbers.ipynb" not in source:
        problems.append(f"{name}: gives a verdict without linking the appendix")
    return problems


def test_the_verdict_check_catches_a_chapter_of_its_own():
    own = "def apart(row):\n    return gap, 2 * se\nnoise = 3 * spread\n"
    assert len(verdict_problems("x", own)) == 4
    assert verdict_problems("x", "v = weigh(a, b)\n") == ["x: gives a verdict without linking the appendix"]
    assert verdict_problems("x", "v = weigh(a, b)\n# [page](appendix_compare_numbers.ipynb)\n") == []


def test_every_chapter_verdict_goes_through_weigh_and_links_the_appendix():
    chapters = [p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")) if int(p.name[:2]) >= 4]
    assert chapters
    problems = [problem for p in chapters for problem in verdict_problems(p.name, p.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems)

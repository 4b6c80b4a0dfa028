# %% [markdown]
# # How this book compares numbers
#
# Every chapter ends up asking the same question: two sets of runs differ by a few tenths
# of a point, is that a difference or luck? A run's accuracy depends on its seed (the
# starting weights and the order of the mini-batches), so two runs of the same design
# differ too. This page shows the one rule the whole book uses to answer, step by step,
# on one real row of chapter 7's ablation read from the results ledger. The rule lives in
# one module of the library, `apparel_lib.runs.weigh`, and every "clear" or "within the
# noise" in the chapters comes from it:
#
# 1. pair the runs of the same seed and take their differences;
# 2. put a 95% interval around the mean difference, with Student's t for the number of
#    seeds actually used;
# 3. when one table asks several such questions, correct their p-values together
#    (Holm's method);
# 4. keep in mind what the seeds do not measure: the sampling error of the pictures.

# %%
import math
import statistics

import pandas as pd
from myst_nb import glue

from apparel_lib import (holm, leave_one_out_table, sampling_error, shipped,
                         spread_against_sampling, weigh)
from apparel_lib.book_plans.ablation import leave_one_out_specs
from apparel_lib.runs.runner import standard_splits
from apparel_lib.runs.weigh import t_critical

# %% [markdown]
# ## The example: Adam at a constant rate
#
# Chapter 7 takes `best-cnn` apart one ingredient at a time. One row replaces its AdamW
# optimiser and one-cycle schedule by plain Adam at a constant rate. Both were trained
# with the same three seeds on the same training pictures and scored on the same
# validation pictures. The six runs, from the ledger (`shipped` reads a run's ledger entry,
# so every reader sees the same numbers):

# %%
labelled = [(label, shipped(spec)) for label, spec in leave_one_out_specs()]
FULL, ADAM = "best-cnn (nothing removed)", "Adam at a constant rate, no weight decay"
full = {r.spec.seed: r.val_acc for label, r in labelled if label == FULL}
adam = {r.spec.seed: r.val_acc for label, r in labelled if label == ADAM}
runs = pd.DataFrame({"best-cnn": full, "Adam": adam}).rename_axis("seed")
runs["Adam minus best-cnn"] = runs["Adam"] - runs["best-cnn"]
(100 * runs).round(2)

# %% [markdown]
# ## Step 1: pair the seeds
#
# Seed 0 of both designs draws its starting weights from the same random stream and, with
# the same batch size, sees the mini-batches in the same order, so whatever that seed's
# luck did to one design it may have done to the other as well. Comparing each seed with itself removes that shared luck: the question
# becomes whether the three differences in the last column lie on one side of zero. Where
# two sides do not share seeds, or share fewer than two, the library falls back to
# comparing the two groups as they are (Welch's t, unpaired) and says so.

# %%
diffs = list(runs["Adam minus best-cnn"])
n = len(diffs)
mean, sd = statistics.fmean(diffs), statistics.stdev(diffs)
se = sd / math.sqrt(n)
print(f"{n} differences: mean {100 * mean:+.2f} points, sd {100 * sd:.2f}, "
      f"standard error of the mean {100 * se:.2f}")

# %% [markdown]
# ## Step 2: a t-interval for the seeds used
#
# The mean of a few differences is uncertain, and with only three of them even their
# spread is a rough guess. Student's t distribution allows for both: the interval is the
# mean plus or minus a critical value times the standard error, and the critical value
# depends on the degrees of freedom (the number of pairs less one). The familiar "two
# standard errors" is the value for many seeds; for three it is much larger:

# %%
critical = pd.Series({f"{k} seeds, paired": t_critical(k - 1) for k in (2, 3, 5, 10)}
                     | {"very many seeds": t_critical(100_000)}, name="t for 95%")
critical.round(2)

# %%
t = t_critical(n - 1)
low, high = mean - t * se, mean + t * se
verdict = weigh(full, adam)
assert math.isclose(verdict.low, low) and math.isclose(verdict.high, high)
print(f"by hand: {100 * low:+.2f} to {100 * high:+.2f} points; "
      f"library: {verdict.test}, "
      f"{100 * verdict.low:+.2f} to {100 * verdict.high:+.2f}, p = {verdict.p:.3f}")

# %% tags=["remove-cell"]
t3, n_seeds = t, n
paired_low, paired_high, paired_p = 100 * low, 100 * high, verdict.p
unpaired = weigh(list(full.values()), list(adam.values()))
unpaired_low, unpaired_high = 100 * unpaired.low, 100 * unpaired.high
narrower = unpaired.high - unpaired.low > verdict.high - verdict.low
pairing_here = ("Here pairing narrows the interval: the seeds' luck is shared."
                if narrower else
                "Here pairing widens it: these seeds' luck is not shared between the "
                f"two designs, and {n} pairs leave t fewer degrees of freedom than "
                f"{len(full) + len(adam)} separate runs. The book pairs all the same, "
                "because the rule is fixed before the numbers are seen: picking the "
                "narrower interval after looking would be a way of fooling oneself.")
glue("appendix_t3", t3, display=False)

# %% [markdown]
# With {eval}`f"{n_seeds:d}"` seeds the critical value is {eval}`f"{t3:.2f}"`, so the interval runs from
# {eval}`f"{paired_low:+.2f}"` to {eval}`f"{paired_high:+.2f}"` points, and the
# difference's p-value (how often a difference this far from zero would arise if the two
# designs were equally good) is {eval}`f"{paired_p:.3f}"`. The interval excludes zero
# exactly when p is below 0.05. Had the same runs been compared as two unpaired
# groups (Welch's t), the interval would run from {eval}`f"{unpaired_low:+.2f}"` to
# {eval}`f"{unpaired_high:+.2f}"`. {eval}`pairing_here`
#
# ## Step 3: several rows at once (Holm)
#
# Chapter 7's table does not ask one question but one per ingredient. If each were
# judged at 5% on its own, the chance that at least one of several equally good designs
# looks "clear" by luck alone would be well above 5%. Holm's method keeps that chance at
# 5%: sort the p-values, multiply the smallest by the number of rows, the next by one
# less, and so on (the column `times`), never letting an adjusted value fall below the
# one before it. A row is **clear** when
# its adjusted p is below 0.05, and **within the noise** otherwise.

# %%
loo = leave_one_out_table(labelled).iloc[1:]
holm_table = pd.DataFrame({"change": 100 * loo["change"], "p": loo["p"],
                           "times": loo["p"].rank(ascending=False).astype(int),
                           "Holm": holm(list(loo["p"])), "verdict": loo["verdict"]})
holm_table.sort_values("p").round(3)

# %% tags=["remove-cell"]
assert list(holm_table["Holm"]) == list(loo["p_holm"]), "holm() and the table disagree"
adam_holm, adam_words = float(loo.loc[ADAM, "p_holm"]), loo.loc[ADAM, "verdict"]
n_rows = len(loo)

# %% [markdown]
# The Adam row's p of {eval}`f"{paired_p:.3f}"` becomes {eval}`f"{adam_holm:.3f}"` once
# the {eval}`f"{n_rows:d}"` rows are weighed together: {eval}`adam_words`. *Within the
# noise* does not say that the two designs are equal. It says that these seeds cannot
# tell them apart here; the interval says how large a difference they leave room for.
#
# ## What the seeds do not measure: the pictures
#
# The seeds measure one kind of luck: how much training's chance moves the accuracy on
# *these* validation pictures. Another kind comes from the pictures themselves. An
# accuracy measured on N pictures is a proportion, and had another N pictures of the same
# kind been drawn it would differ by about its binomial standard error,
# sqrt(accuracy × (1 − accuracy) / N):

# %%
pictures = len(standard_splits().y_val)  # the validation pictures of every run
spread = spread_against_sampling(list(full.values()), pictures)
pd.Series({"seed spread of best-cnn (points)": 100 * spread.seed_sd,
           f"sampling error of {pictures:,d} pictures (points)":
               100 * spread.sampling_se,
           "sampling error of 10,000 pictures (points)":
               100 * sampling_error(statistics.fmean(full.values()), 10_000)}).round(2)

# %% tags=["remove-cell"]
seed_sd, picture_se = 100 * spread.seed_sd, 100 * spread.sampling_se
ratio = spread.ratio

# %% [markdown]
# For `best-cnn` the seed spread is {eval}`f"{seed_sd:.2f}"` points and the sampling
# error of its mean on {eval}`f"{pictures:,d}"` pictures {eval}`f"{picture_se:.2f}"` points
# (the seed spread is {eval}`f"{ratio:.1f}"` times that). So when two designs are compared on the same
# validation pictures, a clear verdict says the difference holds *on these pictures*
# whichever seed trained them; whether it carries over to new pictures is a further
# question, and a difference smaller than the sampling error may not. That is one reason
# each chapter scores the separate test pictures once, at the end, and checks that the
# order it found on validation holds there.
#
# ## Where the rule is used
#
# - [Chapter 4](04_tutorial_cnn.ipynb): the tutorial's CNN against the plain network
#   under three recipes (Holm over the rows).
# - [Chapter 5](05_fair_comparison.ipynb): the CNNs against plain networks and the linear
#   model of about their size, and the tutorial's pair trained to the plateau.
# - [Chapter 6](06_does_it_use_space.ipynb): each network's drop on shuffled pixels, and
#   what moved and flipped pictures cost.
# - [Chapter 7](07_better_cnn.ipynb): the leave-one-out ablation (Holm over the rows), and
#   the step-by-step road of its second exercise.
# - [Chapter 10](10_tuning.ipynb): the study's winner against `best-cnn`.
# - [Chapter 11](11_speedrun.ipynb): the speedrun against `best-cnn` and its rivals.
#
# In code, `weigh(a, b)` takes two mappings from seed to accuracy and returns the
# difference `b - a`, its interval, p and verdict; `weigh_rows` weighs a table's rows
# and applies Holm; `seed_comparison` and `step_table` build the chapters' tables on them.

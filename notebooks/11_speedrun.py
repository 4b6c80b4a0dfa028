# %% [markdown]
# # A speedrun
#
# `best-cnn` trains in a minute or two on two processor cores. Is that fast? The
# fast-training community has a sport for this question: reach a fixed accuracy in as
# little time as possible. Keller Jordan's *airbench* ("94% on CIFAR-10 in 3.29 seconds on
# a single GPU", 2024) trains on harder, colour pictures to 94% in a few seconds, mostly by
# method: few epochs at a high learning rate, label smoothing, flips, and looking at each
# test picture twice. This chapter runs the same sport on Fashion-MNIST and a CPU: reach
# **93% test accuracy, averaged over five seeds**, with as little work as possible, every
# choice made on the validation pictures.
#
# **Before you run it:** this chapter trains `speedrun-cnn` five times (it prints how long
# that took) and reads `best-cnn` from the results store, training it first, with a
# progress bar, if chapter 7 has not run on this machine.
#
# **In this chapter you will learn**
#
# - to count a training run's arithmetic in FLOPs, the cost that is the same on every
#   machine, and why seconds are not;
# - where the time of a training step goes: data, forward, backward, optimiser;
# - which changes bought speed here and which did not, from a record of every attempt;
# - test-time flips: judging each picture and its mirror image together, a cheap
#   cousin of {term}`data augmentation`.

# %%
# %matplotlib inline
import json
import statistics
import time

import pandas as pd

from myst_nb import glue

from apparel_lib import (bf16_verdict, build_model, cost_frontier, get_or_run,
                         get_recipe, load_data, make_splits, phase_seconds,
                         run_flops, run_spec, score_test)

started = time.perf_counter()
data = load_data(progress=False)
splits = make_splits(data, seed=0)
sizes = {"train_size": len(splits.x_train), "val_size": len(splits.x_val)}

# %% [markdown]
# ## Counting the work
#
# Seconds depend on the processor, on what else it is doing, and on the hour: the same
# `best-cnn` run was reported to take 265 s on one Intel Xeon of this book's machine kind
# and 107–113 s on an AMD EPYC of the same kind (the project's issue 26). The number of floating-point operations (FLOPs) does not: it depends
# only on the network, the recipe and the number of pictures. PyTorch counts them for us
# (`torch.utils.flop_counter`): one real training step is traced, every convolution and
# matrix product counted (a multiply-add is two operations), and the count scaled to the
# whole run, with the validation pass after each epoch.

# %%
runs = {"tutorial-cnn": "tutorial", "best-cnn": "best", "speedrun-cnn": "speedrun"}
work = {}
for name, recipe in runs.items():
    flops = run_flops(build_model(name), get_recipe(recipe, name), **sizes)
    work[name] = flops.total / 1e12
    print(f"{name:13} {recipe:9} {flops}")

# %% tags=["remove-cell"]
flops_ratio = work["best-cnn"] / work["speedrun-cnn"]

# %% [markdown]
# The tutorial's CNN costs {eval}`f"{work['tutorial-cnn']:.2f}"` TFLOPs (trillions of operations)
# in all: a tiny network, even with the whole training set in every step. `best-cnn`'s
# eight epochs cost {eval}`f"{work['best-cnn']:.1f}"` TFLOPs, and `speedrun-cnn`, the result of
# this chapter, {eval}`f"{flops_ratio:.1f}"` times fewer.
#
# ## Where the time goes
#
# A training step has four phases: fetch a batch (and flip half of it), the forward pass
# with the loss, the backward pass, and the optimiser's update. The cell below times 20
# real steps of `best-cnn` and scales the medians to one epoch.

# %% tags=["nbval-ignore-output"]
best_recipe = get_recipe("best", "best-cnn")
phases = pd.Series(phase_seconds(build_model("best-cnn"), splits, best_recipe))
shares = 100 * phases / phases.sum()
backward_share, data_share = shares["backward"], shares["data"]
pd.DataFrame({"seconds per epoch": phases.round(2), "share %": shares.round(0)})

# %% [markdown]
# Here the backward pass took {eval}`f"{backward_share:.0f}"`% of `best-cnn`'s epoch and
# fetching the data {eval}`f"{data_share:.0f}"`%: the pictures already sit in memory as
# one tensor, so the work is the network's. To go faster, the network must do less
# arithmetic, or do it on fewer, better-used steps.
#
# ## The path
#
# Every attempt below is one training run of one seed, recorded by
# `python -m benchmarks.speedrun_attempts` (it retrains them all; the record says where
# and when). The record holds validation accuracy only, and the choices below were made on
# it. One confession: a cheaper candidate (24, 40, 80 filters) was once trained for five
# seeds and its test score seen before the speedrun was picked, so the speedrun's test
# figure below is not wholly untouched (benchmarks/README.md has the numbers).

# %%
with open("records/speedrun_attempts.json") as f:
    record = json.load(f)
print(f"recorded {record['date']} at commit {record['commit']} on "
      f"{record['machine']['cpu']} ({record['machine']['torch_threads']} threads)")
attempts = pd.DataFrame(record["attempts"])
attempts["val %"] = 100 * attempts["val_acc"]
attempts[["name", "why", "tflops", "seconds", "val %"]].round(2)

# %%
cost_frontier(attempts)

# %% tags=["remove-cell"]
by_name = attempts.set_index("name")
flops_of, val_of = by_name["tflops"], 100 * by_name["val_acc"]
fast_row = by_name.loc["judged with its mirror"]
half_drop = val_of["best-cnn"] - val_of["half the epochs"]
short_gain = val_of["no dropout, higher rate"] - val_of["half the epochs"]
flip_gain = 100 * (fast_row["val_acc"] - fast_row["val_acc_one_view"])
cheaper = by_name.iloc[4:]
assert flops_of["half the epochs"] < 0.55 * flops_of["best-cnn"] and half_drop > 0.5
assert short_gain > 0 and flip_gain > 0
assert (cheaper["tflops"] < fast_row["tflops"]).all()
assert (cheaper["val_acc"] < fast_row["val_acc"]).all()

# %% [markdown]
# Read the path from right to left. Halving `best-cnn`'s epochs halves its cost and costs
# {eval}`f"{half_drop:.2f}"` points of validation accuracy. A short run then gains
# {eval}`f"{short_gain:+.2f}"` points from dropping dropout and raising the learning rate
# (one seed each: the five seeds below show how far one run moves).
#
# The next ingredient costs no training at all. `speedrun-cnn` judges every picture twice,
# as it is and mirrored left to right, and averages the two views' probabilities. The
# network was trained on flipped pictures, so both views are pictures of the same kind;
# their errors partly cancel. In the record it added {eval}`f"{flip_gain:+.2f}"` points
# to the same trained weights. That is the speedrun: `best-cnn`'s network, half its
# epochs, no dropout, a higher rate, two views.
#
# The attempts to its left cut the work further: one convolution per stage, narrower
# stages, batches of 128 (twice the updates for the same arithmetic), a tiny network
# trained longer. Every one of them is cheaper, and every one is less accurate on the
# validation pictures. How much accuracy is enough? The validation pictures are easier than
# the test pictures for every model in this book (chapter 7: `best-cnn` loses most of a
# point between the two), so a design must stay close to the speedrun's validation score
# to keep 93% on the test pictures; none of the cheaper ones does.
#
# ## Five seeds, and the test pictures once

# %% tags=["nbval-tolerance=0.0045"]
fast = [get_or_run(run_spec("speedrun-cnn", "speedrun", seed=seed), progress=False)
        for seed in range(5)]
val = [r.val_acc for r in fast]
print(f"validation {statistics.mean(val):.2%} "
      f"(sd {statistics.stdev(val):.2%}, 5 seeds)")

# %% tags=["remove-cell"]
recorded = fast_row["val_acc"]
assert abs(fast[0].val_acc - recorded) < 0.01, \
    f"seed 0 gives {fast[0].val_acc:.4f}, the record {recorded:.4f}"

# %% tags=["nbval-tolerance=0.0065"]
# THE TEST SET, ONCE: the speedrun's five seeds, and best-cnn (seed 0, from the ledger).
best = get_or_run(run_spec("best-cnn", "best"))
test = [score_test(r).test_acc for r in fast]
best_test = score_test(best).test_acc
print(f"speedrun-cnn: test {statistics.mean(test):.2%} (mean of 5 seeds)")
print(f"best-cnn:     test {best_test:.2%} (one seed)")

# %% tags=["remove-cell", "nbval-tolerance=0.0065"]
# THE TEST SET, ONCE: the values of the cell above, glued for the book's front page.
# Tolerance 0.0065: 3 sd of one seed's accuracy here (0.21 points) -- ample for a mean.
assert statistics.mean(test) >= 0.925, "the speedrun is far below 93% test"
assert best.val_acc - best_test > 0.005, "best-cnn: test not below validation"
glue("speedrun_val", statistics.mean(val), display=False)
glue("speedrun_test", statistics.mean(test), display=False)
glue("speedrun_params", fast[0].parameters, display=False)
glue("speedrun_flops_ratio", flops_ratio, display=False)

# %% tags=["nbval-ignore-output"]
seconds = statistics.mean(r.seconds for r in fast)
print(f"training seconds here: speedrun-cnn {seconds:.0f} (mean), "
      f"best-cnn {best.seconds:.0f}")

# %% tags=["remove-cell"]
# The mean test score lies within a few tenths of 93%: which side it falls on may differ
# between processors, so the prose says which from the number itself.
side = "above" if statistics.mean(test) >= 0.93 else "short of"

# %% [markdown]
# Over five seeds `speedrun-cnn` reaches {eval}`f"{100 * statistics.mean(val):.2f}"`% on the validation
# pictures (seed-to-seed sd {eval}`f"{100 * statistics.stdev(val):.2f}"` points) and
# {eval}`f"{100 * statistics.mean(test):.2f}"`% on the test pictures, looked at once here; `best-cnn` scores
# {eval}`f"{100 * best_test:.2f}"`%. On this machine it trained in
# {eval}`f"{seconds:.0f}"` seconds against `best-cnn`'s {eval}`f"{best.seconds:.0f}"`
# ({eval}`f"{best.seconds / seconds:.1f}"` times as fast; these two runs were not timed side by side,
# so the benchmark, `python -m benchmarks speedrun`, is the place for a fair ratio), with
# {eval}`f"{flops_ratio:.1f}"` times fewer FLOPs. The goal we set ourselves was 93% on the
# test pictures with a quarter of `best-cnn`'s arithmetic and time. The mean test score is
# {eval}`side` 93%, and the arithmetic is about half, not a quarter: the cheaper designs
# above lost too much accuracy on the validation pictures, and halving the epochs is as
# far as this path got. We stop here rather than try again: any change made now, after
# looking at the test pictures, would be tuned on them. `best-cnn` stays the book's model
# for the chapters after 7, as the more accurate of the two; the speedrun is the fast
# option, and the second exercise below is where to look for more.
#
# ## Does bfloat16 pay here?
#
# Chapter 7 runs convolutions in bfloat16 where the processor computes it natively. Native
# is not the same as faster: on one Intel Xeon of this book's machine kind, `best-cnn`'s
# epochs took as long with it as without. So the library times one training step both
# ways on this machine (once; it remembers the verdict) and uses bfloat16 only where it
# is clearly faster.

# %% tags=["nbval-ignore-output"]
verdict = bf16_verdict()
print(verdict)

# %% tags=["remove-cell", "nbval-ignore-output"]
glue("ch11_seconds", round(time.perf_counter() - started), display=False)

# %% [markdown]
# On this machine: {eval}`str(verdict)`. `APPAREL_BF16=on` or `off` overrides the
# verdict (chapter 7).
#
# ## Exercises
#
# 1. Add a fifth view to the test-time ensemble: the picture moved by one pixel. Does it
#    help `speedrun-cnn` on the validation pictures? (`shift_images` moves pictures.)
# 2. Train `speedrun-cnn` for 3, 4, 5 and 6 epochs with two seeds each and plot validation
#    accuracy against FLOPs. Where does the curve flatten?
# 3. Time `best-cnn` and `speedrun-cnn` with `APPAREL_BF16=off` and `on`. Which of the two
#    gains more from bfloat16, and why might the smaller network gain less?

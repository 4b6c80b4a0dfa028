# %% [raw]
# # ASSIGNMENT CONFIG
# name: apparel-cnn
# init_cell: true
# check_all_cell: false
# export_cell: false
# run_tests: false
# generate: true
# tests:
#   ok_format: false

# %% [markdown]
# # The Apparel CNN book: assignments
#
# One question for each chapter from 2 to 11, taken from the chapter's exercises. Answer
# each question in the cell below it (replace `...`), run that cell, then run the
# `grader.check` cell under it: it tells you whether the answer is right, and if it is not,
# what to look at again. Every question runs in seconds on a laptop: the pictures are few
# and the models small or untrained.
#
# Run the next cell first: it loads the data that every question uses.

# %%
import numpy as np
import torch

from apparel_lib import (DataVariant, build_model, capture_maps, count_parameters,
                         get_or_run, load_data, make_splits, run_spec, shift_images,
                         to_tensor)

data = load_data(progress=False)
splits = make_splits(data, seed=0)
pictures = to_tensor(data.test_images[:16])  # 16 test pictures, (16, 1, 28, 28)

# %% [raw]
# # BEGIN QUESTION
# name: q02_parameters
# points: 1

# %% [markdown]
# **Chapter 2.** How many parameters (weights and biases) would the first dense layer
# need for a 1024×768 colour photo with 500 hidden units? Put the number in `dense_photo`.
# And a 3×3 convolution with 64 filters over the same photo? Put it in `conv_photo`.
# (`dense_parameters` and `conv_parameters` from `apparel_lib` count them, or count by
# hand.)

# %% [raw]
# # BEGIN SOLUTION

# %%
from apparel_lib import conv_parameters, dense_parameters

dense_photo = dense_parameters(1024 * 768 * 3, 500)  # SOLUTION
conv_photo = conv_parameters(3, 64)  # SOLUTION
dense_photo, conv_photo

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "dense_photo: a colour photo has three values (red, green, blue) per pixel, and every one of the 500 hidden units has one weight per value and one bias."
""" # END TEST CONFIG
def test_dense(dense_photo):
    import numpy as np
    assert isinstance(dense_photo, (int, np.integer)), "dense_photo is not a whole number yet"
    assert dense_photo == 1024 * 768 * 3 * 500 + 500, f"dense_photo is {dense_photo:,}"

test_dense(dense_photo)

# %%
""" # BEGIN TEST CONFIG
failure_message: "conv_photo: a 3×3 filter looks at all three colour channels, so it has 3×3×3 weights and one bias; the count does not depend on the photo's size."
""" # END TEST CONFIG
def test_conv(conv_photo):
    import numpy as np
    assert isinstance(conv_photo, (int, np.integer)), "conv_photo is not a whole number yet"
    assert conv_photo == 64 * (3 * 3 * 3 + 1), f"conv_photo is {conv_photo:,}"

test_conv(conv_photo)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q03_small_plain
# points: 1

# %% [markdown]
# **Chapter 3.** Build the plain network with 50 hidden units instead of 500 (call it
# `small`) and put its number of parameters in `small_params`.

# %% [raw]
# # BEGIN SOLUTION

# %%
small = build_model("plain", hidden=50, seed=0)  # SOLUTION
small_params = count_parameters(small)  # SOLUTION
small_params

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "small should be the library's plain network with 50 hidden units: build_model('plain', hidden=50). It takes a batch of pictures (N, 1, 28, 28) and gives 10 scores for each."
""" # END TEST CONFIG
def test_small(small):
    import torch
    assert isinstance(small, torch.nn.Module), "small is not a model yet"
    with torch.no_grad():
        scores = small.eval()(torch.zeros(2, 1, 28, 28))
    assert tuple(scores.shape) == (2, 10), f"small gives scores of shape {tuple(scores.shape)}"
    hidden = [m for m in small.modules() if isinstance(m, torch.nn.Linear)][0]
    assert hidden.out_features == 50, f"its first layer has {hidden.out_features} units"

test_small(small)

# %%
""" # BEGIN TEST CONFIG
failure_message: "small_params: count every weight and every bias of both layers (784 inputs to 50 units, then 50 to 10 classes); count_parameters(small) does it for you."
""" # END TEST CONFIG
def test_small_params(small_params):
    assert small_params == 784 * 50 + 50 + 50 * 10 + 10, f"small_params is {small_params!r}"

test_small_params(small_params)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q04_multiply_adds
# points: 1

# %% [markdown]
# **Chapter 4.** How many multiply-adds does the tutorial CNN's first convolution layer
# (4 filters of 3×3, one input channel, the 28×28 map kept its size) perform for one
# picture? Put the number in `conv_madds`.

# %% [raw]
# # BEGIN SOLUTION

# %%
conv_madds = 28 * 28 * 4 * 3 * 3  # SOLUTION
conv_madds

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "conv_madds: every one of the 28×28 output positions of every one of the 4 filters takes one multiply-add per kernel weight (3×3)."
""" # END TEST CONFIG
def test_madds(conv_madds):
    import torch
    from apparel_lib import build_model
    from torch.utils.flop_counter import FlopCounterMode
    conv = [m for m in build_model("tutorial-cnn").modules() if isinstance(m, torch.nn.Conv2d)][0]
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        conv(torch.zeros(1, 1, 28, 28))
    assert conv_madds == counter.get_total_flops() // 2, f"conv_madds is {conv_madds!r}"

test_madds(conv_madds)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q05_short_budget
# points: 1

# %% [markdown]
# **Chapter 5.** A short budget: train the 500-unit plain network and the tutorial's CNN
# (4 filters) for one epoch of the `minibatch` recipe in batches of 256, on the budget
# `short` below (2,000 training pictures, 1,000 validation pictures). Put the two results'
# validation accuracies in the dictionary `short_acc`, keyed `"plain"` and
# `"tutorial-cnn"`. Which one leads after so short a training?

# %% [raw]
# # BEGIN SOLUTION

# %%
short = DataVariant(train_subset=2_000, val_subset=1_000)
# BEGIN SOLUTION
short_acc = {}
for model, options in [("plain", {"hidden": 500}), ("tutorial-cnn", {"filters": 4})]:
    spec = run_spec(model, "minibatch", options=options, data=short, epochs=1,
                    batch_size=256)
    short_acc[model] = get_or_run(spec, progress=False).val_acc
# END SOLUTION
short_acc

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "short_acc should map 'plain' and 'tutorial-cnn' to the val_acc of a run trained with run_spec(model, 'minibatch', options=..., data=short, epochs=1, batch_size=256) and get_or_run: accuracies are fractions between 0 and 1, and even one short epoch beats guessing (10%)."
""" # END TEST CONFIG
def test_short(short_acc):
    assert isinstance(short_acc, dict), "short_acc is not a dictionary yet"
    assert sorted(short_acc) == ["plain", "tutorial-cnn"], f"its keys are {sorted(short_acc)}"
    for model, acc in short_acc.items():
        assert 0.15 < acc <= 1, f"{model}: {acc!r} is not a trained model's accuracy"

test_short(short_acc)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q06_fixed_shuffle
# points: 1

# %% [markdown]
# **Chapter 6.** Shuffle the pixels of the first 100 test pictures (`data.test_images[:100]`,
# 28×28 each) with **one** fixed random permutation, the same for every picture, and put the
# result, shaped like the pictures, in `shuffled`. (`np.random.default_rng(0).permutation(784)`
# gives a permutation of the 784 pixel positions.)

# %% [raw]
# # BEGIN SOLUTION

# %%
originals = data.test_images[:100]
# BEGIN SOLUTION
order = np.random.default_rng(0).permutation(28 * 28)
shuffled = originals.reshape(100, -1)[:, order].reshape(originals.shape)
# END SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "shuffled must hold the same 100 pictures with their pixels moved, every picture by the same permutation: flatten them to rows of 784, index every row with one permutation, and fold them back to 28×28."
""" # END TEST CONFIG
def test_shuffled(shuffled, originals):
    import numpy as np
    assert shuffled is not None and shuffled is not ..., "shuffled has no pictures yet"
    shuffled = np.asarray(shuffled)
    assert shuffled.shape == originals.shape, f"shuffled has shape {shuffled.shape}"
    rows, moved = originals.reshape(100, -1), shuffled.reshape(100, -1)
    assert not np.array_equal(rows, moved), "the pixels have not moved"
    where = {}
    for position in range(rows.shape[1]):
        where.setdefault(rows[:, position].tobytes(), position)
    sources = [where.get(moved[:, position].tobytes()) for position in range(moved.shape[1])]
    assert None not in sources, "the pictures were not all shuffled in the same way"

test_shuffled(shuffled, originals)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q07_wider_stages
# points: 1

# %% [markdown]
# **Chapter 7.** `best-cnn` has 48 and 96 filters in its last two stages. How many times
# as many parameters has the wider `best-cnn` with `stages="32|64,64|128"`? Put the ratio
# (wider over `best-cnn`) in `wider_ratio`.

# %% [raw]
# # BEGIN SOLUTION

# %%
# BEGIN SOLUTION
wider = build_model("best-cnn", stages="32|64,64|128")
wider_ratio = count_parameters(wider) / count_parameters(build_model("best-cnn"))
# END SOLUTION
wider_ratio

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "wider_ratio: build both networks with build_model (the wider one with stages='32|64,64|128'), count their parameters with count_parameters, and divide the wider one's count by best-cnn's."
""" # END TEST CONFIG
def test_ratio(wider_ratio):
    from apparel_lib import build_model
    count = lambda model: sum(p.numel() for p in model.parameters())  # noqa: E731
    expected = count(build_model("best-cnn", stages="32|64,64|128")) / count(build_model("best-cnn"))
    assert isinstance(wider_ratio, float), "wider_ratio is not a number yet"
    assert abs(wider_ratio - expected) < 1e-6, f"wider_ratio is {wider_ratio:.4f}"

test_ratio(wider_ratio)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q08_hook_in_place
# points: 1

# %% [markdown]
# **Chapter 8.** Register a forward hook on the batch norm after the first convolution of
# `model` below (`model.features[2]`) that keeps `output` itself, without copying it, and run
# `pictures` through the model. Put the smallest value of the kept tensor in `kept_min`, and
# the smallest value of the same layer's maps from `capture_maps` (which copies them) in
# `copied_min`. Why do they differ?

# %% [raw]
# # BEGIN SOLUTION

# %%
model = build_model("best-cnn", seed=0).eval()
# BEGIN SOLUTION
kept = {}
handle = model.features[2].register_forward_hook(lambda m, i, out: kept.update(bn=out))
with torch.no_grad():
    model(pictures)
handle.remove()
kept_min = float(kept["bn"].min())
copied_min = float(capture_maps(model, pictures, ["features.2"])["features.2"].min())
# END SOLUTION
kept_min, copied_min

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "copied_min: capture_maps(model, pictures, ['features.2']) copies the batch norm's maps; their smallest value is below zero."
""" # END TEST CONFIG
def test_copied(copied_min, model, pictures):
    from apparel_lib import capture_maps
    expected = float(capture_maps(model, pictures, ["features.2"])["features.2"].min())
    assert isinstance(copied_min, float), "copied_min is not a number yet"
    assert abs(copied_min - expected) < 1e-5, f"copied_min is {copied_min}"

test_copied(copied_min, model, pictures)

# %%
""" # BEGIN TEST CONFIG
failure_message: "kept_min: keep the hook's output tensor itself (no .clone(), no .detach().clone()), and take its minimum after the forward pass: the ReLU that follows the batch norm works in place."
""" # END TEST CONFIG
def test_kept(kept_min):
    assert isinstance(kept_min, float), "kept_min is not a number yet"
    assert kept_min == 0.0, f"kept_min is {kept_min}"

test_kept(kept_min)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q09_shift
# points: 1

# %% [markdown]
# **Chapter 9.** Move `pictures` 3 pixels to the right with `shift_images` (the border that
# opens up is background) and put the moved pictures in `moved`.

# %% [raw]
# # BEGIN SOLUTION

# %%
moved = shift_images(pictures, 3, 0)  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "moved: shift_images(pictures, dx, dy) moves pictures dx pixels to the right and dy down; move them right, not down, by 3 pixels."
""" # END TEST CONFIG
def test_moved(moved, pictures):
    import torch
    assert isinstance(moved, torch.Tensor), "moved is not a tensor of pictures yet"
    assert moved.shape == pictures.shape, f"moved has shape {tuple(moved.shape)}"
    assert torch.equal(moved[..., 3:], pictures[..., :-3]), "the pictures did not move 3 pixels right"
    assert not moved[..., :3].any(), "the left border is not background"

test_moved(moved, pictures)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q10_wider_space
# points: 1

# %% [markdown]
# **Chapter 10.** Widen the search space: allow up to 4 stages, up to 5 epochs, and
# Adam's learning rate down to 1e-4 (the rest as the library's default `SearchSpace`).
# Put the space in `wide`.

# %% [raw]
# # BEGIN SOLUTION

# %%
from apparel_lib import SearchSpace

wide = SearchSpace(blocks=(1, 4), epochs=(1, 5), lr=(1e-4, 1e-2))  # SOLUTION

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "wide should be a SearchSpace whose trials reach 4 stages (blocks), 5 epochs and learning rates down to 1e-4, and no further: set the ranges' ends, as (low, high)."
""" # END TEST CONFIG
def test_wide(wide):
    import optuna
    from apparel_lib import SearchSpace
    assert isinstance(wide, SearchSpace), "wide is not a SearchSpace yet"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trials = [wide.suggest(study.ask()) for _ in range(300)]
    blocks, epochs, rates = ([t[k] for t in trials] for k in ("blocks", "epochs", "lr"))
    assert max(blocks) == 4 and max(epochs) == 5, f"stages up to {max(blocks)}, epochs up to {max(epochs)}"
    assert 1e-4 <= min(rates) < 2e-4 and max(rates) <= 1e-2, f"learning rates from {min(rates):.1e}"

test_wide(wide)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

# %% [raw]
# # BEGIN QUESTION
# name: q11_third_view
# points: 1

# %% [markdown]
# **Chapter 11.** `net` below is a `speedrun-cnn` trained for one short epoch. Judge the 1,000
# validation pictures `x` with two views (each picture as it is and mirrored left to right)
# and with a third view added (the picture moved one pixel to the right), averaging the
# views' class probabilities. Put the two accuracies in `view_acc`, keyed by the number of
# views: `{2: ..., 3: ...}`. Set `net.test_flip = False` first, so that one call judges one
# view.

# %% [raw]
# # BEGIN SOLUTION

# %%
# one epoch in batches of 64, in float32 (every processor computes the same)
brief = run_spec("speedrun-cnn", "speedrun", data=short, epochs=1, batch_size=64,
                 autocast_bf16=False, channels_last=False)
net = get_or_run(brief, progress=False).load_model()
x, y = splits.x_val[:1000], splits.y_val[:1000]
# BEGIN SOLUTION
net.test_flip = False
with torch.no_grad():
    views = [net(v).log_softmax(1) for v in (x, x.flip(-1), shift_images(x, 1, 0))]
view_acc = {}
for n in (2, 3):
    guess = torch.stack(views[:n]).logsumexp(0).argmax(1)
    view_acc[n] = float((guess == y).float().mean())
# END SOLUTION
view_acc

# %% [raw]
# # END SOLUTION

# %% [raw]
# # BEGIN TESTS

# %%
""" # BEGIN TEST CONFIG
failure_message: "view_acc: with net.test_flip = False, take the softmax probabilities of net(x), net(x.flip(-1)) and net(shift_images(x, 1, 0)), average the first two (2 views) or all three (3 views), and score the top class against y."
""" # END TEST CONFIG
def test_views(view_acc, net, x, y):
    import torch
    from apparel_lib import shift_images
    assert isinstance(view_acc, dict) and sorted(view_acc) == [2, 3], "view_acc should have the keys 2 and 3"
    net.test_flip = False
    with torch.no_grad():
        probs = [net(v).softmax(1) for v in (x, x.flip(-1), shift_images(x, 1, 0))]
    for n in (2, 3):
        expected = float((torch.stack(probs[:n]).mean(0).argmax(1) == y).float().mean())
        assert abs(view_acc[n] - expected) <= 2 / len(y), f"{n} views: {view_acc[n]!r}"

test_views(view_acc, net, x, y)

# %% [raw]
# # END TESTS

# %% [raw]
# # END QUESTION

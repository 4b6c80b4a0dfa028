# %% [markdown]
# # The tutorial's CNN
#
# Now the network the tutorial is about: a small *convolutional* network. Instead of one weight
# per pixel, each layer slides a few 3×3 kernels over the picture, so the same small pattern
# detector is used at every position and neighbouring pixels are looked at together.
#
# This chapter rebuilds the tutorial's CNN layer for layer, trains it with the tutorial's own
# recipe, scores it, and then looks honestly at what in that recipe holds it back.
#
# **In this chapter you will learn**
#
# - how convolution, batch normalisation, ReLU and max pooling are stacked into a CNN, and
#   how few parameters that takes;
# - how the tutorial trained it (one huge batch, a large learning rate) and what it reaches;
# - four things in that recipe that a careful practitioner would change, each shown with a
#   small measurement.

# %%
# %matplotlib inline
import math
import time

import pandas as pd
import torch
from myst_nb import glue

from apparel_lib import (accuracy, build_model, count_parameters, get_recipe, load_data, logits, make_splits,
                         predict, score_submission, submission_ids, train, write_submission)
from apparel_lib import training_curves

started = time.perf_counter()
data = load_data(progress=False)
splits = make_splits(data, seed=0)

# %% [markdown]
# ## The architecture
#
# Two identical blocks, then one linear layer:
#
# - `Conv2d(kernel 3, stride 1, padding 1)`: 4 filters, each a 3×3 kernel slid over the
#   picture; padding keeps the 28×28 size;
# - `BatchNorm2d`: rescales each filter's output using the mean and spread over the batch;
# - `ReLU`: keeps positive responses, zeroes the rest;
# - `MaxPool2d(2)`: keeps the strongest response in each 2×2 square, halving height and width.
#
# After two blocks, 4 maps of 7×7 remain: 196 numbers that the linear layer turns into 10
# class scores.

# %%
model = build_model("article-cnn", seed=0)
print(model)

# %%
layers = pd.Series({name: p.numel() for name, p in model.named_parameters()}, name="parameters")
cnn_params = count_parameters(model)
assert layers.sum() == cnn_params
print(f"{cnn_params:,} parameters in all")
layers

# %% [markdown]
# The convolutions need a few dozen parameters each, and most of the budget goes to the final
# linear layer. Compare that with the hundreds of thousands of the plain network in the
# previous chapter.
#
# ## The tutorial's recipe
#
# The tutorial trains with Adam at a learning rate of 0.07, and feeds the *whole* training set
# as a single batch: each of the 25 epochs is exactly one step. It also never switches the
# network to evaluation mode (`model.eval()`): the validation loss of each epoch, and later every
# accuracy and every prediction, are computed in training mode on a whole set at once. The
# library's `article` recipe reproduces all of that (`eval_in_train_mode`).

# %%
recipe = get_recipe("article", "article-cnn")
recipe

# %% [markdown]
# Training on the full batch of 54,000 pictures at once needs a few gigabytes of memory for the
# intermediate results and takes a few minutes on a laptop's processor.

# %%
history = train(model, splits, recipe, seed=0)

# %%
training_curves(history, title="the tutorial's CNN and recipe")

# %% [markdown]
# The first epochs are rough: with a learning rate this large, single steps overshoot, and the
# loss jumps around before it settles. By the last epoch, training and validation agree closely
# — the network is far too small and too briefly trained to overfit.
#
# Measured the tutorial's way (in training mode, as the recipe says):

# %%
tutorial_way = recipe.eval_in_train_mode
cnn_acc = {
    "train": accuracy(model, splits.x_train, splits.y_train, train_mode=tutorial_way),
    "validation": accuracy(model, splits.x_val, splits.y_val, train_mode=tutorial_way),
    "test": accuracy(model, splits.x_test, splits.y_test, train_mode=tutorial_way),
}
assert 0.66 <= cnn_acc["test"] <= 0.76, cnn_acc
pd.Series(cnn_acc, name="accuracy").round(4)

# %% tags=["remove-cell"]
glue("cnn_params", cnn_params, display=False)
for split, value in cnn_acc.items():
    glue(f"cnn_{'val' if split == 'validation' else split}_acc", value, display=False)

# %% [markdown]
# These are close to what the tutorial reported (about 72% on training and validation, 71% on
# the test set). Its submission, scored locally:

# %%
test_predictions = predict(model, splits.x_test, train_mode=tutorial_way)
submission = write_submission("outputs/cnn_submission.csv", submission_ids(), test_predictions.numpy())
print(f"test accuracy of the submission: {score_submission(submission, data.test_labels):.4f}")

# %% [markdown]
# So the tutorial's CNN, as trained there, scores *below* the plain network of the previous
# chapter — the opposite of the story told. Before concluding anything about convolutions,
# look at the recipe.
#
# ## What holds this recipe back
#
# ### 1. One step per epoch
#
# With the whole training set as one batch, 25 epochs are 25 updates of the weights. The plain
# network's recipe, with batches of 128, made thousands.

# %%
def updates(recipe, n=len(splits.x_train)):
    return recipe.epochs * (1 if recipe.batch_size is None else math.ceil(n / recipe.batch_size))

print(f"CNN, tutorial recipe:           {updates(recipe):>6,} updates")
print(f"plain network, tutorial recipe: {updates(get_recipe('article', 'ann')):>6,} updates")

# %% [markdown]
# Each full-batch step is precise but expensive; many cheaper, noisier mini-batch steps
# usually get much further in the same time. This is the biggest limit of the recipe.
#
# ### 2. A large learning rate
#
# Adam's usual learning rate is 0.001; the tutorial uses 70 times that. With only 25 steps, a
# large rate is a way to move far quickly, but it also makes the steps overshoot, which is the
# zig-zag at the start of the curves above.
#
# ### 3. Never switching to evaluation mode
#
# In training mode, batch normalisation normalises each filter's output with the mean and
# spread *of the batch in front of it*, and nudges its running averages towards them. In
# evaluation mode it uses those running averages instead, so that a picture gets the same
# answer whatever else is in the batch — which is how a trained model is meant to be used. The
# tutorial never switches, so all its numbers depend on judging a whole set at once. Here is the
# same trained network measured both ways:

# %%
both_ways = pd.DataFrame({
    "training mode (tutorial)": [cnn_acc["validation"], cnn_acc["test"]],
    "evaluation mode": [accuracy(model, splits.x_val, splits.y_val), accuracy(model, splits.x_test, splits.y_test)],
}, index=["validation", "test"])
both_ways.round(4)

# %% [markdown]
# The running averages are updated with a momentum of 0.1, so they mostly reflect the last ten
# or so forward passes. With Adam at a learning rate of 0.07, every step moves each weight by up
# to 0.07, which is large for weights of this size: the statistics of a few steps ago no longer
# describe what the final weights produce. On the run stored in this notebook the two columns
# are far apart. The evaluation-mode number is the honest one for a model used on new pictures,
# and a gap like this is a warning that training has not settled.
#
# Training mode has a second cost: the answer for a picture depends on its companions. Classify
# the first 20 test pictures on their own, as one small batch, and compare with the answers they
# got inside the whole test set:

# %%
alone = predict(model, splits.x_test[:20], train_mode=True)
changed = int((alone != test_predictions[:20]).sum())
print(f"{changed} of 20 predictions change when the batch changes")

# ### 4. `exp` of raw scores is not a softmax
#
# The tutorial turns the network's outputs into "probabilities" with `torch.exp`. Its last layer
# is a plain `Linear`, whose outputs are raw scores (*logits*), not log-probabilities, so their
# exponentials do not sum to 1. `torch.softmax` does that properly. The predicted class, the
# largest score, is the same either way, so the accuracy is unaffected; any probability read
# from `exp` is not.

# %%
scores = logits(model, splits.x_test, train_mode=tutorial_way)[:5]
print("sum of exp(scores) per picture:   ", torch.exp(scores).sum(dim=1).numpy().round(2))
print("sum of softmax(scores) per picture:", torch.softmax(scores, dim=1).sum(dim=1).numpy().round(2))
print("same predicted class:", bool((torch.exp(scores).argmax(1) == scores.softmax(1).argmax(1)).all()))

# %% [markdown]
# ## Where this leaves us
#
# The tutorial compared a plain network, as reported in its first part, with a CNN whose recipe
# allowed only 25 steps. Which architecture really suits these pictures better can only be
# judged with both trained the same, sound way. That fair comparison — accuracy against the
# number of parameters — is the subject of a later chapter.
#
# ## Exercises
#
# 1. Retrain the CNN with the same recipe but a learning rate of 0.01
#    (`recipe.replace(lr=0.01)`). Is it better or worse after 25 steps?
# 2. How many multiply-adds does the first convolution layer perform for one picture? Compare
#    with the plain network's first layer.
# 3. Classify the first 20 test pictures the tutorial's way twice: once as a batch of 20, once as
#    part of a batch made only of ankle boots. How many answers differ?
#
# <details>
# <summary>Solution 1</summary>
#
# ```python
# slower = build_model("article-cnn", seed=0)
# train(slower, splits, recipe.replace(lr=0.01), seed=0)
# print(accuracy(slower, splits.x_val, splits.y_val, train_mode=True), accuracy(slower, splits.x_val, splits.y_val))
# ```
#
# Compare the result with the tutorial's rate, in both modes. Whichever rate wins, 25 steps stay
# 25 steps: the real remedy is more of them (smaller batches), which a later chapter takes up.
# </details>
#
# <details>
# <summary>Solution 2</summary>
#
# Each of the 28×28 output positions of each of the 4 filters needs 3×3 multiply-adds:
# `28 * 28 * 4 * 9` for the convolution, against `784 * 500` for the plain network's first layer
# — the convolution reuses its 36 weights at every position instead of owning one per pixel.
# </details>
#
# <details>
# <summary>Solution 3</summary>
#
# ```python
# boots = splits.x_test[splits.y_test == 9][:200]
# mixed = torch.cat([splits.x_test[:20], boots])
# a = predict(model, splits.x_test[:20], train_mode=True)
# b = predict(model, mixed, train_mode=True)[:20]
# print(int((a != b).sum()))
# ```
#
# In training mode, batch norm's statistics come from the batch, so a batch full of boots shifts
# every other picture's normalised values. In evaluation mode the two would agree exactly.
# </details>

# %% tags=["nbval-ignore-output", "remove-cell"]
glue("ch4_seconds", round(time.perf_counter() - started), display=False)

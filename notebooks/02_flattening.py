# %% [markdown]
# # Flattening versus spatial structure
#
# A plain (fully connected) network cannot take a picture as it is: it wants one long list of
# numbers. So the 28×28 grid is *flattened*, row after row, into 784 values. This chapter asks
# what that costs — and the answer is not "information": the row holds exactly the same
# numbers. What a {term}`dense layer` lacks is an *assumption*: that neighbouring pixels belong
# together, and that a pattern means the same wherever it appears.
#
# **In this chapter you will learn**
#
# - what an image looks like to a plain network once it is flattened into a row, and why no
#   pixel is lost on the way;
# - why comparing rows position by position says little about shape: a garment moved by three
#   pixels is its own closest twin as a row, yet a dense layer treats the move as a new input;
# - the three ideas a convolution builds in — {term}`locality`, {term}`weight sharing` and
#   {term}`shift equivariance` — shown with a real `nn.Conv2d` against a dense layer;
# - what a convolution does *not* give you: it is not invariant to flips or rotations, and the
#   tutorial's CNN ends in a dense layer too;
# - how the number of parameters of a dense layer explodes with the image size, while a
#   convolution's does not.

# %%
# %matplotlib inline
import time

import numpy as np
import torch
from IPython.display import display
from myst_nb import glue
from torch import nn

from apparel_lib import CLASSES, build_model, load_data, shift_images
from apparel_lib import map_grid, parameter_growth, picture_and_row
from apparel_lib import (TRANSFORMS, flatten_picture, parameter_table, row_similarity,
                         transform_picture)
from apparel_lib import flatten_explorer

started = time.perf_counter()
data = load_data(progress=False)
image, label = data.test_images[0], data.test_labels[0]
print(f"test image 0: {CLASSES[label]}, shape {image.shape}, "
      f"flattened shape {flatten_picture(image).shape}")

# %% [markdown]
# ## One garment, two views
#
# On the left, the picture we see. On the right, the same 784 numbers laid out in the order a
# plain network receives them: row 0 of the picture, then row 1, and so on. The vertical
# structure of the boot is now spread out into 28 short dashes, each one 28 positions apart.

# %% mystnb={"image": {"alt": "An ankle boot picture on the left and, on the right, the same picture flattened into one long row of 784 positions: blank at both ends, with dark stripes between about positions 220 and 610 where the boot's rows lie."}}
picture_and_row([image], [CLASSES[label]])

# %% [markdown]
# Nothing is lost: folding the row back into 28 rows of 28 gives the picture again, pixel for
# pixel.

# %%
print("row folded back equals the picture:",
      np.array_equal(flatten_picture(image).reshape(28, 28), image))

# %% [markdown]
# ## Comparing rows position by position
#
# Flip the boot, rotate it or move it a little, and anybody recognises the same boot. As rows,
# the pictures become different patterns of dashes:

# %% mystnb={"image": {"alt": "Four ankle boot pictures, each next to its flattened row: the original; shifted 3 pixels right, whose stripes sit slightly further along; flipped left-right, whose stripes change pattern; and rotated 90 degrees, whose stripes spread over the whole row."}}
names = ["original", "shifted 3 pixels right", "flipped left-right", "rotated 90°"]
picture_and_row([transform_picture(image, n) for n in names], names)

# %% [markdown]
# A dense layer compares inputs position by position: each of its units multiplies every
# pixel by a weight of its own for that position, and adds up. A simple way to see what such a comparison makes of two
# pictures is the *cosine similarity* of their rows: 1 when every position agrees in
# proportion, near 0 when the inked pixels of one row fall where the other has background. Below, the
# boot is compared with its own transformed versions and with the next boot in the test set.

# %%
other = int(np.flatnonzero(data.test_labels == label)[1])
rows = {name: row_similarity(image, transform_picture(image, name))
        for name in TRANSFORMS}
another = f"another {CLASSES[label]} (test image {other})"
rows[another] = row_similarity(image, data.test_images[other])
for name, value in rows.items():
    print(f"{name:<36} {value:6.3f}")

# %% tags=["remove-cell"]
sim_shift = rows["shifted 3 pixels right"]
sim_flip_ud = rows["flipped upside down"]
sim_other = rows[another]
# Claims of the next paragraph, on the order of the similarities.
others = {name: value for name, value in rows.items() if name != "original"}
assert max(others, key=others.get) == "shifted 3 pixels right", "shift not closest"
assert min(others, key=others.get) == "pixels shuffled (seed 0)", "shuffled is closer"
turned = ("flipped left-right", "flipped upside down", "rotated 90°")
assert max(rows[name] for name in turned) < rows[another], "a flip beats a boot"

# %% [markdown]
# Read the numbers with care; they do not say that rows make garments hard to tell apart.
#
# - The boot moved three pixels to the right is the most similar row of all
#   ({eval}`f"{sim_shift:.2f}"`), closer than another boot
#   ({eval}`f"{sim_other:.2f}"`). Flips and the rotation are further away (upside down:
#   {eval}`f"{sim_flip_ud:.2f}"`).
# - The shuffled version keeps every pixel value — the same brightness, the same histogram —
#   yet it is the least similar of all.
#
# The point is what a dense layer can *do* with these rows. Its weights belong to positions:
# a unit that has learned "a sole along the bottom rows" at one place knows nothing about the
# same sole three pixels further right; it has to learn it again there from examples. And
# nothing in the layer says that position 29 sits right below position 1: shuffle all pixel
# positions the same way in every picture, and a dense layer can learn the shuffled arrangement
# just as well, because it never used the arrangement in the first place.
# [Chapter 6](06_does_it_use_space.ipynb) tests this by training networks on shuffled pictures.

# %% [markdown]
# ## What a convolution assumes instead
#
# A {term}`convolution` slides one small {term}`kernel` — here 3×3 weights — over the picture
# and computes the same weighted sum at every position. That builds in three assumptions a
# dense layer does not make:
#
# - **{term}`Locality <locality>`**: each output looks only at a small neighbourhood of pixels;
# - **{term}`Weight sharing <weight sharing>`**: the same weights are used at every position,
#   so a pattern learned in one place is recognised everywhere;
# - **{term}`Shift equivariance <shift equivariance>`**: as a consequence, moving the input
#   moves the output by the same amount, and changes nothing else.
#
# The cell below shows the last one with a real `nn.Conv2d` (one random 3×3 filter, no bias)
# and, for comparison, a dense layer with one output per pixel (784 inputs, 784 outputs), both
# applied to the boot and to the boot moved three pixels down (it spans the full width, so a
# move sideways would push its toe out of the frame). For each layer the cell asks: is the
# response to the moved boot the moved response to the boot?

# %%
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, bias=False)
dense = nn.Linear(784, 784, bias=False)
x = torch.from_numpy(image / 255.0).float().view(1, 1, 28, 28)
moved = shift_images(x, 0, 3)  # 3 pixels down: the boot stays inside the frame
flipped = torch.flip(x, dims=[3])


def as_map(layer, pictures):
    with torch.no_grad():
        if isinstance(layer, nn.Linear):
            return layer(pictures.flatten(1)).view(1, 1, 28, 28)
        return layer(pictures)


def agreement(a, b):
    """Correlation of two maps: 1 when one is the other up to scale."""
    return float(np.corrcoef(a.flatten().numpy(), b.flatten().numpy())[0, 1])


equivariance = {}
for name, layer in (("convolution", conv), ("dense layer", dense)):
    of_moved, moved_of = as_map(layer, moved), shift_images(as_map(layer, x), 0, 3)
    gap, agree = float((of_moved - moved_of).abs().max()), agreement(of_moved, moved_of)
    equivariance[name] = agree
    print(f"{name:<12} moved input vs moved output: largest difference {gap:.4f}, "
          f"agreement {agree:.3f}")
flip_gap = agreement(as_map(conv, flipped), torch.flip(as_map(conv, x), dims=[3]))
print(f"convolution  flipped input vs flipped output: agreement {flip_gap:.3f}")

# %% tags=["remove-cell"]
conv_shift_agreement = equivariance["convolution"]
dense_shift_agreement = equivariance["dense layer"]
conv_flip_agreement = flip_gap
# Claims of the paragraph below the maps: the convolution's maps are the same up to the
# move (difference printed as zero), the dense layer's unrelated, the flipped ones
# disagree.
moved_map = shift_images(as_map(conv, x), 0, 3)
assert float((as_map(conv, moved) - moved_map).abs().max()) < 5e-5, "conv maps differ"
assert equivariance["convolution"] > 0.999, "the convolution is not shift-equivariant"
assert abs(equivariance["dense layer"]) < 0.2, "the dense layer's responses are related"
assert flip_gap < 0.95, "the convolution's flipped responses agree"

# %% mystnb={"image": {"alt": "Six panels in three rows: a boot and the same boot moved 3 pixels down; below them the convolution's output for each, the same outlined boot moved down by the same amount; at the bottom the dense layer's output for each, two speckled patterns with no boot shape and no visible relation to each other."}}
maps = [x, moved, as_map(conv, x), as_map(conv, moved),
        as_map(dense, x), as_map(dense, moved)]
titles = ["boot", "boot moved 3 down", "conv(boot)", "conv(moved boot)",
          "dense(boot)", "dense(moved boot)"]
map_grid([m[0, 0].numpy() for m in maps], titles, ncols=2, size=2.2)

# %% [markdown]
# The convolution's two feature maps are the same picture, three pixels apart: their
# agreement (correlation) is {eval}`f"{conv_shift_agreement:.3f}"`, and the largest difference
# printed above is zero. The dense layer's two responses have nothing to do with each other
# (agreement {eval}`f"{dense_shift_agreement:.3f}"`): every output unit has its own weights for every position, so a move of three
# pixels reshuffles its whole answer. Shown a garment in one place, a convolution has already
# learned it in every place; a dense layer has not.
#
# Two limits, stated plainly:
#
# - **A convolution is not invariant to flips or rotations.** The last printed line compares
#   the response to the boot flipped left-right with the flipped response: they disagree
#   (agreement {eval}`f"{conv_flip_agreement:.2f}"`, not 1),
#   because a 3×3 kernel is generally not symmetric. A CNN learns flipped or rotated garments
#   from examples, exactly as a dense layer would (data augmentation is the usual help).
# - **Equivariance is not invariance.** A convolution moves its answer along with the picture;
#   only pooling and the layers after it decide how much the final class score cares about the
#   position. The tutorial's CNN, after two convolution blocks, *flattens* its 4 maps of 7×7
#   into a row of 196 values and hands them to a dense layer, which again has one weight per
#   position:

# %%
cnn = build_model("tutorial-cnn", seed=0)
head = sum(p.numel() for p in cnn.linear_layers.parameters())
total = sum(p.numel() for p in cnn.parameters())
print(f"tutorial CNN: {total:,} parameters, {head:,} of them "
      f"({head / total:.0%}) in its final dense layer")

# %% tags=["remove-cell"]
cnn_head_params = head
cnn_total_params = total
cnn_head_share = head / total
assert head / total > 0.5, "most parameters are not in the dense layer"

# %% [markdown]
# So most of the tutorial CNN's {eval}`f"{cnn_total_params:,d}"` parameters
# ({eval}`f"{cnn_head_params:,d}"`, or {eval}`f"{cnn_head_share:.0%}"`) sit in a dense layer
# on flattened maps. What the convolutions change is what gets flattened: not raw pixels, but
# 49 positions of 4 pattern detectors, each already looking at a neighbourhood.

# %% [markdown]
# ## The parameter bill of flattening
#
# The first dense layer connects every input value to every hidden unit. With 500 hidden units,
# the number of weights is inputs × 500 (plus 500 biases). A convolution's weights depend only
# on the kernel size and the number of {term}`channels <channel>` — not on the image size,
# because the same small kernel is reused at every position (weight sharing again).

# %%
sizes = [(28, 28, 1), (28, 28, 3), (64, 64, 3), (224, 224, 3)]
table = parameter_table(sizes, hidden=500)
table.map("{:,}".format)

# %% mystnb={"image": {"alt": "Line chart of parameters (log scale) against the image side in pixels, for 3-channel images from 28 to 224 pixels: the dense layer with 500 units climbs steeply, from around a million to near a hundred million, while the 3x3 convolution with 4 filters stays flat near a hundred."}}
parameter_growth([28, 56, 112, 224], channels=3)

# %% [markdown]
# A 224×224 colour photo, a common size for image networks, already needs tens of millions of
# weights in the first dense layer alone (the last row of the table), before the network has
# learned anything about shape. The 3×3 convolution in the last column needs the same small
# number whatever the image size.

# %% [markdown]
# ## Explore it yourself
#
# Pick one of the first twelve test images with the slider and a transformation from the
# list. You see both pictures, both flattened rows, and the cosine similarity of the rows.
# Every view was computed when this cell ran and is stored with the page, so the explorer
# responds in the built book too, with no Python running behind it. To explore other
# images, run the notebook and pass them to `flatten_explorer`.

# %% tags=["nbval-ignore-output"]
flatten_explorer(data.test_images, data.test_labels)

# %% [markdown]
# ## Exercises
#
# 1. Find, among the first 200 test images, the one whose row is *least* similar to its own
#    upside-down flip. What class is it, and why might that be?
# 2. Which transformation in the list changes a row the least for most images? Check it over
#    the first 1,000 test images.
# 3. How many parameters would the first dense layer need for a 1024×768 colour photo with
#    500 hidden units? And a 3×3 convolution with 64 filters?
#
# <details>
# <summary>Solution 1</summary>
#
# ```python
# flip = "flipped upside down"
# sims = [row_similarity(im, transform_picture(im, flip))
#         for im in data.test_images[:200]]
# worst = int(np.argmin(sims))
# print(worst, CLASSES[data.test_labels[worst]], round(sims[worst], 3))
# ```
#
# Sandals fill the list of the least similar: their ink is a thin sole and a few straps in the
# lower rows, and after the flip almost all of it lands in rows that were empty. Bulky garments
# that fill most of the frame keep more in common with their flipped twin.
# </details>
#
# <details>
# <summary>Solution 2</summary>
#
# ```python
# for name in TRANSFORMS:
#     sims = [row_similarity(im, transform_picture(im, name))
#             for im in data.test_images[:1000]]
#     print(f"{name:<28} {np.mean(sims):.3f}")
# ```
#
# Apart from the original itself, the left-right flip usually wins: most garments are nearly
# symmetric left to right, so the rows barely change. A shift of 3 pixels already costs more
# on average (the boot above, with its one-sided toe, is an exception). Either way, the
# similarity of rows is not what a network learns from; the exercise shows how little
# position-by-position comparison has to do with the garment.
# </details>
#
# <details>
# <summary>Solution 3</summary>
#
# ```python
# from apparel_lib import conv_parameters, dense_parameters
# print(f"{dense_parameters(1024 * 768 * 3, 500):,}")
# print(f"{conv_parameters(3, 64):,}")
# ```
#
# Over a billion weights for the dense layer, under two thousand for the convolution.
# </details>

# %% [markdown]
# ## Check yourself
#
# A few questions on this chapter. Open the answer you would give: the page says whether it
# is right, and why, by itself, in the book and in JupyterLab alike.

# %%
from apparel_lib import self_check

self_check(2)

# %% tags=["nbval-ignore-output", "remove-cell"]
glue("ch2_seconds", round(time.perf_counter() - started), display=False)

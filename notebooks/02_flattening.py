# %% [markdown]
# # Flattening versus spatial structure
#
# A plain (fully connected) network cannot take a picture as it is: it wants one long list of
# numbers. So the 28×28 grid is *flattened*, row after row, into 784 values. This chapter looks
# at what that costs.
#
# **In this chapter you will learn**
#
# - what an image looks like to a plain network once it is flattened into a row;
# - why an image and its flipped or rotated twin, obvious as pictures, are hard to tell apart
#   as rows — and why the network has no notion of "neighbouring pixels" at all;
# - how the number of parameters of a dense layer explodes with the image size, while a
#   convolution's does not;
# - how to explore all of this yourself with an interactive widget.

# %%
# %matplotlib inline
import time

import numpy as np
from IPython.display import display
from myst_nb import glue

from apparel_lib import CLASSES, load_data
from apparel_lib import parameter_growth, picture_and_row
from apparel_lib import TRANSFORMS, flatten, parameter_table, row_similarity, transform
from apparel_lib import flatten_explorer

started = time.perf_counter()
data = load_data(progress=False)
image, label = data.test_images[0], data.test_labels[0]
print(f"test image 0: {CLASSES[label]}, shape {image.shape}, flattened shape {flatten(image).shape}")

# %% [markdown]
# ## One garment, two views
#
# On the left, the picture we see. On the right, the same 784 numbers laid out in the order a
# plain network receives them: row 0 of the picture, then row 1, and so on. The vertical
# structure of the boot is now spread out into 28 short dashes, each one 28 positions apart.

# %%
picture_and_row([image], [CLASSES[label]])

# %% [markdown]
# ## Twins that are obvious as pictures
#
# Flip the boot upside down, or rotate it, and anybody recognises the same boot. As rows, the
# pictures become different patterns of dashes. Look at the rows on the right and try to say
# which one belongs to which picture without looking at the left column.

# %%
names = ["original", "flipped upside down", "flipped left-right", "rotated 90°"]
picture_and_row([transform(image, n) for n in names], names)

# %% [markdown]
# A plain network compares inputs position by position. A simple way to see what that means is
# the *cosine similarity* of two rows: 1 when every position agrees in proportion, near 0 when
# the bright pixels of one row fall where the other is dark. Below, the boot is compared with
# its own transformed versions and with the next boot in the test set, a different boot
# altogether.

# %%
other = int(np.flatnonzero(data.test_labels == label)[1])
rows = {name: row_similarity(image, transform(image, name)) for name in TRANSFORMS}
rows[f"another {CLASSES[label]} (test image {other})"] = row_similarity(image, data.test_images[other])
for name, value in rows.items():
    print(f"{name:<32} {value:6.3f}")

# %% [markdown]
# Two things stand out in the numbers above.
#
# - By this measure a *different* boot can be closer to our boot than the very same boot turned
#   upside down: position-by-position comparison knows nothing about shape.
# - The shuffled version keeps every pixel value — the same brightness, the same histogram —
#   yet it is the least similar of all: position by position, little is left of the boot. For a plain network,
#   a fixed shuffle of the pixel positions is no obstacle at all: its first layer has one weight
#   per position and can learn the shuffled arrangement just as well. Nothing in it says that
#   position 29 sits right below position 1. A convolution, by contrast, is built on exactly
#   that: it slides a small 3×3 window over neighbouring pixels. (A later chapter tests this by
#   training both networks on shuffled images.)

# %% [markdown]
# ## The parameter bill of flattening
#
# The first dense layer connects every input value to every hidden unit. With 500 hidden units,
# the number of weights is inputs × 500 (plus 500 biases). A convolution's weights depend only
# on the kernel size and the number of channels — not on the image size, because the same small
# kernel is reused at every position.

# %%
table = parameter_table([(28, 28, 1), (28, 28, 3), (64, 64, 3), (224, 224, 3)], hidden=500)
table.map("{:,}".format)

# %%
parameter_growth([28, 56, 112, 224], channels=3)

# %% [markdown]
# A 224×224 colour photo, a common size for image networks, already needs tens of millions of
# weights in the first dense layer alone (the last row of the table), before the network has
# learned anything about shape. The 3×3 convolution in the last column needs the same small
# number whatever the image size.

# %% [markdown]
# ## Explore it yourself
#
# Pick a test image with the slider and a transformation from the list. Both views change
# together, and the cosine similarity of the two rows is printed below them. (In the built book
# the widget works too, showing the pictures stored when the chapter was executed; run the
# notebook to explore freely.)

# %% tags=["nbval-ignore-output"]
flatten_explorer(data.test_images[:200], data.test_labels[:200])

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
# sims = [row_similarity(im, transform(im, "flipped upside down")) for im in data.test_images[:200]]
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
#     sims = [row_similarity(im, transform(im, name)) for im in data.test_images[:1000]]
#     print(f"{name:<28} {np.mean(sims):.3f}")
# ```
#
# Apart from the original itself, the left-right flip usually wins: most garments are nearly
# symmetric left to right, so the rows barely change. A shift of 3 pixels already costs more.
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

# %% tags=["nbval-ignore-output", "remove-cell"]
glue("ch2_seconds", round(time.perf_counter() - started), display=False)

# %% [markdown]
# # The apparel data
#
# The tutorial this book retells is "Build an Image Classification Model using Convolutional
# Neural Networks in PyTorch" (Analytics Vidhya, October 2019), the second part of a series
# whose first part is "A Beginner-Friendly Guide to PyTorch and How it Works from Scratch"
# (Analytics Vidhya, September 2019). It starts from a practice problem: *identify the
# apparels*. You get a folder of small grayscale pictures of clothes, a `train.csv` that says
# which picture shows which kind of garment, a `test.csv` of pictures to classify, and a
# `sample_submission.csv` showing the format of the answer. Behind it is Fashion-MNIST, a
# public data set of 70,000 pictures of ten kinds of clothing and shoes sold by Zalando,
# published by Han Xiao, Kashif Rasul and Roland Vollgraf ("Fashion-MNIST: a Novel Image
# Dataset for Benchmarking Machine Learning Algorithms", 2017,
# [arXiv:1708.07747](https://arxiv.org/abs/1708.07747)).
#
# **In this chapter you will learn**
#
# - how the practice layout is organised, and how to load it the way the tutorial does
#   (CSV of ids, PNG files read with scikit-image, pixels scaled to [0, 1]);
# - how to get the same arrays with one library call, fast;
# - what the pictures look like, class by class, and how balanced the classes are;
# - what the pixel values look like in numbers;
# - how a {term}`validation split` is carved out of the training set, and why it is
#   {term}`stratified <stratified split>`.

# %%
# %matplotlib inline
import time

import numpy as np
import pandas as pd
from myst_nb import glue
from skimage.io import imread
from tqdm.auto import tqdm

from apparel_lib import CLASSES, load_data, make_splits, read_layout
from apparel_lib import practice_layout
from apparel_lib import class_balance, examples_per_class, image_grid, pixel_histogram

started = time.perf_counter()
data = load_data(progress=False)
print(f"Fashion-MNIST from {data.source.origin}, "
      f"{len(data.source.hashes)} files verified by their SHA-256 hashes")
print(f"fingerprint {data.fingerprint}")
print(f"{len(data.train_images):,} training and {len(data.test_images):,} test images, "
      f"{len(CLASSES)} classes")

# %% [markdown]
# `load_data` found the four original data files (here, where a Debian package installs them),
# checked each one against a known hash of its content, and returned them as arrays. The
# practice problem did not hand out those files but a folder of PNG pictures. The library writes
# that folder once from the verified data, with the same names and columns: training pictures
# get ids 1 to 60,000 and test pictures ids 60,001 to 70,000. The true test labels are kept out
# of the folder, as they were in the practice problem; the library holds on to them to score
# answers locally, like the problem's online checker did.

# %% tags=["nbval-ignore-output"]
folder = practice_layout(data)

# %%
print(sorted(path.name for path in folder.iterdir()))
train_csv = pd.read_csv(folder / "train.csv")
train_csv.head()

# %%
pd.read_csv(folder / "sample_submission.csv").head(3)

# %% [markdown]
# ## Loading it the tutorial's way
#
# The tutorial reads every picture listed in the CSV with scikit-image's `imread`, asks for
# grayscale, divides by 255 so the pixels lie between 0 and 1, and stacks the results into one
# array. Here is that loop, on the 10,000 test pictures (the training pictures work the same way,
# six times longer).

# %%
test_csv = pd.read_csv(folder / "test.csv")
test_img = []
for img_id in tqdm(test_csv["id"], desc="reading test PNGs"):
    img = imread(folder / "test" / f"{img_id}.png", as_gray=True)
    img = img / 255.0
    test_img.append(img.astype("float32"))
test_x = np.array(test_img)
print(test_x.shape, test_x.dtype, test_x.min(), test_x.max())

# %% [markdown]
# ## The same in one call
#
# `read_layout` reads the same pixels for both splits (it hands each PNG to Pillow, the
# image library that scikit-image itself ends up calling, without the layers in between),
# checks what it reads (missing pictures, wrong sizes, duplicate ids, malformed CSV files all
# stop it with a clear message) and keeps a cache, so the second time it reads one cached
# array instead of 70,000 separate PNG files.

# %% tags=["nbval-ignore-output"]
layout = read_layout(folder)

# %%
print("test pictures identical to the loop above:",
      np.array_equal(layout.test_images, test_x))
scaled = (data.train_images / 255.0).astype("float32")
print("training pictures identical to the original data / 255:",
      np.array_equal(layout.train_images, scaled))
print("labels identical:", np.array_equal(layout.train_labels, data.train_labels))
print("train:", layout.train_images.shape, " test:", layout.test_images.shape)

# %% [markdown]
# The PNG folder and the original files hold the very same pixels. From here on the book loads
# the data with `load_data`, which reads and verifies the original files.
#
# ## A first look
#
# The first training pictures, with their labels:

# %% mystnb={"image": {"alt": "A grid of 24 training pictures in three rows of eight, each titled with its class: ankle boots, T-shirts, dresses, pullovers, sneakers, sandals, trousers, a shirt, coats and a bag, drawn dark on white."}}
image_grid(layout.train_images[:24], layout.train_labels[:24], ncols=8)

# %% [markdown]
# Each row below shows the first pictures of one class. Some classes are easy to tell apart at a
# glance (trousers, bags); others are close cousins: shirts, T-shirts, pullovers and coats all
# have a body and two sleeves, and at 28×28 pixels the details that separate them are few.

# %% mystnb={"image": {"alt": "Ten rows of ten training pictures, one row per class from T-shirt/top to ankle boot, showing how much the garments of one class vary in shape, pattern and brightness."}}
examples_per_class(data.train_images, data.train_labels, per_class=10)

# %% [markdown]
# ## How balanced are the classes?
#
# A model that always answered "bag" would be right on every tenth picture if the classes are
# balanced, and on many more if bags were common. So count them before judging any accuracy.

# %%
counts = pd.DataFrame({"train": data.class_counts("train"),
                       "test": data.class_counts("test")})
counts

# %% tags=["remove-cell"]
# Claim: every class has exactly the same number of pictures in each split.
assert (counts.nunique() == 1).all(), "the classes are not balanced"

# %% mystnb={"image": {"alt": "Bar chart of the number of images per class, a training bar and a test bar for each of the ten classes; every class has bars of the same height within each split, the training bars much taller than the test bars."}}
class_balance({"train": counts["train"].to_numpy(), "test": counts["test"].to_numpy()})

# %% [markdown]
# Every class has exactly the same number of pictures in each split, so guessing gives 10%
# accuracy, and plain accuracy is a fair score.
#
# ## Pixels in numbers
#
# Every picture is 28×28 = 784 numbers. After scaling, 0 is the background and 1 the most
# intense part of the garment. **How the book draws them:** as ink on paper, 0 white and 1
# dark, in every plot of every chapter; so "dark" in a picture means a high value and "light"
# or "white" means near 0, the background. (A standard gray display shows the same numbers
# the other way round, a light garment on black; the book does not, except for
# chapter 9's preparation of a photo, drawn as the photo's gray levels.)

# %%
pixels = layout.train_images
stats = pd.Series({
    "mean": pixels.mean(),
    "standard deviation": pixels.std(),
    "share of pixels exactly 0": (pixels == 0).mean(),
    "share of pixels exactly 1": (pixels == 1).mean(),
    "darkest pixel": pixels.max(),
})
stats.round(3)

# %% tags=["remove-cell"]
# Claim: half of all pixels are background.
assert abs(stats["share of pixels exactly 0"] - 0.5) < 0.01, "not half background"

# %% mystnb={"image": {"alt": "Histogram of all pixel values from 0 to 1 on a logarithmic count axis: a tall spike at 0 (the background), a low plateau that rises gently to a broad hump near 0.85, and a small bump at 1."}}
pixel_histogram(pixels)

# %% [markdown]
# Half of all pixels are background, and the rest spread over the whole range. The average
# picture of each class shows where each kind of garment puts its ink — the kind of layout
# information a convolutional network can exploit and a flattened row hides.

# %% mystnb={"image": {"alt": "The average training picture of each of the ten classes side by side: blurred but recognisable silhouettes of a T-shirt, trousers, pullover, dress, coat, sandal, shirt, sneaker, bag and ankle boot; the sandal's average is the faintest."}}
means = np.stack([pixels[layout.train_labels == c].mean(axis=0)
                  for c in range(len(CLASSES))])
image_grid(means, list(range(len(CLASSES))), ncols=10)

# %%
mean_brightness = pd.Series({name: pixels[layout.train_labels == c].mean()
                             for c, name in enumerate(CLASSES)})
mean_brightness.sort_values().round(3)

# %% tags=["remove-cell"]
# Claims of the next paragraph, on the order of the classes by their ink.
order = list(mean_brightness.sort_values().index)
assert set(order[:2]) == {"Sandal", "Sneaker"}, "sandals, sneakers not the lightest"
assert set(order[-2:]) == {"Pullover", "Coat"}, "pullovers, coats not the darkest"
tee, shirt = order.index("T-shirt/top"), order.index("Shirt")
assert abs(tee - shirt) == 1 and min(tee, shirt) >= 5, "T-shirts and shirts are apart"

# %% [markdown]
# Sandals and sneakers use the least ink, coats and pullovers the most. The amount of ink
# alone separates some classes, such as sandals from coats — but not the family of tops:
# T-shirts and shirts sit next to each other in the second half of the list (which runs from
# the least ink to the most), and pullovers and coats next to each other at its end.

# %% [markdown]
# ## Holding pictures back for validation
#
# The test labels are hidden, so to watch a model learn we need labelled pictures it never trains
# on. The tutorial keeps 10% of the training set aside for this. The library does the same, but
# *stratified*: exactly 10% of each class, chosen with a fixed seed, so the split is the same on
# every run and every machine and no class is over- or under-represented by chance.
#
# From here on, the book compares models and looks at their mistakes on this validation
# split. The test set is kept for the end of each chapter that trains a model: each model is
# scored on it once, in one clearly marked cell.

# %%
splits = make_splits(data, val_fraction=0.1, seed=0)
split_counts = pd.DataFrame({
    "train": np.bincount(splits.y_train.numpy(), minlength=10),
    "validation": np.bincount(splits.y_val.numpy(), minlength=10),
}, index=CLASSES)
print("x_train", tuple(splits.x_train.shape), "x_val", tuple(splits.x_val.shape),
      "x_test", tuple(splits.x_test.shape))
split_counts

# %% tags=["remove-cell"]
# Claim: exactly 10% of each class is held back.
held_back = split_counts["validation"] * 10
assert (held_back == counts["train"]).all(), "not 10% of each class"

# %% [markdown]
# The tensors have the shape PyTorch's convolution layers expect: (pictures,
# {term}`channels <channel>`, height, width), with one channel for grayscale.
#
# ## Exercises
#
# 1. Show the ten training pictures of class "Shirt" that are darkest on average. Do they look
#    like shirts to you?
# 2. How many training pictures would you need to look at, in file order, before you have seen
#    at least one of every class?
# 3. Read the first 1,000 training PNGs the tutorial's way and check that they equal
#    `data.train_images[:1000] / 255`.
#
# <details>
# <summary>Solution 1</summary>
#
# ```python
# shirt = CLASSES.index("Shirt")
# idx = np.flatnonzero(layout.train_labels == shirt)
# darkest = idx[np.argsort(pixels[idx].mean(axis=(1, 2)))[-10:]]
# image_grid(pixels[darkest], layout.train_labels[darkest], ncols=10)
# ```
#
# Look at them before reading the labels: would you have said "shirt" for each one, or
# "pullover", "coat" or "T-shirt"? At 28×28 pixels the boundary between these classes is blurry
# even for people, which is worth remembering when a model confuses them.
# </details>
#
# <details>
# <summary>Solution 2</summary>
#
# ```python
# seen = set()
# for i, label in enumerate(data.train_labels):
#     seen.add(int(label))
#     if len(seen) == 10:
#         print(i + 1)
#         break
# ```
# </details>
#
# <details>
# <summary>Solution 3</summary>
#
# ```python
# first = [imread(folder / "train" / f"{i}.png", as_gray=True) / 255.0
#          for i in train_csv["id"][:1000]]
# expected = (data.train_images[:1000] / 255.0).astype("float32")
# print(np.array_equal(np.array(first, dtype="float32"), expected))
# ```
# </details>

# %% [markdown]
# ## Check yourself
#
# A few questions on this chapter. Open the answer you would give: the page says whether it
# is right, and why, by itself, in the book and in JupyterLab alike.

# %%
from apparel_lib import self_check

self_check(1)

# %% tags=["nbval-ignore-output", "remove-cell"]
glue("ch1_seconds", round(time.perf_counter() - started), display=False)

# %% [markdown]
# # Save, reload, classify your own picture
#
# A trained network is only useful if it can be kept and used again, on pictures it has
# never seen — including pictures that were never part of any data set. This chapter
# saves chapter 7's `best-cnn` to a file, loads it back, and makes sure nothing was lost
# on the way. Then it classifies pictures drawn for this book, and yours: of any size,
# PNG or JPEG, in colour or gray, after turning each into the kind of picture the network
# was trained on.
#
# **Before you run it:** this chapter uses the trained `best-cnn` that ships with the
# results ledger, the same run that chapters 7, 8, 10 and 11 read (only with the ledger
# switched off is it trained, once, on this machine); the first code cell reads it.
#
# **In this chapter you will learn**
#
# - what a {term}`checkpoint` holds besides the weights, and why it is loaded with
#   `weights_only=True`;
# - how to prove that a reloaded model is the same model;
# - the steps that turn an ordinary photo or drawing into a Fashion-MNIST-like picture,
#   and why each is needed;
# - how to classify your own pictures here and from the command line.

# %%
# %matplotlib inline
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import torch
from IPython.display import display
from myst_nb import glue

from apparel_lib import (CLASSES, ApparelError, class_probabilities, describe_top,
                         image_grid, load_checkpoint, load_data, logits,
                         make_splits, picture_paths, picture_steps_figure,
                         prepare_picture, probability_bars, run_spec, save_checkpoint,
                         shipped)

started = time.perf_counter()
# The ledger's best-cnn, as chapters 7, 10 and 11 read it.
result = shipped(run_spec("best-cnn", "best"))
model = result.load_model()
splits = make_splits(load_data(progress=False), seed=0)
x_val, y_val = splits.x_val, splits.y_val
PICTURES = Path("..") / "pictures"
print(result.spec.describe())

# %% [markdown]
# ## Save and reload
#
# `save_checkpoint` writes the model's weights together with what made them: the model's
# name and options (to rebuild the same network before loading the weights), the
# training recipe, the training history, the seed and a fingerprint of the data. It
# writes to a temporary file first and renames it at the end, so a failure never leaves
# half a checkpoint behind.

# %%
folder = Path(tempfile.mkdtemp())
path = save_checkpoint(folder / "best-cnn.pt", model, recipe=result.spec.recipe,
                       history=result.history, fingerprint=result.fingerprint,
                       seed=result.spec.seed, data=result.spec.data)
raw = torch.load(path, map_location="cpu", weights_only=True)
for key, value in raw.items():
    shown = f"{len(value)} tensors" if key == "state_dict" else value
    if key == "history":
        shown = f"{len(value['val_acc'])} epochs of {', '.join(value)}"
    # long values (the recipe) wrap under their column, to 88 characters
    print(textwrap.fill(f"{key:<14} {shown}", width=88, subsequent_indent=" " * 15))
ckpt_kb = path.stat().st_size / 1024

# %% [markdown]
# The file is about {eval}`f"{ckpt_kb:.0f}"` KB, nearly all of it the weights. The
# `recipe` line is the full training recipe, so the checkpoint says how the model was
# trained as well as what it is.
#
# **Safe loading.** `torch.save` uses Python's *pickle* format, and unpickling a file can
# run any code the file's author chose. With `weights_only=True`, `torch.load` only
# accepts tensors and plain values (numbers, strings, lists, dictionaries) and refuses
# anything else. A checkpoint from the internet is then just data. Here is a file that
# smuggles in an object of an arbitrary class; `load_checkpoint` refuses it with one
# line:

# %%
class Surprise:
    """Stands for any object a file could carry; unpickling it could run code."""


torch.save({"format": "apparel-checkpoint/1", "model_name": "best-cnn",
            "payload": Surprise()}, folder / "surprise.pt")
try:
    load_checkpoint(folder / "surprise.pt")
except ApparelError as err:
    print(f"{type(err).__name__}: {str(err).replace(str(folder), '<folder>')}")

# %% [markdown]
# Now the real check: the reloaded model must give *exactly* the same scores as the
# model in memory, on all validation pictures, in {term}`evaluation mode`.

# %%
ckpt = load_checkpoint(path, model_name="best-cnn")
print(f"reloaded {ckpt.model_name} {ckpt.model_options}, recipe {ckpt.recipe.name!r}, "
      f"{ckpt.history.epochs} epochs, seed {ckpt.seed}")
before, after = logits(model, x_val), logits(ckpt.model, x_val)
same = int((before.argmax(1) == after.argmax(1)).sum())
print(f"identical scores: {torch.equal(before, after)}; "
      f"same prediction for {same:,} of {len(x_val):,} validation pictures")

# %% [markdown]
# All {eval}`f"{same:,}"` validation pictures get the same class, and the
# scores are equal bit for bit (`torch.equal`, not just close): the checkpoint holds the
# whole trained model, including batch norm's running averages, which are not weights
# but are saved with them.
#
# ## Your own picture, step by step
#
# The network has only ever seen Fashion-MNIST pictures: 28×28 pixels, gray, the background
# 0 and the garment's pixels high, the garment filling the frame, values between 0 and 1.
# A photo of a shoe on a table is none of these. `prepare_picture` makes it so, in steps
# that each fix one difference:
#
# 1. **gray**: colours become gray levels, weighted as the eye sees them;
# 2. **invert** when the background is light: a photo's gray level is high where it is
#    light, so a light page would reach the network as high values, while every data set
#    picture has the background 0 and a network trained on them has never seen the
#    opposite. The background is judged by the picture's outermost pixels;
# 3. **crop** to the garment: the smallest box holding every pixel that clearly stands
#    out from the background;
# 4. **pad to a square** with the background, so that resizing keeps the proportions;
# 5. **resize to 28×28** with anti-aliasing: the picture is smoothed before it is made
#    smaller, so each new pixel averages the old pixels it covers instead of picking one
#    (which would break up thin lines);
# 6. **scale** so that the background is 0 and the garment's highest value 1, as in the data set.
#
# The book ships a few pictures drawn for it (`pictures/examples/`, drawn by
# `scripts/make_example_pictures.py`; none comes from the data set). Here are the steps
# for the sneaker, a 1200×800 colour JPEG:

# %% mystnb={"image": {"alt": "The steps that turn a photo of a red sneaker into the model's input, left to right: the photo, in gray, inverted to light on black, cropped to the garment, padded to a square, resized to 28x28 pixels and scaled to values between 0 and 1."}}
examples = picture_paths(PICTURES / "examples")
print([p.name for p in examples])
sneaker = prepare_picture(PICTURES / "examples" / "sneaker.jpg")
print(f"inverted: {sneaker.inverted}, "
      f"garment box (top, left, bottom, right): {sneaker.box}")
picture_steps_figure(sneaker.steps, inverted=sneaker.inverted)

# %% [markdown]
# The steps start from a photo, so they are drawn as gray levels, as a photo shows them
# (0 black, 1 white): the book's one exception to drawing pictures as ink on paper
# (chapter 1). The red shoe on white becomes a gray shoe, then, inverted, a light shoe on
# black, the background now 0; the crop removes the empty page around it; the padding adds
# background above and below; 28×28 pixels keep the shape but lose the laces' detail;
# scaling makes the garment's highest value 1, fully white here.
#
# All five examples after preparation, next to validation pictures of the same classes:

# %% mystnb={"image": {"alt": "Two rows of five pictures: the top row shows five drawn example garments after preparation (bag, pullover, sneaker, trouser, T-shirt/top), the bottom row a validation picture of the same class for each, for comparison."}}
prepared = [prepare_picture(p) for p in examples]
expected = {"bag": 8, "pullover": 2, "sneaker": 7, "trouser": 1, "tshirt": 0}
same_class = [int(np.flatnonzero(y_val.numpy() == expected[p.stem])[0])
              for p in examples]
grid = np.stack([p.image for p in prepared] + [x_val[i, 0].numpy() for i in same_class])
image_grid(grid, [expected[p.stem] for p in examples] * 2, ncols=len(examples))

# %% [markdown]
# The top row is ours, the bottom row the data set's, both drawn the way the book draws
# every data set picture (as ink on paper: 0 white, 1 dark). Ours are cleaner — drawn
# shapes, flat colours, no folds or prints — but they are the same kind of picture:
# centred, filling the frame, with values from 0 to 1. The network's answers, as
# probabilities of the ten classes:

# %% mystnb={"image": {"alt": "Five bar charts, one per example picture, of the model's probability for each of the ten classes; each chart has one bar far longer than the others: the class the model picks for that picture."}} tags=["nbval-ignore-output"]
probs = class_probabilities(model, np.stack([p.image for p in prepared]))
for p, row in zip(examples, probs):
    print(f"{p.name:<13} {describe_top(row)}")
correct = sum(CLASSES[int(row.argmax())] == CLASSES[expected[p.stem]]
              for p, row in zip(examples, probs))
examples_total = len(examples)
probability_bars({p.name: row for p, row in zip(examples, probs)})

# %% [markdown]
# The network names {eval}`correct` of the {eval}`examples_total`
# drawings as intended. Read the bars for more than the top class: a confident network
# puts nearly all the probability on one class; a hesitant one spreads it over the
# classes that share a silhouette. Keep in mind that {term}`softmax` probabilities of a
# network trained on one kind of picture are *not* reliable on another kind: a
# drawing far from the data set can still get a confident answer, right or wrong.
#
# What the preparation buys shows when a step is skipped. Four of the examples were
# drawn dark on a light page; without the inversion step their page would reach the
# network as high values and the garment as low ones, a kind of picture it never saw. Flipping the prepared pictures (1 minus
# each value) shows what it makes of that, for all five:

# %% tags=["nbval-ignore-output"]
raw_inputs = np.stack([1 - p.image for p in prepared])
probs_raw = class_probabilities(model, raw_inputs)
for p, row in zip(examples, probs_raw):
    print(f"{p.name:<13} {describe_top(row)}")
wrong_raw = sum(int(row.argmax()) != expected[p.stem]
                for p, row in zip(examples, probs_raw))

# %% tags=["remove-cell"]
# Claims of this section (the classes and their shares depend on the trained weights, so
# the cells above are not compared; the prose states the counts from the glued values):
# four drawings are dark on light; without the inversion most pictures are wrong, more
# than with it; and a picture unlike the data set can get a confident wrong answer.
assert sum(p.inverted for p in prepared) == 4, "not four dark-on-light drawings"
assert wrong_raw > len(examples) / 2, f"only {wrong_raw} wrong without inversion"
assert wrong_raw > len(examples) - correct, "the inversion does not help"
assert max(float(row.max()) for p, row in zip(examples, probs_raw)
           if int(row.argmax()) != expected[p.stem]) > 0.5, "no confident wrong answer"

# %% [markdown]
# Not inverted, {eval}`wrong_raw` of the {eval}`examples_total`
# pictures are classified wrongly: the network has learned garments on a background of 0,
# and nothing else.
#
# ## Your pictures
#
# Put PNG or JPEG files in the folder `pictures/yours/` (one garment per picture, any
# size) and run this chapter again: the cell below classifies every picture there.

# %%
yours = picture_paths(PICTURES / "yours")
if not yours:
    print("pictures/yours/ is empty: "
          "drop PNG or JPEG files there and run this cell again")
for path in yours:
    try:
        mine = prepare_picture(path)
    except ApparelError as err:
        print(f"skipped: {err}")
        continue
    row = class_probabilities(model, mine.image[None])[0]
    print(f"{path.name}: {describe_top(row)}")
    display(picture_steps_figure(mine.steps, inverted=mine.inverted))
    display(probability_bars(row, title=path.name))

# %% [markdown]
# Pictures that cannot be read are refused with one line saying what to do, never a
# traceback: a wrong path, a folder, an empty file, a file that is not a picture, or a
# picture of more than 40 million pixels (a safe limit against files built to exhaust
# memory when decoded).

# %%
(folder / "empty.png").write_bytes(b"")
(folder / "notes.jpg").write_text("shopping list: socks")
for bad in ["missing.png", ".", "empty.png", "notes.jpg"]:
    try:
        prepare_picture(folder / bad)
    except ApparelError as err:
        print(f"{type(err).__name__}: {str(err).replace(str(folder), '<folder>')}")

# %% [markdown]
# ## From the command line
#
# The same steps are behind `python -m apparel_lib classify`. Without `--checkpoint` it
# uses `best-cnn` from this machine's results store or, where the store has none, the one
# that ships with the results ledger (training it only where neither has it); with
# `--checkpoint FILE` it uses a saved model. It prints the class and the top three
# probabilities for every picture:

# %% tags=["nbval-ignore-output"]
command = [sys.executable, "-m", "apparel_lib", "classify",
           *[str(p) for p in examples], "--checkpoint", str(path)]
shown = subprocess.run(command, capture_output=True, text=True, check=True)
print(shown.stdout.replace(str(PICTURES), "pictures"))

# %% tags=["remove-cell"]
# The claim: the command line takes the same steps, so it names the classes found above.
cli_top = [line.split(": ", 1)[1].split(" (")[0] for line in shown.stdout.splitlines()]
assert cli_top == [CLASSES[int(row.argmax())] for row in probs], cli_top

# %% [markdown]
# A bad picture stops the command with one line on stderr and exit status 1, before
# any model is loaded:

# %%
failed = subprocess.run([sys.executable, "-m", "apparel_lib", "classify",
                         str(folder / "notes.jpg")], capture_output=True, text=True)
print(f"exit status {failed.returncode}:",
      failed.stderr.replace(str(folder), "<folder>"))

# %% [markdown]
# ## Summary
#
# - A checkpoint holds the weights and batch norm's running averages, plus what made
#   them; loaded with `weights_only=True`, it cannot run code.
# - A reloaded model gives bit-for-bit the same scores: check it, do not assume it.
# - Before a network can judge your picture, the picture must look like its training
#   data: gray, background 0, cropped, square, 28×28, scaled to [0, 1].
# - Probabilities on pictures unlike the training data are a guess, however confident.
#
# ## Exercises
#
# 1. Draw a picture of your own with PIL (a sandal, say: a sole and a few straps) as
#    `scripts/make_example_pictures.py` does, save it in `pictures/yours/` and run the
#    chapter again. What does the network say?
# 2. Skip the crop: pad and resize the whole inverted picture of the sneaker. How do the
#    probabilities change, and why?
# 3. Shift one prepared example by 3 pixels with `shift_images` and classify it again.
#    Compare with chapter 6's finding about shifted pictures.
#
# <details>
# <summary>Solution 1</summary>
#
# ```python
# from PIL import Image, ImageDraw
#
# sandal = Image.new("L", (400, 240), 250)
# draw = ImageDraw.Draw(sandal)
# draw.rectangle([20, 180, 380, 200], fill=30)             # the sole
# for x in (80, 180, 280):
#     draw.line([x, 180, x + 40, 110], fill=30, width=12)  # straps
# sandal.save(PICTURES / "yours" / "sandal.png")
# ```
#
# Run the chapter again and the cell under "Your pictures" shows the steps and the
# probabilities. Thin straps survive the resize only as faint lines; whether the network
# says *Sandal* depends on how much of the sole and straps remain at 28×28.
# </details>
#
# <details>
# <summary>Solution 2</summary>
#
# ```python
# from apparel_lib.data.picture import background_level, pad_to_square, resize_to_28, \
#     scale_to_unit
#
# whole = sneaker.steps["inverted"]
# back = background_level(whole)
# uncropped = scale_to_unit(resize_to_28(pad_to_square(whole, fill=back)), background=back)
# print(describe_top(class_probabilities(model, uncropped[None])[0]))
# ```
#
# Without the crop the shoe fills only part of the 28×28 frame, smaller than any shoe in
# the data set, so the network sees a smaller object than it learned. Compare the printed
# probabilities with the sneaker's in the cell above: whether the top class stays and how
# much probability it keeps depend on the trained weights, so run it rather than trust a
# remembered answer. Fashion-MNIST's garments fill their frames, so ours must.
# </details>
#
# <details>
# <summary>Solution 3</summary>
#
# ```python
# from apparel_lib import shift_images, to_tensor
#
# moved = shift_images(to_tensor(sneaker.image[None]), 3, 0)
# print(describe_top(class_probabilities(model, moved[:, 0].numpy())[0]))
# ```
#
# `best-cnn` was trained with random flips but no shifts; its convolutions and pooling
# still forgive small moves. Compare the printed top class and its probability with the
# unshifted sneaker's above, and with chapter 6's shifted pictures, where both of
# that chapter's small networks lost much of their accuracy at three pixels.
# </details>

# %% [markdown]
# ## Check yourself
#
# A few questions on this chapter. Open the answer you would give: the page says whether it
# is right, and why, by itself, in the book and in JupyterLab alike.

# %%
from apparel_lib import self_check

self_check(9)

# %% tags=["nbval-ignore-output", "remove-cell"]
# Seconds for this chapter after chapter 7 (which trains best-cnn and counts that time).
glue("ch9_seconds", round(time.perf_counter() - started), display=False)

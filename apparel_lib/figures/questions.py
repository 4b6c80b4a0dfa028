"""The self-check questions at the end of each chapter, as data.

Each chapter has a few multiple-choice questions about what it teaches. Every choice carries
its own feedback, which says why it is right or why not; exactly one choice per question is
right. :mod:`apparel_lib.figures.selfcheck` draws them in the page. The questions state no
number that a chapter computes, only what its prose says whatever the run.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Choice", "Question", "QUESTIONS"]


@dataclass(frozen=True)
class Choice:
    """One answer to a question: its text, whether it is right, and why."""

    text: str
    right: bool
    why: str

    def __post_init__(self) -> None:
        if not self.text.strip() or not self.why.strip():
            raise ValueError(f"choice {self.text[:40]!r} needs both a text and a why: say why it is right or wrong")


@dataclass(frozen=True)
class Question:
    """A question and its choices, in the order the page shows them."""

    ask: str
    choices: tuple[Choice, ...]

    def __post_init__(self) -> None:
        rights = sum(c.right for c in self.choices)
        if not self.ask.strip() or len(self.choices) < 2 or rights != 1:
            raise ValueError(f"question {self.ask[:40]!r} has {len(self.choices)} choices and {rights} right ones: "
                             "give it a text, two or more choices and exactly one right choice")


def _q(ask: str, *choices: tuple[str, bool, str]) -> Question:
    return Question(ask, tuple(Choice(*c) for c in choices))


QUESTIONS: dict[int, tuple[Question, ...]] = {
    1: (
        _q("Why is plain accuracy a fair score for these pictures?",
           ("Every class has exactly as many pictures as the others, so guessing scores one in "
            "ten and no class can inflate the score.", True,
            "A balanced data set makes accuracy mean the same for every class. On an unbalanced "
            "one, always answering the common class would look good."),
           ("Because the test labels are hidden.", False,
            "Hidden test labels are why the book carves a validation split out of the training "
            "pictures; they say nothing about whether accuracy is fair."),
           ("Because the pixels are scaled to lie between 0 and 1.", False,
            "Scaling helps training, but a score's fairness depends on how the classes are "
            "balanced, which the chapter counts before judging any accuracy.")),
        _q("The validation split is stratified. What does that mean?",
           ("The validation pictures are the hardest tenth of the training set.", False,
            "They are not chosen by difficulty: the split is drawn at random, with a fixed seed."),
           ("Exactly the same share of every class is held back, chosen with a fixed seed.", True,
            "So no class is over- or under-represented by chance, and the split is the same "
            "on every run and every machine."),
           ("It is taken from the test set.", False,
            "The test set stays untouched until the one cell of a chapter that scores it; the "
            "validation pictures come out of the training set.")),
        _q("In the book's plots of the pictures, what does a dark pixel mean?",
           ("A value near 0, the background.", False,
            "The book draws pictures as ink on paper: 0, the background, is white."),
           ("A high value, near 1: the garment's ink.", True,
            "Dark means a high value in every plot of the book (chapter 9's photo steps are the "
            "one exception, drawn as a photo's gray levels)."),
           ("A negative value.", False,
            "After scaling every pixel lies between 0 and 1; there are no negative pixels.")),
    ),
    2: (
        _q("Flattening a 28×28 picture into a row of 784 values…",
           ("loses no pixel: folding the row back gives the picture again.", True,
            "The row holds exactly the same numbers. What a dense layer lacks is the assumption "
            "that neighbouring pixels belong together."),
           ("throws away the vertical structure for good.", False,
            "Nothing is thrown away: the 28 rows sit one after the other, and folding them back "
            "gives the picture pixel for pixel."),
           ("averages neighbouring pixels into one value.", False,
            "Flattening only reorders; it computes nothing. 784 pixels go in, 784 values come out.")),
        _q("Which assumptions does a convolution build in that a dense layer does not?",
           ("Invariance to flips and rotations.", False,
            "A convolution is not invariant to flips or rotations: a 3×3 kernel is generally not "
            "symmetric, so a CNN learns flipped garments from examples, as a dense layer would."),
           ("One weight of its own for every pixel position.", False,
            "That is the dense layer: its weights belong to positions, which is why a pattern "
            "learned in one place is unknown three pixels away."),
           ("Locality, weight sharing and shift equivariance.", True,
            "Each output looks at a small neighbourhood, the same kernel is used everywhere, and "
            "so a moved input gives a moved output.")),
        _q("The picture grows from 28×28 to a large colour photo. What happens to the weights "
           "of a first dense layer, and of a 3×3 convolution?",
           ("Both grow with the number of pixels.", False,
            "Only the dense layer's do. A convolution reuses the same small kernel at every "
            "position, so its weights do not depend on the image size."),
           ("The dense layer's grow with the number of input values; the convolution's stay "
            "the same.", True,
            "Inputs × hidden units for the dense layer; kernel size and channels only for the "
            "convolution."),
           ("The convolution's grow faster, because it slides over more positions.", False,
            "Sliding over more positions costs more arithmetic, but not more weights: the kernel "
            "is shared.")),
    ),
    3: (
        _q("When is the cross-entropy loss of one picture large?",
           ("When the network is confident and wrong.", True,
            "The loss is minus the log of the probability given to the true class: near 0 when "
            "that probability is near 1, large when it is near 0."),
           ("Whenever the logits are large numbers.", False,
            "Large logits for the true class make the loss small; only their differences count, "
            "through the softmax."),
           ("Always: it is one minus the accuracy.", False,
            "Cross-entropy is computed from probabilities, picture by picture, not from counts of "
            "right answers.")),
        _q("The training loss keeps falling while the validation loss levels off, and the gap "
           "between them widens. What is that?",
           ("Underfitting: the network is too small.", False,
            "An underfitting network would do poorly on its own training pictures too; here it "
            "keeps getting better on them."),
           ("Overfitting: better on the pictures it trains on, not on new ones.", True,
            "The validation pictures are never trained on, so they show what the network has "
            "learned that carries over."),
           ("A fault in the validation split.", False,
            "Nothing is wrong with the split; a widening gap between the curves is what training "
            "for long does.")),
        _q("What does the chapter conclude about the 65% the tutorial reported for a simple network?",
           ("Flattening caps a plain network at about that level.", False,
            "The same plain network trained with ordinary mini-batches does far better; the "
            "architecture is not the limit."),
           ("It proves how the series' first part trained its network.", False,
            "The chapter says plainly that it cannot prove that; it only measures candidates."),
           ("A result like that says more about the training than about flattening.", True,
            "Trained the CNN tutorial's way, a few full-batch steps at a large rate, the same "
            "network lands near 65%; trained on mini-batches it does far better.")),
    ),
    4: (
        _q("A 3×3 convolution with padding 1 and stride 1, then a 2×2 max pooling, on a 28×28 "
           "picture: what size comes out?",
           ("26×26", False,
            "That is a 3×3 kernel without padding and without pooling: (28 − 3) / 1 + 1."),
           ("14×14", True,
            "Padding 1 keeps 28×28 through the convolution, and the pooling halves height and width."),
           ("7×7", False,
            "7×7 is what remains after both of the tutorial's blocks: two poolings halve 28 twice.")),
        _q("Why does the tutorial's trained CNN score far lower in evaluation mode?",
           ("Batch norm's running averages lag behind weights that were still moving fast when "
            "training stopped.", True,
            "Recomputing them for the final weights, with no gradient step, brings evaluation "
            "mode back to about the training-mode number."),
           ("Evaluation mode switches the convolutions off.", False,
            "Evaluation mode only changes how batch norm (and dropout) behave; every layer still runs."),
           ("Its weights are overfitted.", False,
            "The weights are the same in both modes, and recalibrating batch norm alone "
            "recovers the accuracy.")),
        _q("The tutorial turns raw scores into 'probabilities' with torch.exp. What does that cost?",
           ("Nothing at all: exp of the logits is a softmax.", False,
            "A softmax also divides by the sum of the exponentials, so that the probabilities add up to 1."),
           ("No accuracy, but the 'probabilities' are wrong.", True,
            "The largest score picks the same class either way; only a probability read from exp "
            "is not one."),
           ("Many points of accuracy.", False,
            "exp keeps the order of the scores, so the predicted class does not change.")),
    ),
    5: (
        _q("What makes this chapter's comparison fair?",
           ("Comparing the tutorial's two networks just as they are.", False,
            "They differ hugely in size, so one pair cannot say which architecture suits the "
            "pictures better."),
           ("The same recipe, data and seeds for every model, each trained until its validation "
            "accuracy stops improving.", True,
            "Only the model varies, and no model is judged before it has finished learning."),
           ("The same short training budget, two epochs, for every model.", False,
            "A short budget favours models that learn fast over models that end up best; "
            "exercise 1 shows how it distorts the picture.")),
        _q("Two models differ by a few tenths of a point. How do you tell a real difference "
           "from luck of the seed?",
           ("Any difference in the first decimal is real.", False,
            "One seed can move a model's accuracy that much on its own."),
           ("Compare the gap with the spread across seeds: a gap several times larger is not luck.", True,
            "That is why every model is trained with three seeds and the tables show the spread."),
           ("Train each model once and compare.", False,
            "One run per model cannot show how far a model moves from seed to seed.")),
        _q("What does the plot of accuracy against the number of parameters say?",
           ("A CNN beats a plain network whatever their sizes.", False,
            "Trained well, the plain network with 500 hidden units finishes ahead of the "
            "tutorial's small CNN, with many times its parameters."),
           ("A plain network can never reach a CNN's accuracy.", False,
            "It can, with several times more parameters."),
           ("For the same number of parameters the CNN is clearly more accurate.", True,
            "The CNN line lies far to the left: the same accuracy costs a plain network several "
            "times more parameters.")),
    ),
    6: (
        _q("Every picture's pixels are shuffled the same fixed way. Why does the plain network "
           "not care?",
           ("Because the shuffled pictures hold less information.", False,
            "They hold exactly the same numbers; only the arrangement changes."),
           ("Because moving its first layer's weights along with the pixels computes exactly "
            "the same thing.", True,
            "So every plain network for the original pictures has an equally good twin for the "
            "shuffled ones, and training has as good a solution to find."),
           ("Because it is trained for longer than the CNN.", False,
            "Both networks get the same recipe; the reason is in the plain network's weights, "
            "one per pixel.")),
        _q("What does the CNN's drop on shuffled pixels show?",
           ("That the CNN understands shapes as we do.", False,
            "The test shows only that it exploits local patterns, nothing about understanding."),
           ("That its accuracy depends on which pixels are neighbours.", True,
            "Its 3×3 kernels and pooling combine neighbouring pixels; after the shuffle they "
            "combine unrelated ones."),
           ("That the size of the drop is a fixed property of CNNs.", False,
            "The size depends on the network, the recipe and the training time; its direction "
            "and its size against the seed spread are the result.")),
        _q("A network trained on upright pictures is shown them mirrored. What does the chapter find?",
           ("The CNN is invariant to flips, because its kernels slide.", False,
            "Sliding gives equivariance to shifts, not to flips: a kernel does not answer its "
            "pattern's mirror image the same way."),
           ("Neither network is invariant to flips; they learn them only from flipped training "
            "pictures.", True,
            "Augmentation (the recipe's flips) is how one teaches a network what its "
            "architecture does not build in."),
           ("Max pooling makes both networks ignore flips.", False,
            "Pooling forgets small moves within a 2×2 square, not mirror images, and the plain "
            "network has no pooling.")),
    ),
    7: (
        _q("Why may best-cnn max-pool before batch norm and ReLU?",
           ("Because pooling and batch norm can be swapped whatever batch norm's scale.", False,
            "A negative scale reverses the order of values, and then the largest is no longer "
            "the largest; the chapter checks both cases."),
           ("Because ReLU, and batch norm with a positive scale, never reverse the order of two "
            "values.", True,
            "So the largest of four values stays the largest, and pooling first lets batch norm "
            "and ReLU work on a quarter of the values."),
           ("To give the network more parameters.", False,
            "Moving the pooling adds no parameters; it saves time.")),
        _q("Why does best-cnn's training loss level off well above zero?",
           ("The network cannot fit its training pictures.", False,
            "It gets most training pictures right; the loss stays up for another reason."),
           ("Label smoothing: the target is not 100% on one class, and a cross-entropy cannot "
            "fall below its target's own entropy.", True,
            "Most of what remains of the training loss is that floor, not error."),
           ("The learning rate is too small to go further.", False,
            "The one-cycle schedule anneals the rate at the end on purpose, so the last epochs "
            "fine-tune; it is not what holds the loss up.")),
        _q("What does an ablation measure?",
           ("What each ingredient contributes: take one out at a time, everything else unchanged, "
            "and compare the change with the seed noise.", True,
            "A change within the noise does not prove an ingredient useless, only that its "
            "effect is smaller than the ablation can see."),
           ("How long each layer takes to train.", False,
            "That is timing; an ablation compares accuracies of designs that differ in one ingredient."),
           ("Which pictures the network gets wrong.", False,
            "That is error analysis (the confusion matrix and the gallery of mistakes).")),
    ),
    8: (
        _q("Many first-layer kernels have a positive side and a negative side. What do they "
           "respond to?",
           ("A change of the pixel values in one direction: an edge.", True,
            "Their weights nearly cancel, so over flat areas, background or fabric, the response "
            "stays near zero."),
           ("The amount of ink, wherever it is.", False,
            "That is what the other kernels do, those whose weights are mostly positive or "
            "mostly negative."),
           ("The colour of the garment.", False,
            "The pictures are gray: one channel, no colour.")),
        _q("Why does capture_maps copy each layer's output the moment it is made?",
           ("To save memory.", False,
            "Copying costs memory; it is needed for correctness."),
           ("Because the model's in-place ReLUs overwrite the tensor that batch norm just "
            "produced.", True,
            "A hook that kept only a reference would later find that tensor rectified."),
           ("Because forward hooks cannot see a layer's output otherwise.", False,
            "A hook is handed the output; the trouble is that the output changes afterwards.")),
        _q("Integrated Gradients from an empty picture (all 0): what do one picture's "
           "attributions add up to?",
           ("Always 1.", False,
            "They add up to a change of probability, which is rarely exactly 1."),
           ("The class's probability for the picture minus its probability for the empty one.", True,
            "Up to the error of following the path in a finite number of steps, which the "
            "chapter measures: the map is a decomposition of the decision."),
           ("The number of pixels that differ from the empty picture.", False,
            "Attributions are amounts of probability, not counts of pixels.")),
    ),
    9: (
        _q("Why does the book load a checkpoint with weights_only=True?",
           ("It loads faster.", False,
            "Speed is not the point: the point is what loading is allowed to run."),
           ("Unpickling a file can run any code; with weights_only only tensors and plain "
            "values are accepted.", True,
            "A checkpoint from the internet is then just data, and anything else is refused."),
           ("It leaves out batch norm's running averages.", False,
            "They are saved and loaded with the weights; without them evaluation mode would change.")),
        _q("How does the chapter prove that a reloaded model is the same model?",
           ("The file has the expected size.", False,
            "A file of the right size can hold the wrong numbers."),
           ("It reaches the same accuracy.", False,
            "Different models can share an accuracy and still disagree on many pictures."),
           ("It gives bit-for-bit the same scores on every validation picture, in evaluation mode.", True,
            "torch.equal, not just close: check it, do not assume it.")),
        _q("A photo of a dark shoe on a white page: why does the preparation invert it?",
           ("So that the picture looks like the photo.", False,
            "The aim is to look like the training pictures, not like the photo."),
           ("Because the network has only seen a background of 0 with the garment high.", True,
            "Not inverted, the page would reach it as high values, a kind of picture it never "
            "saw; the chapter shows how badly that goes."),
           ("Only to draw it in the book's colours.", False,
            "The inversion changes the numbers the network gets, not just the drawing.")),
    ),
    10: (
        _q("What is a hyperparameter?",
           ("A weight that training learns.", False,
            "Weights are learned; hyperparameters are chosen before training starts."),
           ("A choice made before training, such as the number of filters or the learning rate.", True,
            "The tutorial's knobs (layers, filters, epochs, hidden units) are hyperparameters; "
            "Optuna searches them."),
           ("The validation accuracy a trial reaches.", False,
            "That is what the study optimises, not one of the knobs.")),
        _q("What does pruning do in this study?",
           ("It removes weights from the trained network.", False,
            "That is another technique with the same name; here it is about trials."),
           ("It stops a trial whose validation accuracy after an epoch is below the median of "
            "the earlier trials at that epoch.", True,
            "Hopeless trials stop early, so the budget goes to promising ones."),
           ("It deletes the worst trials from the journal.", False,
            "Pruned trials stay in the journal, with the epochs they ran.")),
        _q("Why is the winner of a short study on a subset not automatically a good model?",
           ("Because the study looked at the test pictures.", False,
            "The study never used the test set; it measured validation only."),
           ("Because it was chosen only within the knobs and the budget the study had: a few "
            "epochs on a few pictures favour networks that learn fast.", True,
            "Tuning finds the best point of the space and the budget you give it; widening "
            "either is the first exercise."),
           ("Because Optuna proposes points at random.", False,
            "Only the first five trials were random; after them TPE proposed points that "
            "resemble the best so far.")),
    ),
    11: (
        _q("Why does the chapter count a run's work in FLOPs rather than seconds?",
           ("FLOPs depend only on the network, the recipe and the number of pictures.", True,
            "Seconds depend on the processor, on what else it is doing and on the hour."),
           ("Because FLOPs include the time spent fetching data.", False,
            "FLOPs count arithmetic only: convolutions and matrix products."),
           ("Because seconds cannot be measured on a CPU.", False,
            "They can; the chapter times every phase of a step. They just do not compare across "
            "machines.")),
        _q("Why does a filter on the 28×28 map cost more than one on the 7×7 map?",
           ("It has a larger kernel.", False,
            "Both are 3×3 kernels, with the same number of weights per input channel."),
           ("A convolution does its multiply-adds at every pixel of its map: 784 positions "
            "against 49.", True,
            "Sixteen times the work for the same filter, which is why the speedrun moves filters "
            "down to the small maps."),
           ("Because pooling makes the small maps free.", False,
            "Small maps still cost arithmetic, just far less per filter.")),
        _q("speedrun-cnn judges every test picture twice, as it is and mirrored. Why does that help?",
           ("It trains on the test pictures.", False,
            "Nothing is trained at test time; the weights stay as they are."),
           ("Averaging the two views' probabilities lets their errors partly cancel.", True,
            "The network was trained on flipped pictures, so both views are pictures of the "
            "kind it knows; the extra accuracy costs no training."),
           ("Mirroring makes every garment symmetric.", False,
            "It only gives a second view; the garment is not changed.")),
    ),
}
"""The questions of each chapter, by chapter number."""

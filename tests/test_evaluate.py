"""Evaluation: accuracy, predictions, per-class accuracy, confusion matrix, misclassified indices."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from apparel_lib.models.registry import build_model
from apparel_lib.training.evaluate import EVAL_BATCH, accuracy, confusion_matrix, logits, loss_and_accuracy, misclassified, per_class_accuracy, predict


class _Oracle(nn.Module):
    """Predicts the class written in the image's first pixel (so its accuracy is known exactly)."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return nn.functional.one_hot(x[:, 0, 0, 0].long(), 10).float() + self.dummy


def test_accuracy_and_predictions_of_a_known_model():
    y = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    x = torch.zeros(10, 1, 28, 28)
    x[:, 0, 0, 0] = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 0], dtype=torch.float32)
    model = _Oracle()
    assert predict(model, x).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 0]
    assert accuracy(model, x, y) == pytest.approx(0.9)
    loss, acc = loss_and_accuracy(model, x, y)
    assert acc == pytest.approx(0.9) and loss > 0


def assert_same_scores(scores: torch.Tensor, expected: torch.Tensor) -> None:
    """The same scores up to float32 rounding. Scores computed in other chunks or another memory
    format are summed in another order, and by how much that moves them depends on the processor
    (best-cnn's chunked scores were bit-identical on one CPU, not on an Intel Xeon); so only a
    re-run of the same computation is compared bit for bit. The tolerance is 50 times the most
    rounding seen (2e-7), and a thousand times below what a wrong reduction did to these untrained
    models' scores (0.01 to 2: a chunk dropped, twice, out of place or overlapping its neighbour, or
    judged with batch statistics; a changed shape fails too). Within it, no prediction with a clear
    winner can change."""
    torch.testing.assert_close(scores, expected, rtol=1e-4, atol=1e-5)


def test_chunked_logits_equal_one_pass():
    model = build_model("tutorial-cnn")
    x = torch.rand(50, 1, 28, 28)
    assert_same_scores(logits(model, x, batch_size=7), logits(model, x, batch_size=50))


@pytest.mark.parametrize("name", ["plain", "tutorial-cnn", "best-cnn"])
def test_the_default_chunks_give_the_scores_of_large_ones(name):
    torch.manual_seed(0)
    model, x = build_model(name).eval(), torch.rand(1000, 1, 28, 28)
    assert EVAL_BATCH < len(x) and len(x) % EVAL_BATCH  # several chunks, the last one short
    chunked = logits(model, x)
    assert_same_scores(chunked, logits(model, x, batch_size=4096))
    assert torch.equal(logits(model, x), chunked)  # the same computation again: bit for bit


def test_a_cnn_is_judged_channels_last_with_the_same_scores_and_left_as_it_was():
    torch.manual_seed(0)
    model, x = build_model("best-cnn").eval(), torch.rand(300, 1, 28, 28)
    with torch.no_grad():
        by_hand = model(x)
    weights = [p.clone() for p in model.parameters()]
    channels_last = []  # for each convolution run: were its output maps channels-last?
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    hooks = [conv.register_forward_hook(lambda module, inputs, out: channels_last.append(
        out.is_contiguous(memory_format=torch.channels_last) and not out.is_contiguous())) for conv in convs]
    try:
        scores = logits(model, x)
    finally:
        for hook in hooks:
            hook.remove()
    assert_same_scores(scores, by_hand)
    assert channels_last and all(channels_last)  # computed another way (channels-last), not the model as it is
    assert all(p.is_contiguous() and torch.equal(p, w) for p, w in zip(model.parameters(), weights))


def test_evaluation_leaves_the_model_as_it_was():
    model = build_model("tutorial-cnn")
    model.train()
    x = torch.rand(8, 1, 28, 28)
    before = [b.clone() for b in model.buffers()]
    predict(model, x)
    predict(model, x, train_mode=True)
    assert model.training
    assert all(torch.equal(a, b) for a, b in zip(before, model.buffers()))  # running stats untouched


def test_train_mode_uses_the_statistics_of_the_whole_batch():
    model = build_model("tutorial-cnn")
    x = torch.rand(300, 1, 28, 28)
    with torch.no_grad():
        by_hand = copy.deepcopy(model).train()(x)
    assert torch.allclose(logits(model, x, train_mode=True), by_hand, atol=1e-5)
    assert not torch.allclose(logits(model, x), by_hand, atol=1e-3)  # running averages differ from batch statistics
    y = by_hand.argmax(1)
    assert accuracy(model, x, y, train_mode=True) == 1.0


def test_confusion_matrix_per_class_and_misclassified():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 2])
    cm = confusion_matrix(y_true, y_pred, num_classes=3)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert per_class_accuracy(y_true, y_pred, num_classes=3).tolist() == [0.5, 1.0, 0.5]
    assert misclassified(y_true, y_pred).tolist() == [1, 4]
    assert cm.sum() == len(y_true)


def test_per_class_accuracy_of_an_absent_class_is_nan():
    acc = per_class_accuracy(np.array([0, 0, 1]), np.array([0, 1, 0]), num_classes=3)
    assert acc[0] == 0.5 and acc[1] == 0.0 and np.isnan(acc[2])


def test_probabilities_are_a_softmax_of_the_logits():
    import torch

    from apparel_lib.models.registry import build_model
    from apparel_lib.training.evaluate import logits, predict, probabilities

    model = build_model("cnn", stages="4|4", seed=0).eval()
    x = torch.rand(6, 1, 28, 28)
    p = probabilities(model, x)
    assert torch.allclose(p.sum(1), torch.ones(6)) and (p >= 0).all()
    assert torch.equal(p.argmax(1), predict(model, x))
    assert torch.allclose(p.log().diff(dim=1), logits(model, x).diff(dim=1), atol=1e-5)

"""apparel_lib: the library behind the Apparel CNN book.

The real Fashion-MNIST data in both layouts (IDX arrays and the practice problem's CSV + PNG
folder), the tutorial's models and training recipes, training, evaluation, checkpoints and
submission files. Each concept lives in its own module; the common names are re-exported here::

    from apparel_lib import load_data, make_splits, build_model, get_recipe, train, accuracy
"""

from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .data import CLASSES, FashionMNIST, Splits, load_data, make_loader, make_splits, stratified_split, to_tensor
from .errors import ApparelError, CheckpointError, DataError, SubmissionError
from .evaluate import accuracy, confusion_matrix, logits, loss_and_accuracy, misclassified, per_class_accuracy, predict
from .layout import Layout, export_layout, read_layout
from .models import MODELS, build_model, count_parameters
from .recipes import RECIPES, Recipe, get_recipe
from .submission import read_submission, score_submission, submission_ids, write_submission
from .train import History, pick_device, train

__all__ = [
    "CLASSES",
    "MODELS",
    "RECIPES",
    "ApparelError",
    "Checkpoint",
    "CheckpointError",
    "DataError",
    "FashionMNIST",
    "History",
    "Layout",
    "Recipe",
    "Splits",
    "SubmissionError",
    "accuracy",
    "build_model",
    "confusion_matrix",
    "count_parameters",
    "export_layout",
    "get_recipe",
    "load_checkpoint",
    "load_data",
    "logits",
    "loss_and_accuracy",
    "make_loader",
    "make_splits",
    "misclassified",
    "per_class_accuracy",
    "pick_device",
    "predict",
    "read_layout",
    "read_submission",
    "save_checkpoint",
    "score_submission",
    "stratified_split",
    "submission_ids",
    "to_tensor",
    "train",
    "write_submission",
]

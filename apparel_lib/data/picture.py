"""A reader's own picture made to look like a Fashion-MNIST one, one visible step at a time.

Fashion-MNIST pictures are 28x28, gray, a light garment on a black background, the garment
filling the frame, values in [0, 1] once divided by 255. A photo or drawing of any size, PNG or
JPEG, colour or gray, goes through the same steps here: :func:`read_picture`, :func:`grayscale`,
:func:`invert_if_light`, :func:`crop_to_garment`, :func:`pad_to_square`, :func:`resize_to_28`
and :func:`scale_to_unit`. :func:`prepare_picture` runs them all and keeps every step, so a
notebook can show each one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..constants import IMAGE_SIZE
from ..errors import PictureError

__all__ = [
    "MAX_PIXELS",
    "PICTURE_SUFFIXES",
    "PreparedPicture",
    "read_picture",
    "grayscale",
    "background_level",
    "invert_if_light",
    "crop_to_garment",
    "pad_to_square",
    "resize_to_28",
    "scale_to_unit",
    "prepare_picture",
    "picture_paths",
]

MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone photo, far less than a decompression bomb
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg")
INK = 0.15  # a pixel is part of the garment when it is this much (of the range) above the background


def read_picture(path: str | Path, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open a PNG or JPEG and load it, or raise a one-line :class:`PictureError` saying why not.

    A photo is turned upright as its EXIF orientation says; transparent pixels are laid over
    white, as a page would show them.
    """
    path = Path(path)
    if path.is_dir():
        raise PictureError(f"{path} is a folder, not a picture: name a PNG or JPEG file inside it")
    if not path.exists():
        raise PictureError(f"picture {path} not found: check the path")
    if path.stat().st_size == 0:
        raise PictureError(f"{path} is an empty file: save the picture again as PNG or JPEG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise PictureError(
                        f"{path} has {width}x{height} = {width * height:,} pixels, more than {max_pixels:,}: "
                        f"scale it down first"
                    )
                image.load()
                picture = ImageOps.exif_transpose(image)  # phone photos: stand the picture upright
    except PictureError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise PictureError(f"{path} is not a picture this library can read ({type(err).__name__}): use PNG or JPEG") from None
    except (OSError, SyntaxError, ValueError) as err:
        raise PictureError(f"{path} is damaged or truncated ({type(err).__name__}): save it again as PNG or JPEG") from None
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(white, rgba)
    return picture


def grayscale(picture: Image.Image) -> np.ndarray:
    """The picture as gray levels in [0, 1] (float32), colours weighted as the eye sees them (ITU-R 601)."""
    return np.asarray(picture.convert("L"), dtype=np.float32) / np.float32(255)


def background_level(gray: np.ndarray) -> float:
    """The median of the picture's outermost pixels: what the background looks like."""
    gray = np.asarray(gray)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(border))


def invert_if_light(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Dark garments on a light background become light on black, like the data set; also says whether it inverted."""
    if background_level(gray) > 0.5:
        return (1.0 - gray).astype(np.float32), True
    return np.asarray(gray, dtype=np.float32), False


def crop_to_garment(gray: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Cut the picture down to the box around the garment (pixels clearly above the background).

    Returns the crop and the box ``(top, left, bottom, right)``, bottom and right exclusive.
    """
    background = background_level(gray)
    ink = gray > background + INK * max(float(gray.max()) - background, 1e-6)
    if float(gray.max()) - background < 0.05 or not ink.any():
        raise PictureError("the picture is blank (no garment stands out from the background): use a picture of one garment")
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    box = (int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1)
    return gray[box[0] : box[2], box[1] : box[3]], box


def pad_to_square(gray: np.ndarray, *, fill: float = 0.0) -> np.ndarray:
    """Centre the picture in a square of ``fill``, so resizing keeps its proportions."""
    height, width = gray.shape
    side = max(height, width)
    square = np.full((side, side), fill, dtype=np.float32)
    top, left = (side - height) // 2, (side - width) // 2
    square[top : top + height, left : left + width] = gray
    return square


def resize_to_28(gray: np.ndarray) -> np.ndarray:
    """Resize a square picture to 28x28, smoothing first (anti-aliasing) so thin lines do not break up."""
    from skimage.transform import resize

    return resize(gray, (IMAGE_SIZE, IMAGE_SIZE), anti_aliasing=True, mode="edge").astype(np.float32)


def scale_to_unit(gray: np.ndarray, *, background: float = 0.0) -> np.ndarray:
    """Stretch the values so the background is 0 and the brightest pixel 1, as in the data set."""
    top = float(gray.max())
    if top - background < 1e-6:
        raise PictureError("the picture is blank after resizing: use a larger picture of the garment")
    return np.clip((gray - background) / (top - background), 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class PreparedPicture:
    """Every step from the file to the 28x28 input, in order (``steps``), and what was decided on the way."""

    path: Path
    steps: dict[str, np.ndarray] = field(repr=False)
    inverted: bool
    box: tuple[int, int, int, int]
    size: tuple[int, int]  # width, height of the original

    @property
    def image(self) -> np.ndarray:
        """The final 28x28 picture in [0, 1] (float32), ready for ``to_tensor(image[None])``."""
        return self.steps["scaled"]


def prepare_picture(path: str | Path, *, max_pixels: int = MAX_PIXELS) -> PreparedPicture:
    """Read a picture and turn it into a Fashion-MNIST-like 28x28 input, keeping every step.

    The steps are named ``original``, ``gray``, ``inverted``, ``cropped``, ``square``, ``resized``
    and ``scaled`` (``inverted`` equals ``gray`` when the background was already dark).
    """
    picture = read_picture(path, max_pixels=max_pixels)
    original = np.asarray(picture.convert("RGB"))
    gray = grayscale(picture)
    inverted, flipped = invert_if_light(gray)
    background = background_level(inverted)
    cropped, box = crop_to_garment(inverted)
    square = pad_to_square(cropped, fill=background)
    resized = resize_to_28(square)
    scaled = scale_to_unit(resized, background=background)
    steps = {"original": original, "gray": gray, "inverted": inverted, "cropped": cropped,
             "square": square, "resized": resized, "scaled": scaled}
    return PreparedPicture(Path(path), steps, flipped, box, picture.size)


def picture_paths(folder: str | Path) -> list[Path]:
    """The PNG and JPEG files in ``folder`` (not its sub-folders), sorted by name; a missing folder has none."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES)

"""Draw the book's example pictures (pictures/examples/): garments made for the book, not taken from the data set.

Each is drawn with PIL from simple shapes, in the sizes and formats a reader's own pictures come
in: a gray T-shirt on white (PNG), blue trousers on a beige page (colour PNG), a red sneaker as a
large JPEG, a bag with a transparent background (RGBA PNG) and a light pullover on black (gray
PNG, nothing to invert). Run again to redraw them: ``python scripts/make_example_pictures.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parents[1] / "pictures" / "examples"


def scaled(points: list[tuple[float, float]], width: int, height: int) -> list[tuple[float, float]]:
    """Points given in a 0-100 box, placed in a width x height picture."""
    return [(x * width / 100, y * height / 100) for x, y in points]


def tshirt() -> Image.Image:
    w = h = 320
    image = Image.new("L", (w, h), 245)
    draw = ImageDraw.Draw(image)
    body = [(30, 12), (42, 8), (50, 14), (58, 8), (70, 12), (92, 30), (80, 44), (72, 36),
            (72, 90), (28, 90), (28, 36), (20, 44), (8, 30)]
    draw.polygon(scaled(body, w, h), fill=70)
    draw.line(scaled([(42, 8), (50, 14), (58, 8)], w, h), fill=40, width=4)
    return image.filter(ImageFilter.GaussianBlur(1))


def trouser() -> Image.Image:
    w, h = 260, 420
    image = Image.new("RGB", (w, h), (236, 226, 205))
    draw = ImageDraw.Draw(image)
    legs = [(28, 8), (72, 8), (78, 92), (56, 92), (50, 30), (44, 92), (22, 92)]
    draw.polygon(scaled(legs, w, h), fill=(38, 56, 112))
    draw.line(scaled([(28, 14), (72, 14)], w, h), fill=(25, 35, 80), width=5)
    return image


def sneaker() -> Image.Image:
    w, h = 1200, 800
    image = Image.new("RGB", (w, h), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    upper = [(10, 58), (14, 44), (30, 40), (46, 30), (56, 32), (62, 44), (80, 50), (92, 56), (92, 66), (10, 66)]
    draw.polygon(scaled(upper, w, h), fill=(200, 40, 40))
    draw.rectangle(scaled([(8, 66), (94, 74)], w, h), fill=(60, 60, 60))
    for x in (34, 40, 46):
        draw.line(scaled([(x, 38), (x + 6, 46)], w, h), fill=(255, 255, 255), width=8)
    return image.filter(ImageFilter.GaussianBlur(2))


def bag() -> Image.Image:
    w, h = 300, 300
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.arc(scaled([(30, 8), (70, 56)], w, h), start=180, end=360, fill=(90, 50, 20, 255), width=12)
    draw.rounded_rectangle(scaled([(14, 32), (86, 88)], w, h), radius=18, fill=(120, 70, 30, 255))
    draw.line(scaled([(14, 46), (86, 46)], w, h), fill=(80, 45, 15, 255), width=5)
    return image


def pullover() -> Image.Image:
    w, h = 280, 280
    image = Image.new("L", (w, h), 10)
    draw = ImageDraw.Draw(image)
    body = [(32, 12), (68, 12), (84, 24), (96, 88), (84, 90), (74, 40), (74, 90), (26, 90), (26, 40),
            (16, 90), (4, 88), (16, 24)]
    draw.polygon(scaled(body, w, h), fill=200)
    draw.ellipse(scaled([(42, 8), (58, 18)], w, h), fill=10)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tshirt().save(OUT / "tshirt.png", optimize=True)
    trouser().save(OUT / "trouser.png", optimize=True)
    sneaker().save(OUT / "sneaker.jpg", quality=85)
    bag().save(OUT / "bag.png", optimize=True)
    pullover().save(OUT / "pullover.png", optimize=True)
    print(f"wrote {len(list(OUT.iterdir()))} pictures to {OUT}")


if __name__ == "__main__":
    main()

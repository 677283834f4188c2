"""A small paint kit for the demo drawings: a softly lit backdrop, shapes with shading,
blurred shadows and highlights.

Shapes are drawn at twice the final size and scaled down at the end, because Pillow draws
hard edges; the box filter of the scale-down gives them the soft edge of a photograph.
Coordinates are always given in the final picture's pixels.
"""

import math
import random
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 1200, 900
SS = 2  # supersampling factor for shapes
LOW = 2  # shadows and highlights are painted at half size, then blurred

RGB = tuple[int, int, int]
Stop = tuple[float, tuple[int, ...]]


# --- Colour ------------------------------------------------------------------------------


def mix(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def lighten(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def darken(c: RGB, t: float) -> RGB:
    return mix(c, (0, 0, 0), t)


def rgba(c: tuple[int, ...], alpha: int = 255) -> tuple[int, int, int, int]:
    return (*c[:3], c[3] if len(c) == 4 else alpha)


def jitter(rng: random.Random, c: RGB, amount: int = 8) -> RGB:
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)


def cylinder_stops(
    base: RGB, *, light: float = 0.35, dark: float = 0.35, highlight: float = 0.3
) -> list[Stop]:
    """Across a round body lit from the upper left: dark rims, a bright band left of centre."""
    return [
        (0.0, darken(base, dark)),
        (0.16, base),
        (highlight, lighten(base, light)),
        (0.55, base),
        (0.85, darken(base, dark * 0.6)),
        (1.0, darken(base, dark)),
    ]


def metal_stops(base: RGB, light: RGB, dark: RGB) -> list[Stop]:
    """Polished metal reflects the room in bands: several bright and dark stripes."""
    return [
        (0.0, dark),
        (0.12, base),
        (0.24, light),
        (0.32, base),
        (0.5, dark),
        (0.62, base),
        (0.74, lighten(light, 0.4)),
        (0.84, base),
        (1.0, dark),
    ]


# --- Gradients ---------------------------------------------------------------------------


def _ramp(stops: list[Stop], n: int, start: float, end: float) -> list[tuple[int, ...]]:
    """n colours for pixel positions 0..n-1, where `start`..`end` maps to 0..1 of the stops."""
    stops = [(p, rgba(c)) for p, c in stops]
    out = []
    span = (end - start) or 1.0
    j = 0
    for i in range(n):
        t = min(max((i - start) / span, 0.0), 1.0)
        while j < len(stops) - 2 and t > stops[j + 1][0]:
            j += 1
        while j > 0 and t < stops[j][0]:
            j -= 1
        (p0, c0), (p1, c1) = stops[j], stops[j + 1]
        out.append(mix(c0, c1, 0.0 if p1 == p0 else min(max((t - p0) / (p1 - p0), 0.0), 1.0)))
    return out


def gradient(
    size: tuple[int, int],
    stops: list[Stop],
    *,
    vertical: bool = False,
    span: tuple[float, float] | None = None,
) -> Image.Image:
    """An RGBA gradient of `size`; `span` places the 0..1 of the stops in pixel positions."""
    w, h = size
    n = h if vertical else w
    start, end = span if span else (0, n - 1)
    # Worked out at half resolution and stretched: smooth anyway, and twice as quick.
    k = 2 if n > 64 else 1
    m = max(n // k, 1)
    strip = Image.new("RGBA", (1, m) if vertical else (m, 1))
    strip.putdata(_ramp(stops, m, start / k, end / k))
    return strip.resize(size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=4)
def _radial(size: tuple[int, int]) -> Image.Image:
    """0 in the middle, 255 at the edge of the inscribed ellipse (and beyond)."""
    g = Image.radial_gradient("L").point(lambda v: min(255, round(v * 255 / 181)))
    return g.resize(size, Image.Resampling.BILINEAR)


@lru_cache(maxsize=1)
def _grain() -> Image.Image:
    """Fine, fixed film grain around mid-grey (the same every time, for stable pictures)."""
    size = (W // 2, H // 2)
    noise = Image.frombytes("L", size, random.Random(0).randbytes(size[0] * size[1]))
    noise = noise.point(lambda v: 128 + round((v - 128) * 0.05))
    return noise.resize((W, H), Image.Resampling.BILINEAR).convert("RGB")


# --- Backdrops ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    wall: tuple[RGB, RGB]
    table: tuple[RGB, RGB] | None  # None: a seamless paper sweep, no table edge
    glow: RGB = (255, 238, 210)
    shadow: RGB = (60, 42, 30)


PALETTES = {
    "linen": Palette(((240, 231, 217), (222, 208, 188)), ((206, 184, 154), (178, 152, 120))),
    "oat": Palette(((236, 223, 203), (216, 197, 170)), ((174, 131, 92), (140, 101, 67))),
    "sage": Palette(
        ((219, 223, 206), (197, 203, 183)), ((194, 176, 148), (163, 143, 114)), shadow=(44, 48, 36)
    ),
    "blush": Palette(
        ((243, 226, 216), (228, 203, 190)), ((238, 233, 227), (214, 207, 199)), shadow=(90, 60, 50)
    ),
    "clay": Palette(((226, 194, 168), (203, 164, 137)), ((122, 89, 64), (95, 68, 49))),
    "dusk": Palette(
        ((96, 82, 74), (66, 56, 51)),
        ((60, 48, 42), (40, 32, 28)),
        glow=(255, 214, 170),
        shadow=(10, 6, 4),
    ),
    "sky": Palette(
        ((218, 225, 228), (198, 207, 211)),
        ((226, 218, 204), (199, 189, 172)),
        glow=(255, 246, 232),
        shadow=(40, 44, 48),
    ),
    "sand": Palette(((238, 222, 202), (205, 180, 152)), None),
    "ink": Palette(((58, 62, 70), (34, 36, 42)), None, glow=(255, 226, 190), shadow=(0, 0, 0)),
}


def backdrop(rng: random.Random, palette: Palette, table_y: int) -> Image.Image:
    """A wall and a table (or a paper sweep) under warm window light from the upper left."""
    if palette.table is None:
        img = gradient(
            (W, H),
            [(0.0, palette.wall[0]), (0.55, mix(*palette.wall, 0.5)), (1.0, palette.wall[1])],
            vertical=True,
        ).convert("RGB")
    else:
        img = Image.new("RGB", (W, H))
        if table_y > 0:
            img.paste(
                gradient(
                    (W, table_y), [(0, palette.wall[0]), (1, palette.wall[1])], vertical=True
                ).convert("RGB")
            )
        back, front = palette.table
        img.paste(
            gradient(
                (W, H - table_y),
                [(0, lighten(back, 0.08)), (0.25, back), (1, front)],
                vertical=True,
            ).convert("RGB"),
            (0, table_y),
        )
        if table_y > 0:
            edge = ImageDraw.Draw(img)
            edge.line([(0, table_y), (W, table_y)], fill=lighten(back, 0.25), width=2)
            edge.line([(0, table_y - 1), (W, table_y - 1)], fill=darken(palette.wall[1], 0.08))
    # Window light: a broad warm glow high on one side.
    r = rng.randint(520, 700)
    cx, cy = rng.choice([rng.randint(150, 400), rng.randint(800, 1050)]), rng.randint(40, 200)
    glow = ImageChops.invert(_radial((2 * r, 2 * r)))
    mask = Image.new("L", (W, H))
    mask.paste(glow, (cx - r, cy - r))
    img = Image.composite(
        Image.new("RGB", (W, H), palette.glow), img, mask.point(lambda v: round(v * 0.38))
    )
    # Vignette: the corners fall off into shadow, as through a lens.
    vignette = _radial((int(W * 1.25), int(H * 1.35))).crop(
        (int(W * 0.125), int(H * 0.175), int(W * 0.125) + W, int(H * 0.175) + H)
    )
    img = Image.composite(
        Image.new("RGB", (W, H), palette.shadow),
        img,
        vignette.point(lambda v: round((v / 255) ** 2.2 * 90)),
    )
    return img


# --- The scene -----------------------------------------------------------------------------


class Pen:
    """ImageDraw with coordinates in final-picture pixels, scaled to the canvas it draws on."""

    def __init__(self, im: Image.Image, scale: float, on_draw=None):
        self._draw = ImageDraw.Draw(im)
        self._on_draw = on_draw
        self.s = scale

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        if self._on_draw:
            self._on_draw()
        return self._draw

    def _pts(self, pts):
        return [(x * self.s, y * self.s) for x, y in pts]

    def _box(self, box):
        x0, y0, x1, y1 = box
        return [x0 * self.s, y0 * self.s, x1 * self.s, y1 * self.s]

    def ellipse(self, box, fill=255, outline=None, width: float = 1):
        self.draw.ellipse(
            self._box(box), fill=fill, outline=outline, width=max(1, round(width * self.s))
        )

    def polygon(self, pts, fill=255):
        self.draw.polygon(self._pts(pts), fill=fill)

    def rect(self, box, fill=255, radius: float = 0, outline=None, width: float = 1):
        self.draw.rounded_rectangle(
            self._box(box),
            radius=radius * self.s,
            fill=fill,
            outline=outline,
            width=max(1, round(width * self.s)),
        )

    def line(self, pts, fill=255, width: float = 1, joint: str | None = "curve"):
        self.draw.line(self._pts(pts), fill=fill, width=max(1, round(width * self.s)), joint=joint)

    def arc(self, box, start: float, end: float, fill=255, width: float = 1):
        self.draw.arc(self._box(box), start, end, fill=fill, width=max(1, round(width * self.s)))

    def chord(self, box, start: float, end: float, fill=255):
        self.draw.chord(self._box(box), start, end, fill=fill)

    def pieslice(self, box, start: float, end: float, fill=255):
        self.draw.pieslice(self._box(box), start, end, fill=fill)

    def dashes(self, pts, fill, width: float = 2, dash: float = 9, gap: float = 6):
        """A stitched line along a polyline."""
        for a, b in zip(pts, pts[1:], strict=False):
            length = math.dist(a, b)
            steps = max(int(length // (dash + gap)), 1)
            for i in range(steps):
                t0, t1 = i * (dash + gap) / length, min((i * (dash + gap) + dash) / length, 1)
                self.line(
                    [
                        (a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0),
                        (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1),
                    ],
                    fill=fill,
                    width=width,
                    joint=None,
                )


class Scene:
    """One picture: a backdrop, soft shadows, shapes and highlights, rendered to RGB."""

    def __init__(self, slug: str, palettes: list[str], *, table: tuple[float, float] = (0.5, 0.58)):
        self.rng = random.Random(slug)
        self.palette = PALETTES[self.rng.choice(palettes)]
        self.table_y = int(H * self.rng.uniform(*table))
        self.layer = Image.new("RGBA", (W * SS, H * SS))
        self._shadow = Image.new("L", (W // LOW, H // LOW))
        self._light = Image.new("L", (W // LOW, H // LOW))
        self._tints: list[tuple[Image.Image, RGB]] = []
        self._details = Image.new("RGBA", self.layer.size)
        self._details_drawn = False

    # Shapes -----------------------------------------------------------------------------

    def mask(self) -> tuple[Image.Image, Pen]:
        m = Image.new("L", self.layer.size)
        return m, Pen(m, SS)

    def pen(self) -> Pen:
        """Draw sharp details (lines, stitches, facets) over what is drawn so far.

        ImageDraw replaces pixels rather than blending them, so details go on a layer of
        their own that is laid over the shapes before the next shape is painted."""
        return Pen(self._details, SS, on_draw=self._mark_details)

    def _mark_details(self) -> None:
        self._details_drawn = True

    def _flush(self) -> None:
        if not self._details_drawn:
            return
        box = self._details.getchannel("A").getbbox()
        if box:
            self.layer.alpha_composite(self._details.crop(box), box[:2])
            self._details.paste((0, 0, 0, 0), box)
        self._details_drawn = False

    def fill(
        self,
        mask: Image.Image,
        paint,
        *,
        vertical: bool = False,
        span: tuple[float, float] | None = None,
        opacity: float = 1.0,
    ) -> None:
        """Paint the shape in `mask` with a colour or a gradient (a list of stops) running
        across `span` (final-picture pixels along x, or y if vertical; default the shape)."""
        self._flush()
        box = mask.getbbox()
        if not box:
            return
        x0, y0, x1, y1 = box
        size = (x1 - x0, y1 - y0)
        if isinstance(paint, list):
            if span is None:
                px = (0, (size[1] if vertical else size[0]) - 1)
            else:
                off = y0 if vertical else x0
                px = (span[0] * SS - off, span[1] * SS - off)
            src = gradient(size, paint, vertical=vertical, span=px)
        else:
            src = Image.new("RGBA", size, rgba(paint))
        alpha = ImageChops.multiply(src.getchannel("A"), mask.crop(box))
        if opacity < 1:
            alpha = alpha.point(lambda v: round(v * opacity))
        src.putalpha(alpha)
        self.layer.alpha_composite(src, (x0, y0))

    def erase(self, mask: Image.Image) -> None:
        """Cut a hole (the inside of a ring, a mug handle) through what is drawn so far."""
        self._flush()
        alpha = ImageChops.subtract(self.layer.getchannel("A"), mask)
        self.layer.putalpha(alpha)

    @contextmanager
    def clip(self, mask: Image.Image, opacity: float = 1.0):
        """Draw details (grain, weave, stitches) that stay inside a shape."""
        self._flush()
        box = mask.getbbox()
        tmp = Image.new("RGBA", self.layer.size)
        yield Pen(tmp, SS)
        if not box:
            return
        part = tmp.crop(box)
        alpha = ImageChops.multiply(part.getchannel("A"), mask.crop(box))
        if opacity < 1:
            alpha = alpha.point(lambda v: round(v * opacity))
        part.putalpha(alpha)
        self.layer.alpha_composite(part, box[:2])

    # Light --------------------------------------------------------------------------------

    def _soft(self, target: Image.Image, opacity: float, blur: float, draw) -> None:
        tmp = Image.new("L", target.size)
        draw(Pen(tmp, 1 / LOW))
        tmp = tmp.filter(ImageFilter.GaussianBlur(blur / LOW))
        if opacity < 1:
            tmp = tmp.point(lambda v: round(v * opacity))
        target.paste(ImageChops.add(target, tmp))

    def shadow(
        self, box=None, *, polygon=None, outline: float = 0, opacity: float = 0.45, blur: float = 18
    ) -> None:
        """A soft shadow on the table: an ellipse box (filled, or a ring `outline` wide)
        or a polygon."""

        def draw(p: Pen) -> None:
            if polygon:
                p.polygon(polygon)
            elif outline:
                p.ellipse(box, fill=None, outline=255, width=outline)
            else:
                p.ellipse(box)

        self._soft(self._shadow, opacity, blur, draw)

    def shadow_of(
        self, mask: Image.Image, *, offset=(14, 22), opacity: float = 0.45, blur: float = 16
    ) -> None:
        """A soft shadow in the shape of a mask, cast down and to the right."""
        small = mask.resize(self._shadow.size, Image.Resampling.BILINEAR)
        moved = Image.new("L", small.size)
        moved.paste(small, (round(offset[0] / LOW), round(offset[1] / LOW)))
        moved = moved.filter(ImageFilter.GaussianBlur(blur / LOW))
        moved = moved.point(lambda v: round(v * opacity))
        self._shadow.paste(ImageChops.add(self._shadow, moved))

    def tint(self, box, colour: RGB, *, opacity: float = 0.5, blur: float = 24) -> None:
        """Coloured light on the table, cast through glass."""
        target = Image.new("L", self._light.size)
        self._soft(target, opacity, blur, lambda p: p.ellipse(box))
        self._tints.append((target, colour))

    def glint(
        self,
        box=None,
        *,
        polygon=None,
        line=None,
        width: float = 6,
        opacity: float = 0.6,
        blur: float = 6,
    ) -> None:
        """A soft highlight where the light catches a surface."""

        def draw(p: Pen) -> None:
            if polygon:
                p.polygon(polygon)
            elif line:
                p.line(line, width=width)
            else:
                p.ellipse(box)

        self._soft(self._light, opacity, blur, draw)

    def render(self) -> Image.Image:
        self._flush()
        img = backdrop(self.rng, self.palette, self.table_y)
        shadow = self._shadow.resize((W, H), Image.Resampling.BILINEAR)
        img = Image.composite(Image.new("RGB", (W, H), self.palette.shadow), img, shadow)
        for mask, colour in self._tints:
            img = Image.composite(
                Image.new("RGB", (W, H), lighten(colour, 0.3)),
                img,
                mask.resize((W, H), Image.Resampling.BILINEAR),
            )
        img = img.convert("RGBA")
        box = self.layer.getchannel("A").getbbox()
        if box:
            # Scale down only the part with shapes on it, on whole final pixels.
            x0, y0 = box[0] // SS * SS, box[1] // SS * SS
            x1, y1 = -(-box[2] // SS) * SS, -(-box[3] // SS) * SS
            shapes = self.layer.crop((x0, y0, x1, y1)).resize(
                ((x1 - x0) // SS, (y1 - y0) // SS), Image.Resampling.BOX
            )
            img.alpha_composite(shapes, (x0 // SS, y0 // SS))
        light = self._light.resize((W, H), Image.Resampling.BILINEAR)
        img = Image.composite(Image.new("RGBA", (W, H), (255, 250, 240, 255)), img, light)
        # A little film grain so flat areas do not band.
        return ImageChops.add(img.convert("RGB"), _grain(), 1.0, -128)


def lathe(
    cx: float, top: float, bottom: float, radius, steps: int = 48
) -> list[tuple[float, float]]:
    """The outline of a turned shape (vase, carafe, tumbler): `radius(t)` for t from the
    rim (0) to the foot (1) gives the half-width; returns a closed polygon."""
    right = [(cx + radius(i / steps), top + (bottom - top) * i / steps) for i in range(steps + 1)]
    left = [(2 * cx - x, y) for x, y in reversed(right)]
    return right + left


def rotate(pts, angle_deg: float, origin: tuple[float, float]):
    a = math.radians(angle_deg)
    ox, oy = origin
    ca, sa = math.cos(a), math.sin(a)
    return [(ox + x * ca - y * sa, oy + x * sa + y * ca) for x, y in pts]

"""Pictures of the demo pieces, drawn with Pillow: one object on a softly lit table.

Every function takes the piece's slug (the random seed: the same piece always looks the
same) and a few looks (metal, glaze, wood, colours) and returns a 1200×900 RGB image.
`DRAWINGS` maps the names the demo content uses to the functions.
"""

import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from makers.demo.canvas import (
    RGB,
    SS,
    Scene,
    cylinder_stops,
    darken,
    jitter,
    lathe,
    lighten,
    metal_stops,
    mix,
    rotate,
)

# --- What things are made of ---------------------------------------------------------------

METALS: dict[str, tuple[RGB, RGB, RGB]] = {  # base, light, dark
    "silver": ((190, 192, 197), (248, 248, 250), (92, 94, 100)),
    "gold": ((212, 170, 92), (252, 228, 164), (118, 84, 36)),
    "gold18": ((226, 178, 78), (255, 234, 150), (128, 88, 26)),
    "rose": ((214, 150, 124), (252, 212, 192), (118, 70, 54)),
    "white": ((212, 212, 206), (252, 252, 248), (116, 116, 114)),
    "oxidised": ((90, 90, 95), (176, 176, 182), (34, 34, 38)),
    "brass": ((196, 158, 84), (242, 216, 150), (108, 82, 34)),
}
STONES: dict[str, RGB] = {
    "sapphire": (34, 66, 168),
    "ruby": (180, 22, 52),
    "emerald": (20, 132, 84),
    "garnet": (122, 18, 32),
    "amethyst": (132, 82, 176),
    "aquamarine": (122, 198, 222),
    "peridot": (152, 194, 62),
    "citrine": (236, 168, 40),
    "topaz": (96, 164, 224),
    "moonstone": (222, 228, 238),
    "diamond": (238, 242, 248),
    "opal": (214, 224, 232),
    "pearl": (242, 236, 224),
    "tourmaline": (222, 112, 142),
    "labradorite": (84, 104, 124),
    "turquoise": (64, 180, 176),
    "onyx": (30, 30, 34),
}
GLAZES: dict[str, RGB] = {
    "celadon": (152, 186, 162),
    "tenmoku": (72, 40, 26),
    "oatmeal": (226, 214, 190),
    "cobalt": (42, 72, 142),
    "ash": (182, 178, 160),
    "rust": (172, 84, 46),
    "snow": (241, 239, 233),
    "sea": (78, 142, 142),
    "charcoal": (62, 62, 64),
    "honey": (202, 142, 62),
    "moss": (112, 122, 72),
    "blush": (224, 172, 160),
}
CLAYS: dict[str, RGB] = {
    "stoneware": (196, 170, 140),
    "speckled": (214, 196, 166),
    "terracotta": (184, 98, 62),
    "porcelain": (240, 238, 232),
    "dark": (112, 86, 70),
}
WOODS: dict[str, RGB] = {
    "oak": (198, 156, 104),
    "walnut": (112, 74, 48),
    "cherry": (170, 98, 64),
    "ash": (218, 192, 152),
    "maple": (228, 204, 164),
    "elm": (172, 122, 82),
    "smoked oak": (104, 78, 56),
}
COLOURS: dict[str, RGB] = {  # yarn, cloth and paper
    "undyed": (232, 224, 206),
    "moss": (112, 126, 80),
    "heather": (150, 122, 138),
    "rust": (178, 88, 54),
    "indigo": (46, 62, 104),
    "charcoal": (68, 66, 68),
    "mustard": (208, 162, 58),
    "sea": (98, 142, 142),
    "oat": (212, 198, 172),
    "berry": (138, 52, 72),
    "sky": (152, 182, 202),
    "clay": (198, 132, 102),
    "forest": (52, 84, 62),
    "cream": (240, 232, 212),
    "ochre": (190, 130, 50),
    "slate": (92, 104, 116),
    "blush": (226, 180, 168),
    "navy": (38, 48, 80),
}
LEATHERS: dict[str, RGB] = {
    "tan": (192, 128, 74),
    "chestnut": (136, 76, 42),
    "dark brown": (80, 52, 36),
    "black": (40, 36, 36),
    "natural": (216, 178, 132),
    "oxblood": (106, 32, 38),
    "forest": (50, 80, 60),
    "navy": (42, 54, 80),
    "cognac": (166, 94, 46),
}
GLASS: dict[str, RGB] = {
    "clear": (214, 232, 236),
    "amber": (214, 136, 36),
    "sea": (84, 168, 148),
    "cobalt": (40, 82, 184),
    "smoke": (110, 108, 106),
    "rose": (232, 148, 160),
    "olive": (152, 160, 68),
}

JEWELLERY = ["dusk", "blush", "linen", "sand", "ink"]
CERAMICS = ["linen", "oat", "sage", "blush", "clay", "sand"]
WOODWORK = ["linen", "sage", "blush", "sky", "sand"]
TEXTILES = ["oat", "sage", "linen", "clay", "sky"]
GLASSWARE = ["sky", "linen", "sage", "dusk", "blush"]
FLAT_LAY = ["linen", "sage", "blush", "sky", "oat"]


def _look(table: dict[str, RGB], value) -> RGB:
    return tuple(value) if isinstance(value, (tuple, list)) else table[value]


def _ellipse_pts(cx, cy, rx, ry, n=72):
    return [
        (cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]


def _rounded_rect_pts(x0, y0, x1, y1, r, n=8):
    pts = []
    for cx, cy, a0 in (
        (x1 - r, y0 + r, -90),
        (x1 - r, y1 - r, 0),
        (x0 + r, y1 - r, 90),
        (x0 + r, y0 + r, 180),
    ):
        for i in range(n + 1):
            a = math.radians(a0 + 90 * i / n)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def _strip(path, width):
    """A band of `width` along a polyline: the outline polygon of a belt, a strap, a chain."""
    left, right = [], []
    for i, (x, y) in enumerate(path):
        ax, ay = path[max(i - 1, 0)]
        bx, by = path[min(i + 1, len(path) - 1)]
        length = math.hypot(bx - ax, by - ay) or 1
        nx, ny = -(by - ay) / length, (bx - ax) / length
        left.append((x + nx * width / 2, y + ny * width / 2))
        right.append((x - nx * width / 2, y - ny * width / 2))
    return left, right


def _sparkle(scene: Scene, x, y, size, opacity=0.9):
    scene.glint(line=[(x - size, y), (x + size, y)], width=3, opacity=opacity, blur=3)
    scene.glint(line=[(x, y - size), (x, y + size)], width=3, opacity=opacity, blur=3)
    scene.glint((x - size / 4, y - size / 4, x + size / 4, y + size / 4), opacity=1, blur=4)


def _stone(scene: Scene, cx, cy, r, colour: RGB, metal: RGB | None = None):
    """A round faceted stone seen from above and in front, in a rim of metal."""
    if metal:
        m, p = scene.mask()
        p.ellipse((cx - r - 7, cy - r * 0.8 - 7, cx + r + 7, cy + r * 0.8 + 9))
        scene.fill(
            m, [(0, lighten(metal, 0.4)), (0.5, metal), (1, darken(metal, 0.4))], vertical=True
        )
    m, p = scene.mask()
    p.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8))
    scene.fill(
        m, [(0, lighten(colour, 0.35)), (0.45, colour), (1, darken(colour, 0.45))], vertical=True
    )
    pen = scene.pen()
    table = [
        (cx + r * 0.5 * math.cos(math.radians(a)), cy + r * 0.4 * math.sin(math.radians(a)))
        for a in range(0, 360, 45)
    ]
    for i, (x, y) in enumerate(table):
        a = math.radians(i * 45 + 22)
        pen.line(
            [(x, y), (cx + r * math.cos(a), cy + r * 0.8 * math.sin(a))],
            fill=(*lighten(colour, 0.5), 120),
            width=1.5,
        )
    pen.polygon(table, fill=(*lighten(colour, 0.2), 110))
    _sparkle(scene, cx - r * 0.3, cy - r * 0.3, r * 0.6)


# --- Jewellery -----------------------------------------------------------------------------


def _ring(scene: Scene, cx, base_y, scale, metal: str, band: float, stone, hammered, signet):
    base, light, dark = METALS[metal]
    rx, ry = 138 * scale, 170 * scale
    t = max(band * 0.45, 9) * scale  # thickness of the metal
    depth = band * 1.5 * scale  # how far the band runs away from us
    cy = base_y - ry
    outer = (cx - rx, cy - ry, cx + rx, cy + ry)
    inner = (cx - rx + t, cy - ry + t, cx + rx - t, cy + ry - t)
    scene.shadow((cx - rx, base_y - 12, cx + rx + depth + 30, base_y + 16), opacity=0.55, blur=10)
    scene.shadow(
        (cx - rx - 40, base_y - 30, cx + rx + depth + 80, base_y + 40), opacity=0.25, blur=30
    )
    body, p = scene.mask()
    p.ellipse(outer)
    p.ellipse((outer[0] + depth, outer[1], outer[2] + depth, outer[3]))
    p.rect((cx, cy - ry, cx + depth, cy + ry))
    scene.fill(body, metal_stops(base, light, dark), span=(cx - rx, cx + rx + depth))
    inside, p = scene.mask()
    p.ellipse(inner)
    scene.fill(
        inside,
        [(0, darken(base, 0.5)), (0.3, dark), (0.7, base), (1, darken(base, 0.3))],
        span=(inner[0], inner[2]),
    )
    face, p = scene.mask()
    p.ellipse(outer)
    p.ellipse(inner, fill=0)
    scene.fill(
        face,
        [(0, base), (0.3, light), (0.6, base), (1, dark)],
        vertical=True,
        span=(outer[1], outer[3]),
    )
    through, p = scene.mask()
    p.ellipse(inner)
    other, p2 = scene.mask()
    p2.ellipse((inner[0] + depth, inner[1], inner[2] + depth, inner[3]))
    scene.erase(ImageChops.multiply(through, other))
    if hammered:  # on the outside of the band only
        with scene.clip(ImageChops.subtract(body, through), opacity=0.5) as pen:
            for _ in range(int(90 * scale)):
                x = scene.rng.uniform(cx - rx, cx + rx + depth)
                y = scene.rng.uniform(cy - ry, cy + ry)
                s = scene.rng.uniform(4, 9) * scale
                pen.ellipse(
                    (x - s, y - s * 0.7, x + s, y + s * 0.7),
                    fill=(*scene.rng.choice([light, dark]), 90),
                )
    scene.glint(
        line=[(cx - rx * 0.75, cy - ry * 0.35), (cx - rx * 0.55, cy - ry * 0.75)],
        width=5 * scale,
        opacity=0.7,
        blur=5,
    )
    top = (cx + depth / 2, cy - ry)
    if signet:
        m, p = scene.mask()
        w = 70 * scale
        p.ellipse((top[0] - w, top[1] - w * 0.5, top[0] + w, top[1] + w * 0.45))
        scene.fill(m, [(0, light), (0.5, base), (1, dark)], vertical=True)
        scene.pen().ellipse(
            (top[0] - w * 0.8, top[1] - w * 0.38, top[0] + w * 0.8, top[1] + w * 0.33),
            fill=None,
            outline=(*dark, 140),
            width=2,
        )
    elif stone:
        _stone(scene, top[0], top[1] - 18 * scale, 40 * scale, _look(STONES, stone), base)


def ring(
    slug: str,
    *,
    metal: str = "silver",
    stone=None,
    band: float = 26,
    hammered: bool = False,
    signet: bool = False,
    stack: int = 1,
) -> Image.Image:
    """A ring standing on the table; `stack` rings stand side by side in different metals."""
    scene = Scene(slug, JEWELLERY)
    base_y = scene.table_y + 260
    if stack == 1:
        _ring(scene, 600 - band * 0.7, base_y, 1.4, metal, band, stone, hammered, signet)
    else:
        others = [m for m in ("gold", "oxidised", "rose", "silver") if m != metal]
        metals = [metal, *others[: stack - 1]]
        for i, m in enumerate(metals):
            x = 600 + (i - (stack - 1) / 2) * 250
            _ring(
                scene,
                x,
                base_y - (i % 2) * 25,
                0.85,
                m,
                band * 0.7,
                stone if i == 0 else None,
                hammered,
                False,
            )
    return scene.render()


def pendant(
    slug: str, *, metal: str = "silver", shape: str = "disc", stone=None, chain: bool = True
) -> Image.Image:
    """A pendant lying on the table with its chain in a loose loop (seen from above)."""
    scene = Scene(slug, JEWELLERY + ["sage"], table=(0.0, 0.0))
    base, light, dark = METALS[metal]
    cx, cy, r = 600, 590, 125
    # Where the bail sits: the top of the shape (on a crescent, its upper horn).
    bx, by = (
        (cx - 62, cy - 108) if shape == "moon" else (cx, cy - (0.9 if shape == "drop" else 1) * r)
    )
    m, p = scene.mask()
    if shape == "drop":
        pts = [
            (
                cx + r * 0.95 * math.sin(t) * math.sin(t / 2) ** 0.8,
                cy - r * 0.9 + r * 1.05 * (1 - math.cos(t)),
            )
            for t in [2 * math.pi * i / 80 for i in range(81)]
        ]
        p.polygon(pts)
    elif shape == "leaf":
        pts = [
            (cx + r * 0.6 * math.sin(t) * abs(math.sin(t)) ** 0.2, cy - r * math.cos(t))
            for t in [2 * math.pi * i / 80 for i in range(80)]
        ]
        p.polygon(pts)
    else:
        p.ellipse((cx - r, cy - r, cx + r, cy + r))
        if shape == "moon":
            p.ellipse((cx - r + 62, cy - r - 18, cx + r + 40, cy + r - 22), fill=0)
    if chain:
        # The necklace laid out above the pendant, its lowest point through the bail.
        top = by - 52
        loop = []
        for i in range(181):
            a = math.pi * (0.5 + 2 * i / 180)
            wobble = 1 + 0.04 * math.sin(3 * a + scene.rng.random())
            loop.append((bx + 340 * math.cos(a) * wobble, top - 300 + 300 * math.sin(a) * wobble))
        left, right = _strip(loop, 10)
        scene.shadow(polygon=left + right[::-1], opacity=0.2, blur=6)
        pen = scene.pen()
        for i, (x, y) in enumerate(loop[3:-3]):
            s = 7
            box = (
                (x - s, y - s * 0.6, x + s, y + s * 0.6)
                if i % 2
                else (x - s * 0.6, y - s, x + s * 0.6, y + s)
            )
            pen.ellipse(box, fill=None, outline=mix(base, dark, 0.45), width=4)
            pen.arc(box, 180, 270, fill=light, width=2)
        bail, p = scene.mask()
        p.ellipse((bx - 20, top - 8, bx + 20, by + 8))
        p.ellipse((bx - 11, top + 3, bx + 11, by - 3), fill=0)
        scene.fill(bail, metal_stops(base, light, dark))
    scene.shadow_of(m, opacity=0.45, blur=16)
    scene.fill(
        m,
        [(0, light), (0.3, base), (0.55, lighten(base, 0.2)), (0.8, dark), (1, base)],
        vertical=True,
    )
    with scene.clip(m, opacity=0.55) as pen:
        if shape == "leaf":
            pen.line([(cx, cy - r * 0.9), (cx, cy + r * 0.9)], fill=dark, width=3)
            for k in range(-3, 4):
                y = cy + k * 22
                pen.line([(cx, y), (cx - 40, y - 24)], fill=dark, width=2)
                pen.line([(cx, y), (cx + 40, y - 24)], fill=dark, width=2)
        else:
            for _ in range(70):
                x, y = scene.rng.uniform(cx - r, cx + r), scene.rng.uniform(cy - r, cy + r)
                s = scene.rng.uniform(5, 11)
                pen.ellipse(
                    (x - s, y - s, x + s, y + s), fill=(*scene.rng.choice([light, dark]), 70)
                )
    scene.glint(
        line=[(cx - r * 0.6, cy - r * 0.3), (cx - r * 0.2, cy - r * 0.7)],
        width=10,
        opacity=0.6,
        blur=10,
    )
    if stone:
        sy = cy + (r * 0.45 if shape in ("drop", "moon") else 0)
        sx = cx - (r * 0.45 if shape == "moon" else 0)
        _stone(scene, sx, sy, 30, _look(STONES, stone), base)
    return scene.render()


def earrings(slug: str, *, metal: str = "gold", style: str = "hoop", stone=None) -> Image.Image:
    """A pair of earrings lying on the table: hoops, studs or small drops."""
    scene = Scene(slug, JEWELLERY, table=(0.0, 0.0))
    base, light, dark = METALS[metal]
    for k, cx in enumerate((410, 790)):
        cy = 450 + (k * 2 - 1) * 30
        if style == "hoop":
            r, t = 175, 28
            scene.shadow(
                (cx - r + 14, cy - r + 20, cx + r + 14, cy + r + 20),
                outline=t,
                opacity=0.5,
                blur=10,
            )
            m, p = scene.mask()
            p.ellipse((cx - r, cy - r, cx + r, cy + r))
            p.ellipse((cx - r + t, cy - r + t, cx + r - t, cy + r - t), fill=0)
            p.rect((cx - 8, cy - r - 2, cx + 8, cy - r + t + 2), fill=0)
            scene.fill(m, metal_stops(base, light, dark), span=(cx - r, cx + r))
            scene.glint(
                line=[(cx - r * 0.85, cy - r * 0.2), (cx - r * 0.55, cy - r * 0.75)],
                width=7,
                opacity=0.7,
            )
        elif style == "stud":
            r = 104
            scene.shadow(
                (cx - r + 10, cy - r * 0.8 + 20, cx + r + 20, cy + r * 0.8 + 26),
                opacity=0.5,
                blur=10,
            )
            if stone:
                _stone(scene, cx, cy, r, _look(STONES, stone), base)
            else:
                m, p = scene.mask()
                p.ellipse((cx - r, cy - r, cx + r, cy + r))
                scene.fill(m, [(0, light), (0.4, base), (1, dark)], vertical=True)
                scene.glint((cx - r * 0.5, cy - r * 0.6, cx - r * 0.05, cy - r * 0.2), opacity=0.8)
        else:
            scene.pen().arc((cx - 50, cy - 230, cx + 50, cy - 130), 180, 360, fill=base, width=7)
            scene.pen().line([(cx + 50, cy - 180), (cx + 48, cy - 120)], fill=base, width=7)
            scene.pen().line(
                [(cx - 50, cy - 180), (cx - 40, cy - 90), (cx, cy - 40)], fill=base, width=7
            )
            scene.shadow((cx - 50, cy - 30, cx + 80, cy + 190), opacity=0.4, blur=14)
            m, p = scene.mask()
            pts = [
                (cx + 80 * math.sin(t) * math.sin(t / 2) ** 0.8, cy - 60 + 95 * (1 - math.cos(t)))
                for t in [2 * math.pi * i / 60 for i in range(61)]
            ]
            p.polygon(pts)
            scene.fill(m, metal_stops(base, light, dark), span=(cx - 80, cx + 80))
            if stone:
                _stone(scene, cx, cy + 75, 34, _look(STONES, stone), base)
    return scene.render()


def cuff(slug: str, *, metal: str = "silver", hammered: bool = True) -> Image.Image:
    """An open bangle lying on the table, its inside catching the light."""
    scene = Scene(slug, JEWELLERY)
    base, light, dark = METALS[metal]
    cx, cy, rx, ry, h, t = 600, scene.table_y + 170, 250, 92, 70, 10
    scene.shadow((cx - rx - 20, cy - ry + 40, cx + rx + 50, cy + ry + h + 30), opacity=0.5, blur=22)
    outer, p = scene.mask()
    p.ellipse((cx - rx, cy - ry, cx + rx, cy + ry))
    p.ellipse((cx - rx, cy - ry + h, cx + rx, cy + ry + h))
    p.rect((cx - rx, cy, cx + rx, cy + h))
    scene.fill(outer, metal_stops(base, light, dark), span=(cx - rx, cx + rx))
    if hammered:
        with scene.clip(outer, opacity=0.45) as pen:
            for _ in range(160):
                x, y = scene.rng.uniform(cx - rx, cx + rx), scene.rng.uniform(cy, cy + ry + h)
                s = scene.rng.uniform(5, 10)
                pen.ellipse(
                    (x - s, y - s * 0.6, x + s, y + s * 0.6),
                    fill=(*scene.rng.choice([light, dark]), 90),
                )
    inner = (cx - rx + t, cy - ry + t * 0.4, cx + rx - t, cy + ry - t * 0.4)
    wall, p = scene.mask()
    p.ellipse(inner)
    p.ellipse((inner[0], inner[1] + h, inner[2], inner[3] + h), fill=0)
    scene.fill(
        wall,
        [(0, dark), (0.35, base), (0.5, light), (0.7, base), (1, dark)],
        span=(inner[0], inner[2]),
    )
    hole, p = scene.mask()
    p.ellipse(inner)
    below, p = scene.mask()
    p.ellipse((inner[0], inner[1] + h, inner[2], inner[3] + h))
    scene.erase(ImageChops.multiply(hole, below))
    gap, p = scene.mask()
    p.polygon(
        [
            (cx - 26, cy + ry - 30),
            (cx + 26, cy + ry - 30),
            (cx + 30, cy + ry + h + 10),
            (cx - 30, cy + ry + h + 10),
        ]
    )
    scene.erase(gap)
    scene.glint(
        line=[(cx - rx * 0.8, cy + ry * 0.4), (cx - rx * 0.45, cy + ry * 0.95)],
        width=8,
        opacity=0.6,
    )
    return scene.render()


# --- Ceramics and glass: things turned on a wheel or blown round ----------------------------


def _vessel(
    scene: Scene,
    cx,
    rim_y,
    height,
    radius,
    *,
    body,
    inner,
    clay: RGB | None = None,
    foot: float = 0.0,
    tilt: float = 0.24,
    handle: str | None = None,
    spout=False,
    speckle: bool = False,
    grain: RGB | None = None,
):
    """A turned pot: `radius(t)` from rim (t=0) to foot (t=1); glazed above `foot` (a share
    of the height left raw), with an optional handle and pouring lip."""
    base_y = rim_y + height
    rmax = max(radius(i / 20) for i in range(21))
    rim_r, foot_r = radius(0), radius(1)
    scene.shadow(
        (
            cx - foot_r * 1.2,
            base_y - foot_r * tilt,
            cx + foot_r * 1.5,
            base_y + foot_r * tilt * 1.4,
        ),
        opacity=0.55,
        blur=14,
    )
    scene.shadow((cx - rmax * 1.1, base_y - 40, cx + rmax * 1.6, base_y + 60), opacity=0.3, blur=40)
    if handle:
        hm, p = scene.mask()
        hy0, hy1 = rim_y + height * 0.1, rim_y + height * (0.78 if handle == "mug" else 0.66)
        ex, hw, thick = cx + radius(0.4) - 12, height * 0.26, height * 0.085
        p.arc((ex - hw, hy0, ex + hw, hy1), -115, 115, width=thick)
        scene.fill(
            hm,
            [
                (0, darken(body, 0.1)),
                (0.6, lighten(body, 0.2)),
                (0.85, body),
                (1, darken(body, 0.4)),
            ],
            span=(ex, ex + hw),
        )
        scene.pen().arc(
            (
                ex - hw + thick * 0.35,
                hy0 + thick * 0.35,
                ex + hw - thick * 0.35,
                hy1 - thick * 0.35,
            ),
            -70,
            60,
            fill=(*lighten(body, 0.35), 150),
            width=thick * 0.18,
        )
    shape, p = scene.mask()
    p.polygon(lathe(cx, rim_y, base_y, radius))
    for i in range(21):
        r = radius(i / 20)
        y = rim_y + height * i / 20
        p.ellipse((cx - r, y - r * tilt, cx + r, y + r * tilt))
    if spout:
        p.polygon(
            [
                (cx - rim_r - 38, rim_y - 14),
                (cx - rim_r + 30, rim_y - rim_r * tilt * 0.9),
                (cx - rim_r + 50, rim_y + height * 0.22),
            ]
        )
    stops = cylinder_stops(body)
    if clay is not None and foot > 0:
        scene.fill(shape, cylinder_stops(clay, light=0.2), span=(cx - rmax, cx + rmax))
        glaze, p = scene.mask()
        edge_y = base_y - height * foot
        wave = [
            (x, edge_y + 7 * math.sin(x / 23 + scene.rng.random() * 6))
            for x in range(int(cx - rmax - 60), int(cx + rmax + 61), 12)
        ]
        p.polygon([(cx - rmax - 60, rim_y - 200), (cx + rmax + 60, rim_y - 200), *wave[::-1]])
        glaze = ImageChops.multiply(glaze, shape)
        scene.fill(glaze, stops, span=(cx - rmax, cx + rmax))
        with scene.clip(shape, opacity=0.6) as pen:
            pen.line(wave, fill=darken(body, 0.3), width=4)
    else:
        scene.fill(shape, stops, span=(cx - rmax, cx + rmax))
    shade, _ = scene.mask()
    shade.paste(shape)
    scene.fill(
        shade,
        [(0, (0, 0, 0, 0)), (0.6, (0, 0, 0, 0)), (1, (30, 20, 12, 90))],
        vertical=True,
        span=(rim_y, base_y + foot_r * tilt),
    )
    if grain:
        with scene.clip(shape, opacity=0.45) as pen:
            for k in range(14):
                y0 = rim_y + height * (k + scene.rng.random()) / 14
                pts = [
                    (cx - rmax + i * rmax / 20, y0 + 9 * math.sin(i / 3 + k) + (i - 20) ** 2 * 0.08)
                    for i in range(41)
                ]
                pen.line(pts, fill=grain, width=scene.rng.uniform(1.5, 3))
    if speckle:
        with scene.clip(shape, opacity=0.7) as pen:
            for _ in range(int(rmax * height / 220)):
                x = scene.rng.uniform(cx - rmax, cx + rmax)
                y = scene.rng.uniform(rim_y, base_y)
                s = scene.rng.uniform(1, 2.6)
                pen.ellipse((x - s, y - s, x + s, y + s), fill=darken(body, 0.55))
    opening, p = scene.mask()
    p.ellipse((cx - rim_r, rim_y - rim_r * tilt, cx + rim_r, rim_y + rim_r * tilt))
    scene.fill(
        opening,
        [
            (0, darken(inner, 0.15)),
            (0.35, lighten(inner, 0.1)),
            (0.8, darken(inner, 0.35)),
            (1, darken(inner, 0.45)),
        ],
        vertical=True,
    )
    lip = (cx - rim_r + 6, rim_y - rim_r * tilt + 4, cx + rim_r - 6, rim_y + rim_r * tilt - 3)
    scene.pen().ellipse(lip, fill=None, outline=(*lighten(body, 0.35), 200), width=3)
    scene.glint(
        line=[(cx - radius(t / 10) * 0.62, rim_y + height * t / 10) for t in range(2, 7)],
        width=rmax * 0.08,
        opacity=0.45,
        blur=12,
    )


def _smooth(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def _glaze(value) -> RGB:
    return _look(GLAZES, value)


def bowl(
    slug: str, *, glaze="celadon", clay="stoneware", inner=None, wood=None, tall: bool = False
) -> Image.Image:
    """A bowl on the table: glazed stoneware with a raw foot, or turned wood."""
    scene = Scene(slug, CERAMICS if wood is None else WOODWORK)
    rim, foot, height = (250, 110, 280) if tall else (350, 130, 230)

    def profile(t: float) -> float:
        return foot + (rim - foot) * (1 - t**2.2) ** 0.55

    rim_y = scene.table_y + 70
    if wood:
        colour = _look(WOODS, wood)
        _vessel(
            scene,
            600,
            rim_y,
            height,
            profile,
            body=colour,
            inner=lighten(colour, 0.1),
            grain=darken(colour, 0.3),
        )
    else:
        body = _glaze(glaze)
        _vessel(
            scene,
            600,
            rim_y,
            height,
            profile,
            body=body,
            inner=_glaze(inner) if inner else body,
            clay=_look(CLAYS, clay),
            foot=0.22,
            speckle=clay == "speckled",
        )
    return scene.render()


def mug(slug: str, *, glaze="oatmeal", clay="speckled", cups: int = 1) -> Image.Image:
    """A mug (or a pair) with a pulled handle and an unglazed foot."""
    scene = Scene(slug, CERAMICS)
    xs = [600] if cups == 1 else [470, 760]
    for i, x in enumerate(xs):
        rim_y = scene.table_y - (40 if cups == 1 else 0) + i * 50
        size = 1.3 if cups == 1 else 1.0
        _vessel(
            scene,
            x - 30,
            rim_y,
            270 * size,
            lambda t, s=size: (118 - 8 * t + 6 * math.sin(t * math.pi)) * s,
            body=_glaze(glaze),
            inner=_glaze(glaze),
            clay=_look(CLAYS, clay),
            foot=0.13,
            handle="mug",
            speckle=clay == "speckled",
            tilt=0.26,
        )
    return scene.render()


VASE_SHAPES = {
    "bottle": lambda t: (
        42 + 118 * _smooth((t - 0.12) / 0.5) - 40 * max(0.0, (t - 0.72) / 0.28) ** 2
    ),
    "round": lambda t: 70 + 130 * math.sin(math.pi * (0.15 + 0.8 * t)),
    "tall": lambda t: 72 + 38 * math.sin(math.pi * t * 0.9),
    "bud": lambda t: (
        26 + 70 * max(math.sin(math.pi * (t - 0.35) / 0.65), 0) if t > 0.35 else 26 + 4 * t
    ),
}


def vase(slug: str, *, glaze="ash", clay="stoneware", shape: str = "bottle") -> Image.Image:
    """A thrown vase; shapes: bottle, round, tall, bud."""
    scene = Scene(slug, CERAMICS)
    height = {"bottle": 470, "round": 380, "tall": 520, "bud": 330}[shape]
    rim_y = scene.table_y + 300 - height + (60 if shape == "round" else 0)
    _vessel(
        scene,
        600,
        rim_y,
        height,
        VASE_SHAPES[shape],
        body=_glaze(glaze),
        inner=darken(_glaze(glaze), 0.3),
        clay=_look(CLAYS, clay),
        foot=0.08,
        speckle=clay == "speckled",
        tilt=0.2,
    )
    return scene.render()


def jug(slug: str, *, glaze="snow", clay="stoneware") -> Image.Image:
    """A pouring jug with a pulled lip and a strap handle."""
    scene = Scene(slug, CERAMICS)
    _vessel(
        scene,
        590,
        scene.table_y - 40,
        400,
        lambda t: 105 + 55 * math.sin(math.pi * (0.1 + 0.75 * t)) - 15 * t,
        body=_glaze(glaze),
        inner=_glaze(glaze),
        clay=_look(CLAYS, clay),
        foot=0.09,
        handle="jug",
        spout=True,
        speckle=clay == "speckled",
        tilt=0.22,
    )
    return scene.render()


def plates(
    slug: str, *, glaze="oatmeal", clay="stoneware", rim=None, count: int = 3
) -> Image.Image:
    """A short stack of plates with a painted rim, the top one catching the light."""
    scene = Scene(slug, CERAMICS)
    body, raw = _glaze(glaze), _look(CLAYS, clay)
    rim_colour = _glaze(rim) if rim else darken(body, 0.35)
    cx, rx, ry, t = 600, 360, 104, 18
    bottom = scene.table_y + 300
    scene.shadow((cx - rx, bottom - 30, cx + rx + 60, bottom + 40), opacity=0.5, blur=24)
    for i in range(count):
        y = bottom - i * (t + 4) - ry
        side, p = scene.mask()
        p.ellipse((cx - rx, y - ry + t, cx + rx, y + ry + t))
        p.rect((cx - rx, y, cx + rx, y + t))
        scene.fill(side, cylinder_stops(raw, light=0.2), span=(cx - rx, cx + rx))
        top, p = scene.mask()
        p.ellipse((cx - rx, y - ry, cx + rx, y + ry))
        scene.fill(top, [(0, lighten(body, 0.15)), (1, darken(body, 0.12))], vertical=True)
        well, p = scene.mask()
        p.ellipse((cx - rx * 0.68, y - ry * 0.62, cx + rx * 0.68, y + ry * 0.7))
        scene.fill(
            well, [(0, darken(body, 0.12)), (0.5, body), (1, lighten(body, 0.12))], vertical=True
        )
        scene.pen().ellipse(
            (cx - rx + 3, y - ry + 2, cx + rx - 3, y + ry - 2),
            fill=None,
            outline=(*darken(body, 0.2), 120),
            width=2,
        )
        scene.pen().ellipse(
            (cx - rx * 0.9, y - ry * 0.88, cx + rx * 0.9, y + ry * 0.9),
            fill=None,
            outline=(*rim_colour, 220),
            width=6,
        )
    top_y = bottom - (count - 1) * (t + 4) - ry
    scene.glint(
        (cx - rx * 0.5, top_y - ry * 0.45, cx - rx * 0.1, top_y - ry * 0.2), opacity=0.35, blur=16
    )
    return scene.render()


def _glass(scene: Scene, cx, rim_y, height, radius, tint: RGB, *, tilt=0.22, base=0.06):
    """Blown glass: see-through in the middle, denser at the edges, a bright rim and
    coloured light on the table."""
    base_y = rim_y + height
    rmax = max(radius(i / 20) for i in range(21))
    foot_r = radius(1)
    scene.shadow(
        (cx - foot_r, base_y - foot_r * tilt, cx + foot_r * 1.3, base_y + foot_r * tilt),
        opacity=0.3,
        blur=12,
    )
    scene.tint(
        (cx - foot_r * 0.8, base_y, cx + foot_r * 2.2, base_y + foot_r * tilt * 2.6),
        tint,
        opacity=0.55,
        blur=26,
    )
    shape, p = scene.mask()
    p.polygon(lathe(cx, rim_y, base_y, radius))
    for i in range(21):
        r = radius(i / 20)
        y = rim_y + height * i / 20
        p.ellipse((cx - r, y - r * tilt, cx + r, y + r * tilt))
    deep = darken(tint, 0.35)
    scene.fill(
        shape,
        [
            (0, (*deep, 225)),
            (0.07, (*tint, 150)),
            (0.22, (*tint, 60)),
            (0.5, (*lighten(tint, 0.2), 40)),
            (0.78, (*tint, 70)),
            (0.93, (*tint, 160)),
            (1, (*deep, 225)),
        ],
        span=(cx - rmax, cx + rmax),
    )
    foot, p = scene.mask()
    p.ellipse(
        (
            cx - foot_r,
            base_y - height * base - foot_r * tilt,
            cx + foot_r,
            base_y - height * base + foot_r * tilt,
        )
    )
    p.rect((cx - foot_r, base_y - height * base, cx + foot_r, base_y))
    p.ellipse((cx - foot_r, base_y - foot_r * tilt, cx + foot_r, base_y + foot_r * tilt))
    scene.fill(
        ImageChops.multiply(foot, shape),
        [(0, (*deep, 170)), (0.3, (*tint, 80)), (0.7, (*tint, 80)), (1, (*deep, 170))],
        span=(cx - foot_r, cx + foot_r),
    )
    rim_r = radius(0)
    pen = scene.pen()
    pen.ellipse(
        (cx - rim_r, rim_y - rim_r * tilt, cx + rim_r, rim_y + rim_r * tilt),
        fill=(*lighten(tint, 0.5), 40),
        outline=(*lighten(tint, 0.7), 230),
        width=3,
    )
    scene.glint(
        line=[(cx - radius(t / 20) * 0.62, rim_y + height * t / 20) for t in range(2, 17)],
        width=rmax * 0.09,
        opacity=0.75,
        blur=6,
    )
    scene.glint(
        line=[(cx + radius(t / 20) * 0.72, rim_y + height * t / 20) for t in range(4, 15)],
        width=rmax * 0.035,
        opacity=0.5,
        blur=4,
    )


def _tint(value) -> RGB:
    return _look(GLASS, value)


def tumblers(slug: str, *, tint="clear", count: int = 3) -> Image.Image:
    """A row of blown tumblers; with more than one, each in its own colour."""
    scene = Scene(slug, GLASSWARE)
    tints = [tint, *scene.rng.sample([t for t in GLASS if t != tint], count - 1)]
    for i, t in enumerate(tints):
        x = 600 + (i - (count - 1) / 2) * 270
        rim_y = scene.table_y + 40 + (i % 2) * 40
        _glass(scene, x, rim_y, 250, lambda u: 100 - 14 * u + 4 * math.sin(u * 9), _tint(t))
    return scene.render()


def glass_vase(slug: str, *, tint="sea", shape: str = "round") -> Image.Image:
    """A blown vase: round, tall or bud."""
    scene = Scene(slug, GLASSWARE)
    height = {"round": 380, "tall": 520, "bud": 330, "bottle": 470}[shape]
    rim_y = scene.table_y + 300 - height + (60 if shape == "round" else 0)
    _glass(scene, 600, rim_y, height, VASE_SHAPES[shape], _tint(tint), tilt=0.2)
    return scene.render()


def carafe(slug: str, *, tint="clear") -> Image.Image:
    """A water carafe with a narrow neck, and a tumbler beside it."""
    scene = Scene(slug, GLASSWARE)
    _glass(
        scene,
        540,
        scene.table_y - 150,
        480,
        lambda t: 44 if t < 0.3 else 44 + 100 * math.sin(min((t - 0.3) / 0.5, 1) * math.pi / 2),
        _tint(tint),
        tilt=0.2,
    )
    _glass(scene, 790, scene.table_y + 150, 180, lambda u: 72 - 8 * u, _tint(tint))
    return scene.render()


def glass_bowl(slug: str, *, tint="amber") -> Image.Image:
    """A wide blown bowl."""
    scene = Scene(slug, GLASSWARE)
    _glass(
        scene,
        600,
        scene.table_y + 120,
        200,
        lambda t: 110 + 190 * (1 - t**2.2) ** 0.55,
        _tint(tint),
        tilt=0.26,
        base=0.12,
    )
    return scene.render()


def paperweight(slug: str, *, tint="cobalt", swirl="amber") -> Image.Image:
    """A glass sphere with a ribbon of colour caught inside."""
    scene = Scene(slug, GLASSWARE)
    colour, inside = _tint(tint), _tint(swirl)
    cx, cy, r = 600, scene.table_y + 170, 190
    scene.shadow((cx - r * 0.9, cy + r * 0.7, cx + r * 1.3, cy + r * 1.15), opacity=0.45, blur=20)
    scene.tint(
        (cx - r * 0.6, cy + r * 0.8, cx + r * 1.6, cy + r * 1.3), colour, opacity=0.6, blur=30
    )
    sphere, p = scene.mask()
    p.ellipse((cx - r, cy - r, cx + r, cy + r))
    scene.fill(
        sphere,
        [
            (0, (*darken(colour, 0.3), 230)),
            (0.15, (*colour, 140)),
            (0.5, (*lighten(colour, 0.2), 70)),
            (0.85, (*colour, 140)),
            (1, (*darken(colour, 0.3), 230)),
        ],
        span=(cx - r, cx + r),
    )
    with scene.clip(sphere, opacity=0.85) as pen:
        for k in range(5):
            pts = [
                (
                    cx + (r * 0.7 - k * 14) * math.cos(a / 10) * math.sin(a / 17 + k),
                    cy + r * 0.25 + (r * 0.35) * math.sin(a / 10 + k * 0.7),
                )
                for a in range(0, 63)
            ]
            pen.line(pts, fill=(*mix(inside, (255, 255, 255), k * 0.08), 200), width=10 - k)
    scene.pen().ellipse(
        (cx - r, cy - r, cx + r, cy + r), fill=None, outline=(*lighten(colour, 0.5), 120), width=2
    )
    scene.glint((cx - r * 0.6, cy - r * 0.7, cx - r * 0.15, cy - r * 0.35), opacity=0.85, blur=10)
    scene.glint((cx + r * 0.45, cy + r * 0.3, cx + r * 0.65, cy + r * 0.55), opacity=0.4, blur=8)
    return scene.render()


# --- Wood ------------------------------------------------------------------------------------


def _quad(q, u, v):
    """A point of the four-cornered face q (back left, back right, front right, front left)
    at u along and v across it."""
    (blx, bly), (brx, bry), (frx, fry), (flx, fly) = q
    tx, ty = blx + (brx - blx) * u, bly + (bry - bly) * u
    bx, by = flx + (frx - flx) * u, fly + (fry - fly) * u
    return tx + (bx - tx) * v, ty + (by - ty) * v


def _grain_lines(scene: Scene, pen, q, colour: RGB, count: int, *, knots: int = 1):
    rng = scene.rng
    for k in range(count):
        v0 = (k + rng.random()) / count
        phase, amp = rng.uniform(0, 6), rng.uniform(0.004, 0.016)
        pts = [_quad(q, u / 60, v0 + amp * math.sin(u / 60 * 9 + phase)) for u in range(61)]
        pen.line(pts, fill=(*colour, rng.randint(70, 140)), width=rng.uniform(1.2, 2.6))
    for _ in range(knots):
        kx, ky = _quad(q, rng.uniform(0.2, 0.8), rng.uniform(0.3, 0.7))
        for s in range(4):
            pen.ellipse(
                (kx - 8 - s * 7, ky - 3 - s * 2.5, kx + 8 + s * 7, ky + 3 + s * 2.5),
                fill=None,
                outline=(*colour, 120 - s * 20),
                width=2,
            )


def board(slug: str, *, wood="oak", style: str = "edge", handle: bool = True) -> Image.Image:
    """A cutting board on the table: long grain, or end grain in a chequer of blocks."""
    scene = Scene(slug, WOODWORK, table=(0.42, 0.48))
    colour = _look(WOODS, wood)
    ty, thick = scene.table_y, 38
    # The top face as a rounded rectangle in its own plane, then set in perspective.
    fw, fh, r = 800, 260, 34
    q = [(280, ty + 80), (920, ty + 80), (1030, ty + 330), (170, ty + 330)]
    outline = [_quad(q, x / fw, y / fh) for x, y in _rounded_rect_pts(0, 0, fw, fh, r)]
    scene.shadow(polygon=[(x + 25, y + thick + 12) for x, y in outline], opacity=0.5, blur=26)
    edge, p = scene.mask()
    p.polygon(outline)
    p.polygon([(x, y + thick) for x, y in outline])
    scene.fill(
        edge,
        [(0, darken(colour, 0.2)), (1, darken(colour, 0.45))],
        vertical=True,
        span=(ty + 300, ty + 330 + thick),
    )
    top, p = scene.mask()
    p.polygon(outline)
    scene.fill(
        top, [(0, lighten(colour, 0.12)), (0.5, colour), (1, darken(colour, 0.08))], vertical=True
    )
    if style == "end":
        cols, rows = 9, 4
        with scene.clip(top) as pen:
            for i in range(cols):
                for j in range(rows):
                    cell = [
                        _quad(q, (i + a) / cols, (j + b) / rows)
                        for a, b in ((0, 0), (1, 0), (1, 1), (0, 1))
                    ]
                    tone = jitter(
                        scene.rng, mix(colour, darken(colour, 0.25), (i + j) % 2 * 0.6), 10
                    )
                    pen.polygon(cell, fill=(*tone, 255))
                    cx, cy = _quad(
                        q, (i + scene.rng.random()) / cols, (j + scene.rng.random()) / rows
                    )
                    for s in range(1, 6):
                        pen.ellipse(
                            (cx - s * 13, cy - s * 5, cx + s * 13, cy + s * 5),
                            fill=None,
                            outline=(*darken(tone, 0.2), 90),
                            width=1.5,
                        )
                    pen.line(cell + cell[:1], fill=(*darken(colour, 0.35), 160), width=1.5)
    else:
        with scene.clip(top) as pen:
            _grain_lines(scene, pen, q, darken(colour, 0.3), 26)
    if handle:
        hx, hy = _quad(q, 0.9, 0.45)
        hole, p = scene.mask()
        p.ellipse((hx - 44, hy - 14, hx + 44, hy + 14))
        scene.fill(hole, [(0, darken(colour, 0.55)), (1, darken(colour, 0.3))], vertical=True)
        inner, p = scene.mask()
        p.ellipse((hx - 40, hy - 6, hx + 40, hy + 14))
        scene.erase(inner)
    scene.glint(
        polygon=[
            _quad(q, 0.1, 0.05),
            _quad(q, 0.5, 0.05),
            _quad(q, 0.45, 0.25),
            _quad(q, 0.08, 0.25),
        ],
        opacity=0.25,
        blur=30,
    )
    with scene.clip(edge, opacity=0.7) as pen:
        pen.line(
            [(x, y + 2) for x, y in outline[len(outline) // 4 : len(outline) * 3 // 4]],
            fill=lighten(colour, 0.25),
            width=2,
        )
    return scene.render()


def _leg(scene: Scene, top, bottom, w_top, w_bottom, colour: RGB):
    (x0, y0), (x1, y1) = top, bottom
    m, p = scene.mask()
    p.polygon(
        [
            (x0 - w_top / 2, y0),
            (x0 + w_top / 2, y0),
            (x1 + w_bottom / 2, y1),
            (x1 - w_bottom / 2, y1),
        ]
    )
    p.ellipse((x1 - w_bottom / 2, y1 - w_bottom * 0.2, x1 + w_bottom / 2, y1 + w_bottom * 0.2))
    scene.fill(
        m,
        cylinder_stops(colour, light=0.3, dark=0.4),
        span=(min(x0, x1) - max(w_top, w_bottom) / 2, max(x0, x1) + max(w_top, w_bottom) / 2),
    )


def stool(slug: str, *, wood="ash") -> Image.Image:
    """A three-legged stool with a dished seat and splayed legs."""
    scene = Scene(slug, WOODWORK, table=(0.68, 0.72))
    colour = _look(WOODS, wood)
    floor = scene.table_y + 190
    cx, seat_y, rx, ry, thick = 600, floor - 420, 250, 78, 44
    scene.shadow((cx - 330, floor - 60, cx + 380, floor + 50), opacity=0.4, blur=40)
    for x, y in ((cx - 280, floor), (cx + 300, floor - 6), (cx + 40, floor - 70)):
        scene.shadow((x - 40, y - 12, x + 50, y + 14), opacity=0.5, blur=10)
    _leg(scene, (cx + 30, seat_y + 20), (cx + 40, floor - 70), 44, 30, darken(colour, 0.15))
    pen = scene.pen()
    rung = darken(colour, 0.2)
    pen.line([(cx - 235, floor - 150), (cx + 255, floor - 154)], fill=rung, width=16)
    pen.line([(cx - 225, floor - 175), (cx + 38, floor - 200)], fill=darken(colour, 0.3), width=13)
    _leg(scene, (cx - 150, seat_y + 30), (cx - 280, floor), 50, 34, colour)
    _leg(scene, (cx + 160, seat_y + 30), (cx + 300, floor - 6), 50, 34, colour)
    side, p = scene.mask()
    p.ellipse((cx - rx, seat_y - ry + thick, cx + rx, seat_y + ry + thick))
    p.rect((cx - rx, seat_y, cx + rx, seat_y + thick))
    scene.fill(side, cylinder_stops(darken(colour, 0.1), light=0.25), span=(cx - rx, cx + rx))
    top, p = scene.mask()
    p.ellipse((cx - rx, seat_y - ry, cx + rx, seat_y + ry))
    scene.fill(top, [(0, lighten(colour, 0.18)), (1, darken(colour, 0.05))], vertical=True)
    seat_q = [
        (cx - rx, seat_y - ry),
        (cx + rx, seat_y - ry),
        (cx + rx, seat_y + ry),
        (cx - rx, seat_y + ry),
    ]
    with scene.clip(top) as pen:
        _grain_lines(scene, pen, seat_q, darken(colour, 0.28), 16)
        pen.ellipse(
            (cx - rx * 0.7, seat_y - ry * 0.6, cx + rx * 0.7, seat_y + ry * 0.7),
            fill=(*darken(colour, 0.25), 40),
        )
    scene.glint(
        (cx - rx * 0.6, seat_y - ry * 0.6, cx - rx * 0.05, seat_y - ry * 0.2), opacity=0.35, blur=20
    )
    return scene.render()


def chair(slug: str, *, wood="oak") -> Image.Image:
    """A spindle-back side chair, seen from the front and a little above."""
    scene = Scene(slug, WOODWORK, table=(0.72, 0.76))
    colour = _look(WOODS, wood)
    back = darken(colour, 0.18)
    floor = scene.table_y + 170
    sb, sf, thick = floor - 330, floor - 260, 30  # seat back and front edge
    top_y = sb - 380
    scene.shadow((330, floor - 90, 930, floor + 40), opacity=0.4, blur=40)
    for x, y in ((420, floor), (790, floor), (480, floor - 60), (725, floor - 60)):
        scene.shadow((x - 30, y - 10, x + 40, y + 12), opacity=0.5, blur=9)
    # Back legs run up into the back posts in one piece.
    _leg(scene, (470, top_y), (482, floor - 60), 34, 28, back)
    _leg(scene, (730, top_y), (720, floor - 60), 34, 28, back)
    pen = scene.pen()
    pen.line([(482, floor - 170), (720, floor - 170)], fill=darken(colour, 0.3), width=12)
    for i in range(5):
        x = 530 + i * 35
        _leg(scene, (x + (x - 600) * 0.08, top_y + 70), (x, sb + 6), 14, 16, back)
    rail, p = scene.mask()
    upper = [
        (x, top_y - 16 - 22 * math.sin(math.pi * (x - 440) / 320)) for x in range(440, 761, 10)
    ]
    p.polygon(upper + [(x, y + 66) for x, y in reversed(upper)])
    scene.fill(
        rail, [(0, lighten(colour, 0.2)), (0.5, colour), (1, darken(colour, 0.35))], vertical=True
    )
    with scene.clip(rail) as pen:
        rq = [(440, top_y - 40), (760, top_y - 40), (760, top_y + 50), (440, top_y + 50)]
        _grain_lines(scene, pen, rq, darken(colour, 0.3), 8, knots=0)
    seat_q = [(455, sb), (745, sb), (805, sf), (395, sf)]
    side, p = scene.mask()
    p.polygon([(395, sf), (805, sf), (805, sf + thick), (395, sf + thick)])
    p.polygon([(455, sb), (395, sf), (395, sf + thick), (455, sb + thick)])
    p.polygon([(745, sb), (805, sf), (805, sf + thick), (745, sb + thick)])
    scene.fill(side, [(0, darken(colour, 0.15)), (1, darken(colour, 0.4))], vertical=True)
    top, p = scene.mask()
    p.polygon(seat_q)
    scene.fill(top, [(0, darken(colour, 0.05)), (1, lighten(colour, 0.15))], vertical=True)
    with scene.clip(top) as pen:
        _grain_lines(scene, pen, seat_q, darken(colour, 0.28), 12, knots=0)
    pen = scene.pen()
    pen.line([(418, floor - 120), (782, floor - 120)], fill=darken(colour, 0.1), width=14)
    _leg(scene, (410, sf + thick - 4), (420, floor), 40, 30, colour)
    _leg(scene, (790, sf + thick - 4), (780, floor), 40, 30, colour)
    scene.glint(line=[(470, sf - 20), (700, sb + 14)], width=20, opacity=0.25, blur=20)
    return scene.render()


def spoons(slug: str, *, wood="cherry", count: int = 3) -> Image.Image:
    """Carved spoons laid side by side, seen from above."""
    scene = Scene(slug, WOODWORK + ["oat"], table=(0.0, 0.0))
    colour = _look(WOODS, wood)
    for i in range(count):
        tone = jitter(scene.rng, colour, 10)
        angle = -62 + i * 14 + scene.rng.uniform(-4, 4)
        origin = (600 + (i - (count - 1) / 2) * 170, 450 + scene.rng.uniform(-20, 20))
        bowl_pts = _ellipse_pts(-210, 0, 100, 66, 60)
        handle = (
            [(-130, -18), (228, -26)]
            + [
                (
                    236 + 26 * math.cos(a / 8 * math.pi - math.pi / 2),
                    26 * math.sin(a / 8 * math.pi - math.pi / 2),
                )
                for a in range(9)
            ]
            + [(228, 26), (-130, 18)]
        )
        body = [rotate(bowl_pts, angle, origin), rotate(handle, angle, origin)]
        scene.shadow(polygon=[(x + 16, y + 22) for x, y in body[0]], opacity=0.35, blur=16)
        scene.shadow(polygon=[(x + 16, y + 22) for x, y in body[1]], opacity=0.35, blur=12)
        m, p = scene.mask()
        for pts in body:
            p.polygon(pts)
        scene.fill(m, cylinder_stops(tone, light=0.25, dark=0.3))
        with scene.clip(m) as pen:
            for k in range(9):
                off = -22 + k * 5.5 + scene.rng.uniform(-2, 2)
                line = [(x, off + 3 * math.sin(x / 40 + k)) for x in range(-300, 280, 20)]
                pen.line(rotate(line, angle, origin), fill=(*darken(tone, 0.3), 90), width=1.6)
        hollow, p = scene.mask()
        p.polygon(rotate(_ellipse_pts(-212, 0, 80, 50, 60), angle, origin))
        scene.fill(
            hollow,
            [(0, darken(tone, 0.3)), (0.6, darken(tone, 0.08)), (1, lighten(tone, 0.15))],
            vertical=True,
        )
        gx, gy = rotate([(-235, -18)], angle, origin)[0]
        scene.glint((gx - 26, gy - 14, gx + 26, gy + 14), opacity=0.4, blur=10)
    return scene.render()


# --- Textiles --------------------------------------------------------------------------------


def _weave(scene: Scene, pen, box, colours: list[RGB], pattern: str):
    """Cover `box` with cloth: stripes, checks, herringbone or a plain weave."""
    x0, y0, x1, y1 = box
    base = colours[0]
    accents = colours[1:] or [darken(base, 0.25)]
    rng = scene.rng
    pen.rect(box, fill=(*base, 255))
    if pattern == "stripe":
        y = y0
        while y < y1:
            h = rng.choice([10, 16, 28, 44])
            pen.rect((x0, y, x1, y + h), fill=(*rng.choice(accents), 255))
            y += h + rng.choice([24, 40, 70])
    elif pattern == "check":
        step = 150
        for k in range(int((x1 - x0) // step) + 2):
            x = x0 + k * step
            pen.rect((x, y0, x + 46, y1), fill=(*accents[0], 85))
            pen.rect((x + 80, y0, x + 86, y1), fill=(*accents[-1], 200))
        for k in range(int((y1 - y0) // step) + 2):
            y = y0 + k * step + 40
            pen.rect((x0, y, x1, y + 46), fill=(*accents[0], 85))
            pen.rect((x0, y + 80, x1, y + 86), fill=(*accents[-1], 200))
    elif pattern == "herringbone":
        light, dark = lighten(base, 0.18), darken(base, 0.18)
        for col, x in enumerate(range(int(x0), int(x1), 22)):
            slope = 1 if col % 2 else -1
            for y in range(int(y0) - 22, int(y1), 9):
                pen.line(
                    [(x, y), (x + 22, y + 11 * slope)],
                    fill=(*(light if col % 2 else dark), 150),
                    width=3,
                    joint=None,
                )
    for y in range(int(y0), int(y1), 5):  # the weave itself
        pen.line([(x0, y), (x1, y)], fill=(*darken(base, 0.3), 22), width=1.5)


def _folds(scene: Scene, mask, span, count: int = 3, strength: int = 70):
    """Soft vertical folds: bands of light and shadow across the cloth."""
    stops = []
    for i in range(count * 2 + 1):
        t = i / (count * 2)
        stops.append((t, (255, 248, 236, strength // 2) if i % 2 else (20, 12, 6, strength)))
    scene.fill(mask, stops, span=span)


def scarf(slug: str, *, colours=("undyed",), pattern: str = "herringbone") -> Image.Image:
    """A scarf hanging over a wooden rail, fringed at both ends."""
    scene = Scene(slug, TEXTILES + ["sand"], table=(0.88, 0.9))
    cols = [_look(COLOURS, c) for c in colours]
    rod_y, wood = 170, _look(WOODS, scene.rng.choice(["oak", "walnut", "ash"]))
    scene.shadow((230, rod_y + 30, 1000, rod_y + 60), opacity=0.35, blur=16)
    rod, p = scene.mask()
    p.rect((200, rod_y - 14, 1000, rod_y + 14), radius=14)
    scene.fill(rod, cylinder_stops(wood), vertical=True, span=(rod_y - 14, rod_y + 14))
    for x in (188, 1012):
        knob, p = scene.mask()
        p.ellipse((x - 22, rod_y - 22, x + 22, rod_y + 22))
        scene.fill(knob, [(0, lighten(wood, 0.3)), (1, darken(wood, 0.35))], vertical=True)
    tails = [(520, 770, rod_y + 520, 0.75), (430, 690, rod_y + 630, 1.0)]
    for i, (x0, x1, bottom, light) in enumerate(tails):
        pts = [(x0 + 6, rod_y - 20)]
        pts += [
            (x0 - 14 * math.sin(t / 10 * math.pi) - 6, rod_y + (bottom - rod_y) * t / 10)
            for t in range(1, 11)
        ]
        pts += [
            (x1 + 10 * math.sin(t / 10 * math.pi) + 8, rod_y + (bottom - rod_y) * t / 10)
            for t in range(10, 0, -1)
        ]
        pts += [(x1 - 6, rod_y - 20)]
        scene.shadow(polygon=[(x + 30, y + 26) for x, y in pts], opacity=0.3, blur=26)
        m, p = scene.mask()
        p.polygon(pts)
        p.ellipse((x0 - 2, rod_y - 34, x1 + 2, rod_y + 10))
        with scene.clip(m) as pen:
            _weave(
                scene,
                pen,
                (x0 - 40, rod_y - 40, x1 + 40, bottom + 10),
                [darken(c, 1 - light) for c in cols],
                pattern,
            )
        _folds(scene, m, (x0 - 20, x1 + 20), count=3, strength=80 if i else 110)
        pen = scene.pen()
        for k in range(int((x1 - x0) / 9)):
            x = x0 + k * 9
            fy = bottom + 12 * math.sin((x - x0) / (x1 - x0) * math.pi) * (1 if i else 0.6)
            end = fy + scene.rng.uniform(36, 52)
            pen.line(
                [(x, fy - 8), (x + scene.rng.uniform(-4, 4), end)],
                fill=darken(cols[0], (1 - light) + 0.1),
                width=3,
            )
    return scene.render()


def blanket(
    slug: str, *, colours=("oat", "rust"), pattern: str = "check", layers: int = 1
) -> Image.Image:
    """Folded cloth on the table, seen from above: a fringed blanket, or a fanned stack of
    smaller pieces (tea towels, napkins)."""
    scene = Scene(slug, ["linen", "sage", "blush", "sky"], table=(0.0, 0.0))
    cols = [_look(COLOURS, c) for c in colours]
    if layers == 1:
        pieces = [((230, 170, 970, 730), cols, True)]
    else:
        pieces = []
        for i in range(layers):
            dx, dy = (i - (layers - 1) / 2) * 120, (i - (layers - 1) / 2) * 70
            rot = cols[i % len(cols) :] + cols[: i % len(cols)]
            pieces.append(((370 + dx, 230 + dy, 830 + dx, 610 + dy), rot, False))
    for (x0, y0, x1, y1), cs, fringe in pieces:
        scene.shadow(
            polygon=[
                (x0 + 16, y0 + 24),
                (x1 + 16, y0 + 24),
                (x1 + 16, y1 + 28),
                (x0 + 16, y1 + 28),
            ],
            opacity=0.45,
            blur=22,
        )
        if fringe:
            pen = scene.pen()
            for y in range(int(y0) + 8, int(y1) - 4, 11):
                for side, x in ((-1, x0), (1, x1)):
                    end = x + side * scene.rng.uniform(30, 44)
                    pen.line(
                        [(x, y), (end, y + scene.rng.uniform(-5, 5))],
                        fill=darken(cs[0], 0.12),
                        width=3.5,
                    )
        cloth, p = scene.mask()
        p.rect((x0, y0, x1, y1), radius=10)
        with scene.clip(cloth) as pen:
            _weave(scene, pen, (x0, y0, x1, y1), cs, pattern)
        # The fold: the top layer ends a little above the bottom edge, with a soft roll.
        fold_y = y1 - (y1 - y0) * 0.16
        scene.fill(
            cloth,
            [
                (0, (255, 250, 240, 40)),
                (0.5, (0, 0, 0, 0)),
                (0.83, (0, 0, 0, 0)),
                (0.85, (30, 18, 8, 90)),
                (0.88, (255, 250, 240, 50)),
                (1, (30, 18, 8, 60)),
            ],
            vertical=True,
            span=(y0, y1),
        )
        scene.pen().line(
            [(x0 + 4, fold_y), (x1 - 4, fold_y)], fill=(*darken(cs[0], 0.4), 120), width=2
        )
    scene.glint((300, 200, 700, 420), opacity=0.14, blur=60)
    return scene.render()


def cushion(slug: str, *, colours=("mustard", "undyed"), pattern: str = "stripe") -> Image.Image:
    """A plump square cushion, its sides pulled in at the seams."""
    scene = Scene(slug, TEXTILES, table=(0.62, 0.68))
    cols = [_look(COLOURS, c) for c in colours]
    cx, cy, half = 600, scene.table_y - 20, 250
    pts = []
    for side in range(4):
        for i in range(16):
            t = i / 16
            x, y = -half + 2 * half * t, -half + 26 * math.sin(math.pi * t)
            pts.append(rotate([(x, y)], 90 * side, (0, 0))[0])
    pts = rotate(pts, scene.rng.uniform(-6, 6), (cx, cy))
    scene.shadow(
        polygon=[(x + 20, y + 40) for x, y in pts[16:40]]
        + [(cx + 300, cy + 300), (cx - 260, cy + 300)],
        opacity=0.25,
        blur=40,
    )
    scene.shadow((cx - 270, cy + 190, cx + 300, cy + 290), opacity=0.45, blur=24)
    m, p = scene.mask()
    p.polygon(pts)
    with scene.clip(m) as pen:
        _weave(
            scene,
            pen,
            (cx - half - 20, cy - half - 20, cx + half + 20, cy + half + 20),
            cols,
            pattern,
        )
    scene.fill(
        m,
        [
            (0, (20, 12, 6, 120)),
            (0.25, (0, 0, 0, 0)),
            (0.45, (255, 250, 240, 50)),
            (0.7, (0, 0, 0, 0)),
            (1, (20, 12, 6, 140)),
        ],
        span=(cx - half, cx + half),
    )
    scene.fill(
        m,
        [(0, (255, 250, 240, 40)), (0.4, (0, 0, 0, 0)), (1, (20, 12, 6, 120))],
        vertical=True,
        span=(cy - half, cy + half),
    )
    scene.pen().line(pts + pts[:1], fill=(*darken(cols[0], 0.3), 200), width=4)
    return scene.render()


# --- Leather ---------------------------------------------------------------------------------


def _leather(
    scene: Scene,
    pts,
    colour: RGB,
    *,
    thread: RGB,
    inset: float = 16,
    local=None,
    angle: float = 0,
    origin=(0, 0),
    stitch: bool = True,
):
    """Fill a flat leather panel, burnish its edge and stitch it `inset` from the edge."""
    m, p = scene.mask()
    p.polygon(pts)
    scene.fill(
        m, [(0, lighten(colour, 0.12)), (0.5, colour), (1, darken(colour, 0.18))], vertical=True
    )
    with scene.clip(m, opacity=0.5) as pen:
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        for _ in range(500):
            x, y = scene.rng.uniform(min(xs), max(xs)), scene.rng.uniform(min(ys), max(ys))
            pen.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=(*darken(colour, 0.25), 60))
    pen = scene.pen()
    pen.line(pts + pts[:1], fill=(*darken(colour, 0.45), 230), width=4)
    if stitch and local:
        x0, y0, x1, y1, r = local
        path = _rounded_rect_pts(x0 + inset, y0 + inset, x1 - inset, y1 - inset, max(r - inset, 2))
        pen.dashes(rotate(path + path[:1], angle, origin), fill=(*thread, 235), width=2.6)
    return m


def wallet(slug: str, *, leather="tan", style: str = "bifold", thread="cream") -> Image.Image:
    """A wallet, card holder or glasses case lying on the table, seen from above."""
    scene = Scene(slug, FLAT_LAY, table=(0.0, 0.0))
    colour, line = _look(LEATHERS, leather), _look(COLOURS, thread)
    angle, origin = scene.rng.uniform(-9, 9), (600, 450)
    w, h = {"bifold": (560, 400), "card": (430, 300), "case": (640, 250)}[style]
    r = 22 if style != "case" else 60
    local = (-w / 2, -h / 2, w / 2, h / 2, r)
    outline = rotate(_rounded_rect_pts(*local), angle, origin)
    scene.shadow(polygon=[(x + 18, y + 24) for x, y in outline], opacity=0.45, blur=22)
    if style == "card":
        card = rotate(_rounded_rect_pts(-150, -h / 2 - 40, 170, h / 2 - 60, 12), angle + 4, origin)
        m, p = scene.mask()
        p.polygon(card)
        scene.fill(m, [(0, (244, 240, 232)), (1, (222, 216, 204))], vertical=True)
    m = _leather(scene, outline, colour, thread=line, local=local, angle=angle, origin=origin)
    pen = scene.pen()
    if style == "bifold":
        fold, p = scene.mask()
        p.polygon(
            rotate(
                [(-w / 2, -h / 2), (-w / 2 + 46, -h / 2), (-w / 2 + 46, h / 2), (-w / 2, h / 2)],
                angle,
                origin,
            )
        )
        scene.fill(ImageChops.multiply(fold, m), [(0, (0, 0, 0, 90)), (1, (0, 0, 0, 0))])
        deb = rotate(
            _rounded_rect_pts(w / 2 - 130, h / 2 - 100, w / 2 - 50, h / 2 - 50, 6), angle, origin
        )
        pen.line(deb + deb[:1], fill=(*darken(colour, 0.3), 160), width=2)
    elif style == "card":
        pocket = (-w / 2, -h / 2 + 90, w / 2, h / 2, 22)
        pts = rotate(_rounded_rect_pts(*pocket), angle, origin)
        pm = _leather(
            scene, pts, lighten(colour, 0.06), thread=line, local=pocket, angle=angle, origin=origin
        )
        notch, p = scene.mask()
        p.polygon(rotate(_ellipse_pts(0, -h / 2 + 90, 60, 48), angle, origin))
        scene.fill(ImageChops.multiply(notch, pm), darken(colour, 0.25))
    else:
        flap = (w / 2 - 230, -h / 2, w / 2, h / 2, 60)
        pts = rotate(_rounded_rect_pts(*flap), angle, origin)
        scene.shadow(polygon=[(x - 8, y + 6) for x, y in pts], opacity=0.3, blur=10)
        _leather(
            scene, pts, darken(colour, 0.05), thread=line, local=flap, angle=angle, origin=origin
        )
        sx, sy = rotate([(w / 2 - 110, 0)], angle, origin)[0]
        snap, p = scene.mask()
        p.ellipse((sx - 18, sy - 18, sx + 18, sy + 18))
        scene.fill(snap, metal_stops(*METALS["brass"]))
    scene.glint(
        polygon=rotate(
            [
                (-w / 2 + 60, -h / 2 + 30),
                (0, -h / 2 + 30),
                (-60, -h / 2 + 110),
                (-w / 2 + 60, -h / 2 + 110),
            ],
            angle,
            origin,
        ),
        opacity=0.18,
        blur=40,
    )
    return scene.render()


def bag(slug: str, *, leather="chestnut", style: str = "tote", thread="cream") -> Image.Image:
    """A bag standing on the table: an open tote or a satchel with a buckled flap."""
    scene = Scene(slug, WOODWORK + ["oat"], table=(0.66, 0.72))
    colour, line = _look(LEATHERS, leather), _look(COLOURS, thread)
    base_y = scene.table_y + 180
    brass = METALS["brass"]
    scene.shadow((250, base_y - 40, 980, base_y + 40), opacity=0.5, blur=28)
    if style == "tote":
        top_y = base_y - 440
        body = [(380, top_y), (820, top_y), (860, base_y), (340, base_y)]
        for dx, tone in ((30, 0.35), (0, 0.0)):
            path = [
                (
                    470 + dx + 260 * (1 - math.cos(a / 30 * math.pi)) / 2,
                    top_y + 10 - 240 * math.sin(a / 30 * math.pi),
                )
                for a in range(31)
            ]
            left, right = _strip(path, 30)
            m, p = scene.mask()
            p.polygon(left + right[::-1])
            scene.fill(
                m, [(0, lighten(colour, 0.1)), (1, darken(colour, tone + 0.15))], vertical=True
            )
            if not dx:
                scene.pen().dashes(_strip(path, 18)[0], fill=(*line, 220), width=2)
        m = _leather(scene, body, colour, thread=line, stitch=False)
        scene.fill(
            m,
            [(0, (0, 0, 0, 70)), (0.2, (0, 0, 0, 0)), (0.8, (0, 0, 0, 0)), (1, (0, 0, 0, 90))],
            span=(340, 860),
        )
        pen = scene.pen()
        pen.dashes([(392, top_y + 22), (808, top_y + 22)], fill=(*line, 230), width=2.6)
        pen.dashes([(394, top_y + 30), (354, base_y - 14)], fill=(*line, 230), width=2.6)
        pen.dashes([(806, top_y + 30), (846, base_y - 14)], fill=(*line, 230), width=2.6)
        for x in (486, 530, 700, 744):
            pen.ellipse(
                (x - 8, top_y + 40, x + 8, top_y + 56), fill=brass[0], outline=brass[2], width=2
            )
    else:
        top_y = base_y - 380
        strap = [(360, top_y + 80), (330, top_y - 200), (420, -60)]
        for path in (strap, [(2 * 600 - x, y) for x, y in strap]):
            left, right = _strip(path, 36)
            m, p = scene.mask()
            p.polygon(left + right[::-1])
            scene.fill(m, [(0, darken(colour, 0.1)), (1, darken(colour, 0.3))], vertical=True)
        local = (360, top_y, 840, base_y, 30)
        _leather(scene, _rounded_rect_pts(*local), colour, thread=line, local=local)
        flap = (360, top_y - 6, 840, top_y + 250, 70)
        scene.shadow(
            polygon=[(x, y + 14) for x, y in _rounded_rect_pts(*flap)], opacity=0.4, blur=10
        )
        _leather(scene, _rounded_rect_pts(*flap), darken(colour, 0.05), thread=line, local=flap)
        for x in (490, 710):
            m, p = scene.mask()
            p.rect((x - 18, top_y + 150, x + 18, top_y + 330), radius=6)
            scene.fill(m, [(0, darken(colour, 0.1)), (1, darken(colour, 0.25))], vertical=True)
            scene.pen().rect(
                (x - 28, top_y + 215, x + 28, top_y + 255),
                fill=None,
                outline=brass[0],
                width=7,
                radius=6,
            )
            scene.pen().line([(x, top_y + 218), (x, top_y + 252)], fill=brass[1], width=4)
    scene.glint(line=[(420, top_y + 80), (440, base_y - 80)], width=40, opacity=0.15, blur=30)
    return scene.render()


def belt(slug: str, *, leather="dark brown", buckle="brass", thread="cream") -> Image.Image:
    """A belt laid in a loose curve across the table, buckle at one end."""
    scene = Scene(slug, FLAT_LAY, table=(0.0, 0.0))
    colour, line = _look(LEATHERS, leather), _look(COLOURS, thread)
    base, light, dark = METALS[buckle]
    phase = scene.rng.uniform(-0.3, 0.3)
    path = [
        (170 + 900 * t / 60, 470 + 190 * math.sin(t / 60 * math.pi * 1.6 + phase))
        for t in range(61)
    ]
    width = 78
    left, right = _strip(path, width)
    tip = path[-1]
    poly = left[:-1] + [tip] + right[:-1][::-1]
    scene.shadow(polygon=[(x + 14, y + 20) for x, y in poly], opacity=0.45, blur=16)
    _leather(scene, poly, colour, thread=line, stitch=False)
    pen = scene.pen()
    l2, r2 = _strip(path[:-3], width - 20)
    pen.dashes(l2, fill=(*line, 230), width=2.4)
    pen.dashes(r2, fill=(*line, 230), width=2.4)
    for k in range(5):
        x, y = path[-12 + k * 2]
        pen.ellipse((x - 6, y - 6, x + 6, y + 6), fill=darken(colour, 0.6))
    bx, by = path[1]
    keeper, p = scene.mask()
    kx, ky = path[7]
    p.rect((kx - 12, ky - width / 2 - 6, kx + 12, ky + width / 2 + 6), radius=4)
    scene.fill(keeper, [(0, lighten(colour, 0.1)), (1, darken(colour, 0.3))], vertical=True)
    ring, p = scene.mask()
    p.rect((bx - 40, by - width / 2 - 24, bx + 40, by + width / 2 + 24), radius=16)
    p.rect((bx - 26, by - width / 2 - 10, bx + 26, by + width / 2 + 10), radius=8, fill=0)
    scene.shadow(
        polygon=[(bx - 30, by - 50), (bx + 60, by - 50), (bx + 60, by + 70), (bx - 30, by + 70)],
        opacity=0.3,
        blur=10,
    )
    scene.fill(ring, metal_stops(base, light, dark), span=(bx - 40, bx + 40))
    scene.pen().line([(bx - 30, by), (bx + 44, by)], fill=base, width=8)
    scene.glint(line=[(bx - 34, by - 30), (bx - 34, by + 20)], width=5, opacity=0.7)
    return scene.render()


# --- Books -------------------------------------------------------------------------------------


def notebook(
    slug: str,
    *,
    cover="forest",
    spine=None,
    landscape: bool = False,
    stitched: bool = False,
    ribbon=None,
    label: bool = False,
    band: bool = False,
) -> Image.Image:
    """A closed book on the table, seen from above: cover, spine, the page block's edge."""
    scene = Scene(slug, FLAT_LAY, table=(0.0, 0.0))
    colour = _look(COLOURS | LEATHERS, cover)
    spine_c = _look(COLOURS | LEATHERS, spine) if spine else darken(colour, 0.2)
    angle, origin = scene.rng.uniform(-10, 10), (590, 450)
    w, h = (660, 460) if landscape else (460, 620)
    local = (-w / 2, -h / 2, w / 2, h / 2, 8)
    outline = rotate(_rounded_rect_pts(*local), angle, origin)
    if scene.rng.random() < 0.6:
        px = w / 2 + 70
        pencil = [
            (px, -h / 2 + 40),
            (px + 26, -h / 2 + 40),
            (px + 26, h / 2 - 30),
            (px + 13, h / 2 + 20),
            (px, h / 2 - 30),
        ]
        pts = rotate(pencil, angle + 3, origin)
        scene.shadow(polygon=[(x + 10, y + 14) for x, y in pts], opacity=0.4, blur=8)
        m, p = scene.mask()
        p.polygon(pts)
        scene.fill(m, [(0, (214, 170, 60)), (0.5, (240, 200, 90)), (1, (180, 136, 40))])
        tipm, p = scene.mask()
        p.polygon(
            rotate(
                [(px, h / 2 - 30), (px + 26, h / 2 - 30), (px + 13, h / 2 + 20)], angle + 3, origin
            )
        )
        scene.fill(tipm, (222, 190, 150))
        scene.pen().polygon(
            rotate(
                [(px + 8, h / 2 + 4), (px + 18, h / 2 + 4), (px + 13, h / 2 + 20)],
                angle + 3,
                origin,
            ),
            fill=(50, 50, 54),
        )
    scene.shadow(polygon=[(x + 20, y + 26) for x, y in outline], opacity=0.5, blur=24)
    pages = rotate(
        _rounded_rect_pts(-w / 2 + 6, -h / 2 + 8, w / 2 + 8, h / 2 + 10, 6), angle, origin
    )
    m, p = scene.mask()
    p.polygon(pages)
    scene.fill(m, (238, 230, 212))
    with scene.clip(m) as pen:
        for k in range(6):
            edge = rotate(
                [
                    (-w / 2, h / 2 + 2 + k * 1.5),
                    (w / 2 + 4 + k * 1.2, h / 2 + 2 + k * 1.5),
                    (w / 2 + 4 + k * 1.2, -h / 2),
                ],
                angle,
                origin,
            )
            pen.line(edge, fill=(190, 178, 156, 120), width=1)
    if ribbon:
        rib = rotate(
            [
                (w * 0.18, h / 2 - 10),
                (w * 0.18 + 22, h / 2 - 10),
                (w * 0.18 + 26, h / 2 + 90),
                (w * 0.18 + 13, h / 2 + 74),
                (w * 0.18 + 4, h / 2 + 92),
            ],
            angle,
            origin,
        )
        m, p = scene.mask()
        p.polygon(rib)
        scene.fill(m, _look(COLOURS, ribbon))
    m, p = scene.mask()
    p.polygon(outline)
    scene.fill(m, [(0, lighten(colour, 0.1)), (1, darken(colour, 0.15))], vertical=True)
    with scene.clip(m) as pen:
        for k in range(-h // 2, h // 2, 4):
            pen.line(
                rotate([(-w / 2, k), (w / 2, k)], angle, origin),
                fill=(*darken(colour, 0.3), 18),
                width=1,
            )
    sw = 90 if spine else 40
    sp, p = scene.mask()
    p.polygon(rotate(_rounded_rect_pts(-w / 2, -h / 2, -w / 2 + sw, h / 2, 8), angle, origin))
    scene.fill(
        sp,
        [(0, darken(spine_c, 0.3)), (0.35, lighten(spine_c, 0.08)), (1, spine_c)],
        span=(min(x for x, _ in outline), min(x for x, _ in outline) + sw),
    )
    pen = scene.pen()
    pen.line(
        rotate([(-w / 2 + sw, -h / 2), (-w / 2 + sw, h / 2)], angle, origin),
        fill=(*darken(spine_c, 0.35), 180),
        width=2.5,
    )
    if stitched:
        for k in range(6):
            y = -h / 2 + h * (k + 0.5) / 6
            pen.line(
                rotate([(-w / 2 - 4, y), (-w / 2 + 18, y)], angle, origin),
                fill=(236, 226, 204),
                width=4,
            )
    if label:
        lab = rotate(_rounded_rect_pts(-w * 0.18, -h * 0.3, w * 0.3, -h * 0.12, 4), angle, origin)
        pen.polygon(lab, fill=(240, 232, 214))
        inner = rotate(
            _rounded_rect_pts(-w * 0.18 + 8, -h * 0.3 + 8, w * 0.3 - 8, -h * 0.12 - 8, 3),
            angle,
            origin,
        )
        pen.line(inner + inner[:1], fill=(*darken(colour, 0.2), 200), width=1.5)
    if band:
        bm, p = scene.mask()
        p.polygon(
            rotate(
                [
                    (w / 2 - 70, -h / 2 - 4),
                    (w / 2 - 52, -h / 2 - 4),
                    (w / 2 - 52, h / 2 + 4),
                    (w / 2 - 70, h / 2 + 4),
                ],
                angle,
                origin,
            )
        )
        scene.fill(bm, [(0, (30, 30, 32)), (0.5, (70, 70, 74)), (1, (30, 30, 32))])
    scene.glint(
        polygon=rotate(
            [
                (-w / 2 + 100, -h / 2 + 30),
                (w / 2 - 40, -h / 2 + 30),
                (w / 2 - 140, -h / 2 + 160),
                (-w / 2 + 100, -h / 2 + 160),
            ],
            angle,
            origin,
        ),
        opacity=0.14,
        blur=50,
    )
    return scene.render()


# --- Portraits -------------------------------------------------------------------------------

PORTRAIT = 900


def portrait(
    slug: str,
    *,
    initials: str,
    background=(196, 150, 110),
    apron=(92, 70, 52),
    shirt=(226, 216, 196),
    hair=(58, 44, 38),
    skin=(186, 138, 108),
) -> Image.Image:
    """An abstract portrait for a maker: a figure in a work apron against the warm lights
    of a workshop, the maker's initials stitched on the apron. Square, PORTRAIT pixels."""
    rng = random.Random(slug)
    size, s = PORTRAIT, SS
    bg = Image.new("RGB", (size, size))
    top, bottom = lighten(background, 0.25), darken(background, 0.3)
    draw = ImageDraw.Draw(bg)
    for y in range(size):
        draw.line([(0, y), (size, y)], fill=mix(top, bottom, y / size))
    lights = Image.new("L", (size // 4, size // 4))
    d = ImageDraw.Draw(lights)
    for _ in range(16):
        x, y, r = rng.uniform(0, size / 4), rng.uniform(0, size / 6), rng.uniform(5, 20)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(50, 140))
    lights = lights.filter(ImageFilter.GaussianBlur(4)).resize(
        (size, size), Image.Resampling.BILINEAR
    )
    bg = Image.composite(Image.new("RGB", bg.size, (255, 236, 200)), bg, lights)
    layer = Image.new("RGBA", (size * s, size * s))
    d = ImageDraw.Draw(layer)

    def box(x0, y0, x1, y1):
        return [x0 * s, y0 * s, x1 * s, y1 * s]

    style = rng.choice(["bun", "short", "long", "crop"])
    if style == "long":
        d.rounded_rectangle(box(318, 288, 582, 720), radius=110 * s, fill=darken(hair, 0.1))
    d.ellipse(box(110, 650, 790, 1340), fill=shirt)  # shoulders
    d.rounded_rectangle(box(402, 500, 498, 680), radius=40 * s, fill=darken(skin, 0.18))
    hy = 28  # the head sits this much lower than the hair shapes were first drawn for
    if style == "bun":
        d.ellipse(box(404, 176 + hy, 496, 268 + hy), fill=hair)
    grow = {"crop": 8, "short": 18, "long": 22, "bun": 14}[style]
    d.ellipse(box(340 - grow, 255 - grow * 1.6 + hy, 560 + grow, 505 - grow * 2 + hy), fill=hair)
    d.ellipse(box(344, 268 + hy, 556, 530 + hy), fill=skin)
    d.chord(box(344 - grow * 0.4, 262 - grow + hy, 556 + grow * 0.4, 420 + hy), 190, 350, fill=hair)
    d.polygon(
        [(x * s, y * s) for x, y in ((318, 720), (582, 720), (640, 900), (260, 900))], fill=apron
    )
    d.line([(330 * s, 724 * s), (408 * s, 630 * s)], fill=apron, width=20 * s)
    d.line([(570 * s, 724 * s), (492 * s, 630 * s)], fill=apron, width=20 * s)
    cx, cy, r = 450, 805, 58
    thread = lighten(apron, 0.6)
    d.ellipse(box(cx - r, cy - r, cx + r, cy + r), outline=thread, width=3 * s)
    font = ImageFont.load_default(size=50 * s)
    d.text((cx * s, cy * s), initials, font=font, fill=thread, anchor="mm")
    layer = layer.resize((size, size), Image.Resampling.BOX)
    # Window light from the left: a soft bright edge on the figure.
    light = Image.new("L", (size, size))
    ImageDraw.Draw(light).ellipse((60, 180, 470, 1200), fill=70)
    light = ImageChops.multiply(light.filter(ImageFilter.GaussianBlur(60)), layer.getchannel("A"))
    out = bg.convert("RGBA")
    out.alpha_composite(layer)
    out = Image.composite(Image.new("RGBA", out.size, (255, 240, 214, 255)), out, light)
    return out.convert("RGB")


# Where the piece sits in its picture (fractions of width and height): close-ups centre here.
FOCUS = {
    "ring": (0.48, 0.52),
    "pendant": (0.5, 0.6),
    "wallet": (0.58, 0.55),
    "notebook": (0.36, 0.5),
    "earrings": (0.5, 0.5),
}

DRAWINGS = {
    "ring": ring,
    "pendant": pendant,
    "earrings": earrings,
    "cuff": cuff,
    "bowl": bowl,
    "mug": mug,
    "vase": vase,
    "jug": jug,
    "plates": plates,
    "tumblers": tumblers,
    "glass_vase": glass_vase,
    "carafe": carafe,
    "glass_bowl": glass_bowl,
    "paperweight": paperweight,
    "board": board,
    "stool": stool,
    "chair": chair,
    "spoons": spoons,
    "scarf": scarf,
    "blanket": blanket,
    "cushion": cushion,
    "wallet": wallet,
    "bag": bag,
    "belt": belt,
    "notebook": notebook,
}

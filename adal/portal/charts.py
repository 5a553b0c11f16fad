"""The geometry of the portal's charts, for templates to draw as inline SVG (no script, no network):
the funnel plot of units' on-time shares and a tile map of the regions.

Coordinates are strings formatted here, so that the page's language cannot put a decimal comma into
the SVG.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import pgettext

from adal.portal.figures import Figure, Funnel
from adal.ratings.charts import nice_step, path

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 40


@dataclass(frozen=True)
class Tick:
    at: str
    value: float


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    label: str
    n: int
    share: float
    side: int


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    target_y: str
    limits_95: list[str]  # SVG path data: lower and upper
    limits_998: list[str]
    dots: list[Dot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def funnel_chart(funnel: Funnel) -> FunnelChart | None:
    """Units' shares (y) against their number of cases (x), with the limits around the national share."""
    if not funnel.points:
        return None
    n_max = max(max(p.n for p in funnel.points), 10)
    x_max = n_max * 1.05
    shown_curves = [c for curve in funnel.curves.values() for c in curve if c.n >= 5]
    y_min = min([p.share for p in funnel.points] + [c.low for c in shown_curves])
    step = nice_step(max(1 - y_min, 0.05))
    y_min = max(0.0, (y_min // step) * step)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(n: float) -> float:
        return LEFT + n * (right - LEFT) / x_max

    def y(v: float) -> float:
        return bottom - (v - y_min) * (bottom - TOP) / ((1 - y_min) or 1)

    def curve_paths(level: float) -> list[str]:
        curve = [c for c in funnel.curves[level] if c.n >= 5]
        low = path([(x(c.n), y(max(c.low, y_min))) for c in curve])
        high = path([(x(c.n), y(c.high)) for c in curve])
        return [low, high]

    dots = [Dot(f"{x(p.n):.1f}", f"{y(p.share):.1f}", p.label, p.n, p.share, p.side) for p in funnel.points]
    x_step = nice_step(x_max)
    x_ticks = [Tick(f"{x(v):.1f}", v) for v in _range(0, x_max, x_step)]
    y_ticks = [Tick(f"{y(v):.1f}", v) for v in _range(y_min, 1.0 + 1e-9, step)]
    return FunnelChart(
        WIDTH,
        HEIGHT,
        LEFT,
        right,
        TOP,
        bottom,
        f"{y(funnel.target):.1f}",
        curve_paths(0.95),
        curve_paths(0.998),
        dots,
        x_ticks,
        y_ticks,
    )


def _range(start: float, stop: float, step: float) -> list[float]:
    count = int((stop - start) / step + 1e-9)
    return [round(start + i * step, 6) for i in range(count + 1)]


# ---------------------------------------------------------------- the tile map

# Each region's place on a 7 × 5 grid, roughly where it lies: west to east, north to south. The former
# South Kazakhstan region (to June 2018) takes the place of Turkistan region, which it became.
TILES = {
    "270000000": (0, 0),
    "390000000": (2, 0),
    "590000000": (3, 0),
    "550000000": (5, 0),
    "630000000": (6, 0),
    "230000000": (0, 1),
    "150000000": (1, 1),
    "110000000": (3, 1),
    "710000000": (4, 1),
    "100000000": (6, 1),
    "470000000": (0, 2),
    "430000000": (2, 2),
    "620000000": (3, 2),
    "350000000": (4, 2),
    "330000000": (6, 2),
    "610000000": (2, 3),
    "510000000": (2, 3),
    "310000000": (4, 3),
    "190000000": (5, 3),
    "790000000": (2, 4),
    "750000000": (5, 4),
}
CITIES = {"710000000", "750000000", "790000000"}  # of republican significance: Astana, Almaty, Shymkent
TILE, GAP = 84, 4
SHADES = ("#e7f3ef", "#b9ddd1", "#7fc1ab", "#3f9b7f", "#0b5d4b")  # light to dark, by received count

# A tile's label is drawn large enough to read when the map is scaled down to a phone's width (to about
# half its size): up to two lines of up to LINE characters at LABEL_SIZE, squeezed into INNER when a line
# would be wider. Longer words are cut, as Russian and Kazakh abbreviate them, after a consonant before a
# vowel: "Актюбинская" → "Актюб.", "Қарағанды" → "Қарағ.", "Kazakhstan" → "Kaz.".
LINE, LABEL_SIZE, INNER = 7, 21, 76
GENERIC = {"область", "облысы", "region", "город", "қаласы", "city"}  # what every tile would repeat
VOWELS = set("аеёиоуыэюяәіөүұaeiouy")
# Widths in em, rounded up from a common sans-serif (DejaVu Sans): what a label needs no more exactly.
EMS = {
    **dict.fromkeys("ЖШЩЮW", 1.05),
    **dict.fromkeys("МФЫмшщжюыфmw", 0.88),
    **dict.fromkeys("ІіIilfjrt.-", 0.33),
}  # any other capital: 0.72, any other letter: 0.61


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: str
    squeeze: bool  # drawn narrower (``textLength``) to stay inside the tile


@dataclass(frozen=True)
class Tile:
    kato: str
    name: str
    x: str
    y: str
    received: int | None  # None: suppressed or no cases
    fill: str
    dark: bool
    then: str = ""  # on today's map of an older period: the region of the time whose figures it shows
    label: tuple[LabelLine, ...] = ()  # the name, short enough to read on a phone


@dataclass(frozen=True)
class TileMap:
    width: int
    height: int
    tile: int
    tiles: list[Tile]
    key: str = "region-map"  # the SVG's id prefix and test id: a page may show two maps
    label_size: int = LABEL_SIZE
    inner: int = INNER


def tile_map(
    regions: Sequence[tuple[str, str]],
    figures: Sequence[Figure],
    *,
    then: Mapping[str, tuple[str, str]] | None = None,
    key: str = "region-map",
) -> TileMap:
    """`regions` are (KATO, name) of the period's map; the tiles are shaded by the cases received.
    For today's map of an older period, `then` gives each of today's regions the (KATO, name) of the
    region of the time that covered it, whose figures its tile shows (Abai's: East Kazakhstan's)."""
    received = {f.key: f.received for f in figures}
    counts = sorted(v for v in received.values() if v)
    labels = tile_labels({kato: name for kato, name in regions if kato in TILES})
    tiles = []
    for kato, name in regions:
        if kato not in TILES:
            continue
        source, was = (then or {}).get(kato, (kato, name))
        col, row = TILES[kato]
        count = received.get(source)
        shade = _shade(count, counts)
        x, y = str(col * (TILE + GAP)), str(row * (TILE + GAP))
        tiles.append(
            Tile(kato, name, x, y, count, SHADES[shade], shade > 2, "" if was == name else was, labels[kato])
        )
    return TileMap(7 * (TILE + GAP), 5 * (TILE + GAP), TILE, tiles, key)


def tile_labels(names: Mapping[str, str]) -> dict[str, tuple[LabelLine, ...]]:
    """By KATO code, each tile's label: the name without the word every tile would repeat ("область",
    "облысы", "Region"), a line per word ("Батыс" / "Қаз."). A region whose label reads like a city's on
    the same map (Almaty Region and Almaty) is marked as a region on a line of its own."""
    words = {kato: _label_words(name) for kato, name in names.items()}
    cities = [words[kato][0].lower() for kato in CITIES & set(words) if len(words[kato]) == 1]
    for kato, label in words.items():
        stem = label[0].rstrip(".").lower()
        if kato not in CITIES and len(label) == 1 and any(city.startswith(stem) for city in cities):
            words[kato] = [*label, pgettext("a region, abbreviated on a tile of the map", "reg.")]
    return {kato: _lines(label) for kato, label in words.items()}


def _label_words(name: str) -> list[str]:
    parts = re.findall(r"[^\s-]+-?", name)  # "Западно-Казахстанская" → "Западно-", "Казахстанская"
    kept = [p for p in parts if p.lower() not in GENERIC] or parts
    return [_abbreviated(p) for p in kept][:2]


def _abbreviated(word: str) -> str:
    if len(word) <= LINE:
        return word
    hyphen = "-" if word.endswith("-") else ""
    letters = word.removesuffix("-").lower()
    cut = next((k for k in range(5, 1, -1) if letters[k - 1] not in VOWELS and letters[k] in VOWELS), 4)
    return f"{word[:cut]}.{hyphen}"


def _lines(words: list[str]) -> tuple[LabelLine, ...]:
    return tuple(
        LabelLine(word, str(round(LABEL_SIZE * (1.05 + 1.1 * i))), _width(word) > INNER)
        for i, word in enumerate(words)
    )


def _width(text: str) -> float:
    """About how wide ``text`` is drawn at LABEL_SIZE."""
    return LABEL_SIZE * sum(EMS.get(c, 0.72 if c.isupper() else 0.61) for c in text)


def _shade(count: int | None, counts: list[int]) -> int:
    if not count or not counts:
        return 0
    below = sum(c < count for c in counts)
    return 1 + min(3, 4 * below // len(counts))

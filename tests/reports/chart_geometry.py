"""Read a chart's SVG back as geometry: each text's box (from the charts' own width estimate),
the legend's box and the plot area, and say which labels collide or are cut off."""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from socialvalue.reports.charts import ASCENT, DESCENT, text_width

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@dataclass(frozen=True)
class Box:
    """A text's or a legend's outline: four corners, in the SVG's points, y downwards."""

    text: str
    corners: tuple[tuple[float, float], ...]
    #: The same with the font's own widths (the estimate is wider, to be safe).
    drawn: tuple[tuple[float, float], ...] = ()


def _transform(spec: str | None) -> np.ndarray:
    matrix = np.identity(3)
    for name, args in re.findall(r"(\w+)\(([^)]*)\)", spec or ""):
        values = [float(v) for v in re.split(r"[\s,]+", args.strip()) if v]
        if name == "translate":
            x, y = values[0], values[1] if len(values) > 1 else 0.0
            step = np.array([[1, 0, x], [0, 1, y], [0, 0, 1]])
        elif name == "rotate":
            angle = math.radians(values[0])
            cx, cy = (values[1], values[2]) if len(values) == 3 else (0.0, 0.0)
            c, s = math.cos(angle), math.sin(angle)
            step = (
                np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
                @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
                @ np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
            )
        elif name == "scale":
            sx, sy = values[0], values[1] if len(values) > 1 else values[0]
            step = np.diag([sx, sy, 1.0])
        elif name == "matrix":
            a, b, c, d, e, f = values
            step = np.array([[a, c, e], [b, d, f], [0, 0, 1]])
        else:
            raise AssertionError(f"unknown SVG transform {name}")
        matrix = matrix @ step
    return matrix


def _style(element: ET.Element) -> dict[str, str]:
    pairs = (p.split(":", 1) for p in (element.get("style") or "").split(";") if ":" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def _text_box(element: ET.Element, matrix: np.ndarray) -> Box:
    style = _style(element)
    size = float(style["font-size"].removesuffix("px"))
    bold = style.get("font-weight", "normal") in ("bold", "700", "800", "900")
    text = "".join(element.itertext())
    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    actual = TextToPath().get_text_width_height_descent(text, font, False)[0]

    def outline(width: float) -> tuple[tuple[float, float], ...]:
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[
            style.get("text-anchor", "start")
        ]
        top, bottom = y - ASCENT * size, y + DESCENT * size
        corners = [(left, top), (left + width, top), (left + width, bottom), (left, bottom)]
        return tuple(tuple((matrix @ np.array([cx, cy, 1.0]))[:2]) for cx, cy in corners)

    return Box(text, outline(text_width(text, size, bold=bold)), outline(actual))


def _path_points(d: str, matrix: np.ndarray) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    pairs = zip(numbers[::2], numbers[1::2], strict=False)
    return [tuple((matrix @ np.array([x, y, 1.0]))[:2]) for x, y in pairs]


@dataclass
class Drawing:
    width: float
    height: float
    texts: list[Box]
    legend: Box | None
    plot_area: tuple[float, float, float, float]


def read(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    texts: list[Box] = []
    legend_points: list[tuple[float, float]] = []
    legend_texts: list[Box] = []
    plot: list[tuple[float, float]] = []

    def visit(element: ET.Element, matrix: np.ndarray, where: str) -> None:
        if element.tag in (f"{SVG}defs", f"{SVG}clipPath", f"{SVG}metadata"):
            return
        matrix = matrix @ _transform(element.get("transform"))
        where = element.get("id") if element.get("id") in ("legend", "plot-area") else where
        if element.tag == f"{SVG}text":
            box = _text_box(element, matrix)
            texts.append(box)
            if where == "legend":
                legend_texts.append(box)
            return
        if element.tag == f"{SVG}path" and where in ("legend", "plot-area"):
            points = _path_points(element.get("d", ""), matrix)
            (legend_points if where == "legend" else plot).extend(points)
        if element.tag == f"{SVG}use" and where == "legend":  # a line's marker: a few points
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            cx, cy = (matrix @ np.array([x, y, 1.0]))[:2]
            legend_points.extend([(cx - 5, cy - 5), (cx + 5, cy + 5)])
        for child in element:
            visit(child, matrix, where)

    visit(root, np.identity(3), "")
    assert plot, "the plot area is named in the SVG"
    xs, ys = [p[0] for p in plot], [p[1] for p in plot]
    legend = None
    if legend_texts:
        points = legend_points + [c for box in legend_texts for c in box.corners]
        lx, ly = [p[0] for p in points], [p[1] for p in points]
        legend = Box(
            "legend",
            ((min(lx), min(ly)), (max(lx), min(ly)), (max(lx), max(ly)), (min(lx), max(ly))),
        )
    return Drawing(width, height, texts, legend, (min(xs), min(ys), max(xs), max(ys)))


def overlap(one: Box, other: Box, tolerance: float = 0.05) -> bool:
    """Whether two convex outlines overlap by more than `tolerance` points (separating axes)."""
    for shape in (one.corners, other.corners):
        for (x1, y1), (x2, y2) in zip(shape, shape[1:] + shape[:1], strict=True):
            normal = np.array([y1 - y2, x2 - x1], dtype=float)
            length = np.hypot(*normal)
            if length == 0:
                continue
            normal /= length
            a = [float(np.dot(normal, c)) for c in one.corners]
            b = [float(np.dot(normal, c)) for c in other.corners]
            if max(a) <= min(b) + tolerance or max(b) <= min(a) + tolerance:
                return False
    return True


def collisions(drawing: Drawing) -> list[tuple[str, str]]:
    boxes = [b for b in drawing.texts if b.text.strip()]
    return [
        (one.text, other.text)
        for i, one in enumerate(boxes)
        for other in boxes[i + 1 :]
        if overlap(one, other)
    ]


def cut_off(drawing: Drawing) -> list[str]:
    """Texts reaching past the picture's edge, as the font draws them."""
    return [
        box.text
        for box in drawing.texts
        if any(
            x < -0.5 or y < -0.5 or x > drawing.width + 0.5 or y > drawing.height + 0.5
            for x, y in box.drawn
        )
    ]


def legend_on_plot(drawing: Drawing) -> bool:
    if drawing.legend is None:
        return False
    x0, y0, x1, y1 = drawing.plot_area
    return overlap(drawing.legend, Box("plot", ((x0, y0), (x1, y0), (x1, y1), (x0, y1))))


def problems(svg: str) -> list[str]:
    """Everything wrong with a chart's labels, in words; empty when all is well."""
    drawing = read(svg)
    found = [f"{a!r} runs into {b!r}" for a, b in collisions(drawing)]
    found += [f"{text!r} is cut off" for text in cut_off(drawing)]
    if legend_on_plot(drawing):
        found.append("the legend covers the plot")
    return found


def page_charts(html: str) -> list[str]:
    """The SVG of every chart image on a page."""
    return [
        base64.b64decode(data).decode("utf-8")
        for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    ]

"""A bound book's curled page made flat by its own rules (pipeline/dewarp.py), and left alone when flat."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pytest
from fixtures.tables import KS_ENTRY, KS_TITLES, KS_WIDTHS, bgr, render_ledger

from pipeline.dewarp import MIN_BEND, measure_curl, uncurl
from pipeline.layout import find_table
from pipeline.preprocess import ink, reduce, upright
from pipeline.samples import degrade as dg

MARGIN = 150  # paper around the table: a curl's binding shadow and the spine's edge fall there


@dataclass
class Page:
    image: np.ndarray
    rows: list[int]
    cols: list[int]


@pytest.fixture(scope="module")
def ledger() -> Page:
    t = render_ledger(KS_TITLES, [KS_ENTRY] * 3, KS_WIDTHS, header_h=230, row_h=230, n_rows=4)
    image = np.pad(t.image, MARGIN, constant_values=255)
    return Page(image, [y + MARGIN for y in t.rows], [x + MARGIN for x in t.cols])


def _bends(gray: np.ndarray) -> tuple[float, float]:
    """How far the rules across and the rules down bend, in px of the reduced page."""
    small, f = reduce(gray)
    m = ink(small)
    across, down = measure_curl(m), measure_curl(np.ascontiguousarray(m.T))
    assert across is not None and down is not None
    return across.bend, down.bend


def _rule_rows(gray: np.ndarray, x0: int, x1: int) -> list[float]:
    """Heights of the horizontal rules crossing columns x0..x1: thin runs of rows dark all across (the
    binding's shadow beyond the page's edge is dark too, but thick)."""
    band = (gray[:, x0:x1] < 128).mean(axis=1)
    band[: MARGIN // 2] = band[-MARGIN // 2 :] = 0  # the page's own edges: the curl lets the binding show
    on = np.concatenate([[False], band > 0.8, [False]])
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    return [(a + b - 1) / 2 for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a <= 12]


def _curled(ledger, seed: int) -> tuple[np.ndarray, str]:
    img, label = dg.curl(ledger.image, np.random.default_rng(seed))
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img, label


def test_a_flat_page_is_left_alone(ledger) -> None:
    across, down = _bends(ledger.image)
    assert across < MIN_BEND and down < MIN_BEND
    small, f = reduce(ledger.image)
    assert uncurl(ledger.image, ink(small), f) is None
    up = upright(bgr(ledger.image))
    assert not up.uncurled and up.image.shape == ledger.image.shape


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_the_curl_bends_rules_toward_the_middle_on_the_spine_side(ledger, seed: int) -> None:
    """The degradation itself: on the binding's side the top rule drops and the bottom rule rises (the page
    is farther from the camera there); on the far side the rules stay where they were printed."""
    gray, label = _curled(ledger, seed)
    side = label.split(":")[1]
    w = gray.shape[1]
    # narrow windows just inside the table's ends: a rule bent by the curl still crosses one all along
    first, last = (ledger.cols[0] + 30, ledger.cols[0] + 50), (ledger.cols[-1] - 50, ledger.cols[-1] - 30)
    spine, far = (first, last) if side == "left" else (last, first)
    assert far[0] > 0 and far[1] < w
    at_far, at_spine = _rule_rows(gray, *far), _rule_rows(gray, *spine)
    assert len(at_far) == len(ledger.rows)
    assert np.abs(np.array(at_far) - np.array(ledger.rows)).max() <= 2
    assert len(at_spine) == len(ledger.rows)
    assert at_spine[0] > ledger.rows[0] + 3 and at_spine[-1] < ledger.rows[-1] - 3


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_a_curled_page_is_made_straight(ledger, seed: int) -> None:
    gray, _ = _curled(ledger, seed)
    before, _ = _bends(gray)
    assert before >= MIN_BEND
    up = upright(bgr(gray))
    assert up.uncurled
    after, down = _bends(up.image)
    assert after < MIN_BEND and down < MIN_BEND
    # every rule is level from one end of the table to the other, and the table reads as printed
    t = find_table(up.image)
    assert t is not None and t.n_cols == len(ledger.cols) - 1 and len(t.rows) == len(ledger.rows)
    left = _rule_rows(up.image, t.cols[0] + 30, t.cols[0] + 120)
    right = _rule_rows(up.image, t.cols[-1] - 120, t.cols[-1] - 30)
    assert len(left) == len(right) == len(ledger.rows)
    assert np.abs(np.array(left) - np.array(right)).max() <= 3


def test_leaning_vertical_rules_are_stood_up(ledger) -> None:
    """A perspective left over (the table's corners pulled in by a curl fool the perspective step): the
    vertical rules lean more the farther right they are. They are traced like the horizontal ones."""
    g = ledger.image
    h, w = g.shape
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    lean = 0.012 * (xs / w) * (ys - h / 2)  # a column at the right edge leans 1.2 %
    warped = cv2.remap(g, np.ascontiguousarray(np.broadcast_to(xs + lean, (h, w))),
                       np.ascontiguousarray(np.broadcast_to(ys, (h, w))), cv2.INTER_LINEAR, borderValue=255)  # fmt: skip
    _, down = _bends(warped)
    assert down >= MIN_BEND
    small, f = reduce(warped)
    flat = uncurl(warped, ink(small), f)
    assert flat is not None
    _, down_after = _bends(flat)
    assert down_after < MIN_BEND


def test_a_seal_touching_a_rule_is_no_bend(ledger) -> None:
    """A seal's ring drawn over a rule: a trace caught by it strays from its neighbours, which do not bend."""
    g = ledger.image.copy()
    y = ledger.rows[3]
    for r in (150, 120):
        cv2.circle(g, (ledger.cols[-3], y + r - 4), r, 0, 5)
    across, down = _bends(g)
    assert across < MIN_BEND and down < MIN_BEND


def test_the_paper_edge_on_a_desk_is_no_rule(ledger) -> None:
    """A flat sheet on a dark, grainy desk: the paper's edge is long and straight but crosses no column."""
    g = ledger.image
    h, w = g.shape
    rng = np.random.default_rng(3)
    desk = np.clip(70 + rng.normal(0, 25, (h + 400, w + 400)), 0, 255).astype(np.uint8)
    desk[200 : 200 + h, 200 : 200 + w] = g
    small, f = reduce(desk)
    across = measure_curl(ink(small))
    assert across is not None and across.bend < MIN_BEND
    assert uncurl(desk, ink(small), f) is None


@pytest.mark.parametrize("seed", [1, 5])
def test_columns_the_curl_narrowed_are_widened_again(ledger, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the page dips into the binding it turns from the camera and its columns narrow; the rules'
    bend tells how steeply, and those columns are widened back toward their printed width."""
    import pipeline.dewarp as dw

    gray, label = _curled(ledger, seed)
    small, f = reduce(gray)
    m = ink(small)
    across = measure_curl(m)
    assert across is not None
    widen = dw.foreshortening(across, small.shape[1], small.shape[0])
    spine_left = label.split(":")[1] == "left"
    near, far = (widen[: len(widen) // 4], widen[-len(widen) // 4 :])[:: 1 if spine_left else -1]
    assert near.max() > 1.01 and far.max() < 1.005

    printed = np.diff(ledger.cols)

    def narrowing(flat: np.ndarray) -> float:
        """How much narrower than printed the columns are, summed (the far side's are as printed)."""
        t = find_table(flat)
        assert t is not None and t.n_cols == len(ledger.cols) - 1
        return float(np.clip(1 - np.diff(t.cols) / printed, 0, None).sum())

    widened = narrowing(uncurl(gray, m, f))
    monkeypatch.setattr(dw, "foreshortening", lambda curl, width, height: np.ones(width))
    as_seen = narrowing(uncurl(gray, m, f))
    assert as_seen > 0.05 and widened < as_seen


def test_two_close_rules_give_no_gradient_to_the_far_margin() -> None:
    """A header band's two rules 22 px apart, the lower bending 4 px at one end, on a page ruled below only
    by columns: their gradient extended to the foot had shifted it by 286 px and widened a column 2x. Rules
    spanning under a quarter of the page are held level beyond them and give no foreshortening."""
    import pipeline.dewarp as dw

    xs = (np.arange(175) + 0.5) * dw.STRIP
    bend = np.where(xs < 200, 4.0 * (1 - xs / 200), 0.0)
    curl = dw.Curl(xs=xs, targets=np.array([100.0, 122.0]), shifts=np.stack([np.zeros_like(xs), bend]))
    field = dw.shift_field(curl, (2000, 1400))
    assert np.abs(field).max() <= 2 * 4.0 + 1.0
    assert np.abs(field[1800]).max() <= 4.0  # held level below the last rule
    assert np.all(dw.foreshortening(curl, 1400, 2000) == 1.0)
    # the same bend on rules spanning the page is extended along their gradient, within the bound
    wide = dw.Curl(xs=xs, targets=np.array([100.0, 1700.0]), shifts=np.stack([-bend, bend]))
    far = dw.shift_field(wide, (2000, 1400))
    assert far[1900, 0] > bend[0] and np.abs(far).max() <= 2 * 4.0 + 1.0

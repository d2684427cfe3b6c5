"""A bound book's curled page made flat again, guided by the table's own rules.

A page photographed in an open book dips into the binding: near the spine its horizontal rules bend
toward the page's middle, and cells, the title and the page number bend with them. Nothing on a
ledger page is straighter than its printed rules, so they are the ruler: each long horizontal rule is
traced across the page strip by strip, its departure from straight is measured, and the page is
resampled so every rule is straight again; between two rules the shift is interpolated, above the
first and below the last it is extended along the same gradient (a camera's curl grows with the
distance from the page's centre).

The vertical rules are traced the same way (on the transposed page): a curl keeps them vertical, but the
perspective step, fooled by the table's bent corners, leaves them leaning, and a leaning rule splits a
column. Where the page turns away from the camera its letters narrow (OCR drops squeezed digits: "421"
read "41"); how steeply it turns follows from how the rules bend (``foreshortening``), and those columns
are widened back. A flat page (every rule within ``MIN_BEND`` of straight) is returned untouched, so
scans and flat photographs are not resampled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

STRIP = 8  # px of the reduced page per traced step
MIN_BEND = 2.5  # px of the reduced page (2000 px long): a smaller bend is left alone (print wobble, a
# perspective residue of a flat photograph, a trace's snag)
MAX_MISSES = 4  # strips a trace may go without finding its rule (a gap, a vertical rule's crossing)
MAX_WIDEN = 1.35  # a column is widened at most so much (``foreshortening``)
SPREAD = 0.25  # of the page's height the traced rules must span to be extended beyond or give a slope
BAND = 512  # rows resampled at once: the maps of a 120 Mpx page are not all held together
REMAP_LIMIT = 32767  # OpenCV's remap takes images under this many px a side
MAX_SLOPE = 3.0  # px per strip (0.375): a curl into the binding bends less; a seal's ring bends more
ODD_PX = 2.0  # reduced px a rule may stray from what its neighbours' shifts predict at the same place


@dataclass(frozen=True, slots=True)
class Curl:
    """Where the rules were found (reduced-page px) and how far each bends from straight."""

    xs: np.ndarray  # strip centres, shape (n_x,)
    targets: np.ndarray  # each rule's straight height, shape (n_rules,), increasing
    shifts: np.ndarray  # rule's height minus its target at each strip, shape (n_rules, n_x)

    @property
    def bend(self) -> float:
        """The largest departure from straight, in px of the reduced page."""
        return float(np.abs(self.shifts).max()) if self.shifts.size else 0.0


def measure_curl(ink: np.ndarray) -> Curl | None:
    """Trace the long horizontal rules of a reduced page (``ink``: its binary ink mask, 255 = ink; the
    vertical rules are traced on its transpose). None when fewer than two rules can be followed."""
    h, w = ink.shape
    on = (ink > 0).astype(np.uint8)
    # Rules in the flat part: long runs; a short opening keeps the bent part of the same rules as well.
    long_k = max(15, w // 40)
    straight = cv2.morphologyEx(on, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_k, 1)))
    bent = cv2.morphologyEx(on, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    upright = cv2.morphologyEx(
        on, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 40)))
    )
    n_x = w // STRIP
    if n_x < 10:
        return None
    xs = (np.arange(n_x) + 0.5) * STRIP
    # strip profiles: how many of a strip's columns are rule-like ink at each height
    prof = bent[:, : n_x * STRIP].reshape(h, n_x, STRIP).sum(axis=2).astype(np.float32)
    cols = np.ascontiguousarray(prof.T)  # strip by strip, for ``_snap``
    band = max(1, n_x // 10)
    starts = list(range(0, n_x - band + 1, band))
    counts = []
    for s in starts:
        p = straight[:, s * STRIP : (s + band) * STRIP].sum(axis=1) / float(band * STRIP)
        counts.append(_peaks(p, 0.6))
    best = max(range(len(starts)), key=lambda i: (len(counts[i]), -abs(starts[i] + band / 2 - n_x / 2)))
    seeds = counts[best]
    if len(seeds) < 2:
        return None
    s0 = starts[best] + band // 2
    traces = []
    for y0 in seeds:
        ys = np.full(n_x, np.nan)
        ys[s0] = _snap(cols[s0], y0, 2, STRIP)
        if np.isnan(ys[s0]):
            ys[s0] = y0
        for step in (1, -1):
            _trace(cols, ys, s0, step)
        traces.append(ys)
    traced = np.array(traces)
    _within_table(traced, upright)
    found = ~np.isnan(traced)
    length = found.sum(axis=1)
    keep = (length >= 0.6 * length.max()) & (length >= 10)  # a rule across the table, not a stub of one
    if keep.sum() < 2:
        return None
    traced, found = traced[keep], found[keep]
    targets = np.nanmedian(traced, axis=1)
    order = np.argsort(targets)
    traced, found, targets = traced[order], found[order], targets[order]
    found &= ~_odd_ones(traced - targets[:, None], targets)
    shifts = np.zeros_like(traced)
    for i, row in enumerate(traced):
        d = row - targets[i]
        idx = np.nonzero(found[i])[0]
        if len(idx) == 0:
            continue  # every point of it was odd: held straight
        d = np.interp(np.arange(n_x), idx, d[idx])  # across gaps and beyond the rule's ends: held level
        shifts[i] = _smooth(d)
    return Curl(xs=xs, targets=targets, shifts=shifts)


def _odd_ones(d: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Points of a trace that stray from its neighbours: a curl bends neighbouring rules alike (its shift
    changes smoothly down the page), a trace caught by a seal's ring or a letter does not. Each point is
    compared with the line through the nearest traced rule above and below it (or the two nearest on
    one side at the table's top and foot)."""
    odd = np.zeros(d.shape, bool)
    n_rules, n_x = d.shape
    if n_rules < 3:
        return odd
    t = targets.tolist()
    for j, col in enumerate(d.T.tolist()):  # plain Python: a few rules a strip, numpy's per-call cost dominated
        have = [i for i, v in enumerate(col) if v == v]  # traced here (not NaN)
        if len(have) < 3:
            continue
        for pos, i in enumerate(have):
            if 0 < pos < len(have) - 1:
                a, b = have[pos - 1], have[pos + 1]
            elif pos == 0:
                a, b = have[1], have[2]
            else:
                a, b = have[-3], have[-2]
            guess = col[a] + (col[b] - col[a]) * (t[i] - t[a]) / max(1.0, t[b] - t[a])
            odd[i, j] = abs(col[i] - guess) > ODD_PX
    return odd


def _within_table(traced: np.ndarray, upright: np.ndarray, reach: int = 3) -> None:
    """Keep each trace only between the first and last vertical rule it crosses inside the table, and only
    when it crosses three. The table spans from where its rules (those crossing at least half as many
    vertical rules as the median trace) begin to where they end: the paper's edge against a noisy desk
    crosses nothing there, the top rule of a two-level header still crosses the frame and the groups."""
    h, n_x = upright.shape[0], traced.shape[1]
    # near[y, k]: a vertical rule's ink within ``reach`` rows of y in strip k
    strips = upright[:, : n_x * STRIP].reshape(h, n_x, STRIP).any(axis=2).view(np.uint8)
    near = cv2.dilate(strips, np.ones((2 * reach + 1, 1), np.uint8)) > 0
    crossings = [[int(k) for k in np.nonzero(~np.isnan(ys))[0] if near[int(round(ys[k])), k]] for ys in traced]
    enough = max(3.0, 0.5 * float(np.median([len(c) for c in crossings])))
    strong = [c for c in crossings if len(c) >= enough]
    if not strong:
        traced[:] = np.nan
        return
    lo, hi = np.median([c[0] for c in strong]) - 2, np.median([c[-1] for c in strong]) + 2
    for ys, hits in zip(traced, crossings, strict=True):
        inside = [k for k in hits if lo <= k <= hi]
        if len(inside) < 3:
            ys[:] = np.nan
        else:
            ys[: inside[0]] = np.nan
            ys[inside[-1] + 1 :] = np.nan


def _peaks(profile: np.ndarray, level: float) -> list[float]:
    """Centres of the runs of ``profile`` at or above ``level`` (a rule is a few rows thick)."""
    above = np.concatenate([[False], profile >= level, [False]])
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    return [float((a + b - 1) / 2) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _snap(col: np.ndarray, y: float, radius: float, width: int) -> float:
    """Centre of the rule nearest ``y`` within ``radius`` in one strip's profile, or NaN. Plain Python on
    the window's few rows: it runs some 4,000 times a page, and numpy's cost per call outweighed the work."""
    lo, hi = max(0, math.floor(y - radius)), min(len(col), math.ceil(y + radius) + 1)
    window, level = col[lo:hi].tolist(), 0.6 * width
    runs: list[list[int]] = []
    for r, v in enumerate(window, lo):
        if v >= level:
            if runs and runs[-1][-1] == r - 1:
                runs[-1].append(r)
            else:
                runs.append([r])
    if not runs:
        return math.nan
    # the run nearest the prediction: a neighbouring underline or a letter's bar must not pull it away
    run = min(runs, key=lambda rows: abs(sum(rows) / len(rows) - y))
    # the rule is the run's fullest rows: a seal's ring or a letter touching it fills a few columns only
    top = max(window[r - lo] for r in run)
    full = [r for r in run if window[r - lo] >= top - 1]
    return sum(full) / len(full)


def _trace(cols: np.ndarray, ys: np.ndarray, start: int, step: int) -> None:
    """Follow one rule from strip ``start`` outward, predicting each step from the slope so far."""
    n_x = len(cols)
    last, slope, misses = start, 0.0, 0
    k = start + step
    while 0 <= k < n_x and misses <= MAX_MISSES:
        gap = abs(k - last)
        guess = ys[last] + slope * gap
        y = _snap(cols[k], guess, 2 + 0.5 * gap + abs(slope), STRIP)
        if math.isnan(y):
            misses += 1
        else:
            new_slope = (y - ys[last]) / gap
            if abs(new_slope) > MAX_SLOPE:
                misses += 1
                k += step
                continue
            slope = 0.5 * slope + 0.5 * new_slope if last != start else new_slope
            ys[k], last, misses = y, k, 0
        k += step


def _smooth(d: np.ndarray) -> np.ndarray:
    """A running median then mean over five strips: one strip's snag on a letter is not a bend."""
    pad = np.pad(d, 2, mode="edge")
    med = np.median(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1)
    return np.convolve(np.pad(med, 2, mode="edge"), np.ones(5) / 5, mode="valid")


def _spread(curl: Curl, extent: int) -> bool:
    """Whether the traced rules span a quarter of the page: only then does their bend tell how the page
    bends beyond them, and how steeply it turns (a header's two rules 22 px apart do not)."""
    return len(curl.targets) >= 2 and float(curl.targets[-1] - curl.targets[0]) >= SPREAD * extent


def shift_field(curl: Curl, shape: tuple[int, int]) -> np.ndarray:
    """For every pixel of the reduced page (``shape``), how far below it its ink lies on the curled
    page: between two rules interpolated, beyond them extended along the rules' gradient (held level when
    the rules span too little of the page to give one: ``_spread``)."""
    h, w = shape
    rows = np.arange(h, dtype=np.float64)
    t = curl.targets
    field = np.empty((h, curl.shifts.shape[1]), np.float32)
    spread = _spread(curl, h)
    for j in range(curl.shifts.shape[1]):
        d = curl.shifts[:, j]
        g = (d[-1] - d[0]) / max(1.0, t[-1] - t[0]) if spread else 0.0
        col = np.interp(rows, t, d)
        col = np.where(rows < t[0], d[0] + g * (rows - t[0]), col)
        col = np.where(rows > t[-1], d[-1] + g * (rows - t[-1]), col)
        # never further than twice the largest bend traced there: the gradient of two close rules is no
        # guide to the page's far margin
        reach = 2.0 * float(np.abs(d).max()) + 1.0
        field[:, j] = np.clip(col, -reach, reach)
    # strips to columns: held level beyond the first and last strip's centre
    cols = np.arange(w, dtype=np.float64)
    return np.stack([np.interp(cols, curl.xs, r) for r in field]).astype(np.float32)


def foreshortening(curl: Curl, width: int, height: int) -> np.ndarray:
    """How much wider each column of the reduced page (``width`` x ``height``) was on the paper than it
    shows: where a page dips into the binding it turns away from the camera and its letters narrow. The
    dip is read off the rules' bend: a camera above the page sees a part of it lower by ``z`` scaled toward
    the centre by D / (D + z), so a column's shift grows with its height from the centre at the rate
    s - 1 ~ -z / D; its slope dz/dx foreshortens the paper by sqrt(1 + (dz/dx)^2). D, the camera's height,
    is taken as the page's long side (a phone held to fill its frame with the page is nearer still, so the
    narrowing is rather under- than overstated); at most MAX_WIDEN, and none when the rules span too little
    of the page to give the rate."""
    if not _spread(curl, height):
        return np.ones(width)
    t = curl.targets - curl.targets.mean()
    rate = (curl.shifts * t[:, None]).sum(axis=0) / max(float((t**2).sum()), 1.0)  # s - 1, strip by strip
    depth = -float(max(width, height)) * _smooth(_smooth(rate))
    slope = np.gradient(depth, curl.xs)
    widen = np.minimum(np.sqrt(1.0 + slope**2), MAX_WIDEN)
    return np.interp(np.arange(width, dtype=np.float64), curl.xs, widen)


def uncurl(gray: np.ndarray, ink: np.ndarray, scale: float) -> np.ndarray | None:
    """``gray`` resampled so the rules traced on its reduced ink mask (``ink``; ``scale`` = reduced / full)
    are straight, horizontal ones and vertical ones, and the columns the curl narrowed are widened again;
    None when the page is flat already (or too large for OpenCV's remap: 32767 px a side)."""
    across = measure_curl(ink)
    down = measure_curl(np.ascontiguousarray(ink.T))
    if max((c.bend for c in (across, down) if c is not None), default=0.0) < MIN_BEND:
        return None
    h, w = ink.shape
    H, W = gray.shape[:2]
    # the shifts stay on the reduced page; each band of output rows samples them where it needs them
    dy = shift_field(across, (h, w)) if across is not None else np.zeros((h, w), np.float32)
    dx = np.ascontiguousarray(shift_field(down, (w, h)).T) if down is not None else np.zeros((h, w), np.float32)
    # output column -> the page's column it shows: the narrowed columns take more output columns
    widen = foreshortening(across, w, h) if across is not None else np.ones(w)
    out_at = np.concatenate([[0.0], np.cumsum(np.interp(np.arange(W) * scale, np.arange(w), widen))])
    src = np.interp(np.arange(int(out_at[-1])), out_at, np.arange(W + 1, dtype=np.float64)).astype(np.float32)
    if max(H, W, len(src)) >= REMAP_LIMIT:
        return None
    out = np.empty((H, len(src)), gray.dtype)
    f = np.float32(scale)
    for top in range(0, H, BAND):
        rows = np.arange(top, min(H, top + BAND), dtype=np.float32)
        gx, gy = np.meshgrid(src * f, rows * f)
        at = {"interpolation": cv2.INTER_LINEAR, "borderMode": cv2.BORDER_REPLICATE}
        map_x = src[None, :] + cv2.remap(dx, gx, gy, **at) / f
        map_y = rows[:, None] + cv2.remap(dy, gx, gy, **at) / f
        out[top : top + len(rows)] = cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR,
                                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)  # fmt: skip
    return out

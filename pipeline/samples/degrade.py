"""Scanner and camera defects, applied to a rendered page with numpy/OpenCV.

Every function takes the page as a numpy array (``uint8``, grayscale HxW or RGB HxWx3) and a
``numpy.random.Generator`` and returns a new array plus a short label (``"skew:+2.1"``) for the
ground truth. Only seeded generators are used, so the same seed gives the same pixels.
"""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

STAMP_RED = np.array([196, 32, 44], dtype=np.float32)


def to_rgb(img: np.ndarray) -> np.ndarray:
    return img if img.ndim == 3 else np.repeat(img[:, :, None], 3, axis=2)


def skew(img: np.ndarray, rng: np.random.Generator, angle: float | None = None) -> tuple[np.ndarray, str]:
    """Rotate about the centre (positive = counter-clockwise), paper-white border."""
    if angle is None:
        angle = float(rng.uniform(1.0, 3.0) * rng.choice([-1, 1]))
    angle = round(angle, 1)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if img.ndim == 3 else 255
    out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
    return out, f"skew:{angle:+.1f}"


def blur(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    sigma = round(float(rng.uniform(1.0, 1.8)), 1)
    return cv2.GaussianBlur(img, (0, 0), sigma), f"blur:{sigma}"


def noise(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    sigma = round(float(rng.uniform(4.0, 7.0)), 1)  # stronger grain would blow the 20 MB budget as JPEG
    n = rng.normal(0.0, sigma, img.shape[:2]).astype(np.float32)
    if img.ndim == 3:
        n = n[:, :, None]
    out = np.clip(img.astype(np.float32) + n, 0, 255).astype(np.uint8)
    return out, f"noise:{sigma}"


def jpeg_artefacts(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """One pass through a low-quality JPEG encoder (an earlier lossy copy of the scan)."""
    q = int(rng.integers(18, 32))
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=q)
    out = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB" if img.ndim == 3 else "L"))
    return out.copy(), f"jpeg:{q}"


def uneven_lighting(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A smooth brightness field: one side darker plus a vignette, as under a lamp or a lid not closed."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx /= w
    yy /= h
    a, b = rng.uniform(-0.25, 0.25, 2)
    cx, cy = rng.uniform(0.3, 0.7, 2)
    r2 = (xx - cx) ** 2 + (yy - cy) ** 2
    field = 1.0 - 0.18 - a * (xx - 0.5) - b * (yy - 0.5) + 0.18 * np.exp(-r2 / 0.15) - 0.25 * r2
    field = np.clip(field, 0.55, 1.0).astype(np.float32)
    if img.ndim == 3:
        field = field[:, :, None]
    out = np.clip(img.astype(np.float32) * field, 0, 255).astype(np.uint8)
    return out, "lighting"


def low_contrast(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    lo = int(rng.integers(60, 90))
    hi = int(rng.integers(200, 226))
    out = (lo + img.astype(np.float32) * (hi - lo) / 255.0).astype(np.uint8)
    return out, f"contrast:{lo}-{hi}"


def _stamp_mask(text: str, radius: int, font_path: str, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage in [0, 1] of a round seal: two rings, text along the ring, a star in the middle."""
    size = 2 * radius + 8
    im = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(im)
    c = size / 2
    d.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=12)
    r_in = radius - 92
    d.ellipse((c - r_in, c - r_in, c + r_in, c + r_in), outline=255, width=5)
    f = ImageFont.truetype(font_path, 46)
    r_text = radius - 52
    span = 300.0  # degrees the ring text covers, centred on the top
    n = max(1, len(text))
    for k, ch in enumerate(text):
        theta = math.radians(-90 - span / 2 + span * (k + 0.5) / n)
        glyph = Image.new("L", (70, 70), 0)
        ImageDraw.Draw(glyph).text((35, 35), ch, font=f, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(theta) - 90, resample=Image.Resampling.BICUBIC)
        x = c + r_text * math.cos(theta) - 35
        y = c + r_text * math.sin(theta) - 35
        im.paste(255, (round(x), round(y)), glyph)
    star = [
        (c + (60 if i % 2 == 0 else 24) * math.cos(math.radians(-90 + 36 * i)),
         c + (60 if i % 2 == 0 else 24) * math.sin(math.radians(-90 + 36 * i)))
        for i in range(10)
    ]  # fmt: skip
    d.polygon(star, fill=255)
    mask = np.asarray(im, dtype=np.float32) / 255.0
    # uneven ink: the pad never inks evenly
    blotch = cv2.GaussianBlur(rng.uniform(0.45, 1.0, (size, size)).astype(np.float32), (0, 0), 6)
    return np.clip(mask * (blotch * 1.3), 0, 1) * 0.85


def stamp(
    img: np.ndarray, rng: np.random.Generator, centre: tuple[int, int], text: str, font_path: str
) -> tuple[np.ndarray, str]:
    """Multiply a red seal into the page at ``centre`` (page pixels), randomly turned."""
    rgb = to_rgb(img).astype(np.float32)
    radius = 230
    mask = _stamp_mask(text, radius, font_path, rng)
    angle = float(rng.uniform(-40, 40))
    s = mask.shape[0]
    m = cv2.getRotationMatrix2D((s / 2, s / 2), angle, 1.0)
    mask = cv2.warpAffine(mask, m, (s, s))
    x0, y0 = centre[0] - s // 2, centre[1] - s // 2
    h, w = rgb.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + s), min(h, y0 + s)
    sub = mask[ya - y0 : yb - y0, xa - x0 : xb - x0][:, :, None]
    region = rgb[ya:yb, xa:xb]
    tint = STAMP_RED / 255.0
    rgb[ya:yb, xa:xb] = region * (1 - sub * (1 - tint))
    return np.clip(rgb, 0, 255).astype(np.uint8), f"stamp:{centre[0]},{centre[1]}"


def aged(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A decades-old register's page: thin paper showing the reverse page's writing through (mirrored,
    soft, grey), yellowed, with foxing spots, and the ink faded.

    The reverse page is this page mirrored and shifted (its rules and entries fall elsewhere than the
    page's own); its ink darkens the paper by up to ``strength`` (0.15-0.35: black reverse ink shows as
    grey 165-215 before blur), the page's own ink keeps ``fade`` of its darkness."""
    h, w = img.shape[:2]
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    reverse = np.ascontiguousarray(gray[:, ::-1])
    dx, dy = (int(v) for v in rng.integers(-0.03 * np.array([w, h]), 0.03 * np.array([w, h]) + 1))
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    reverse = cv2.warpAffine(reverse, m, (w, h), borderValue=255)
    reverse = cv2.GaussianBlur(reverse, (0, 0), float(rng.uniform(1.2, 2.5)))
    strength = float(rng.uniform(0.15, 0.35))
    fade = float(rng.uniform(0.65, 0.9))
    darkness = (255.0 - img.astype(np.float32)) * fade  # the page's own ink, faded
    out = 255.0 - darkness
    through = 1.0 - strength * (255.0 - reverse.astype(np.float32)) / 255.0
    spots = np.ones((h, w), np.float32)
    for _ in range(int(rng.integers(3, 12))):  # foxing: small brown stains
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(max(4, w // 400), max(8, w // 80)))
        cv2.circle(spots, (cx, cy), r, float(rng.uniform(0.8, 0.93)), -1)
    spots = cv2.GaussianBlur(spots, (0, 0), max(2.0, w / 800))
    shade = through * spots
    if out.ndim == 3:
        out = out * shade[:, :, None] * np.array([1.0, 0.96, 0.84], np.float32)  # yellowed paper
    else:
        out = out * shade * 0.95
    return np.clip(out, 0, 255).astype(np.uint8), f"aged:{strength:.2f}:{fade:.2f}"


def rotate180(img: np.ndarray) -> tuple[np.ndarray, str]:
    return np.ascontiguousarray(img[::-1, ::-1]), "rotate:180"


def downscale(img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    return cv2.resize(img, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)


def curl(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """The page of an open bound book seen from above: it dips into the binding on one side.

    The surface falls ``depth`` below the flat page toward the spine over ``reach`` (an exponential),
    so a camera above the page's centre sees the spine side shrunk toward the centre: rules bend toward
    the middle there (down at the top, up at the foot), letters narrow, and the gutter is shaded.
    """
    h, w = img.shape[:2]
    spine_right = bool(rng.random() < 0.5)
    src = img[:, ::-1] if spine_right else img
    depth = float(rng.uniform(0.03, 0.07)) * w
    reach = float(rng.uniform(0.06, 0.12)) * w
    dist = 1.3 * max(h, w)  # the camera's height above the page, in the page's pixels
    cx, cy = w / 2, h / 2
    u = np.arange(0, w + 1, 0.25, dtype=np.float64)  # distance from the spine along the paper
    z = -depth * np.exp(-u / reach)  # below the flat page
    slope = np.gradient(z, u)
    x = np.concatenate([[0.0], np.cumsum(np.diff(u) / np.sqrt(1 + slope[1:] ** 2))])  # foreshortened
    x += w - x[-1]  # the flat side stays where it was; the spine side draws in
    s = dist / (dist - z)
    big_x = cx + (x - cx) * s
    cols = np.arange(w, dtype=np.float64)
    u_of = np.interp(cols, big_x, u, left=-1.0, right=w)  # left of the spine's edge: no paper
    s_of = np.interp(cols, big_x, s)
    rows = np.arange(h, dtype=np.float64)
    map_x = np.broadcast_to(u_of[None, :], (h, w)).astype(np.float32)
    map_y = (cy + (rows[:, None] - cy) / s_of[None, :]).astype(np.float32)
    # Above and below the drawn-in edge the pages beneath show (paper, as the page's own margin); beyond
    # the spine's edge, the binding's shadow.
    out = cv2.remap(
        np.ascontiguousarray(src), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    shade = 1.0 - 0.45 * np.exp(-np.clip(u_of, 0, None) / (0.4 * reach))
    shade = shade[None, :, None] if out.ndim == 3 else shade[None, :]
    out = np.clip(out.astype(np.float32) * shade, 0, 255).astype(np.uint8)
    out[:, u_of < 0] = (70, 62, 55) if out.ndim == 3 else 62
    if spine_right:
        out = np.ascontiguousarray(out[:, ::-1])
    return out, f"curl:{'right' if spine_right else 'left'}:{depth / w:.3f}"


def photograph(img: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, list[list[float]], str]:
    """The page lying on a dark desk, shot at an angle: returns the photo and the paper's corners in it."""
    h, w = img.shape[:2]
    out_w, out_h = 4032, 3024
    paper = to_rgb(img).astype(np.float32) * np.array([1.0, 0.97, 0.9], dtype=np.float32)  # warm, aged paper
    # desk: dark brown with a soft gradient and grain
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    base = 70 + 25 * (xx / out_w) - 20 * (yy / out_h)
    grain = cv2.GaussianBlur(rng.normal(0, 12, (out_h, out_w)).astype(np.float32), (0, 0), 3)
    desk = np.stack([base * 1.0 + grain, base * 0.78 + grain, base * 0.6 + grain], axis=2)
    j = rng.uniform(-60, 60, 8)
    dst = np.array(
        [
            [330 + j[0], 330 + j[1]],
            [3700 + j[2], 230 + j[3]],
            [3860 + j[4], 2800 + j[5]],
            [170 + j[6], 2700 + j[7]],
        ],
        dtype=np.float32,
    )
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(paper, m, (out_w, out_h), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.ones((h, w), np.float32), m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    cover = cover[:, :, None]
    photo = warped * cover + desk * (1 - cover)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    photo, _ = uneven_lighting(photo, rng)
    photo = cv2.GaussianBlur(photo, (0, 0), 0.8)
    photo, _ = noise(photo, rng)
    return photo, dst.round(1).tolist(), "perspective"

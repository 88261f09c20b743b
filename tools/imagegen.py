"""Seeded synthetic images for the golden fixtures and the benchmark corpus."""
import numpy as np


def photo(rng, width, height, channels=1):
    """Photo-like: smooth gradients and blobs with sensor noise, as uint8 (height, width, channels)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = []
    for _ in range(channels):
        fx, fy = rng.uniform(0.5, 4.0, 2) * 2 * np.pi / max(width, height)
        px, py = rng.uniform(0, 2 * np.pi, 2)
        gradient = rng.uniform(-0.4, 0.4) * x / max(width, 1) + rng.uniform(-0.4, 0.4) * y / max(height, 1)
        value = 0.5 + 0.3 * np.sin(x * fx + px) * np.cos(y * fy + py) + gradient
        value += rng.normal(0, 0.04, size=(height, width))
        planes.append(np.clip(value * 255, 0, 255))
    return np.stack(planes, axis=-1).astype(np.uint8)


def screenshot(rng, width, height, channels=3):
    """Screenshot-like: flat panels in a few colours with dark text-like strokes."""
    image = np.empty((height, width, channels), dtype=np.uint8)
    image[:] = rng.integers(200, 256, channels)
    for _ in range(rng.integers(3, 9)):
        x0, x1 = sorted(rng.integers(0, width + 1, 2))
        y0, y1 = sorted(rng.integers(0, height + 1, 2))
        image[y0:y1, x0:x1] = rng.integers(0, 256, channels)
    line = max(4, height // 30)
    for top in range(line, height - line, line * 2):
        strokes = rng.random(width) < 0.35
        image[top:top + max(1, line // 2), strokes] = rng.integers(0, 60)
    return image


def scan(rng, width, height, channels=1):
    """Page-scan-like: off-white paper, lines of dark text specks, a slight gradient."""
    paper = 235 + rng.normal(0, 3, size=(height, width)) - 10 * np.linspace(0, 1, width)[None, :]
    line = max(8, height // 60)
    for top in range(line * 3, height - line * 3, line * 2):
        ink = rng.random((line, width)) < 0.25
        margin = width // 10
        ink[:, :margin] = False
        ink[:, width - margin:] = False
        paper[top:top + line][ink] = 30
    page = np.clip(paper, 0, 255).astype(np.uint8)
    return np.repeat(page[:, :, None], channels, axis=2)


class PhotoRows:
    """Photo-like rows generated one at a time, for images too big to hold (20000 × 20000)."""

    def __init__(self, rng, width, height, channels=1):
        self.width, self.height, self.channels = width, height, channels
        self.params = [(rng.uniform(0.5, 4.0, 2) * 2 * np.pi / max(width, height), rng.uniform(0, 2 * np.pi, 2),
                        rng.uniform(-0.4, 0.4, 2)) for _ in range(channels)]
        self.noise = np.random.default_rng(int(rng.integers(0, 2**32)))
        self.x = np.arange(width, dtype=np.float64)

    def row(self, y):
        planes = []
        for (fx, fy), (px, py), (gx, gy) in self.params:
            value = 0.5 + 0.3 * np.sin(self.x * fx + px) * np.cos(y * fy + py) + gx * self.x / self.width + gy * y / self.height
            value += self.noise.normal(0, 0.04, self.width)
            planes.append(np.clip(value * 255, 0, 255))
        return np.stack(planes, axis=-1).astype(np.uint8)

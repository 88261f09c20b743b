"""Writes the benchmark corpus (see tools/make-corpus)."""
import argparse
import os

import numpy as np

import imagegen
import pnglib

parser = argparse.ArgumentParser()
parser.add_argument("directory")
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--skip-huge", action="store_true", help="leave out the 20000 × 20000 grey PNG")
args = parser.parse_args()
os.makedirs(args.directory, exist_ok=True)
rng = np.random.default_rng(args.seed)
written = []


def path(name):
    written.append(name)
    return os.path.join(args.directory, name)


def png(name, image, color_type=None, bit_depth=8, interlaced=False, palette=None):
    height, width, channels = image.shape
    color_type = color_type if color_type is not None else {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    pnglib.write_png(path(name), width, height, color_type, bit_depth, lambda y: image[y], palette=palette,
                     interlaced=interlaced, filter_for_row=lambda y: (0, 1, 2, 3, 4)[y % 5], level=6)


# Photo-like: gradients, blobs and noise, RGB and grey, a few sizes.
for index, (w, h) in enumerate([(640, 480), (800, 600), (1024, 768), (1280, 960), (1600, 1200), (1920, 1080),
                                (500, 700), (1200, 1600), (320, 240), (2048, 1536)]):
    channels = 1 if index % 4 == 3 else 3
    png(f"photo-{index:02d}-{w}x{h}.png", imagegen.photo(rng, w, h, channels))
# Screenshot-like: flat panels and text strokes, RGB and RGBA.
for index, (w, h) in enumerate([(1280, 800), (1440, 900), (1920, 1080), (1024, 768), (2560, 1440), (800, 1280)]):
    image = imagegen.screenshot(rng, w, h, 3)
    if index % 2:
        image = np.concatenate([image, np.full((h, w, 1), 255, np.uint8)], axis=2)
    png(f"screenshot-{index:02d}-{w}x{h}.png", image)
# Page-sized scans: grey, RGB, and the RGBA page of the memory target.
png("scan-00-2480x3508-grey.png", imagegen.scan(rng, 2480, 3508, 1))
png("scan-01-2480x3508-grey.png", imagegen.scan(rng, 2480, 3508, 1))
png("scan-02-2480x3508-rgb.png", imagegen.scan(rng, 2480, 3508, 3))
page = imagegen.scan(rng, 2480, 3508, 3)
png("scan-03-2480x3508-rgba.png", np.concatenate([page, np.full((3508, 2480, 1), 255, np.uint8)], axis=2))
# Every colour type and bit depth, plain and interlaced.
base = imagegen.photo(rng, 600, 400, 4)
for color_type, depths in [(0, (1, 2, 4, 8, 16)), (2, (8, 16)), (3, (1, 2, 4, 8)), (4, (8, 16)), (6, (8, 16))]:
    channels = pnglib.CHANNELS[color_type]
    for depth in depths:
        palette = None
        if color_type == 3:
            palette = rng.integers(0, 256, (1 << depth, 3))
            samples = base[:, :, :1].astype(np.int64) * (1 << depth) // 256
        else:
            samples = base[:, :, :channels].astype(np.int64) * ((1 << depth) - 1) // 255
        for interlaced in (False, True):
            png(f"types-ct{color_type}-d{depth}{'-adam7' if interlaced else ''}.png", samples, color_type, depth, interlaced, palette)
# PNM, every variant, odd maxvals.
grey = imagegen.photo(rng, 800, 600, 1)
colour = imagegen.photo(rng, 800, 600, 3)
scale = lambda image, maxval: np.round(image.astype(np.float64) / 255 * maxval).astype(np.int64)
pnglib.write_pnm(path("pnm-p1-800x600.pbm"), "P1", 800, 600, 1, grey < 128)
pnglib.write_pnm(path("pnm-p4-800x600.pbm"), "P4", 800, 600, 1, grey < 128)
pnglib.write_pnm(path("pnm-p2-800x600-255.pgm"), "P2", 800, 600, 255, grey)
pnglib.write_pnm(path("pnm-p3-800x600-1023.ppm"), "P3", 800, 600, 1023, scale(colour, 1023))
pnglib.write_pnm(path("pnm-p5-800x600-255.pgm"), "P5", 800, 600, 255, grey)
pnglib.write_pnm(path("pnm-p5-800x600-63.pgm"), "P5", 800, 600, 63, scale(grey, 63))
pnglib.write_pnm(path("pnm-p6-800x600-255.ppm"), "P6", 800, 600, 255, colour)
pnglib.write_pnm(path("pnm-p6-800x600-4095.ppm"), "P6", 800, 600, 4095, scale(colour, 4095))
pnglib.write_pnm(path("pnm-p6-2480x3508-255.ppm"), "P6", 2480, 3508, 255, imagegen.scan(rng, 2480, 3508, 3))
# The memory target: 20000 × 20000 8-bit grey, generated and compressed row by row.
if not args.skip_huge:
    rows = imagegen.PhotoRows(rng, 20000, 20000, 1)
    pnglib.write_png(path("huge-20000x20000-grey.png"), 20000, 20000, 0, 8, rows.row, filter_for_row=lambda y: 1, level=3,
                     idat_size=1 << 16)
print(f"wrote {len(written)} images to {args.directory}")

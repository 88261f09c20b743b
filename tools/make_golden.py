"""Writes the dHash fixtures and goldens (see tools/make-golden). Every expected value comes from
Pillow 13.0.0 / ImageHash 4.3.2 run on the written file, except where the pipeline deliberately
differs (16-bit grey: high byte instead of Pillow's clip to white), which is marked."""
import json
import math
import os
import sys

import imagehash
import numpy as np
import PIL
from PIL import Image

import imagegen
import pnglib

assert PIL.__version__ == "13.0.0" and imagehash.__version__ == "4.3.2", "run through tools/make-golden"

OUT = sys.argv[1]
HASH_SIZES = [8, 16, 5]
rng = np.random.default_rng(20261127)


def hashes(image):
    return {str(n): str(imagehash.dhash(image, hash_size=n)) for n in HASH_SIZES}


def high_byte_image(image):
    """What the pipeline hashes for 16-bit grey: each value's high byte, as an 8-bit image."""
    values = np.asarray(image).astype(np.int64)
    return Image.fromarray((values >> 8).astype(np.uint8), "L")


def pillow_pixels(image):
    """Pillow's decoded samples in the layout the Swift decoder delivers (see PixelLayout)."""
    if image.mode == "1":
        return (np.asarray(image).astype(np.uint8) * 255).tobytes()
    if image.mode in ("I", "I;16", "I;16B"):
        return np.asarray(image).astype(">u2").tobytes()
    return np.asarray(image).astype(np.uint8).tobytes()


def record_image(path, kind, **extra):
    image = Image.open(path)
    entry = {"file": os.path.basename(path), "format": kind, "width": image.width, "height": image.height,
             "pillowMode": image.mode}
    sixteen_bit_grey = image.mode in ("I", "I;16", "I;16B")
    if sixteen_bit_grey:
        entry["hashes"] = hashes(high_byte_image(image))
        entry["pillowHashes"] = hashes(image)
        entry["deviation"] = "16-bit grey hashed by its high byte; Pillow clips it to white"
    else:
        entry["hashes"] = hashes(image)
    pixels = pillow_pixels(image)
    if kind == "pnm" and len(pixels) <= 2400:
        entry["pixels"] = pixels.hex()
    entry.update(extra)
    return entry


# --- PNM --------------------------------------------------------------------------------------

def pnm_fixtures():
    entries = []

    def grey(w, h):
        return imagegen.photo(rng, w, h, 1)

    def colour(w, h):
        return imagegen.photo(rng, w, h, 3)

    def scaled(image, maxval):
        return np.round(image.astype(np.float64) / 255 * maxval).astype(np.int64)

    specs = [
        ("p1-plain-23x17.pbm", "P1", 23, 17, 1, lambda w, h: (grey(w, h) < 128).astype(np.int64)),
        ("p4-37x29.pbm", "P4", 37, 29, 1, lambda w, h: (grey(w, h) < 128).astype(np.int64)),
        ("p2-plain-31x23-255.pgm", "P2", 31, 23, 255, grey),
        ("p2-plain-20x30-15.pgm", "P2", 20, 30, 15, lambda w, h: scaled(grey(w, h), 15)),
        ("p2-plain-24x18-1000.pgm", "P2", 24, 18, 1000, lambda w, h: scaled(grey(w, h), 1000)),
        ("p2-plain-16x12-1.pgm", "P2", 16, 12, 1, lambda w, h: scaled(grey(w, h), 1)),
        ("p3-plain-19x13-255.ppm", "P3", 19, 13, 255, colour),
        ("p3-plain-21x17-7.ppm", "P3", 21, 17, 7, lambda w, h: scaled(colour(w, h), 7)),
        ("p3-plain-18x14-4095.ppm", "P3", 18, 14, 4095, lambda w, h: scaled(colour(w, h), 4095)),
        ("p5-40x30-255.pgm", "P5", 40, 30, 255, grey),
        ("p5-30x40-100.pgm", "P5", 30, 40, 100, lambda w, h: scaled(grey(w, h), 100)),
        ("p5-24x16-15-overrange.pgm", "P5", 24, 16, 15, grey),
        ("p5-30x20-65535.pgm", "P5", 30, 20, 65535, lambda w, h: scaled(grey(w, h), 65535) + rng.integers(0, 200, (h, w, 1))),
        ("p5-26x22-300.pgm", "P5", 26, 22, 300, lambda w, h: scaled(grey(w, h), 300)),
        ("p5-9x8-255.pgm", "P5", 9, 8, 255, grey),
        ("p5-9x60-255.pgm", "P5", 9, 60, 255, grey),
        ("p5-60x8-255.pgm", "P5", 60, 8, 255, grey),
        ("p5-3x2-255.pgm", "P5", 3, 2, 255, grey),
        ("p5-20x200-255.pgm", "P5", 20, 200, 255, grey),
        ("p5-200x20-255.pgm", "P5", 200, 20, 255, grey),
        ("p6-36x27-255.ppm", "P6", 36, 27, 255, colour),
        ("p6-30x40-31.ppm", "P6", 30, 40, 31, lambda w, h: scaled(colour(w, h), 31)),
        ("p6-24x18-65535.ppm", "P6", 24, 18, 65535, lambda w, h: scaled(colour(w, h), 65535)),
        ("p6-25x25-1000.ppm", "P6", 25, 25, 1000, lambda w, h: scaled(colour(w, h), 1000)),
    ]
    for name, magic, w, h, maxval, make in specs:
        path = os.path.join(OUT, name)
        pnglib.write_pnm(path, magic, w, h, maxval, make(w, h), comment="mobius-dhash fixture")
        entries.append(record_image(path, "pnm"))
    # Pillow's comment handling: a comment inside a header token or a sample joins its halves.
    path = os.path.join(OUT, "p2-comments.pgm")
    samples = grey(12, 10).reshape(-1)
    text = "P2\n# leading comment\n1#split width\n2 10\r# CR-ended comment\r255\n"
    text += " ".join(str(v) for v in samples[:5]) + f" {samples[5] // 10}#split sample\n{samples[5] % 10} "
    text += "\n".join(str(v) for v in samples[6:]) + "\n# trailing comment"
    with open(path, "w") as out:
        out.write(text)
    entries.append(record_image(path, "pnm"))
    return entries


# --- PNG (decoded by the PNG branch; the lead enables these goldens) ----------------------------

def png_fixtures():
    entries = []
    w, h = 31, 23
    base = imagegen.photo(rng, w, h, 4)
    combos = [(0, d) for d in (1, 2, 4, 8, 16)] + [(2, 8), (2, 16)] + [(3, d) for d in (1, 2, 4, 8)] + [(4, 8), (4, 16), (6, 8), (6, 16)]
    for color_type, depth in combos:
        channels = pnglib.CHANNELS[color_type]
        if color_type == 3:
            entries_count = min(256, 1 << depth)
            palette = rng.integers(0, 256, (entries_count, 3))
            samples = (base[:, :, :1].astype(np.int64) * entries_count) // 256
        else:
            top = (1 << depth) - 1
            samples = base[:, :, :channels].astype(np.int64) * top // 255
            if depth == 16:
                samples = samples + rng.integers(-100, 100, samples.shape)
                samples = np.clip(samples, 0, 65535)
            palette = None
        for interlaced in (False, True):
            name = f"ct{color_type}-d{depth}{'-adam7' if interlaced else ''}.png"
            path = os.path.join(OUT, name)
            pnglib.write_png(path, w, h, color_type, depth, lambda y: samples[y], palette=palette, interlaced=interlaced)
            entries.append(record_image(path, "png", colorType=color_type, bitDepth=depth, interlaced=interlaced))
    extras = [
        ("ct3-d2-short-palette-trns.png", 3, 2, np.array([[255, 0, 0], [0, 90, 200], [240, 240, 240]]), b"\x00\x80"),
        ("ct0-d8-trns.png", 0, 8, None, b"\x00\x80"),
        ("ct2-d8-trns.png", 2, 8, None, b"\x00\x10\x00\x20\x00\x30"),
    ]
    for name, color_type, depth, palette, trns in extras:
        channels = pnglib.CHANNELS[color_type]
        if palette is not None:
            samples = (base[:, :, :1].astype(np.int64) * len(palette)) // 256
        else:
            samples = base[:, :, :channels].astype(np.int64)
        path = os.path.join(OUT, name)
        pnglib.write_png(path, w, h, color_type, depth, lambda y: samples[y], palette=palette, trns=trns)
        entries.append(record_image(path, "png", colorType=color_type, bitDepth=depth, interlaced=False))
    for (tw, th) in [(1, 1), (3, 2)]:
        name = f"ct2-d8-{tw}x{th}-adam7.png"
        path = os.path.join(OUT, name)
        tiny = base[:th, :tw, :3]
        pnglib.write_png(path, tw, th, 2, 8, lambda y: tiny[y], interlaced=True)
        entries.append(record_image(path, "png", colorType=2, bitDepth=8, interlaced=True))
    return entries


# --- Raw rows for layouts PNM cannot express --------------------------------------------------

def raw_fixtures():
    entries = []
    w, h = 29, 21
    photo = imagegen.photo(rng, w, h, 4)
    palette = rng.integers(0, 256, (200, 3)).astype(np.uint8)
    indices = (photo[:, :, 0].astype(np.int64) * 200 // 256).astype(np.uint8)
    cases = [
        ("palette", indices.tobytes(), Image.frombytes("P", (w, h), indices.tobytes())),
        ("grayAlpha", photo[:, :, :2].tobytes(), Image.frombytes("LA", (w, h), photo[:, :, :2].tobytes())),
        ("rgba", photo.tobytes(), Image.frombytes("RGBA", (w, h), photo.tobytes())),
        ("rgb", photo[:, :, :3].tobytes(), Image.frombytes("RGB", (w, h), photo[:, :, :3].tobytes())),
    ]
    cases[0][2].putpalette(palette.reshape(-1).tolist())
    for layout, data, image in cases:
        name = f"raw-{layout}-{w}x{h}.raw"
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(data)
        entry = {"file": name, "layout": layout, "width": w, "height": h, "hashes": hashes(image)}
        if layout == "palette":
            entry["palette"] = palette.tobytes().hex()
        entries.append(entry)
    sixteen = (photo[:, :, 0].astype(np.int64) * 257 + rng.integers(0, 256, (h, w))).clip(0, 65535)
    name = f"raw-gray16-{w}x{h}.raw"
    with open(os.path.join(OUT, name), "wb") as out:
        out.write(sixteen.astype(">u2").tobytes())
    image = Image.frombytes("I;16", (w, h), sixteen.astype("<u2").tobytes())
    entries.append({"file": name, "layout": "gray16", "width": w, "height": h,
                    "hashes": hashes(high_byte_image(image)), "pillowHashes": hashes(image),
                    "deviation": "16-bit grey hashed by its high byte; Pillow clips it to white"})
    return entries


# --- Resampling: Pillow's thumbnails and the coefficients behind them --------------------------

def lanczos(x):
    def sinc(v):
        if v == 0.0:
            return 1.0
        v = v * math.pi
        return math.sin(v) / v
    return sinc(x) * sinc(x / 3) if -3.0 <= x < 3.0 else 0.0


def reference_coefficients(in_size, out_size):
    """Resample.c's precompute_coeffs + normalize_coeffs_8bpc, transcribed for cross-checking."""
    scale = float(np.float32(in_size)) / out_size
    filter_scale = max(scale, 1.0)
    support = 3.0 * filter_scale
    starts, counts, weights = [], [], []
    for i in range(out_size):
        center = (i + 0.5) * scale
        start = max(int(center - support + 0.5), 0)
        end = min(int(center + support + 0.5), in_size)
        ws = [lanczos((x + start - center + 0.5) * (1.0 / filter_scale)) for x in range(end - start)]
        total = 0.0
        for v in ws:
            total += v
        ws = [v / total for v in ws] if total != 0.0 else ws
        weights.append([int(-0.5 + v * (1 << 22)) if v < 0 else int(0.5 + v * (1 << 22)) for v in ws])
        starts.append(start)
        counts.append(end - start)
    return starts, counts, weights


def reference_resize(pixels, out_w, out_h):
    """Pillow's two passes with the reference coefficients, in Pillow 13's order."""
    def one_pass(rows, out_size):
        starts, counts, weights = reference_coefficients(rows.shape[1], out_size)
        out = np.zeros((rows.shape[0], out_size), dtype=np.int64)
        for i in range(out_size):
            window = rows[:, starts[i]:starts[i] + counts[i]].astype(np.int64)
            sums = (1 << 21) + window @ np.array(weights[i], dtype=np.int64)
            out[:, i] = np.clip(sums >> 22, 0, 255)
        return out
    h, w = pixels.shape
    horizontal = lambda p: one_pass(p, out_w) if w != out_w else p
    vertical = lambda p: one_pass(p.T, out_h).T if h != out_h else p
    if w != out_w and h != out_h and h - out_h > 0 and h - out_h > 2 * (w - out_w):
        return horizontal(vertical(pixels))
    return vertical(horizontal(pixels))


def thumbnail_fixtures():
    entries = []
    sizes = [(1, 1, 8), (2, 3, 8), (9, 8, 8), (9, 40, 8), (40, 8, 8), (40, 180, 8), (180, 40, 8),
             (300, 17, 8), (17, 300, 8), (5, 100, 8), (100, 5, 8), (31, 23, 8), (40, 180, 16), (33, 40, 16)]
    for w, h, n in sizes:
        pixels = rng.integers(0, 256, (h, w)).astype(np.uint8)
        if w * h > 400:
            pixels = imagegen.photo(rng, w, h, 1)[:, :, 0]
        name = f"luma-{w}x{h}-n{n}.raw"
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(pixels.tobytes())
        thumbnail = np.asarray(Image.frombytes("L", (w, h), pixels.tobytes()).resize((n + 1, n), Image.LANCZOS))
        assert (reference_resize(pixels, n + 1, n) == thumbnail).all(), f"reference differs from Pillow at {w}x{h}"
        entries.append({"file": name, "width": w, "height": h, "size": n, "thumbnail": thumbnail.astype(np.uint8).tobytes().hex()})
    return entries


def coefficient_goldens():
    result = []
    for in_size, out_size in [(276, 9), (62, 8), (8, 8), (5, 9), (23, 17), (2, 16)]:
        starts, counts, weights = reference_coefficients(in_size, out_size)
        result.append({"input": in_size, "output": out_size, "starts": starts, "counts": counts, "weights": weights})
    return result


def luma_goldens():
    triples = np.concatenate([rng.integers(0, 256, (250, 3)), np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255], [1, 1, 1]])])
    image = Image.frombytes("RGB", (len(triples), 1), triples.astype(np.uint8).tobytes())
    luma = np.asarray(image.convert("L"))[0]
    return [[int(r), int(g), int(b), int(l)] for (r, g, b), l in zip(triples, luma)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    goldens = {
        "generator": "tools/make-golden with Pillow 13.0.0 and ImageHash 4.3.2",
        "pnm": pnm_fixtures(),
        "png": png_fixtures(),
        "raw": raw_fixtures(),
        "thumbnails": thumbnail_fixtures(),
        "coefficients": coefficient_goldens(),
        "luma": luma_goldens(),
    }
    with open(os.path.join(OUT, "goldens.json"), "w") as out:
        # One entry per line: compact, yet a re-recording shows which entries changed.
        sections = [f' "{key}": ' + (json.dumps(value) if not isinstance(value, list) else
                    "[\n" + ",\n".join("  " + json.dumps(item, separators=(",", ":")) for item in value) + "\n ]")
                    for key, value in goldens.items()]
        out.write("{\n" + ",\n".join(sections) + "\n}\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {OUT}")


main()

"""Writes the PNG decoder's test fixtures; run through tools/make-png-fixtures.

For each fixture NAME it writes NAME.png and NAME.bin, the frame Pillow decodes from it in the
decoder's row layout (Sources/Imaging/DecodedRows.swift): one byte per pixel for 1/2/4/8-bit grey
(scaled to 0..255) and palette indices, the high byte of each 16-bit colour sample, two
big-endian bytes for 16-bit grey. Rows top to bottom, no padding. manifest.json lists the
fixtures with their header fields. The pixel samples are computed here too and must agree with
Pillow's decoding, so the expectations do not rest on either alone.
"""

import json
import random
import struct
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import pnglib

DEPTHS = {0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]}
LETTER = {0: "g", 2: "c", 3: "p", 4: "a", 6: "a"}


def encode(path, width, height, color_type, depth, pixel, interlaced, palette=None, trns=None,
           idat_size=8192, before=(), after=()):
    """Writes the PNG with tools/pnglib.py; row n of each pass uses filter type n mod 5."""
    rows = lambda y: np.array([pixel(x, y) for x in range(width)], dtype=np.int64)
    pnglib.write_png(path, width, height, color_type, depth, rows, palette=palette, trns=trns,
                     interlaced=interlaced, idat_size=idat_size, level=9, chunks_before=before, chunks_after=after)


def expected_bytes(width, height, color_type, depth, pixel):
    """The frame in the decoder's layout, computed from the samples."""
    out = bytearray()
    scale = {1: 255, 2: 85, 4: 17}.get(depth, 1)
    for y in range(height):
        for x in range(width):
            samples = pixel(x, y)
            if color_type == 3:
                out += bytes(samples)
            elif color_type == 0 and depth == 16:
                out += struct.pack(">H", samples[0])
            elif depth == 16:
                out += bytes(s >> 8 for s in samples)
            else:
                out += bytes(s * scale for s in samples)
    return bytes(out)


def pillow_bytes(path, color_type, depth):
    """The frame as Pillow decodes it, in the decoder's layout."""
    with Image.open(path) as im:
        im.load()
        if im.mode == "1":
            return im.convert("L").tobytes()
        if color_type == 0 and depth == 16:
            values = im.getdata() if im.mode == "I" else im.tobytes("raw", "I;16")
            if im.mode == "I":
                return b"".join(struct.pack(">H", v) for v in values)
            return im.tobytes("raw", "I;16B")
        if color_type == 4 and im.mode == "RGBA":
            # Pillow opens 16-bit grey + alpha as RGBA with R = G = B, whose luma is that grey.
            rgba = im.tobytes()
            assert all(rgba[i] == rgba[i + 1] == rgba[i + 2] for i in range(0, len(rgba), 4))
            return bytes(b for i in range(0, len(rgba), 4) for b in (rgba[i], rgba[i + 3]))
        return im.tobytes()


def sample_pixel(width, height, color_type, depth, seed):
    """Smooth gradients plus noise: compresses a little, exercises every filter."""
    rng = random.Random(seed)
    top = (1 << depth) - 1
    channels = pnglib.CHANNELS[color_type]
    noise = {(x, y, c): rng.randrange(top + 1) for x in range(width) for y in range(height) for c in range(channels)}

    def pixel(x, y):
        values = []
        for c in range(channels):
            smooth = (x * 37 + y * 53 + c * 101) * (top + 1) // (width * 37 + height * 53 + 300)
            values.append(noise[x, y, c] if (x + 2 * y + c) % 3 == 0 else smooth % (top + 1))
        if color_type == 3:
            values = [v % palette_size(depth) for v in values]
        return tuple(values)

    return pixel


def palette_size(depth):
    # Fewer entries than the depth allows, so out-of-range indices are possible and tested.
    return min(1 << depth, 200) if depth == 8 else (1 << depth) - 1 if depth > 1 else 2


def write(out, manifest, name, encoder, width, height, color_type, depth, interlaced, expected, palette=None):
    path = out / f"{name}.png"
    encoder(path)
    decoded = pillow_bytes(path, color_type, depth)
    if decoded != expected:
        sys.exit(f"{name}: Pillow decodes other pixels than the encoder wrote")
    (out / f"{name}.bin").write_bytes(expected)
    manifest.append({
        "name": name, "width": width, "height": height, "colorType": color_type, "bitDepth": depth,
        "interlaced": interlaced, "palette": [c for entry in palette for c in entry] if palette else None,
    })


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        old.unlink()
    manifest = []
    width, height = 13, 11  # odd sizes: partial bytes at low depths, every Adam7 pass partial
    seed = 0
    for color_type, depths in DEPTHS.items():
        for depth in depths:
            for interlaced in (False, True):
                seed += 1
                pixel = sample_pixel(width, height, color_type, depth, seed)
                palette, trns = None, None
                if color_type == 3:
                    rng = random.Random(seed)
                    palette = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(palette_size(depth))]
                    trns = bytes(range(0, 256, 37))[:len(palette)]
                elif color_type == 0 and depth < 16:
                    trns = struct.pack(">H", (1 << depth) - 1)
                elif color_type == 2:
                    trns = struct.pack(">HHH", 1, 2, 3)
                name = f"bas{'i' if interlaced else 'n'}{color_type}{LETTER[color_type]}{depth:02d}"
                png = lambda path: encode(path, width, height, color_type, depth, pixel, interlaced, palette, trns)
                write(out, manifest, name, png, width, height, color_type, depth, interlaced,
                      expected_bytes(width, height, color_type, depth, pixel), palette)

    # Many IDATs (3 bytes each) and ancillary chunks on both sides of them, including a private
    # one; the decoder must skip them after checking their CRCs.
    pixel = sample_pixel(width, height, 6, 8, 100)
    for interlaced in (False, True):
        png = lambda path: encode(path, width, height, 6, 8, pixel, interlaced, idat_size=3,
                     before=[(b"gAMA", struct.pack(">I", 45455)), (b"tEXt", b"Comment\0fixture"), (b"prIv", b"\0" * 40)],
                     after=[(b"tEXt", b"After\0the image data"), (b"zzZz", b"")])
        write(out, manifest, f"chunks-{'i' if interlaced else 'n'}", png, width, height, 6, 8, interlaced,
              expected_bytes(width, height, 6, 8, pixel))

    # Tiny images: a single pixel, a single row, a single column (Adam7 leaves most passes empty).
    for w, h in ((1, 1), (5, 1), (1, 6)):
        for interlaced in (False, True):
            pixel = sample_pixel(w, h, 2, 8, 200 + w * 10 + h)
            png = lambda path: encode(path, w, h, 2, 8, pixel, interlaced)
            write(out, manifest, f"tiny{w}x{h}-{'i' if interlaced else 'n'}", png, w, h, 2, 8, interlaced,
                  expected_bytes(w, h, 2, 8, pixel))

    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in out.glob("*"))
    print(f"wrote {len(manifest)} fixtures, {total} bytes, to {out}")


if __name__ == "__main__":
    main()

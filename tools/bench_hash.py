"""Benchmarks `mobius-dhash hash` against ImageHash 4.3.2 + Pillow 13 on the same files, in the
same run (see tools/bench-hash)."""
import argparse
import os
import struct
import subprocess
import sys
import time
import zlib

parser = argparse.ArgumentParser()
parser.add_argument("directory")
parser.add_argument("--binary", required=True)
parser.add_argument("--per-file-rss", action="store_true", help="also measure each file's peak RSS alone (memory targets)")
args = parser.parse_args()

# mobius-dhash with its pixel limit raised for the 400-megapixel file (Pillow's is lifted below).
OURS = [args.binary, "hash", "--max-pixels", str(1 << 31)]
EXTENSIONS = (".png", ".pgm", ".ppm", ".pbm", ".pnm")
files = sorted(os.path.join(args.directory, name) for name in os.listdir(args.directory) if name.lower().endswith(EXTENSIONS))
if not files:
    sys.exit(f"no PNG or PNM files in {args.directory}")

PILLOW = r"""
import sys, imagehash
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
for path in sys.argv[1:]:
    try:
        with Image.open(path) as image:
            print(f"{imagehash.dhash(image)}  {path}  {image.mode}", flush=True)
    except Exception as error:
        print(f"ERROR  {path}  {error}", flush=True)
"""

DIMENSIONS = r"""
import sys
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
for path in sys.argv[1:]:
    with Image.open(path) as image:
        print(image.width * image.height)
"""


def run_measured(command):
    """Runs `command`; returns its stdout and stderr lines, seconds, and its own peak RSS in MiB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = process.stdout.read()
    err = process.stderr.read()
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    return out.splitlines(), err.splitlines(), elapsed, usage.ru_maxrss / 1024


def inflate_seconds(paths):
    """zlib inflate of every PNG's IDAT stream, alone: the floor any PNG decoder sits on."""
    total = 0.0
    for path in paths:
        if not path.endswith(".png"):
            continue
        with open(path, "rb") as handle:
            data = handle.read()
        position, chunks = 8, []
        while position < len(data):
            length, kind = struct.unpack(">I4s", data[position:position + 8])
            if kind == b"IDAT":
                chunks.append(data[position + 8:position + 8 + length])
            position += 12 + length
        stream = b"".join(chunks)
        start = time.perf_counter()
        inflater = zlib.decompressobj()
        for offset in range(0, len(stream), 1 << 18):
            inflater.decompress(stream[offset:offset + (1 << 18)], 1 << 20)
            while inflater.unconsumed_tail:
                inflater.decompress(inflater.unconsumed_tail, 1 << 20)
        total += time.perf_counter() - start
    return total


print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())} ({os.cpu_count()} cores)")


def table(label, subset):
    """Times both tools (mobius-dhash with 1 and 2 workers) on `subset`; prints one table; returns
    the outputs of the 1-worker and Pillow runs."""
    megabytes = sum(os.path.getsize(path) for path in subset) / 1e6
    megapixels = sum(dimensions[path] for path in subset) / 1e6
    ours_out, ours_err, ours_seconds, ours_rss = run_measured([*OURS, "--workers", "1", *subset])
    _, _, two_seconds, two_rss = run_measured([*OURS, "--workers", "2", *subset])
    pillow_out, _, pillow_seconds, pillow_rss = run_measured([sys.executable, "-c", PILLOW, *subset])
    print(f"\n{label}: {len(subset)} images, {megabytes:.1f} MB, {megapixels:.1f} Mpixel")
    print(f"{'':28}{'images/s':>10}{'MB/s':>10}{'Mpixel/s':>10}{'seconds':>10}{'peak RSS':>12}")
    for name, seconds, rss in [("mobius-dhash (1 worker)", ours_seconds, ours_rss), ("mobius-dhash (2 workers)", two_seconds, two_rss),
                               ("ImageHash 4.3.2 + Pillow 13", pillow_seconds, pillow_rss)]:
        print(f"{name:28}{len(subset) / seconds:10.1f}{megabytes / seconds:10.1f}{megapixels / seconds:10.1f}{seconds:10.2f}{rss:9.1f} MiB")
    print(f"speed-up over ImageHash (1 worker): {pillow_seconds / ours_seconds:.2f}x; 2 workers vs 1: {ours_seconds / two_seconds:.2f}x")
    return ours_out, ours_err, pillow_out


dimensions = dict(zip(files, (int(line) for line in subprocess.run(
    [sys.executable, "-c", DIMENSIONS, *files], capture_output=True, text=True, check=True).stdout.split())))
ours_out, ours_err, pillow_out = table(f"whole corpus {args.directory}", files)
huge = [path for path in files if dimensions[path] > 100_000_000]
if huge:
    table(f"without the {len(huge)} image(s) above 100 Mpixel (one file cannot be split between workers)",
          [path for path in files if path not in huge])

ours = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in ours_out}
failed = {line for line in ours_err}
pillow, modes = {}, {}
for line in pillow_out:
    hash_, path, mode = line.split("  ", 2)
    pillow[path], modes[path] = hash_, mode
differ = [path for path in files if ours.get(path) != pillow.get(path) and modes.get(path) not in ("I;16", "I;16B", "I")]
deviations = [path for path in files if modes.get(path) in ("I;16", "I;16B", "I")]
print()
if failed:
    print(f"WARNING: mobius-dhash refused {len(failed)} of {len(files)} files (listed below); its figures above are not comparable")
print(f"hashes differing from ImageHash on 8-bit-per-sample images: {len(differ)}")
for path in differ:
    print(f"  {path}: mobius-dhash {ours.get(path, 'failed')}, ImageHash {pillow.get(path, 'failed')}")
if deviations:
    print(f"16-bit grey images (deliberately scaled to 8 bits; Pillow clips them to white): {len(deviations)}")
for line in sorted(failed):
    print(f"  mobius-dhash refused: {line}")
if args.per_file_rss:
    # Memory targets: < 64 MiB for the 20000 × 20000 grey PNG and the 2480 × 3508 RGBA page,
    # < 32 MiB for typical images (every other file). Each file is hashed alone, before
    # inflate_seconds makes this process large (a forked child starts with its parent's RSS).
    alone = {}
    for path in files:
        _, _, seconds, rss = run_measured([*OURS, "--workers", "1", path])
        alone[path] = (rss, seconds)
    print("peak RSS hashing one file alone (mobius-dhash, 1 worker):")
    targets = [path for path in files if "huge-20000x20000" in path or "2480x3508-rgba" in path]
    for path in targets:
        rss, seconds = alone[path]
        print(f"  {os.path.basename(path)}: {rss:.1f} MiB, {seconds:.2f} s (target < 64 MiB)")
    typical = [path for path in files if path not in targets]
    if typical:
        worst = max(typical, key=lambda path: alone[path][0])
        print(f"  largest of the other {len(typical)} files: {alone[worst][0]:.1f} MiB ({os.path.basename(worst)}; target < 32 MiB)")
pngs = [path for path in files if path.endswith(".png")]
if pngs:
    # Same files on both sides: the PNGs alone, hashed by one worker.
    _, _, png_seconds, _ = run_measured([*OURS, "--workers", "1", *pngs])
    inflate = inflate_seconds(pngs)
    print(f"zlib inflate alone of the {len(pngs)} PNGs' IDAT: {inflate:.2f} s; mobius-dhash (1 worker) on the same PNGs: "
          f"{png_seconds:.2f} s = {png_seconds / inflate:.2f}x inflate-only time")
print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")

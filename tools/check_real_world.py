"""Compares `mobius-dhash hash` with ImageHash 4.3.2 + Pillow 13 on the PNG and PNM files found on
this machine (see tools/check-real-world).

Categories, each file in exactly one:
- identical: both hashed it, same hex;
- differ: both hashed it, different hex, on an image with 8 bits or fewer per sample (a bug);
- 16-bit grey: both hashed it differently because Pillow clips 16-bit grey to white and
  mobius-dhash scales it (the documented, deliberate difference);
- refused by mobius-dhash only, by Pillow only, by both;
- not PNG/PNM: a file named like one that Pillow opens as another format (JPEG, GIF…), which
  mobius-dhash rightly refuses.
"""
import argparse
import json
import os
import subprocess
import sys

import imagehash
from PIL import Image

EXTENSIONS = (".png", ".pgm", ".ppm", ".pbm", ".pnm")
DEFAULT_ROOTS = ["/usr/share", "/usr/lib", "/opt"]
# Large enough for any real file found here; both sides get the same bound.
MAX_PIXELS = 1 << 31

parser = argparse.ArgumentParser()
parser.add_argument("roots", nargs="*", default=DEFAULT_ROOTS)
parser.add_argument("--binary", required=True)
args = parser.parse_args()


def find_images(roots):
    """Every regular file under `roots` named like a PNG or PNM, sorted, symlinks not followed."""
    found = set()
    for root in roots:
        for directory, _, names in os.walk(root, onerror=lambda error: None):
            for name in names:
                path = os.path.join(directory, name)
                if name.lower().endswith(EXTENSIONS) and os.path.isfile(path) and not os.path.islink(path):
                    found.add(path)
    return sorted(found)


def hash_with_mobius(paths):
    """{path: hex} and {path: error line} from `mobius-dhash hash --json`, in batches of 500."""
    hashes, errors = {}, {}
    for start in range(0, len(paths), 500):
        batch = paths[start:start + 500]
        result = subprocess.run([args.binary, "hash", "--json", "--max-pixels", str(MAX_PIXELS), *batch],
                                capture_output=True, text=True)
        for line in result.stdout.splitlines():
            record = json.loads(line)
            hashes[record["file"]] = record["hash"]
        for line in result.stderr.splitlines():
            reason = line.removeprefix("mobius-dhash hash: ")
            # The line is "<path>: <reason>"; paths may hold ": ", so match against the batch.
            path = next((p for p in batch if reason.startswith(p + ": ")), None)
            if path is None:
                sys.exit(f"cannot attribute error line to a file: {line}")
            errors[path] = reason[len(path) + 2:]
    return hashes, errors


def hash_with_pillow(path):
    """(hex, mode, format) or (None, error, format)."""
    try:
        with Image.open(path) as image:
            return str(imagehash.dhash(image)), image.mode, image.format
    except Exception as error:  # Pillow raises many types; every one is a refusal here.
        return None, f"{type(error).__name__}: {error}", None


Image.MAX_IMAGE_PIXELS = MAX_PIXELS
paths = find_images(args.roots)
ours, our_errors = hash_with_mobius(paths)
categories = {name: [] for name in ["identical", "differ", "16-bit grey", "refused by mobius-dhash only",
                                    "refused by Pillow only", "refused by both", "not PNG/PNM"]}
for path in paths:
    theirs, detail, image_format = hash_with_pillow(path)
    mine = ours.get(path)
    if mine is not None and theirs is not None:
        if mine == theirs:
            categories["identical"].append((path, ""))
        elif detail in ("I;16", "I;16B", "I"):
            categories["16-bit grey"].append((path, f"mobius-dhash {mine}, ImageHash {theirs}"))
        else:
            categories["differ"].append((path, f"mobius-dhash {mine}, ImageHash {theirs} (Pillow mode {detail})"))
    elif mine is None and theirs is not None:
        if image_format not in ("PNG", "PPM"):
            categories["not PNG/PNM"].append((path, f"Pillow reads it as {image_format}"))
        else:
            categories["refused by mobius-dhash only"].append((path, our_errors.get(path, "no output")))
    elif mine is not None:
        categories["refused by Pillow only"].append((path, detail))
    else:
        categories["refused by both"].append((path, f"mobius-dhash: {our_errors.get(path)}; Pillow: {detail}"))

print(f"files named .png/.pgm/.ppm/.pbm/.pnm under {' '.join(args.roots)}: {len(paths)}")
for name, entries in categories.items():
    print(f"{name}: {len(entries)}")
for name, entries in categories.items():
    if name == "identical" or not entries:
        continue
    print(f"\n{name}:")
    for path, detail in entries:
        print(f"  {path}: {detail}")
sys.exit(1 if categories["differ"] else 0)

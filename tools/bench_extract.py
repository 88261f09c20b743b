"""tools/bench-extract: extraction through the engine (decode, hash, match against a library,
journal append) against plain hashing, on the same files, in one run.

Builds a data folder holding a library of --library synthetic images (library.image.added events
with seeded random hashes, appended through `append --stdin`, then a snapshot, so the engine opens
from the snapshot), then times, interleaved round by round, the whole process of
    mobius-dhash hash --workers 2 FILES…
    mobius-dhash extract --workers 2 --data DIR FILES…
and prints images/s of each (median of the rounds), the ratio and the machine's load. Each
command's start-up counts: `extract` opens the engine (loads the library snapshot), so with few
files that fixed cost weighs; --repeat N names each file N times. Every `extract` run starts
from the same data folder, restored (untimed) from a copy made once the library was built, so
each round measures the same work: an open from the snapshot with no journal tail to replay
(without the restore, each run would replay the extractions of every run before it). --marginal M also times both commands on M times as many files, in the same rounds, and
reports the per-image rate between the two sizes, (M - 1) * files / (seconds(M) - seconds(1)):
what each further image costs once the process's fixed costs are paid."""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("directory", help="folder of PNG/PNM files (tools/make-corpus makes one)")
parser.add_argument("--binary", required=True)
parser.add_argument("--library", type=int, default=100_000, help="library images (default 100,000)")
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--durability", default="always", choices=["always", "batch", "none"])
parser.add_argument("--repeat", type=int, default=1, help="name each file this many times, so per-image costs outweigh a process's start-up")
parser.add_argument("--marginal", type=int, default=0, help="also time M times the files and report the per-image rate between the two sizes")
args = parser.parse_args()

files = sorted(os.path.join(args.directory, name) for name in os.listdir(args.directory)
               if name.lower().endswith((".png", ".pgm", ".ppm", ".pbm", ".pnm")))
files = [f for f in files if os.path.getsize(f) < 64 << 20]
if not files:
    sys.exit(f"bench-extract: no PNG/PNM files under 64 MiB in {args.directory}; run tools/make-corpus DIR first")
files = files * args.repeat

def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

with tempfile.TemporaryDirectory(prefix="mobius-bench-extract-") as scratch:
    data, pristine = os.path.join(scratch, "data"), os.path.join(scratch, "library")
    os.mkdir(data)
    rng = random.Random(7)
    lines = []
    for index in range(args.library):
        data_fields = {"imageId": f"lib-{index}", "source": f"synthetic/{index}.png", "sha256": "%064x" % rng.getrandbits(256),
                       "hash": "%016x" % rng.getrandbits(64), "width": 64, "height": 64, "byteSize": 1000, "format": "png"}
        lines.append(json.dumps({"type": "library.image.added", "data": data_fields}))
    started = time.perf_counter()
    subprocess.run([args.binary, "append", "--stdin", "--durability", "none", "--data", data], input="\n".join(lines) + "\n",
                   text=True, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([args.binary, "snapshot", "create", "--data", data], check=True, stdout=subprocess.DEVNULL)
    print(f"library: {args.library:,} images appended and snapshotted in {time.perf_counter() - started:.1f} s")
    shutil.copytree(data, pristine)

    def commands(names):
        return {
            "hash --workers 2": [args.binary, "hash", "--workers", "2"] + names,
            "extract --workers 2": [args.binary, "extract", "--workers", "2", "--durability", args.durability, "--data", data] + names,
        }
    sizes = {1: commands(files)}
    if args.marginal > 1:
        sizes[args.marginal] = commands(files * args.marginal)
    seconds = {(size, name): [] for size, named in sizes.items() for name in named}
    before = load()
    for _ in range(args.rounds):
        for size, named in sizes.items():
            for name, command in named.items():
                if data in command:
                    shutil.rmtree(data)
                    shutil.copytree(pristine, data)
                    os.sync()  # or the run's first fdatasync would write the copied segment out
                started = time.perf_counter()
                result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                seconds[(size, name)].append(time.perf_counter() - started)
                if result.returncode not in (0, 2):
                    sys.exit(f"bench-extract: {name} exited {result.returncode}")
    after = load()
    print(f"{len(files)} files, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB, {args.rounds} rounds interleaved, "
          f"durability {args.durability}; load {before} → {after}")
    rates = {}
    for name in sizes[1]:
        values = seconds[(1, name)]
        median = statistics.median(values)
        rates[name] = len(files) / median
        print(f"  {name:<22} median {median:7.3f} s (min {min(values):.3f}, max {max(values):.3f})  {rates[name]:9.1f} images/s")
    ratio = rates["extract --workers 2"] / rates["hash --workers 2"]
    print(f"  extract / hash: {ratio:.2f}×  (target ≥ 0.9)")
    if args.marginal > 1:
        more = (args.marginal - 1) * len(files)
        print(f"per image between {len(files)} and {args.marginal * len(files)} files (medians):")
        marginal = {}
        for name in sizes[1]:
            extra = statistics.median(seconds[(args.marginal, name)]) - statistics.median(seconds[(1, name)])
            marginal[name] = more / extra
            print(f"  {name:<22} {extra * 1000 / more:7.3f} ms per image  {marginal[name]:9.1f} images/s")
        print(f"  extract / hash: {marginal['extract --workers 2'] / marginal['hash --workers 2']:.2f}×")

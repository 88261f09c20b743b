"""tools/bench-time-travel: `replay --seq N` at random points of a journal with automatic-style
snapshots, whole process, against `replay` at the head.

Each point is timed as `replay --seq N` (the summary: every projection rebuilt at N, printed as
one JSON line); `replay --projection library` at the head is timed once too, since printing a
million images' JSON is itself about a second.

Builds a scratch data folder: --events events in chunks of --interval (10% library.image.added
with seeded random hashes, the rest log.record), a `snapshot create` after each chunk (what the
engine does every 100,000 folded events), then times `replay --seq N` for --points
random N, and `replay` (and `replay --projection library`) at the head. Prints each time and the median."""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", required=True)
parser.add_argument("--events", type=int, default=1_000_000)
parser.add_argument("--interval", type=int, default=100_000)
parser.add_argument("--points", type=int, default=7)
args = parser.parse_args()

def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

rng = random.Random(11)
with tempfile.TemporaryDirectory(prefix="mobius-time-travel-") as data:
    started = time.perf_counter()
    written = 0
    while written < args.events:
        lines = []
        for index in range(written, min(written + args.interval, args.events)):
            if index % 10 == 0:
                fields = {"imageId": f"lib-{index}", "source": f"s/{index}.png", "sha256": "%064x" % rng.getrandbits(256),
                          "hash": "%016x" % rng.getrandbits(64), "width": 64, "height": 64, "byteSize": 1000, "format": "png"}
                lines.append(json.dumps({"type": "library.image.added", "data": fields}))
            else:
                lines.append(json.dumps({"type": "log.record", "data": {"level": "info", "message": f"event {index}", "category": "bench"}}))
        subprocess.run([args.binary, "append", "--stdin", "--durability", "none", "--data", data], input="\n".join(lines) + "\n",
                       text=True, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.binary, "snapshot", "create", "--data", data], check=True, stdout=subprocess.DEVNULL)
        written += len(lines)
    print(f"journal: {written:,} events ({written // 10:,} library images), a snapshot every {args.interval:,}; built in {time.perf_counter() - started:.1f} s")
    before = load()
    times = []
    for seq in sorted(rng.randrange(1, written + 1) for _ in range(args.points)):
        t = time.perf_counter()
        subprocess.run([args.binary, "replay", "--seq", str(seq), "--data", data], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        print(f"  replay --seq {seq:>9,}: {times[-1] * 1000:7.0f} ms")
    for extra in ([], ["--projection", "library"]):
        t = time.perf_counter()
        subprocess.run([args.binary, "replay", *extra, "--data", data], check=True, stdout=subprocess.DEVNULL)
        print(f"  replay {' '.join(extra) + ' ' if extra else ''}at the head: {(time.perf_counter() - t) * 1000:7.0f} ms")
    kept = subprocess.run([args.binary, "snapshot", "list", "--data", data], check=True, capture_output=True, text=True).stdout.splitlines()
    print(f"  snapshots kept: {len(kept)}, {sum(os.path.getsize(os.path.join(data, 'snapshots', n)) for n in os.listdir(os.path.join(data, 'snapshots'))) / 1e9:.2f} GB")
    print(f"median replay --seq: {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (target < 1000 ms); load {before} → {load()}")

#!/usr/bin/env python3
"""The SQLite peer for `mobius-dhash bench journal`: the same events, WAL, synchronous=FULL.

Reads the realistic event stream (JSON Lines, as `mobius-dhash bench journal --emit-stream N`
writes it) and inserts it two ways: one transaction per event, and 1,000 events per transaction.
Prints one JSON object with the rates and latencies, so tools/bench-journal can print ratios.
"""
import json
import os
import sqlite3
import sys
import tempfile
import time


def open_db(folder):
    path = os.path.join(folder, "peer.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events(seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL)")
    return db


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: sqlite_journal_bench.py STREAM.jsonl FOLDER SINGLE_COUNT")
    stream_path, folder, single_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    events = []
    with open(stream_path) as stream:
        for line in stream:
            event = json.loads(line)
            events.append((event["type"], json.dumps(event["data"], separators=(",", ":"))))
    work = tempfile.mkdtemp(prefix="sqlite-peer-", dir=folder)

    def now_iso():
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000Z"

    db = open_db(work)
    latencies = []
    started = time.perf_counter()
    for kind, data in events[:single_count]:
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO events(ts, type, data) VALUES (?, ?, ?)", (now_iso(), kind, data))
        db.execute("COMMIT")
        latencies.append(time.perf_counter() - t0)
    single_seconds = time.perf_counter() - started
    db.close()
    latencies.sort()

    db = open_db(work)
    started = time.perf_counter()
    for first in range(0, len(events), 1000):
        db.execute("BEGIN")
        stamp = now_iso()
        db.executemany("INSERT INTO events(ts, type, data) VALUES (?, ?, ?)",
                       [(stamp, kind, data) for kind, data in events[first:first + 1000]])
        db.execute("COMMIT")
    batch_seconds = time.perf_counter() - started
    db.close()
    size = sum(os.path.getsize(os.path.join(work, name)) for name in os.listdir(work))
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    os.rmdir(work)

    print(json.dumps({
        "sqlite_version": sqlite3.sqlite_version,
        "single_events_per_second": single_count / single_seconds,
        "single_p50_ms": percentile(latencies, 0.50) * 1000,
        "single_p99_ms": percentile(latencies, 0.99) * 1000,
        "batch1000_events_per_second": len(events) / batch_seconds,
        "batch_events": len(events),
        "single_events": single_count,
        "database_bytes_after_batches": size,
    }))


if __name__ == "__main__":
    main()

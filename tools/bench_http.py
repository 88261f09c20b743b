"""Runs the HTTP benchmark (see tools/bench-http). Standard library only."""
import argparse
import asyncio
import glob
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--binary", required=True, help="mobius-dhash (release)")
parser.add_argument("--hummingbird", required=True, help="the Hummingbird peer's binary")
parser.add_argument("--nginx", default="nginx")
parser.add_argument("--images", required=True, help="a folder of PNGs (tools/make-corpus output or fixtures)")
parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
parser.add_argument("--rounds", type=int, default=1, help="health rounds (servers interleaved; medians reported)")
parser.add_argument("--only", default="health,extract,connections,slowloris")
parser.add_argument("--markdown", help="also write the tables to this file")
parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs, configs)")
args = parser.parse_args()
stages = set(args.only.split(","))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
output_lines = []


def emit(line=""):
    print(line, flush=True)
    output_lines.append(line)


def log(message):
    print(f"bench-http: {message}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench-http: a server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench-http: nothing listens on port {port} after {seconds} s")


def get(port, path, method="GET", body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def status_field(path, pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB → MiB
    except OSError:
        pass
    return float("nan")


def process_cpu_seconds(pid):
    """utime + stime of `pid` and of the processes under it (nginx's workers), in seconds."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                total += sum(process_cpu_seconds(int(child)) for child in f.read().split())
    except OSError:
        pass
    return total


def stop(process, sig=signal.SIGTERM, seconds=15):
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# MARK: wrk

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def duration_ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * UNITS[match.group(2)]


def wrk(url, threads, connections, seconds, script=None, timeout="5s"):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", f"--timeout={timeout}"]
    if script:
        command += ["-s", script]
    command.append(url)
    before = loadavg()
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = loadavg()
    result = {"load": f"{before} → {after}", "raw": text, "errors": 0, "non2xx": 0}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    for percent in ("50", "99"):
        result["p" + percent] = duration_ms(re.search(rf"^\s+{percent}(?:\.000)?%\s+(\S+)", text, re.M).group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        result["errors"] = sum(int(n) for n in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        result["non2xx"] = int(non2xx.group(1))
    return result


def fmt_ms(value):
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def verdict(ok):
    return "met" if ok else "**missed**"


# MARK: servers

work = tempfile.mkdtemp(prefix="mobius-bench-http-")
os.chmod(work, 0o755)  # nginx's workers run as nobody when started by root
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it: 1,000+ sockets on both ends
processes = []


def start_mobius(name):
    data = os.path.join(work, name)
    os.makedirs(data)
    log_file = open(os.path.join(work, f"{name}.log"), "w")
    process = subprocess.Popen([args.binary, "serve", "--data", data, "--port", "0", "--image-root", args.images],
                               stdout=subprocess.PIPE, stderr=log_file, text=True)
    processes.append(process)
    line = process.stdout.readline()
    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        raise SystemExit(f"bench-http: serve printed {line!r}; see {work}/{name}.log")
    port = int(match.group(1))
    wait_for_port(port, process)
    return process, port


def start_nginx(body):
    root = os.path.join(work, "nginx")
    os.makedirs(os.path.join(root, "www"))
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(root, folder))
    with open(os.path.join(root, "www", "health.json"), "wb") as f:
        f.write(body)
    for path in (root, os.path.join(root, "www")):
        os.chmod(path, 0o755)
    port = free_port()
    config = os.path.join(root, "nginx.conf")
    with open(config, "w") as f:
        f.write(f"""daemon off;
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location = /health {{
            default_type "application/json; charset=utf-8";
            try_files /health.json =404;
        }}
    }}
}}
""")
    process = subprocess.Popen([args.nginx, "-p", root, "-c", config, "-e", f"{root}/error.log"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(root, "stderr.log"), "w"))
    processes.append(process)
    wait_for_port(port, process)
    return process, port


def start_hummingbird(body_file):
    port = free_port()
    process = subprocess.Popen([args.hummingbird, body_file, str(port)], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, "hummingbird.log"), "w"))
    processes.append(process)
    wait_for_port(port, process)
    return process, port


def cleanup():
    for process in processes:
        stop(process, signal.SIGQUIT if process.args[0] == args.nginx else signal.SIGTERM)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        log(f"kept {work}")


# MARK: stages

def health_stage(mobius_port, mobius_pid):
    status, _, body = get(mobius_port, "/health")
    if status != 200:
        raise SystemExit(f"bench-http: GET /health answered {status}: {body[:200]!r}")
    body_file = os.path.join(work, "health.json")
    with open(body_file, "wb") as f:
        f.write(body)
    nginx, nginx_port = start_nginx(body)
    hummingbird, hummingbird_port = start_hummingbird(body_file)
    targets = {"mobius-dhash": mobius_port, "nginx": nginx_port, "Hummingbird 2": hummingbird_port}
    pids = {"mobius-dhash": mobius_pid, "nginx": nginx.pid, "Hummingbird 2": hummingbird.pid}
    for name, port in targets.items():
        status, _, answer = get(port, "/health")
        if status != 200 or len(answer) != len(body):
            raise SystemExit(f"bench-http: {name} GET /health answered {status} with {len(answer)} bytes, not {len(body)}")
    runs = {name: [] for name in targets}
    names = list(targets)
    for round_index in range(args.rounds):
        order = names[round_index % 3:] + names[:round_index % 3]
        for name in order:
            log(f"health round {round_index + 1}/{args.rounds}: {name}")
            cpu_before = process_cpu_seconds(pids[name])
            run = wrk(f"http://127.0.0.1:{targets[name]}/health", 2, 64, args.duration)
            run["cpu_us"] = 1e6 * (process_cpu_seconds(pids[name]) - cpu_before) / max(1, run["requests"])
            runs[name].append(run)
    stop(nginx, signal.SIGQUIT)
    stop(hummingbird)

    def median(name, key):
        return statistics.median(run[key] for run in runs[name])

    emit(f"GET /health, keep-alive, `wrk -t2 -c64 -d{args.duration}s --latency`, body {len(body)} bytes"
         + (f", median of {args.rounds} interleaved rounds" if args.rounds > 1 else "") + ":")
    emit()
    emit("| server | req/s | p50 ms | p99 ms | errors / non-2xx | × nginx | × Hummingbird | server CPU µs per request | CPU efficiency × nginx | × Hummingbird | load before → after |")
    emit("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    nginx_rps, hb_rps = median("nginx", "rps"), median("Hummingbird 2", "rps")
    nginx_cpu, hb_cpu = median("nginx", "cpu_us"), median("Hummingbird 2", "cpu_us")
    for name in names:
        rps, cpu = median(name, "rps"), median(name, "cpu_us")
        errors = sum(run["errors"] for run in runs[name])
        non2xx = sum(run["non2xx"] for run in runs[name])
        loads = "; ".join(run["load"] for run in runs[name])
        emit(f"| {name} | {rps:,.0f} | {fmt_ms(median(name, 'p50'))} | {fmt_ms(median(name, 'p99'))} | {errors} / {non2xx} | "
             f"{rps / nginx_rps:.2f} | {rps / hb_rps:.2f} | {cpu:.1f} | {nginx_cpu / cpu:.2f} | {hb_cpu / cpu:.2f} | {loads} |")
    if args.rounds > 1:
        for index in range(args.rounds):
            m, n, h = (runs[name][index]["rps"] for name in names)
            emit(f"round {index + 1}: {m / n:.2f}× nginx, {m / h:.2f}× Hummingbird")
    ours = median("mobius-dhash", "rps")
    p99 = median("mobius-dhash", "p99")
    emit()
    emit(f"Targets: ≥ 0.6× nginx: {verdict(ours >= 0.6 * nginx_rps)} ({ours / nginx_rps:.2f}); "
         f"≥ 1.0× Hummingbird: {verdict(ours >= hb_rps)} ({ours / hb_rps:.2f}); "
         f"p99 < 10 ms: {verdict(p99 < 10)} ({fmt_ms(p99)} ms).")
    emit()


def png_files():
    files = []
    for path in sorted(glob.glob(os.path.join(args.images, "**", "*.png"), recursive=True)):
        with open(path, "rb") as f:
            head = f.read(24)
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            files.append(os.path.abspath(path))
    return files


def extract_stage(mobius_port, mobius_pid):
    candidates = png_files()
    files = []
    for path in candidates:
        with open(path, "rb") as f:
            status, _, _ = get(mobius_port, "/api/dhash/extract", "POST", f.read(), {"Content-Type": "image/png"})
        if status == 200:
            files.append(path)
    if not files:
        raise SystemExit(f"bench-http: no PNG under {args.images} extracts with 200")
    total_bytes = sum(os.path.getsize(path) for path in files)
    pixels = 0
    for path in files:
        with open(path, "rb") as f:
            width, height = struct.unpack(">II", f.read(24)[16:24])
        pixels += width * height
    log(f"extract: {len(files)} of {len(candidates)} PNGs answer 200 ({total_bytes / 1e6:.1f} MB, {pixels / 1e6:.1f} Mpixel)")

    # The CLI on the same files: one pass to calibrate, then about `duration` seconds. CPU time
    # (children's rusage; the server's from /proc/PID/stat) is reported beside the rates: on a
    # machine others are loading, ms of CPU per image says what each costs whatever share it got.
    def cli_run(command, repeat):
        before = loadavg()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        subprocess.run(command + files * repeat, stdout=subprocess.DEVNULL, check=True)
        elapsed = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
        count = len(files) * repeat
        return {"rate": count / elapsed, "cpu_ms": 1000 * cpu / count, "load": f"{before} → {loadavg()}", "repeat": repeat}

    hash_command = [args.binary, "hash", "--workers", "2"]
    once = cli_run(hash_command, 1)["rate"]
    repeat = max(1, round(args.duration * once / len(files)))
    log(f"extract: mobius-dhash hash --workers 2 over the files × {repeat}")
    cli = cli_run(hash_command, repeat)
    extract_data = os.path.join(work, "extract-cli")
    os.makedirs(extract_data)
    log(f"extract: mobius-dhash extract --workers 2 over the files × {repeat}")
    extract_cli = cli_run([args.binary, "extract", "--data", extract_data, "--workers", "2"], repeat)
    cli_rate = cli["rate"]

    script = os.path.join(work, "extract.lua")
    with open(script, "w") as f:
        f.write("local files = {" + ", ".join(json.dumps(path) for path in files) + "}\n")
        f.write("""local requests = {}
local index = 0
local threads = 0
function setup(thread)
    thread:set("offset", threads * 7)
    threads = threads + 1
end
function init(args)
    for i, path in ipairs(files) do
        local file = assert(io.open(path, "rb"))
        local body = file:read("*a")
        file:close()
        requests[i] = wrk.format("POST", "/api/dhash/extract", {["Content-Type"] = "image/png"}, body)
    end
    index = offset or 0
end
function request()
    index = index % #requests + 1
    return requests[index]
end
""")
    log("extract: wrk -t2 -c16 POST /api/dhash/extract")
    ticks_before = process_cpu_seconds(mobius_pid)
    server = wrk(f"http://127.0.0.1:{mobius_port}/api/dhash/extract", 2, 16, args.duration, script=script, timeout="30s")
    server_cpu_ms = 1000 * (process_cpu_seconds(mobius_pid) - ticks_before) / max(1, server["requests"])
    ratio = server["rps"] / cli_rate
    emit(f"POST /api/dhash/extract with raw PNG bodies (`wrk -t2 -c16 -d{args.duration}s`, cycling over {len(files)} PNGs "
         f"from {os.path.relpath(args.images, REPO) if args.images.startswith(REPO) else args.images}, {total_bytes / 1e6:.1f} MB, "
         f"{pixels / 1e6:.1f} Mpixel) against `mobius-dhash hash --workers 2` on the same files:")
    emit()
    emit("| run | images/s | CPU ms per image | p50 ms | p99 ms | errors / non-2xx | × hash (images/s) | × hash (CPU per image) | load before → after |")
    emit("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    emit(f"| `serve`, 16 connections | {server['rps']:.1f} | {server_cpu_ms:.1f} | {fmt_ms(server['p50'])} | {fmt_ms(server['p99'])} | "
         f"{server['errors']} / {server['non2xx']} | {ratio:.2f} | {cli['cpu_ms'] / server_cpu_ms:.2f} | {server['load']} |")
    emit(f"| `hash --workers 2` (files × {repeat}) | {cli_rate:.1f} | {cli['cpu_ms']:.1f} | | | 0 / 0 | 1.00 | 1.00 | {cli['load']} |")
    emit(f"| `extract --workers 2` (files × {repeat}; SHA-256 and journal, as `serve` does) | {extract_cli['rate']:.1f} | "
         f"{extract_cli['cpu_ms']:.1f} | | | 0 / 0 | {extract_cli['rate'] / cli_rate:.2f} | {cli['cpu_ms'] / extract_cli['cpu_ms']:.2f} | {extract_cli['load']} |")
    emit()
    emit(f"Target ≥ 0.9× hash: {verdict(ratio >= 0.9 and server['errors'] == 0 and server['non2xx'] == 0)} ({ratio:.2f}).")
    emit()


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def hold_connections(port, count, requests_each, pid):
    """Opens `count` keep-alive connections, sends requests on all of them, holds them open."""
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    errors = []
    opened = []
    gate = asyncio.Semaphore(128)  # connects in flight at once, under the listen backlog

    async def connect():
        async with gate:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
                writer.write(request)
                status = await asyncio.wait_for(read_response(reader), 10)
                if status != 200:
                    errors.append(f"status {status}")
                opened.append((reader, writer))
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
                errors.append(repr(error))

    started = time.monotonic()
    await asyncio.gather(*(connect() for _ in range(count)))
    connect_seconds = time.monotonic() - started
    rss_open = status_field("status", pid, "VmRSS")
    metrics_open = None
    try:
        status, _, text = await asyncio.to_thread(get, port, "/metrics")
        match = re.search(rb"^mobius_http_open_connections (\d+)", text, re.M)
        metrics_open = int(match.group(1)) if match else None
    except OSError:
        pass

    async def burst(reader, writer):
        try:
            for _ in range(requests_each):
                writer.write(request)
                status = await asyncio.wait_for(read_response(reader), 30)
                if status != 200:
                    errors.append(f"status {status}")
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
            errors.append(repr(error))

    started = time.monotonic()
    await asyncio.gather(*(burst(reader, writer) for reader, writer in opened))
    burst_seconds = time.monotonic() - started
    rss_burst = status_field("status", pid, "VmRSS")
    still_open = 0
    for reader, writer in opened:
        if not reader.at_eof() and not writer.is_closing():
            still_open += 1
        writer.close()
    return {"opened": len(opened), "still_open": still_open, "errors": errors, "connect_s": connect_seconds,
            "burst_s": burst_seconds, "rss_open": rss_open, "rss_burst": rss_burst,
            "hwm": status_field("status", pid, "VmHWM"), "metrics_open": metrics_open}


def connections_stage():
    process, port = start_mobius("connections")
    rss_idle = status_field("status", process.pid, "VmRSS")
    before = loadavg()
    log("connections: 1,000 keep-alive connections")
    result = asyncio.run(hold_connections(port, 1000, 10, process.pid))
    after = loadavg()
    stop(process)
    ok = result["opened"] == 1000 and not result["errors"] and result["still_open"] == 1000 and result["hwm"] < 128
    emit("1,000 concurrent keep-alive connections (Python asyncio client: all connected, each sends one GET /health, "
         "then 10 more on every connection at once, all held open):")
    emit()
    emit("| connections held | requests | errors | open per /metrics | connect all | 10,000 requests | VmRSS idle | VmRSS all open | VmRSS after burst | VmHWM | load before → after |")
    emit("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    emit(f"| {result['still_open']} | {result['opened'] * 11} | {len(result['errors'])} | {result['metrics_open']} | "
         f"{result['connect_s']:.2f} s | {result['burst_s']:.2f} s | {rss_idle:.1f} MiB | {result['rss_open']:.1f} MiB | "
         f"{result['rss_burst']:.1f} MiB | {result['hwm']:.1f} MiB | {before} → {after} |")
    if result["errors"]:
        emit(f"first errors: {result['errors'][:5]}")
    emit()
    emit(f"Target no errors, RSS < 128 MiB: {verdict(ok)}.")
    emit()


async def slow_loris(port, count, seconds_limit):
    """`count` connections each sending a request head one byte per second; when and how each ends."""
    head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow-loris-benchmark\r\nAccept: */*\r\n\r\n"
    outcomes = []

    async def one():
        started = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as error:
            outcomes.append(("connect failed", repr(error), 0.0))
            return
        answer = b""

        async def drain_answer():
            nonlocal answer
            while True:
                chunk = await reader.read(4096)
                if not chunk:
                    return
                answer += chunk

        receiver = asyncio.ensure_future(drain_answer())
        sent = 0
        try:
            while sent < len(head) and not receiver.done() and time.monotonic() - started < seconds_limit:
                writer.write(head[sent:sent + 1])
                sent += 1
                await writer.drain()
                await asyncio.wait([receiver], timeout=1.0)
            await asyncio.wait_for(receiver, timeout=max(0.1, seconds_limit - (time.monotonic() - started)))
        except (OSError, asyncio.TimeoutError):
            pass
        elapsed = time.monotonic() - started
        if not receiver.done():
            receiver.cancel()
            outcomes.append(("still open", answer[:12].decode(errors="replace"), elapsed))
        else:
            status = answer.split(b" ", 2)[1].decode(errors="replace") if answer.startswith(b"HTTP/1.1 ") else "none"
            outcomes.append(("closed", status, elapsed, sent))
        writer.close()

    await asyncio.gather(*(one() for _ in range(count)))
    return outcomes


def slowloris_stage():
    process, port = start_mobius("slowloris")
    log("slow-loris: 200 connections, one header byte per second, while wrk measures GET /health")

    async def run():
        loris = asyncio.ensure_future(slow_loris(port, 200, 25))
        await asyncio.sleep(1.5)  # every slow connection is open and has sent a byte
        rss = status_field("status", process.pid, "VmRSS")
        normal = await asyncio.to_thread(wrk, f"http://127.0.0.1:{port}/health", 2, 64, args.duration)
        return normal, await loris, rss

    normal, outcomes, rss = asyncio.run(run())
    hwm = status_field("status", process.pid, "VmHWM")
    stop(process)
    closed = [o for o in outcomes if o[0] == "closed"]
    with_408 = [o for o in closed if o[1] == "408"]
    times = sorted(o[2] for o in closed)
    ok_normal = normal["p99"] < 50 and normal["errors"] == 0 and normal["non2xx"] == 0
    ok_slow = len(with_408) == 200 and times and times[0] >= 9.5
    emit(f"200 slow-loris connections (a request head sent one byte per second) while `wrk -t2 -c64 -d{args.duration}s` "
         "measures normal GET /health clients:")
    emit()
    emit("| normal req/s | normal p50 ms | normal p99 ms | errors / non-2xx | slow ones closed | with 408 | closed after (min / median / max) | VmRSS / VmHWM | load before → after |")
    emit("|---:|---:|---:|---:|---:|---:|---|---|---|")
    span = f"{times[0]:.1f} / {statistics.median(times):.1f} / {times[-1]:.1f} s" if times else "—"
    emit(f"| {normal['rps']:,.0f} | {fmt_ms(normal['p50'])} | {fmt_ms(normal['p99'])} | {normal['errors']} / {normal['non2xx']} | "
         f"{len(closed)} | {len(with_408)} | {span} | {rss:.1f} / {hwm:.1f} MiB | {normal['load']} |")
    others = [o for o in outcomes if not (o[0] == "closed" and o[1] == "408")]
    if others:
        emit(f"other outcomes: {others[:5]}")
    emit()
    emit(f"Targets normal p99 < 50 ms: {verdict(ok_normal)} ({fmt_ms(normal['p99'])} ms); "
         f"slow ones 408 and closed after the 10 s header timeout: {verdict(ok_slow)}.")
    emit()


try:
    emit(f"`tools/bench-http` on {os.cpu_count()} cores, load at start {loadavg()}; "
         f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    emit()
    mobius, mobius_port = start_mobius("health")
    if "health" in stages:
        health_stage(mobius_port, mobius.pid)
    if "extract" in stages:
        extract_stage(mobius_port, mobius.pid)
    stop(mobius)
    if "connections" in stages:
        connections_stage()
    if "slowloris" in stages:
        slowloris_stage()
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(output_lines) + "\n")
finally:
    cleanup()

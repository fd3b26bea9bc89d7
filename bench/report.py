# report.py: turns bench/run.sh's raw runs into the printed tables and bench/RESULTS.md (medians, ratios, targets).
"""usage: report.py RAW.tsv RESULTS.md --machine M --versions V --load L --command C
                  [--notes FILE] [--elapsed SECONDS] [--sizes BIG SMALL]

RAW.tsv columns: server workload client rep rc wall user sys maxrss_kb bytes crc_ok
server_cpu other_cpu note (rc "na" marks a combination the client lacks)."""
import argparse
import os
import statistics
import sys

WORKLOADS = {
    "up-file": "1 GiB file upload",
    "down-file": "1 GiB file download",
    "up-stdin": "1 GiB stream upload (stdin)",
    "up-many": "1,000 x 64 KiB upload",
    "down-many": "1,000 x 64 KiB download",
}
CLIENTS = {
    "xfer-capi": "libxfer C API (xfer_bench)",
    "xfer-futures": "libxfer C API, 1 future per file",
    "xfer-cli": "libxfer CLI (xfer cp)",
    "boto3": "boto3 + s3transfer",
    "boto3-crt": "boto3 + CRT transfer manager",
    "awscli": "AWS CLI v2 (classic)",
    "awscli-crt": "AWS CLI v2 (CRT)",
    "rclone": "rclone",
    "curl": "curl (floor)",
}
LIBXFER = ("xfer-capi", "xfer-futures", "xfer-cli")
BIG_WORKLOADS = ("up-file", "down-file", "up-stdin")  # the "1 GiB transfers"
RSS_BOUNDS_MIB = {"up-file": 64, "down-file": 64, "up-stdin": 128}  # bench/memory.sh's goals
GIB = float(1 << 30)


def set_labels(big, small):
    """Workload names from the sizes actually run ("1024 MiB" reads "1 GiB")."""
    num, unit = big.split()
    if unit == "MiB" and int(num) % 1024 == 0:
        big = f"{int(num) // 1024} GiB"
    small = small.replace("1000 x", "1,000 x")
    WORKLOADS.update({
        "up-file": f"{big} file upload", "down-file": f"{big} file download",
        "up-stdin": f"{big} stream upload (stdin)", "up-many": f"{small} upload",
        "down-many": f"{small} download"})


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            p += [""] * (14 - len(p))
            rows.append(dict(zip(("server", "workload", "client", "rep", "rc", "wall", "user",
                                  "sys", "rss", "bytes", "ok", "srv", "other", "note"), p)))
    return rows


class Cell:
    """The figures of one client on one workload against one server."""

    def __init__(self, runs):
        self.runs = runs
        self.na = all(r["rc"] == "na" for r in runs)
        self.na_reason = runs[0]["note"] if self.na else ""
        good = [r for r in runs if r["rc"] == "0" and r["ok"] == "1"]
        self.n, self.total = len(good), len([r for r in runs if r["rc"] != "na"])
        self.failures = [r["note"] for r in runs if r["rc"] not in ("na",) and
                         not (r["rc"] == "0" and r["ok"] == "1")]
        self.ok = self.n > 0
        if not self.ok:
            return
        walls = [float(r["wall"]) for r in good]
        cpus = [float(r["user"]) + float(r["sys"]) for r in good]
        rss = [int(r["rss"]) / 1024.0 for r in good]
        self.bytes = int(good[0]["bytes"])
        self.wall, self.wall_min, self.wall_max = statistics.median(walls), min(walls), max(walls)
        self.mbps = self.bytes / 1e6 / self.wall if self.wall > 0 else float("inf")
        self.cpu = statistics.median(cpus)
        self.cpu_gib = self.cpu / (self.bytes / GIB)
        self.rss, self.rss_max = statistics.median(rss), max(rss)
        self.srv = statistics.median(float(r["srv"] or 0) for r in good)
        self.other = statistics.median(float(r["other"] or 0) / max(float(r["wall"]), 0.01)
                                       for r in good)


def fmt_ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "-"


def table(cells, server, workloads, clients):
    out = []
    out.append("| workload | client | wall s, median (min-max) | MB/s | CPU s (user+sys) | CPU s/GiB "
               "| peak RSS MiB | CRC-32 back | C API speed / peer | C API CPU / peer "
               "| CLI speed / peer | server CPU s | other load (cores) |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for w in workloads:
        capi = cells.get((server, w, "xfer-capi"))
        cli = cells.get((server, w, "xfer-cli"))
        for c in clients:
            cell = cells.get((server, w, c))
            if cell is None:
                continue
            name = CLIENTS.get(c, c)
            if cell.na:
                out.append(f"| {WORKLOADS[w]} | {name} | n/a: {cell.na_reason} | | | | | | | | | | |")
                continue
            if not cell.ok:
                why = "; ".join(sorted(set(cell.failures)))[:200]
                out.append(f"| {WORKLOADS[w]} | {name} | FAILED {cell.total}/{cell.total}: {why} "
                           "| | | | | | | | | | |")
                continue
            check = f"ok {cell.n}/{cell.total}" if cell.n == cell.total else \
                f"ok {cell.n}/{cell.total}, FAILED: {'; '.join(sorted(set(cell.failures)))[:120]}"
            if c in LIBXFER:
                r1 = r2 = r3 = ""
            else:
                r1 = fmt_ratio(capi.mbps, cell.mbps) if capi and capi.ok else "-"
                r2 = fmt_ratio(capi.cpu, cell.cpu) if capi and capi.ok else "-"
                r3 = fmt_ratio(cli.mbps, cell.mbps) if cli and cli.ok else "-"
            out.append(f"| {WORKLOADS[w]} | {name} | {cell.wall:.2f} ({cell.wall_min:.2f}-"
                       f"{cell.wall_max:.2f}) | {cell.mbps:.0f} | {cell.cpu:.2f} | {cell.cpu_gib:.2f} "
                       f"| {cell.rss:.0f} (max {cell.rss_max:.0f}) | {check} | {r1} | {r2} | {r3} "
                       f"| {cell.srv:.2f} | {cell.other:.2f} |")
    return out


def targets(cells, server, workloads):
    """The issue's targets, judged on this run's medians."""
    out = ["| target | workload | measured | verdict |", "|---|---|---|---|"]

    def get(w, c):
        cell = cells.get((server, w, c))
        return cell if cell and cell.ok else None

    for w in workloads:
        peers = [(c, get(w, c)) for c in CLIENTS if c not in LIBXFER and c != "curl"]
        peers = [(c, p) for c, p in peers if p]
        if not peers:
            continue
        best_c, best = max(peers, key=lambda cp: cp[1].mbps)
        for lx in LIBXFER:
            me = get(w, lx)
            if not me:
                continue
            verdict = "met" if me.mbps >= best.mbps else "MISSED"
            out.append(f"| >= fastest peer | {WORKLOADS[w]} | {CLIENTS[lx]} {me.mbps:.0f} MB/s vs "
                       f"{CLIENTS[best_c]} {best.mbps:.0f} MB/s ({me.mbps / best.mbps:.2f}x) | {verdict} |")
    for w in workloads:
        b = get(w, "boto3")
        if not b:
            continue
        for lx in LIBXFER:
            me = get(w, lx)
            if not me:
                continue
            if w in BIG_WORKLOADS:
                verdict = "met" if me.mbps >= 3 * b.mbps else "MISSED"
                out.append(f"| >= 3x boto3 speed | {WORKLOADS[w]} | {CLIENTS[lx]} "
                           f"{me.mbps / b.mbps:.2f}x | {verdict} |")
            verdict = "met" if me.cpu_gib * 3 <= b.cpu_gib else "MISSED"
            out.append(f"| CPU s/GiB <= 1/3 of boto3 | {WORKLOADS[w]} | {CLIENTS[lx]} "
                       f"{me.cpu_gib:.2f} vs boto3 {b.cpu_gib:.2f} (1/{b.cpu_gib / me.cpu_gib:.1f}) "
                       f"| {verdict} |")
    cu = get("up-file", "curl")
    for lx in LIBXFER:
        me = get("up-file", lx)
        if cu and me:
            verdict = "met" if me.wall <= 1.5 * cu.wall else "MISSED"
            out.append(f"| within 1.5x of curl -T | {WORKLOADS['up-file']} | {CLIENTS[lx]} "
                       f"{me.wall:.2f} s vs curl {cu.wall:.2f} s ({me.wall / cu.wall:.2f}x) | {verdict} |")
    for w, bound in RSS_BOUNDS_MIB.items():
        for lx in LIBXFER:
            me = get(w, lx)
            if me:
                verdict = "met" if me.rss_max <= bound else "MISSED"
                out.append(f"| peak RSS <= {bound} MiB | {WORKLOADS[w]} | {CLIENTS[lx]} "
                           f"max {me.rss_max:.0f} MiB | {verdict} |")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("results")
    ap.add_argument("--machine", default="")
    ap.add_argument("--versions", default="")
    ap.add_argument("--load", default="")
    ap.add_argument("--command", default="bash bench/run.sh")
    ap.add_argument("--notes", default="")
    ap.add_argument("--elapsed", default="")
    ap.add_argument("--sizes", nargs=2, default=["1024 MiB", "1000 x 64 KiB"])
    a = ap.parse_args()
    set_labels(a.sizes[0], a.sizes[1])
    rows = load(a.raw)
    groups = {}
    for r in rows:
        groups.setdefault((r["server"], r["workload"], r["client"]), []).append(r)
    cells = {k: Cell(v) for k, v in groups.items()}
    servers = [s for s in ("s3fast", "swift") if any(k[0] == s for k in cells)]
    notes = []
    if a.notes and os.path.exists(a.notes):
        notes = [l.strip() for l in open(a.notes) if l.strip()]
    reps = {s: max(int(r["rep"]) for r in rows if r["server"] == s) for s in servers}

    md = ["<!-- bench/RESULTS.md: the tables of the last bench/run.sh, written by bench/report.py -->",
          "# Benchmark results (bench/run.sh)", ""]
    md.append(f"- Machine: {a.machine}")
    md.append(f"- Load: {a.load}. Other sessions shared the two cores while this ran unless the "
              "load average above is near 0; the \"other load\" column is the CPU the rest of the "
              "machine used during each run, in cores (s3fast runs: excluding the server; Swift "
              "runs: including it).")
    md.append(f"- Clients: {a.versions}")
    md.append(f"- Reproduce: `{a.command}` (as root on Debian bookworm; about "
              f"{int(a.elapsed or 0) // 60} min here)")
    md.append(f"- Sizes: big = {a.sizes[0]}, small = {a.sizes[1]}; default settings for every client "
              "(TransferConfig defaults, 8 MiB parts, 10 requests in flight for libxfer and "
              "s3transfer; rclone 4 transfers / 4 upload streams; the CRT's 5 Gb/s target)")
    for n in notes:
        md.append(f"- Note: {n}")
    md.append("")
    md.append("Medians of the successful runs (min-max over them). MB/s = 10^6 bytes / median "
              "wall second. CPU = user+sys of the client process and its children (GNU time); "
              "peak RSS likewise. \"speed / peer\" = libxfer MB/s over the peer's (above 1: "
              "libxfer faster); \"CPU / peer\" = libxfer CPU seconds over the peer's (below 1: "
              "libxfer cheaper). Wall time includes process start-up (Python imports for boto3 "
              "and the AWS CLI). \"CRC-32 back\": zlib CRC-32 of the server's stored bytes "
              "(uploads) or the downloaded files, equal to the source's.")
    md.append("")
    titles = {"s3fast": "fast local S3 stand-in (bench/s3fast.c on 127.0.0.1, tmpfs)",
              "swift": "OpenStack Swift with s3api (tests/servers/start.sh swift)"}
    text_out = []
    for s in servers:
        wl = [w for w in WORKLOADS if any(k[0] == s and k[1] == w for k in cells)]
        cl = [c for c in CLIENTS if any(k[0] == s and k[2] == c for k in cells)]
        md.append(f"## Against {titles[s]}, {reps[s]} repetitions")
        md.append("")
        t = table(cells, s, wl, cl)
        md += t + [""]
        md.append(f"### Targets of issue 7 ({s})")
        md.append("")
        busy = [c.srv / c.wall for k, c in cells.items() if k[0] == s and k[2] in LIBXFER
                and not c.na and c.ok and c.wall > 0]
        if busy and statistics.median(busy) > 0.5:
            md.append(f"The server is the bottleneck here: while libxfer ran, the server's own "
                      f"processes used {statistics.median(busy):.1f} of the 2 cores (median; "
                      "\"server CPU s\" column), so speed ratios measure the server more than "
                      "the clients. Judge speed on the fast server's table; CPU and memory "
                      "targets hold here as there.")
            md.append("")
        tg = targets(cells, s, wl)
        md += tg + [""]
        text_out += [f"== {titles[s]}, {reps[s]} repetitions =="] + t + [""] + tg + [""]
    md.append("<details><summary>Every run (raw)</summary>")
    md.append("")
    md.append("```")
    md.append("server\tworkload\tclient\trep\trc\twall\tuser\tsys\tmaxrss_kb\tbytes\tcrc_ok\t"
              "server_cpu\tother_cpu\tnote")
    md += [open(a.raw).read().rstrip("\n")]
    md.append("```")
    md.append("</details>")
    with open(a.results, "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(text_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""make bench: the handler against the fake Cloudflare, beside curl and the
official TypeScript SDK, at 0 ms and 50 ms injected latency.

    python3 bench/run.py --binary build/cloudflare [--runs 7] [--out docs/performance.md]

Jobs: the DNS list of a zone with 10,000 records; the zone list of a user with
30 domains; creating a DNS record; the statistics stub (no network). For each
client and job: wall time (min/median/max over --runs runs, after one unmeasured
warm-up run), the requests the fake saw, the sequential rounds among them, peak
RSS and CPU time of the process (os.wait4). Prints a Markdown report and writes
it to --out. Standard library only; the SDK comes from bench/node_modules
(make bench installs it).
"""
import argparse
import datetime
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import lib  # noqa: E402  (the e2e kit: the fake, the fake panel, the env)

ZONE = "big.example.com"          # 10,000 records
EDIT_ZONE = "edit.example.com"    # where records are created
NRECORDS = 10000
USER = "bench"
DOMAINS = ["site%02d-bench.com" % i for i in range(1, 31)]   # registrable names
TOKEN = lib.ADMIN_TOKEN
LATENCIES = (0, 50)
TIMEOUT = {"handler": 60, "curl": 60, "sdk": 120, "mgrctl": 30}
GNU_TIME = "/usr/bin/time"

JOBS = [
    ("dns-list", "DNS list, 10,000 records"),
    ("zone-list", "zone list, user with 30 domains"),
    ("dns-create", "create a DNS record"),
    ("stats", "statistics stub (no network)"),
]
CLIENTS = [
    ("handler", "handler"),
    ("handler-warm", "handler, zone cache warm"),
    ("curl", "curl, one page after another"),
    ("sdk", "official SDK (Node)"),
]


def dns_per_page():
    """The handler's page size, read from its source so the two never drift."""
    with open(os.path.join(ROOT, "src", "fn_dns.c")) as f:
        m = re.search(r"#define\s+DNS_PER_PAGE\s+(\d+)", f.read())
    return int(m.group(1)) if m else 100


def bench_state():
    zones = [{"name": ZONE, "account": lib.ACCOUNT, "generate_records": NRECORDS},
             {"name": EDIT_ZONE, "account": lib.ACCOUNT}]
    zones += [{"name": d, "account": lib.ACCOUNT, "status": "active"} for d in DOMAINS]
    return {"tokens": [{"value": TOKEN, "label": "admin", "accounts": [lib.ACCOUNT],
                        "expires_on": "2030-01-01T00:00:00Z"}],
            "accounts": [{"id": lib.ACCOUNT, "name": "Main account"}],
            "zones": zones}


def bench_panel():
    return {"users": {USER: {"domains": DOMAINS, "webdomains": []}},
            "records": {}, "mode": "normal"}


# ------------------------------------------------------------------ running

class Killed(Exception):
    pass


CHILD = {"pid": None}   # the one child running now, for Ctrl-C


def killpg(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_measured(argv, env, timeout, out_path, cwd=None):
    """Runs argv to completion; returns (wall s, exit code, peak RSS KiB, CPU s)."""
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        t0 = time.perf_counter()
        # Its own process group, so a timeout or Ctrl-C ends GNU time's child too.
        p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=err, start_new_session=True)
        CHILD["pid"] = p.pid
        timer = threading.Timer(timeout, lambda: killpg(p.pid))
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
        finally:
            timer.cancel()
            CHILD["pid"] = None
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode == -signal.SIGKILL:
        raise Killed("%s: killed after %d s" % (os.path.basename(argv[0]), timeout))
    return wall, p.returncode, ru.ru_maxrss, ru.ru_utime + ru.ru_stime


def analyze(reqs):
    """Requests, rounds and connections from the fake's log.

    rounds: the longest chain of requests each of which began after the one
    before it had been answered, i.e. the round trips a client waited for one
    after another. waves: the literal grouping, a new one starting when a
    request begins after every earlier one has completed; a sliding window
    of parallel requests is one wave but several rounds."""
    reqs = sorted((r for r in reqs if r.get("t0") and r.get("ts")), key=lambda r: r["t0"])
    depth, waves, end = [], 0, None
    for i, r in enumerate(reqs):
        depth.append(1 + max((depth[j] for j in range(i) if reqs[j]["ts"] <= r["t0"]),
                             default=0))
        if end is None or r["t0"] >= end:
            waves += 1
            end = r["ts"]
        else:
            end = max(end, r["ts"])
    net, cur = 0.0, None        # time with at least one request at the fake
    for r in reqs:
        if cur is None or r["t0"] > cur[1]:
            if cur is not None:
                net += cur[1] - cur[0]
            cur = [r["t0"], r["ts"]]
        else:
            cur[1] = max(cur[1], r["ts"])
    if cur is not None:
        net += cur[1] - cur[0]
    return {"requests": len(reqs), "rounds": max(depth, default=0), "waves": waves,
            "conns": len({r.get("conn") for r in reqs}), "net": net * 1000,
            "pages": sum(1 for r in reqs if r["path"].endswith("/dns_records") and
                         r["method"] == "GET")}


class Bench:
    def __init__(self, binary, runs, tmp):
        self.binary = os.path.abspath(binary)
        self.runs = runs
        self.tmp = tmp
        self.per_page = dns_per_page()
        self.fake = lib.Fake(tmp)
        self.case = None
        try:
            self.case = lib.Case(self.binary, self.fake, "bench")
            self.case.reset(bench_state())
            self.case.set_panel(bench_panel())
        except BaseException:
            self.stop()
            raise
        self.node = shutil.which("node")
        self.sdk_dir = os.path.join(HERE, "node_modules", "cloudflare")
        self.have_sdk = self.node is not None and os.path.isdir(self.sdk_dir)
        self.results = {}     # (latency, job, client) -> dict
        self.gnu_time = os.access(GNU_TIME, os.X_OK)
        self.serial = 0

    # --- the fake
    def config(self, **kw):
        self.fake.post("/__config", kw)

    def requests(self):
        return self.fake.get("/__requests")

    def clear(self):
        self.fake.post("/__requests/clear", {})

    def api_get(self, path):
        req = urllib.request.Request(self.fake.api + path,
                                     headers={"Authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    # --- setup through the handler
    def setup(self):
        self.case.save_admin_token(TOKEN)   # cloudflare.settings, sok=ok
        zones = self.api_get("/zones?name=" + ZONE)["result"]
        self.zone_id = zones[0]["id"]
        info = self.api_get("/zones/%s/dns_records?per_page=1" % self.zone_id)["result_info"]
        if info["total_count"] != NRECORDS:
            raise RuntimeError("the fake holds %d records, not %d" %
                               (info["total_count"], NRECORDS))
        self.edit_zone_id = self.api_get("/zones?name=" + EDIT_ZONE)["result"][0]["id"]

    def drop_cache(self):
        for n in ("zones-admin.json", "zones-user-%s.json" % USER):
            try:
                os.unlink(os.path.join(self.case.etc, n))
            except FileNotFoundError:
                pass

    def reset_budget(self):
        """Keeps the bench's own ~600 calls from the local 1200/5 min budget."""
        for n in os.listdir(self.case.etc):
            if n.startswith("budget-"):
                os.unlink(os.path.join(self.case.etc, n))

    def record_name(self, client, lat):
        self.serial += 1
        return "bench-%s-%d-%d" % (client.split("-")[0], lat, self.serial)

    # --- one run of one client on one job: argv, env, check(out_text)
    def handler_cmd(self, job, client, lat):
        if job == "dns-list":
            env = self.case.env("cloudflare.dns", "root", 30, {"plid": ZONE})
            check = lambda t: t.count("<elem>") == NRECORDS and "<error" not in t
        elif job == "zone-list":
            env = self.case.env("cloudflare.zone", USER, 16, {})
            check = lambda t: (t.count("<elem>") == len(DOMAINS) and
                               t.count("<connected>on</connected>") == len(DOMAINS))
        elif job == "dns-create":
            env = self.case.env("cloudflare.dns.edit", "root", 30, {
                "plid": EDIT_ZONE, "sok": "ok", "type": "A",
                "name": self.record_name(client, lat), "content": "192.0.2.77",
                "ttl": "1", "proxied": "off"})
            check = lambda t: "<ok" in t and "<error" not in t
        else:
            env = self.case.env("cloudflare.stats", "root", 30, {"elid": ZONE})
            check = lambda t: "stats_unavailable" in t and "<error" not in t
        return [self.binary], env, check

    def curl_cmd(self, job, client, lat):
        api, auth = self.fake.api, ["-H", "Authorization: Bearer " + TOKEN]
        base = ["curl", "-sS", "--max-time", "30"] + auth
        ok_json = lambda t: '"success":false' not in t and t.count('"success":true') >= 1
        if job == "dns-list":
            pages = math.ceil(NRECORDS / self.per_page)
            urls = ["%s/zones?name=%s" % (api, ZONE)] + [
                "%s/zones/%s/dns_records?page=%d&per_page=%d" %
                (api, self.zone_id, p, self.per_page) for p in range(1, pages + 1)]
            return base + urls, None, lambda t: ok_json(t) and t.count('"id":') >= NRECORDS
        if job == "zone-list":
            urls = ["%s/zones?name=%s" % (api, d) for d in DOMAINS]
            return base + urls, None, lambda t: t.count('"success":true') == len(DOMAINS)
        if job == "dns-create":
            body = json.dumps({"type": "A", "name": self.record_name(client, lat),
                               "content": "192.0.2.77", "ttl": 1, "proxied": False})
            argv = base + ["%s/zones?name=%s" % (api, EDIT_ZONE), "--next", "-sS",
                           "--max-time", "30"] + auth + [
                "-H", "Content-Type: application/json", "-X", "POST", "-d", body,
                "%s/zones/%s/dns_records" % (api, self.edit_zone_id)]
            return argv, None, lambda t: t.count('"success":true') == 2
        return None

    def sdk_cmd(self, job, client, lat):
        if not self.have_sdk:
            return None
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "CLOUDFLARE_BASE_URL": self.fake.api, "CLOUDFLARE_API_TOKEN": TOKEN,
               "BENCH_ZONE": ZONE, "BENCH_NAMES": ",".join(DOMAINS),
               "HOME": self.tmp}
        sjob = "noop" if job == "stats" else job
        if job == "dns-create":
            env["BENCH_ZONE"] = EDIT_ZONE
            env["BENCH_RECORD"] = "%s.%s" % (self.record_name(client, lat), EDIT_ZONE)

        def check(t):
            if job == "dns-list":
                return t.count('"id":') >= NRECORDS
            if job == "zone-list":
                return t.count('"status":"active"') == len(DOMAINS)
            if job == "dns-create":
                return '"id":' in t
            return '"ok":true' in t
        return [self.node, os.path.join(HERE, "sdk.js"), sjob], env, check

    def once(self, job, client, lat, out, rss=False):
        """One run. With rss, under GNU time: ru_maxrss from our own wait4 would
        start at this Python's high-water mark, which a child keeps across exec."""
        kind = "handler" if client.startswith("handler") else client
        maker = {"handler": self.handler_cmd, "curl": self.curl_cmd, "sdk": self.sdk_cmd}[kind]
        cmd = maker(job, client, lat)
        if cmd is None:
            return None
        argv, env, check = cmd
        if kind == "handler":
            self.reset_budget()
            if client == "handler":
                self.drop_cache()
        self.clear()
        if rss and self.gnu_time:
            argv = [GNU_TIME, "-f", "%M", "-o", out + ".rss", "--"] + argv
        wall, rc, maxrss, cpu = run_measured(argv, env, TIMEOUT[kind], out)
        if rss and self.gnu_time:
            with open(out + ".rss") as f:
                maxrss = int(f.read().split()[-1])
        with open(out, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if rc != 0 or not check(text):
            with open(out + ".err", encoding="utf-8", errors="replace") as f:
                err = f.read()
            raise RuntimeError("%s %s at %d ms: exit %d, unexpected output:\n%s\n%s" %
                               (client, job, lat, rc, text[:800], err[:800]))
        a = analyze(self.requests())
        a.update({"wall": wall, "rss": maxrss, "cpu": cpu})
        return a

    def measure(self, job, client, lat):
        if client == "handler-warm" and job in ("zone-list", "stats"):
            return None   # the zone list always asks; the stub asks nothing
        out = os.path.join(self.tmp, "out")
        first = self.once(job, client, lat, out, rss=True)   # warm-up: only its RSS counts
        if first is None:
            return None
        runs = [self.once(job, client, lat, out) for _ in range(self.runs)]
        walls = sorted(r["wall"] * 1000 for r in runs)
        res = {"min": walls[0], "median": statistics.median(walls), "max": walls[-1],
               "rss": first["rss"] / 1024.0,
               "cpu": statistics.median(r["cpu"] * 1000 for r in runs),
               "net": statistics.median(r["net"] for r in runs),
               # neither computing nor waiting for the fake: sleeps, timeouts
               "idle": statistics.median(r["wall"] * 1000 - r["cpu"] * 1000 - r["net"]
                                         for r in runs)}
        for k in ("requests", "rounds", "waves", "conns", "pages"):
            vals = sorted({r[k] for r in runs})
            res[k] = vals[-1]
            res[k + "_range"] = vals
        return res

    def reference(self):
        """What the bench's own process start and the fake panel cost."""
        out = os.path.join(self.tmp, "ref")
        ref = {}
        walls = [run_measured(["/bin/true"], {}, 10, out)[0] * 1000 for _ in range(self.runs)]
        ref["true"] = statistics.median(walls)
        # An empty program linked with the handler's libraries: the loader's share.
        ref["libs"] = None
        src, exe = os.path.join(self.tmp, "empty.c"), os.path.join(self.tmp, "empty")
        with open(src, "w") as f:
            f.write("int main(void) { return 0; }\n")
        libs = cmd_out(["pkg-config", "--libs", "libcurl", "libcjson", "libxml-2.0",
                        "libpsl"]).split()
        try:
            cc = subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", exe, src,
                                 "-Wl,--no-as-needed", "-Wl,-z,relro,-z,now"] + libs + ["-lm"],
                                capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            cc = None
        if cc is not None and cc.returncode == 0 and libs:
            walls = [run_measured([exe], {}, 10, out)[0] * 1000 for _ in range(self.runs)]
            ref["libs"] = statistics.median(walls)
        mg = []
        for _ in range(self.runs):
            t = rss = 0
            for fn in ("domain", "webdomain"):
                argv = [self.case.mgrctl, "-m", "ispmgr", "-o", "json", fn, "su=" + USER]
                w, rc, r, _ = run_measured(argv, {"PATH": "/usr/bin:/bin"},
                                           TIMEOUT["mgrctl"], out)
                if self.gnu_time:
                    run_measured([GNU_TIME, "-f", "%M", "-o", out + ".rss", "--"] + argv,
                                 {"PATH": "/usr/bin:/bin"}, TIMEOUT["mgrctl"], out)
                    with open(out + ".rss") as f:
                        r = int(f.read().split()[-1])
                t, rss = t + w * 1000, max(rss, r)
            mg.append((t, rss))
        ref["mgrctl"] = statistics.median(t for t, _ in mg)
        ref["mgrctl_rss"] = max(r for _, r in mg) / 1024.0
        return ref

    def run(self, log):
        self.ref = self.reference()
        for lat in LATENCIES:
            self.config(latency_ms=lat)
            for job, _ in JOBS:
                for client, _ in CLIENTS:
                    t = time.monotonic()
                    r = self.measure(job, client, lat)
                    if r is not None:
                        self.results[(lat, job, client)] = r
                        log("  %2d ms  %-10s %-13s median %8.1f ms  %3d req  %3d rounds  "
                            "%5.1f MB  (%.0f s)" % (lat, job, client, r["median"],
                                                    r["requests"], r["rounds"], r["rss"],
                                                    time.monotonic() - t))
        self.config(latency_ms=0)

    def stop(self):
        if CHILD["pid"]:
            killpg(CHILD["pid"])
        self.fake.stop()
        if self.case is not None:
            self.case.cleanup()


# ------------------------------------------------------------------ report

def cmd_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            mem = "%.1f GiB RAM" % (kb / 1048576)
    except (OSError, AttributeError):
        pass
    sdk = "not installed"
    try:
        with open(os.path.join(HERE, "node_modules", "cloudflare", "package.json")) as f:
            sdk = "cloudflare@" + json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    curl = cmd_out(["curl", "--version"]).splitlines()
    curl = " ".join(curl[0].split()[:4]) if curl else "curl not found"
    return {"nproc": cmd_out(["nproc"]) or str(os.cpu_count()), "cpu": cpu, "mem": mem,
            "kernel": cmd_out(["uname", "-sr"]), "curl": curl,
            "libcurl": cmd_out(["pkg-config", "--modversion", "libcurl"]),
            "node": cmd_out(["node", "--version"]) or "not found", "sdk": sdk,
            "python": sys.version.split()[0]}


def fmt_ms(v):
    return "%.1f" % v if v < 100 else "%.0f" % v


def rng(res, k):
    v = res[k + "_range"]
    return str(v[0]) if len(v) == 1 else "%d–%d" % (v[0], v[-1])


def targets(b):
    """[(met, text, short)] for the issue's targets; short says by how much."""
    R, out = b.results, []

    def get(lat, job, client):
        return R.get((lat, job, client))

    h, c = get(50, "dns-list", "handler"), get(50, "dns-list", "curl")
    if h and c:
        ratio = h["median"] / c["median"]
        out.append((ratio <= 1.5, "10,000-record list at 50 ms within 1.5× of curl's sequential "
                    "pages: %.2f× (%s ms against %s ms)" % (ratio, fmt_ms(h["median"]),
                                                           fmt_ms(c["median"])),
                    "the 10,000-record list at %.2f× curl, not 1.5×" % ratio))
        w = get(50, "dns-list", "handler-warm")
        out.append((h["rounds"] <= 3, "10,000-record list in ≤ 3 sequential rounds: %d "
                    "(zone cache cold; %s warm)" % (h["rounds"], w["rounds"] if w else "?"),
                    "the 10,000-record list in %d rounds, not 3" % h["rounds"]))
        out.append((h["requests"] <= 10, "10,000-record list in ≤ 10 requests: %d" %
                    h["requests"], "the 10,000-record list in %d requests, not 10" %
                    h["requests"]))
    z = get(50, "zone-list", "handler")
    if z:
        out.append((z["rounds"] <= 3, "30-domain zone list in ≤ 3 sequential rounds: %d "
                    "(%d requests, %d connections)" % (z["rounds"], z["requests"], z["conns"]),
                    "the zone list in %d rounds, not 3" % z["rounds"]))
    rss = [R[k]["rss"] for k in R if k[1] == "dns-list" and k[2].startswith("handler")]
    if rss:
        out.append((max(rss) < 32, "peak RSS of the 10,000-record list < 32 MB: %.1f MB" %
                    max(rss), "the list's peak RSS %.1f MB over 32 MB" % (max(rss) - 32)))
    s = [R[k]["median"] for k in R if k[1] == "stats" and k[2] == "handler"]
    if s:
        out.append((max(s) < 5, "statistics stub < 5 ms: %s ms median (a bare /bin/true "
                    "costs %s ms from the same launcher)" % (fmt_ms(max(s)),
                                                            fmt_ms(b.ref["true"])),
                    "the stub %s ms over 5 ms" % fmt_ms(max(s) - 5)))
    behind, short = [], []
    n = 0
    for lat in LATENCIES:
        for job, label in JOBS:
            hh, sd = get(lat, job, "handler"), get(lat, job, "sdk")
            if hh and sd:
                n += 1
                if hh["median"] >= sd["median"]:
                    behind.append("%s at %d ms (%s against %s ms)" % (
                        label, lat, fmt_ms(hh["median"]), fmt_ms(sd["median"])))
                    short.append("%s at %d ms (%.1f×)" % (job, lat,
                                                          hh["median"] / sd["median"]))
    if n:
        out.append((not behind, "ahead of the SDK script on every row: " +
                    ("yes, %d of %d" % (n, n) if not behind else
                     "behind on " + "; ".join(behind)),
                    "behind the SDK on " + ", ".join(short)))
    return out


def summary(b, tg):
    R, parts = b.results, []
    met = sum(1 for ok, _, _ in tg if ok)
    parts.append("%d of %d targets hold%s" % (met, len(tg), "." if met == len(tg) else
                 "; missed: " + "; ".join(sh for ok, _, sh in tg if not ok) + "."))
    h, c, s = (R.get((50, "dns-list", k)) for k in ("handler", "curl", "sdk"))
    if h and s:
        parts.append("At 50 ms the 10,000-record list takes the handler %s ms in %d requests "
                     "and %d rounds; the SDK, one page of the default size after another, "
                     "needs %d requests (%d pages) and %d rounds, %s ms (%.1f× the "
                     "handler's time), and %.0f MB against %.1f MB." % (
                         fmt_ms(h["median"]), h["requests"], h["rounds"], s["requests"],
                         s["pages"], s["rounds"], fmt_ms(s["median"]),
                         s["median"] / h["median"], s["rss"], h["rss"]))
    # Time that is neither the handler's CPU nor a request at the fake.
    idle = [(k, r) for k, r in sorted(R.items()) if k[2].startswith("handler") and
            r["rounds"] > 0 and r["idle"] - b.ref["true"] > 50 and
            (r["idle"] - b.ref["true"]) / r["rounds"] > 20]
    if idle:
        per = sorted((r["idle"] - b.ref["true"]) / r["rounds"] for _, r in idle)
        parts.append("On %d of the handler's rows it spends %s–%s ms per run neither "
                     "computing nor waiting for the fake (the idle column), about %.0f ms "
                     "per round (%.0f–%.0f): a fixed wait after each batch of requests, "
                     "not the network." % (
                         len(idle), fmt_ms(min(r["idle"] for _, r in idle)),
                         fmt_ms(max(r["idle"] for _, r in idle)), statistics.median(per),
                         per[0], per[-1]))
    h0, c0 = R.get((0, "dns-list", "handler")), R.get((0, "dns-list", "curl"))
    if h0 and c0:
        parts.append("At 0 ms the list costs the handler %s ms of CPU (curl, which parses "
                     "nothing, %s ms); the fake needs %s ms to serve the pages." % (
                         fmt_ms(h0["cpu"]), fmt_ms(c0["cpu"]), fmt_ms(c0["net"])))
    z, zc = R.get((50, "zone-list", "handler")), R.get((50, "zone-list", "curl"))
    if z and zc:
        parts.append("The 30-domain zone list at 50 ms: %d requests over %d connections in "
                     "%d rounds, %s ms, against %s ms for curl's 30 in a row; %s ms of the "
                     "handler's time is the fake panel (two runs of the Python "
                     "fake-mgrctl), which curl and the SDK do not pay." % (
                         z["requests"], z["conns"], z["rounds"], fmt_ms(z["median"]),
                         fmt_ms(zc["median"]), fmt_ms(b.ref["mgrctl"])))
    st = R.get((0, "stats", "handler"))
    if st and b.ref["libs"] is not None:
        parts.append("The stub takes %s ms; starting any process from the bench takes %s ms "
                     "and an empty program linked with the same shared libraries %s ms, so "
                     "%s ms of the stub is loading libraries and %s ms the handler's own "
                     "work." % (fmt_ms(st["median"]), fmt_ms(b.ref["true"]),
                                fmt_ms(b.ref["libs"]),
                                fmt_ms(b.ref["libs"] - b.ref["true"]),
                                fmt_ms(max(0.0, st["median"] - b.ref["libs"]))))
    elif st:
        parts.append("The stub takes %s ms; starting any process from the bench takes %s ms."
                     % (fmt_ms(st["median"]), fmt_ms(b.ref["true"])))
    rss = [R[k]["rss"] for k in R if k[1] == "dns-list" and k[2].startswith("handler")]
    if st and rss:
        parts.append("Of the list's %.1f MB peak, %.1f MB is the process floor (the stub's "
                     "peak: libraries and their start-up allocations)." % (max(rss),
                                                                          st["rss"]))
    return " ".join(parts)


def report(b, args, started, elapsed):
    m = machine()
    L = []
    L.append("# Performance")
    L.append("")
    L.append("Written by `make bench` (bench/run.py); do not edit by hand. Rerun with "
             "`make bench`.")
    L.append("")
    L.append("- Date: %s (%.0f s for the whole run, %d measured runs per row after one "
             "warm-up)" % (started, elapsed, b.runs))
    L.append("- Machine: %s CPUs, %s, %s; %s" % (m["nproc"], m["cpu"], m["mem"], m["kernel"]))
    L.append("- Clients: the handler (build/cloudflare, libcurl %s); %s; Node %s with %s; "
             "the fake: Python %s" % (m["libcurl"], m["curl"], m["node"], m["sdk"],
                                      m["python"]))
    L.append("")
    L.append("The fake Cloudflare (tests/fakecf.py) listens on loopback: plain HTTP/1.1, "
             "no TLS, no HTTP/2, so parallel requests need parallel connections. Injected "
             "latency is a sleep in the fake before each answer. Requests and rounds come "
             "from the fake's own log: a *round* is one link in the longest chain of "
             "requests each sent after the one before it was answered (what a client "
             "waits for one after another; at 0 ms the fake often answers before a "
             "parallel client has sent its next request, so the round targets are read "
             "at 50 ms). *At the fake*: the time at least one request "
             "was at the fake; *idle*: wall time minus CPU minus that, i.e. neither "
             "computing nor waiting for an answer (process start, sleeps, timeouts). "
             "CPU is the process's own (user + system, with "
             "its children), from wait4(2). Peak RSS is %s; the handler's zone list "
             "counts its fake-mgrctl children too (%.1f ms, %.1f MB for the two calls "
             "alone)." % ("GNU time's %M for the warm-up run" if b.gnu_time else
                          "ru_maxrss from wait4(2), which starts at the launching "
                          "Python's own size: install GNU time (apt-get install time) "
                          "for exact figures", b.ref["mgrctl"], b.ref["mgrctl_rss"]))
    L.append("")
    L.append("The handler runs as the panel runs it (environment only), as root for the "
             "DNS jobs and the stub, as the user `%s` for the zone list. *Handler* drops "
             "its zone cache before every run (one zone lookup more); *zone cache warm* "
             "is the usual case after the zone list. curl fetches the same pages one "
             "after another over one connection (its floor: it knows the zone id and the "
             "page count in advance and parses nothing). The SDK script (bench/sdk.js) "
             "does what its README shows: `client.zones.list({name})`, "
             "`for await (… of client.dns.records.list({zone_id}))` with the default page "
             "size, `client.dns.records.create(…)`; its 30 lookups run all at once "
             "(Promise.all); for the stub it only loads the SDK." % USER)
    for lat in LATENCIES:
        L.append("")
        L.append("## %d ms injected latency" % lat)
        L.append("")
        L.append("| job | client | median ms | min–max ms | requests | rounds | "
                 "peak RSS MB | CPU ms | at the fake ms | idle ms |")
        L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for job, jlabel in JOBS:
            for client, clabel in CLIENTS:
                r = b.results.get((lat, job, client))
                if r is None:
                    if client == "sdk" and not b.have_sdk:
                        L.append("| %s | %s | not run (no node or SDK) | | | | | | | |" %
                                 (jlabel, clabel))
                    continue
                L.append("| %s | %s | **%s** | %s–%s | %s | %s | %.1f | %s | %s | %s |" % (
                    jlabel, clabel, fmt_ms(r["median"]), fmt_ms(r["min"]), fmt_ms(r["max"]),
                    rng(r, "requests"), rng(r, "rounds"), r["rss"], fmt_ms(r["cpu"]),
                    fmt_ms(r["net"]), fmt_ms(max(0.0, r["idle"]))))
        L.append("| process start | /bin/true | %s | | 0 | 0 | | | | |" %
                 fmt_ms(b.ref["true"]))
        if b.ref["libs"] is not None:
            L.append("| process start | empty program linked with the handler's "
                     "libraries | %s | | 0 | 0 | | | | |" % fmt_ms(b.ref["libs"]))
    tg = targets(b)
    L.append("")
    L.append("## Targets (issue 5)")
    L.append("")
    for ok, text, _ in tg:
        L.append("- %s %s" % ("**met**" if ok else "**MISSED**", text))
    L.append("")
    L.append("## What the numbers say")
    L.append("")
    L.append(summary(b, tg))
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "cloudflare"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    args = ap.parse_args()
    if args.runs < 1 or not os.access(args.binary, os.X_OK):
        ap.error("need --runs ≥ 1 and an executable --binary (run make first)")
    if shutil.which("curl") is None:
        ap.error("curl is required")
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="cfbench.")
    b = None

    def log(s):
        print(s, file=sys.stderr, flush=True)

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        b = Bench(args.binary, args.runs, tmp)
        b.setup()
        if not b.have_sdk:
            log("bench: no node or bench/node_modules/cloudflare: the SDK column is skipped")
        if not b.gnu_time:
            log("bench: no %s (apt-get install time): peak RSS is approximate" % GNU_TIME)
        log("bench: %d runs per row" % args.runs)
        b.run(log)
        text = report(b, args, started, time.monotonic() - t0)
    except KeyboardInterrupt:
        log("bench: interrupted")
        return 130
    finally:
        # A second Ctrl-C must not leave the fake or the scratch directory behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if b is not None:
            b.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    log("bench: wrote %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

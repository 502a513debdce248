"""Contract run: the e2e scenarios against Cloudflare's own OpenAPI spec.

  run.py --binary build/cloudflare --contract [--only SUBSTR]
  CF_CONTRACT_VERBOSE=1 ...   also prints each test's own assertion failures

Prism (Stoplight's validating mock, started through ../shared/cloudflare/prism)
serves openapi-plugin-mock.json on loopback. Every e2e test function runs
unchanged, with the handler pointed at Prism through a small recording proxy
here. Prism is stateless and answers static examples, so the tests' own
assertions often fail: in this mode a test only drives requests, and its
assertion failures are not counted. What counts:

  - every request the handler sent must pass Prism's request validation
    (path, method, query, headers, security, body);
  - every reply of the handler must still be well-formed XML, exit status 0.

The proxy is single-threaded, so Prism sees one request at a time and its
log reads in order; it also keeps each request's body and Prism's
sl-violations header, so a violation is reported with what was sent. Prism's
log is read per test from a remembered offset, up to a marker request sent
straight to Prism after the test.

Known spec gaps (ENDPOINTS.md: not in the 2024-08 spec) are listed as
"not in spec" and do not fail the run; any other unmatched route does.
Standard library only.
"""
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import lib

PREFIX = "/client/v4"
MARK = PREFIX + "/__contract_mark__/"
LISTEN_TIMEOUT = 60.0   # the first run installs Prism 5.14.2 from npm

# Routes the 2024-08 spec lacks (ENDPOINTS.md, "Not in this spec"). Prism
# answers NO_PATH_MATCHED (404), or NO_METHOD_MATCHED (405) for batch, whose
# path matches /dns_records/{dns_record_id}.
GAPS = [
    ("GET", re.compile(r"^/accounts/[^/]+/tokens/verify$"),
     "GET /accounts/{account_id}/tokens/verify"),
    ("POST", re.compile(r"^/zones/[^/]+/dns_records/batch$"),
     "POST /zones/{zone_id}/dns_records/batch"),
    (None, re.compile(r"^/graphql$"), "POST /graphql"),
]
ROUTE_ERRORS = ("NO_PATH_MATCHED_ERROR", "NO_METHOD_MATCHED_ERROR")
EXAMPLE_ID = "023e105f4ecef8ad9ca31a8372d0c353"   # the spec's example zone, record, rule id

# Lines of Prism's log (5.14.2) that matter, one request's block:
#   [2:28:31 PM] › [HTTP SERVER] get /client/v4/zones ℹ  info      Request received
#   [2:28:31 PM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
#   [2:28:31 PM] ›     [VALIDATOR] ✖  error     Request query parameter per_page must be <= 50
#   [2:28:31 PM] ›     [VALIDATOR] ✖  error     Violation: request.query.per_page Request query ...
# and for a route not in the spec:
#   [...] › [HTTP SERVER] get /client/v4/graphql ✖  error     Request terminated with error:
#           https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, ...
# Response-side lines are ignored: the spec's own examples do not always
# match its schemas, and Prism says so on every such 200, e.g. for
# PATCH /zones/{id}/settings/ssl:
#   [...] ›     [VALIDATOR] ✖  error     Violation: response.body.result Response body
#           property result must be object
RE_BLOCK = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) .*Request received")
RE_REQ_VIOLATION = re.compile(r"\[VALIDATOR\] ✖\s+error\s+Violation: (request\S*) (.*)$")
RE_TERMINATED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+) ✖\s+error\s+Request terminated with "
                           r"error: (.*)$")

TOKEN_LABELS = {tok["value"]: tok["label"] for tok in lib.default_state()["tokens"]}
TOKEN_LABELS[lib.UNKNOWN_TOKEN] = "unknown"


def verbose(args):
    return bool(getattr(args, "verbose", False) or os.environ.get("CF_CONTRACT_VERBOSE"))


def shared_dir():
    d = os.environ.get("CF_SHARED")
    return d if d else os.path.join(os.path.dirname(lib.ROOT), "shared")


def prism_home():
    return os.environ.get("PRISM_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "cf-prism")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Skip(Exception):
    pass


# --- Prism ----------------------------------------------------------------

class Prism:
    def __init__(self, script, spec, workdir):
        self.script, self.spec = script, spec
        self.log = os.path.join(workdir, "prism.log")
        self.proc = None
        self.port = None

    def start(self):
        for _ in range(3):
            if self._start_once():
                return
        raise RuntimeError("Prism did not start (port in use three times):\n" + self.tail())

    def _start_once(self):
        self.port = free_port()
        with open(self.log, "ab") as logf:
            # Own session: the script may still be running npm, and stop()
            # ends that whole group, by its id.
            self.proc = subprocess.Popen([self.script, str(self.port), self.spec],
                                         stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        installed = os.path.exists(os.path.join(prism_home(), "node_modules", ".bin", "prism"))
        deadline = time.time() + LISTEN_TIMEOUT
        while time.time() < deadline:
            if "Prism is listening" in self.text():
                return True
            if self.proc.poll() is not None:
                self.proc = None
                text = self.text()
                if "EADDRINUSE" in text:
                    return False
                if not os.path.exists(os.path.join(prism_home(), "node_modules", ".bin",
                                                   "prism")):
                    raise Skip("Prism cannot be installed: %s" % last_line(text))
                raise RuntimeError("Prism exited at start:\n" + self.tail())
            time.sleep(0.1)
        self.stop()
        if not installed and not os.path.exists(
                os.path.join(prism_home(), "node_modules", ".bin", "prism")):
            raise Skip("Prism was not installed within %d s" % LISTEN_TIMEOUT)
        raise RuntimeError("Prism did not listen within %d s:\n%s" %
                           (LISTEN_TIMEOUT, self.tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self.proc = None

    def size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def text(self, start=0):
        try:
            with open(self.log, "rb") as f:
                f.seek(start)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def tail(self, n=20):
        return "\n".join(self.text().splitlines()[-n:])

    def mark(self, seq, offset):
        """Sends a marker straight to Prism and waits until it is logged;
        returns the log from offset up to the marker, and the new offset.
        The handler has exited by now, so all its requests are answered."""
        path = "%s%d" % (MARK, seq)
        try:
            urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=10)
        except urllib.error.HTTPError:
            pass   # 404 NO_PATH_MATCHED, as intended
        except OSError as e:
            raise RuntimeError("Prism stopped answering (%s):\n%s" % (e, self.tail()))
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(self.log, "rb") as f:
                f.seek(offset)
                data = f.read()
            needle = (" " + path + " ").encode()
            i = data.find(needle)
            if i >= 0:
                end = data.find(b"Request terminated", i)
                if end >= 0 and data.find(b"\n", end) >= 0:
                    start = data.rfind(b"\n", 0, i) + 1
                    return (data[:start].decode("utf-8", "replace"),
                            offset + data.find(b"\n", end) + 1)
            time.sleep(0.05)
        raise RuntimeError("Prism did not log the marker request:\n" + self.tail())


def last_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "no output"


# --- the recording proxy ----------------------------------------------------

HOP = {"host", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
       "content-length", "te", "trailer", "upgrade", "expect"}


class Proxy(http.server.HTTPServer):
    """Forwards to Prism one request at a time and records each."""

    def __init__(self, prism_port):
        self.prism_port = prism_port
        self.records = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def take(self):
        with self.lock:
            recs, self.records = self.records, []
        return recs

    def stop(self):
        self.shutdown()
        self.server_close()


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # answers Expect: 100-continue; every reply closes

    def log_message(self, *a):
        pass

    def body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_any(self):
        raw = self.body()
        url = urlsplit(self.path)
        auth = self.headers.get("Authorization") or ""
        rec = {"method": self.command, "path": url.path, "rawquery": url.query,
               "query": parse_qs(url.query, keep_blank_values=True), "raw": raw,
               "ctype": self.headers.get("Content-Type") or "",
               "auth": auth.split(" ", 1)[0] if auth else "",
               "token": TOKEN_LABELS.get(auth[7:], "?") if auth.startswith("Bearer ")
               else None,
               "status": None, "violations": [], "prism_error": None, "log": []}
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        status, rhdrs, rbody = 502, [], b""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.server.prism_port, timeout=30)
            conn.request(self.command, self.path, body=raw if raw or self.command in
                         ("POST", "PUT", "PATCH") else None, headers=hdrs)
            resp = conn.getresponse()
            status, rhdrs, rbody = resp.status, resp.getheaders(), resp.read()
            conn.close()
        except OSError as e:
            rec["prism_error"] = "proxy: %s" % e
            rbody = b'{"success":false,"errors":[{"code":1000,"message":"proxy"}]}'
        rec["status"] = status
        for k, v in rhdrs:
            if k.lower() == "sl-violations":
                rec["violations"] = request_violations(v)
        if status in (404, 405) and rbody:
            try:
                t = json.loads(rbody).get("type", "")
                for e in ROUTE_ERRORS:
                    if t.endswith(e):
                        rec["prism_error"] = e
            except (ValueError, AttributeError):
                pass
        with self.server.lock:
            self.server.records.append(rec)
        self.send_response(status)
        for k, v in rhdrs:
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(rbody)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD":
            self.wfile.write(rbody)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def request_violations(header):
    """The request-side entries of an sl-violations header (JSON, possibly
    prefixed "Too many violations! "), as 'location: message'."""
    h = header.strip()
    if h.startswith("Too many violations!"):
        h = h[len("Too many violations!"):].strip()
    try:
        items = json.loads(h)
        if not isinstance(items, list):
            items = []
    except ValueError:
        # Prism cuts a long header mid-JSON: take the whole entries it kept.
        items = []
        for m in RE_VIOLATION_ITEM.finditer(h):
            try:
                items.append(json.loads(m.group(0)))
            except ValueError:
                pass
        if not items and '"request"' in h:
            return ["(sl-violations unreadable; see Prism's log) " + header[:200]]
    out = []
    for v in items:
        loc = v.get("location") or []
        if loc and loc[0] == "request":
            s = "%s: %s" % (".".join(str(x) for x in loc), v.get("message", ""))
            if s not in out:
                out.append(s)
    return out


RE_VIOLATION_ITEM = re.compile(r'\{"location":\[[^\]]*\],"severity":"[^"]*","code":'
                               r'(?:"[^"]*"|\d+),"message":"(?:[^"\\]|\\.)*"\}')


def compact(msgs, cap=8):
    """A body checked against a oneOf (DNS record types, ruleset rule
    actions) fails once per variant. A property that several variants pin to
    different single values ("type must be equal to one of the allowed
    values: AAAA", "...: CAA") is the discriminator: its lines only say the
    body is not that variant, so they are left out."""
    enum = {}
    for m in msgs:
        x = re.match(r"(request\.body\S*): .*must be equal to one of the allowed values: \S+$", m)
        if x:
            enum.setdefault(x.group(1), set()).add(m)
    disc = {loc for loc, ms in enum.items() if len(ms) >= 2}
    keep = [m for m in msgs if m.split(": ", 1)[0] not in disc
            and "must match exactly one schema in oneOf" not in m]
    dropped = len(msgs) - len(keep)
    if not keep:
        keep, dropped = msgs, 0
    out = keep[:cap]
    if len(keep) > cap:
        out.append("... and %d more" % (len(keep) - cap))
    if dropped:
        out.append("(%d lines about the oneOf's other variants left out: %s)" %
                   (dropped, ", ".join(sorted(disc)) or "oneOf"))
    return out


# Why some violations are what they are, printed under them.
HINTS = [
    ("Body parameter is required", "the 2024-08 spec marks a JSON request body required "
     "on this DELETE (requestBody.required: true)"),
    ("NOT_ACCEPTABLE", "the spec's 200 for this operation is text/plain only, and the "
     "request's Accept header does not allow it"),
]


# --- the spec's routes ------------------------------------------------------

def load_routes(spec):
    with open(spec, encoding="utf-8") as f:
        paths = json.load(f)["paths"]
    routes = []
    for p, item in paths.items():
        tmpl = p[len(PREFIX):] if p.startswith(PREFIX) else p
        rx = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(p)) + "$")
        literal = len([s for s in p.split("/") if s and not s.startswith("{")])
        methods = {m.upper() for m in item if m in ("get", "put", "post", "patch", "delete")}
        routes.append((literal, rx, tmpl, methods))
    routes.sort(key=lambda r: -r[0])   # /dns_records/export before /dns_records/{id}
    return routes


def template(routes, method, path):
    for _, rx, tmpl, methods in routes:
        if rx.match(path):
            return tmpl if method in methods else tmpl + " (method not in spec)"
    sub = path[len(PREFIX):] if path.startswith(PREFIX) else path
    return sub + " (not in spec)"


def gap(method, path):
    sub = path[len(PREFIX):] if path.startswith(PREFIX) else path
    for m, rx, name in GAPS:
        if (m is None or m == method) and rx.match(sub):
            return name
    return None


# --- the tests' Case ----------------------------------------------------------

class ContractFake:
    """Stands where lib.Fake does: its api is the proxy in front of Prism."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.base = "http://127.0.0.1:%d" % proxy.port
        self.api = self.base + PREFIX

    def post(self, path, body):
        return {}

    def get(self, path):
        return []


class HandlerFailure(Exception):
    pass


class ContractCase(lib.Case):
    """Prism keeps no state: reset/fault/config do nothing, state() is empty,
    requests() is what this test sent (recorded by the proxy), golden and
    no_cloudflare_calls are off (lib.Case, contract=True)."""

    def __init__(self, binary, fake, name):
        super().__init__(binary, fake, name, contract=True)
        self.handler_failures = []
        self.sent = []          # every request of this test, for the verdict
        self.visible = []       # what requests() shows since clear_requests()

    def reset(self, state):
        pass

    def state(self):
        # The default state, with Prism's example id on every zone and record,
        # so tests that look an id up in the state still drive their requests.
        st = lib.default_state()
        for z in st["zones"]:
            z["id"] = EXAMPLE_ID
            for r in z.get("records", []):
                r["id"] = EXAMPLE_ID
        return st

    def fault(self, **kw):
        pass

    def config(self, **kw):
        pass

    def collect(self):
        recs = self.fake.proxy.take()
        self.sent += recs
        self.visible += recs

    def requests(self, path_contains=None, method=None):
        self.collect()
        out = []
        for r in self.visible:
            if path_contains and path_contains not in r["path"]:
                continue
            if method and r["method"] != method:
                continue
            body = None
            if r["raw"]:
                try:
                    body = json.loads(r["raw"])
                except ValueError:
                    body = r["raw"].decode("utf-8", "replace")
            out.append({"method": r["method"], "path": r["path"], "query": r["query"],
                        "body": body, "token": r["token"], "status": r["status"]})
        return out

    def clear_requests(self):
        self.collect()
        self.visible = []

    def run(self, func, *a, **kw):
        # A reply that is not XML, a nonzero exit or a hang is the handler's
        # fault whatever Prism answered: record it apart from assertion failures.
        try:
            return super().run(func, *a, **kw)
        except lib.Failure as e:
            self.handler_failures.append("%s: %s" % (func, first_lines(str(e), 6)))
            raise
        except subprocess.TimeoutExpired:
            self.handler_failures.append("%s: timed out" % func)
            raise
        except UnicodeDecodeError as e:
            self.handler_failures.append("%s: reply is not UTF-8 (%s)" % (func, e))
            raise
        except OSError as e:   # the binary vanished (a rebuild under way?)
            self.handler_failures.append("%s: cannot run the handler: %s" % (func, e))
            raise


def first_lines(s, n):
    lines = s.splitlines()
    return "\n".join(lines[:n]) + (" ..." if len(lines) > n else "")


# --- verdicts ---------------------------------------------------------------

def attach_log(recs, logtext):
    """Splits the test's slice of Prism's log into per-request blocks and
    gives each record its request-side lines. The proxy serialises requests,
    so blocks and records are in the same order; if the counts differ, the
    lines go to a test-wide list instead."""
    blocks = []
    for line in logtext.splitlines():
        if RE_BLOCK.search(line):
            blocks.append([])
            continue
        m = RE_REQ_VIOLATION.search(line)
        t = RE_TERMINATED.search(line)
        if blocks and (m or t):
            s = ("%s: %s" % (m.group(1), m.group(2))) if m else t.group(3)
            if s not in blocks[-1]:
                blocks[-1].append(s)
    if len(blocks) == len(recs):
        for r, b in zip(recs, blocks):
            r["log"] = b
        return []
    return [s for b in blocks for s in b if "NO_PATH" not in s and "NO_METHOD" not in s]


def relevant(logtext, cap=40):
    """The test's log lines that matter: each request, and what Prism said
    against it (the "Violation: request..." lines, not their unprefixed
    duplicates, and no response-side lines)."""
    out = []
    for line in logtext.splitlines():
        line = line.strip()
        if RE_BLOCK.search(line) or RE_REQ_VIOLATION.search(line) or \
                RE_TERMINATED.search(line):
            if line not in out[-1:]:
                out.append(line)
    return out if len(out) <= cap else out[:cap] + ["... (%d more)" % (len(out) - cap)]


# Defects of the 2024-08 spec itself, each with the proof that it is the
# spec and not the request: a request whose violations are all explained
# by one of these is reported as "spec defect" and not counted.
#  - rulesets_RuleAction has pattern ^[a-z]+$, which no action with an
#    underscore can match, though the same spec's enum lists
#    set_cache_settings, js_challenge, managed_challenge...; every rule
#    of the cache-settings phase is refused for it (and the oneOf then
#    reports the other variants' requirements, such as 'id'; the same
#    variant also wants 'default' and 'status_code_ttl' in every edge_ttl,
#    though its own example has neither).
SPEC_DEFECTS = [
    (("POST", "PUT", "PATCH"), re.compile(r"^/zones/[0-9a-f]{32}/rulesets(/|$)"),
     'must match pattern "^[a-z]+$"', b'"set_cache_settings"',
     "rulesets_RuleAction's pattern ^[a-z]+$ refuses set_cache_settings"),
]


def spec_defect(r, msgs):
    sub = r["path"][len(PREFIX):] if r["path"].startswith(PREFIX) else r["path"]
    for methods, rx, proof, body, reason in SPEC_DEFECTS:
        if r["method"] in methods and rx.match(sub) and body in (r["raw"] or b"") \
                and any(proof in s for s in r["log"] + list(r["violations"])):
            return reason
    return None


def judge(r):
    """'ok', ('gap', name), ('defect', reason) or ('bad', [messages])."""
    g = gap(r["method"], r["path"])
    if g and r["status"] in (404, 405) and r["prism_error"] in ROUTE_ERRORS:
        return ("gap", g)
    msgs = list(r["violations"])
    for s in r["log"]:
        if "NO_PATH" in s or "NO_METHOD" in s:
            continue
        if not any(s.split(": ", 1)[-1] in m for m in msgs):
            msgs.append(s)
    if r["prism_error"]:
        msgs.append("%s (a path or method the spec does not have)" % r["prism_error"]
                    if r["prism_error"] in ROUTE_ERRORS else r["prism_error"])
    if r["status"] is None or r["status"] >= 400:
        if not msgs:
            msgs.append("Prism answered %s" % r["status"])
    if msgs and spec_defect(r, msgs):
        return ("defect", spec_defect(r, msgs))
    return ("bad", msgs) if msgs else "ok"


def describe(r):
    q = "?" + r["rawquery"] if r["rawquery"] else ""
    out = ["%s %s%s -> %s" % (r["method"], r["path"], q, r["status"])]
    if r["raw"]:
        b = r["raw"].decode("utf-8", "replace")
        out.append("body: " + (b if len(b) <= 400 else b[:400] + "..."))
    if r["auth"] != "Bearer":
        out.append("auth: %s" % (r["auth"] or "none"))
    return out


# --- main -------------------------------------------------------------------

def skip(reason):
    print("contract: skipped (%s)" % reason)
    print("0 passed, 0 failed, 1 skipped")
    return 0


def main(args, load_tests):
    shared = shared_dir()
    script = os.path.join(shared, "cloudflare", "prism")
    spec = os.path.join(shared, "cloudflare", "openapi-plugin-mock.json")
    if not os.path.exists(script):
        return skip("../shared/cloudflare/prism not found")
    if not os.path.exists(spec):
        return skip("%s not found" % spec)
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return skip("%s is not installed" % tool)
    if not os.access(args.binary, os.X_OK):
        print("contract: %s is not an executable (run make)" % args.binary)
        print("0 passed, 1 failed")
        return 1

    work = tempfile.mkdtemp(prefix="cfcontract.")
    prism = Prism(script, spec, work)
    proxy = None
    clean = [False]
    loud = verbose(args)
    t0 = time.time()
    try:
        try:
            prism.start()
        except Skip as e:
            return skip(str(e))
        print("contract: Prism on 127.0.0.1:%d, spec %s, log %s" % (prism.port, spec, prism.log))
        proxy = Proxy(prism.port)
        fake = ContractFake(proxy)
        routes = load_routes(spec)
        rc = run_all(args, load_tests, prism, proxy, fake, routes, loud, t0)
        clean[0] = rc == 0   # keep Prism's log when something failed
        return rc
    except Exception:
        print("contract: FAILED to run:\n" + traceback.format_exc())
        print("0 passed, 1 failed")
        return 1
    finally:
        if proxy is not None:
            proxy.stop()
        prism.stop()
        if clean[0]:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args, load_tests, prism, proxy, fake, routes, loud, t0):
    passed = failed = drove = 0
    per_endpoint = {}     # template -> [validated, violating]
    gaps = {}             # gap name -> count
    total = 0
    offset = prism.size()
    for seq, (name, fn, _) in enumerate(load_tests(args.only)):
        case = ContractCase(args.binary, fake, name)
        note = None
        try:
            fn(case)
        except lib.Failure as e:
            note = first_lines(str(e), 4)
        except Exception as e:
            note = "%s: %s" % (type(e).__name__, first_lines(str(e), 4))
        finally:
            case.collect()
            case.cleanup()
        if not prism.alive():
            raise RuntimeError("Prism died during %s:\n%s" % (name, prism.tail()))
        start = offset
        logtext, offset = prism.mark(seq, offset)
        stray = attach_log(case.sent, logtext)
        bad, notes = [], []
        for r in case.sent:
            v = judge(r)
            tmpl = r["method"] + " " + template(routes, r["method"], r["path"])
            if v == "ok":
                per_endpoint.setdefault(tmpl, [0, 0])[0] += 1
            elif v[0] in ("gap", "defect"):
                label = ("not in spec: " if v[0] == "gap" else "spec defect: ") + v[1]
                gaps[label] = gaps.get(label, 0) + 1
                notes.append(label)
            else:
                per_endpoint.setdefault(tmpl, [0, 0])[1] += 1
                bad.append((r, v[1]))
        total += len(case.sent)
        nviol = len(bad) + (1 if stray else 0)
        problems = nviol + len(case.handler_failures)
        counts = "(%d requests, %d violations%s)" % (
            len(case.sent), nviol, ", %d not in spec" % len(notes) if notes else "")
        if problems:
            failed += 1
            print("FAILED  %s %s" % (name, counts))
            for r, msgs in bad:
                for i, line in enumerate(describe(r)):
                    print("        " + ("  " if i else "") + line)
                for m in compact(msgs):
                    print("            prism: " + m)
                for k, h in HINTS:
                    if any(k in m for m in msgs):
                        print("            note: " + h)
            for s in stray:
                print("        prism log (not matched to a request): " + s)
            for h in case.handler_failures:
                print("        handler: " + h.replace("\n", "\n                 "))
            if bad or stray:
                print("        Prism's log: %s, bytes %d-%d" % (prism.log, start, offset))
                if loud:
                    for line in relevant(logtext):
                        print("          | " + line)
        else:
            passed += 1
            print("ok      %s %s" % (name, counts))
        if note:
            drove += 1
            if loud:
                print("        drove (own assertion failed, not counted): " +
                      note.replace("\n", "\n            "))
    print("\nrequests validated per endpoint (method + path template):")
    for tmpl in sorted(per_endpoint, key=lambda s: (s.split(" ", 1)[1], s)):
        ok, nbad = per_endpoint[tmpl]
        print("  %5d  %s%s" % (ok, tmpl, "   (%d violating)" % nbad if nbad else ""))
    for g in sorted(gaps):
        print("  %5d  %s   (not validated)" % (gaps[g], g))
    nvalid = sum(v[0] for v in per_endpoint.values())
    spec_ops = sum(len(r[3]) for r in routes)
    covered = len([t for t, v in per_endpoint.items() if "not in spec" not in t and v[0]])
    print("contract: %d requests, %d validated, %d endpoints of %d in the spec, "
          "%d not validated (not in spec, or a spec defect); %d tests' own assertions failed (not counted); %.1f s"
          % (total, nvalid, covered, spec_ops, sum(gaps.values()), drove, time.time() - t0))
    if failed:
        print("contract: Prism's log is %s" % prism.log)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

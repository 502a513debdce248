"""The access matrix and token hygiene (issue 4, item 7).

Every panel function x the zone key it takes x (own zone, another user's,
nobody's, malformed keys) x (a level-16 user, the admin), with the admin's
token in force: only the allowed cells reach Cloudflare, asserted from the
fake's request log; a user's domain check runs mgrctl with su=USER, an
admin's without. Then the token's hygiene: never in a URL, a child's argv
or environment, a file other than its own 0600 store file, the handler's
/proc environ once parsed; the handler runs with RLIMIT_CORE 0; and the
runner's own leak check is proved to fire on a planted leak.
"""
import http.server
import json
import os
import re
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

import lib
from lib import Failure, check, eq

# The explicit list of every function the handler serves, with the
# parameter naming its zone (None: the function takes no zone) and a
# plausible parameter set for zone z: a submit where the form needs one,
# with values that pass validation, so access alone decides. A sublist
# opened from a row gets its zone as elid (F_PARENT_ELID): such lists are
# run a second time with the zone as elid, and the error names plid.
X = "d4" * 16                       # a well-formed id no zone holds


def _p(**kw):
    return lambda z, ids: dict(kw)


FUNCS = [
    # label, func, key parameter, params(z, ids)
    ("settings", "cloudflare.settings", None, _p()),
    ("profile", "cloudflare.profile", None, _p()),
    ("account", "cloudflare.account", None, _p()),
    ("zone", "cloudflare.zone", None, _p()),
    ("zone.edit", "cloudflare.zone.edit", "name",
     lambda z, ids: dict(sok="ok", name=z, account=lib.ACCOUNT, jump_start="off",
                         copy_dns="off")),
    ("zone.delete", "cloudflare.zone.delete", "elid",
     lambda z, ids: dict(elid=z)),
    ("zone.settings", "cloudflare.zone.settings", "elid",
     lambda z, ids: dict(elid=z, sok="ok", ssl="full")),
    ("purge", "cloudflare.purge", "elid",
     lambda z, ids: dict(elid=z, sok="ok", mode="everything")),
    ("stats", "cloudflare.stats", "elid", lambda z, ids: dict(elid=z)),
    ("dns", "cloudflare.dns", "plid", lambda z, ids: dict(plid=z)),
    ("dns(elid)", "cloudflare.dns", "elid", lambda z, ids: dict(elid=z)),
    ("dns.edit", "cloudflare.dns.edit", "plid",
     lambda z, ids: dict(plid=z, sok="ok", elid="", type="A", name="matrix",
                         content="192.0.2.44", ttl="3600")),
    ("dns.delete", "cloudflare.dns.delete", "plid",
     lambda z, ids: dict(plid=z, elid=ids.get(z, X))),
    ("dns.export", "cloudflare.dns.export", "plid", lambda z, ids: dict(plid=z)),
    ("dns.import", "cloudflare.dns.import", "plid",
     lambda z, ids: dict(plid=z, sok="ok", bind="matrix 3600 IN A 192.0.2.45\n")),
    ("firewall", "cloudflare.firewall", "plid", lambda z, ids: dict(plid=z)),
    ("firewall(elid)", "cloudflare.firewall", "elid", lambda z, ids: dict(elid=z)),
    ("firewall.edit", "cloudflare.firewall.edit", "plid",
     lambda z, ids: dict(plid=z, sok="ok", elid="", target="ip", value="192.0.2.46",
                         mode="block", notes="matrix")),
    ("firewall.delete", "cloudflare.firewall.delete", "plid",
     lambda z, ids: dict(plid=z, elid=X)),
    ("cacherule", "cloudflare.cacherule", "plid", lambda z, ids: dict(plid=z)),
    ("cacherule(elid)", "cloudflare.cacherule", "elid", lambda z, ids: dict(elid=z)),
    ("cacherule.edit", "cloudflare.cacherule.edit", "plid",
     lambda z, ids: dict(plid=z, sok="ok", elid="", description="matrix",
                         match="hostname", match_value="www." + z, cache="on",
                         enabled="on")),
    ("cacherule.delete", "cloudflare.cacherule.delete", "plid",
     lambda z, ids: dict(plid=z, elid=X)),
    ("pagerule", "cloudflare.pagerule", "plid", lambda z, ids: dict(plid=z)),
    ("pagerule(elid)", "cloudflare.pagerule", "elid", lambda z, ids: dict(elid=z)),
    ("pagerule.edit", "cloudflare.pagerule.edit", "plid",
     lambda z, ids: dict(plid=z, sok="ok", elid="", url="*%s/matrix/*" % z,
                         status="active", cache_level="bypass")),
    ("pagerule.delete", "cloudflare.pagerule.delete", "plid",
     lambda z, ids: dict(plid=z, elid=X)),
]

# Functions that never call Cloudflare: the stats stub answers alone.
NO_CLOUDFLARE = {"cloudflare.stats"}
ADMIN_ONLY = {"cloudflare.settings"}

OWN, OTHER, ORPHAN = "example.com", "bob.org", "orphan.net"
WELL_FORMED = [("own", OWN), ("other", OTHER), ("orphan", ORPHAN),
               # v_domain lower-cases and drops a final dot: the
               # normalised name must meet the same rule.
               ("OTHER.", "BOB.ORG.")]
MALFORMED = [("../x", "../x"), ("space", "exa mple.com"), ("long", "a" * 300),
             ("ctrl", "exa\x01mple.com"), ("newline", "example.com\nbob.org"),
             ("esc", "example.com\x1b")]

SHORT = {"access": "acc", "value": "val", "missed": "mis", "cloudflare": "cf",
         "exists": "exi", "internal": "int"}
ZONE_PATH = re.compile(r"/zones/([^/?]+)")


def xml_funcs():
    """The func names declared in the XML's <handler name="cloudflare">."""
    root = ET.parse(os.path.join(lib.ROOT, "xml", "ispmgr_mod_cloudflare.xml")).getroot()
    names = []
    for h in root.iter("handler"):
        if h.get("name") == "cloudflare":
            names += [f.get("name") for f in h.findall("func")]
    return names


def setup(t):
    # Alice has a token of her own too: the admin's must be the one in force.
    t.save_token(lib.ALICE_TOKEN)
    t.save_admin_token(lib.ADMIN_TOKEN)


def fresh(t):
    """Each cell starts from the same Cloudflare state and an empty log."""
    t.reset(lib.default_state())
    t.clear_requests()
    # The matrix sends a few thousand requests with the admin's token:
    # the shared budget (budget.c) would rightly start refusing them.
    try:
        os.unlink(os.path.join(t.etc, "budget-admin"))
    except FileNotFoundError:
        pass


def zone_ids(t):
    return {z["name"]: z["id"] for z in t.state()["zones"]}


def first_record_ids(t):
    return {z["name"]: z["records"][0]["id"] for z in t.state()["zones"]
            if z.get("records")}


def secrets_in(text):
    return [tok[:8] for tok in lib.TOKENS if tok in text]


class Matrix:
    def __init__(self, t):
        self.t = t
        self.cells = 0
        self.lines = []
        self.leaks = []          # token values seen in a URL or body
        self.core = []           # core limits mgrctl saw in its parent
        self.zid = zone_ids(t)
        self.rec = first_record_ids(t)

    def run_cell(self, func, who, params):
        t = self.t
        fresh(t)
        n0 = len(t.mgrctl_calls())
        if who == "user":
            r = t.run(func, **params)
        else:
            r = t.admin(func, **params)
        reqs = t.requests()
        calls = t.mgrctl_calls()[n0:]
        for q in reqs:
            blob = q["path"] + json.dumps(q.get("query")) + json.dumps(q.get("body"))
            if secrets_in(blob):
                self.leaks.append("%s %s" % (q["method"], q["path"]))
        for c in calls:
            self.core.append(c.get("parent", {}).get("core_limit"))
        self.cells += 1
        return r, reqs, calls

    @staticmethod
    def outcome(r, reqs):
        """ok, or the error type (cf = Cloudflare's), and the request count."""
        e = r.error()
        what = "ok" if e is None else SHORT.get(e.get("type"), e.get("type"))
        return "%s%d" % (what, len(reqs))


def check_mgrctl(calls, who, where):
    for c in calls:
        su = [a for a in c["argv"] if a.startswith("su=")]
        if who == "user":
            eq(su, ["su=alice"], "%s: mgrctl's su" % where)
        else:
            eq(su, [], "%s: an admin's mgrctl call needs no su" % where)


def check_zone_scope(reqs, zid, zone, where):
    """An allowed cell touches the zone it named and no other."""
    want = zid.get(zone.lower().rstrip("."))
    for q in reqs:
        for seg in ZONE_PATH.findall(q["path"]):
            check(seg == want or want is None,
                  "%s: %s %s is not zone %s" % (where, q["method"], q["path"], zone))
        names = (q.get("query") or {}).get("name")
        if names:
            eq(names, [zone.lower().rstrip(".")], "%s: zone looked up" % where)


def test_funcs_match_xml(t):
    eq(sorted({f for _, f, _, _ in FUNCS}), sorted(xml_funcs()),
       "the matrix's functions vs the XML handler's")
    # Every func the XML declares is also one the binary serves: an
    # unknown func would answer "no function".
    for name in xml_funcs():
        r = t.admin(name)
        if r.error() is not None:
            check("has no function" not in (r.error().findtext("msg") or ""),
                  "the handler does not know %s" % name)


def test_access_matrix(t):
    setup(t)
    m = Matrix(t)
    table = []
    for label, func, key, params in FUNCS:
        row = []
        if key is None:
            for who in ("user", "admin"):
                where = "%s as %s" % (func, who)
                r, reqs, calls = m.run_cell(func, who, params(None, {}))
                if func in ADMIN_ONLY and who == "user":
                    r.fails("access")
                    eq(len(reqs), 0, where + ": Cloudflare requests")
                else:
                    r.good()
                check(all(q["token"] == "admin" for q in reqs),
                      "%s: a request not made with the admin's token" % where)
                check_mgrctl(calls, who, where)
                if func == "cloudflare.zone":
                    names = {x["name"] for x in r.rows()}
                    if who == "user":
                        check(names and names <= {"example.com", "alice.co.uk"},
                              "%s: alice sees only her zones, got %s" % (where, names))
                        check(calls, where + ": mgrctl was asked for alice's domains")
                    else:
                        check({OTHER, ORPHAN} <= names,
                              "%s: the admin sees every zone, got %s" % (where, names))
                row.append(m.outcome(r, reqs))
            table.append((label, row))
            continue
        errfield = "plid" if key == "elid" and label.endswith("(elid)") else key
        for who in ("user", "admin"):
            for zlabel, zone in WELL_FORMED + MALFORMED:
                where = "%s %s=%r as %s" % (func, key, zone, who)
                malformed = (zlabel, zone) in MALFORMED
                # Only the key is bad in a malformed cell: the other
                # values stay those of a good request for alice's zone.
                p = params(OWN if malformed else zone.lower().rstrip("."), m.rec)
                p[key] = zone
                r, reqs, calls = m.run_cell(func, who, p)
                e = r.error()
                if malformed:
                    r.fails(obj=errfield)
                    check(e.get("type") in ("value", "missed"),
                          "%s: error type %s, expected value or missed" %
                          (where, e.get("type")))
                    eq(len(reqs), 0, where + ": Cloudflare requests")
                    eq(len(calls), 0, where + ": mgrctl calls before validation")
                elif who == "user" and zlabel != "own":
                    r.fails("access", errfield)
                    eq(len(reqs), 0, where + ": Cloudflare requests")
                    check(calls, where + ": the domain check asked mgrctl")
                    check_mgrctl(calls, who, where)
                else:
                    check(e is None or e.get("type") != "access",
                          "%s: refused:\n%s" % (where, r.text))
                    if func in NO_CLOUDFLARE:
                        r.good()
                        eq(len(reqs), 0, where + ": a stub calls Cloudflare")
                    else:
                        check(reqs, "%s: allowed but never reached Cloudflare:\n%s" %
                              (where, r.text))
                    check(all(q["token"] == "admin" for q in reqs),
                          "%s: a request not made with the admin's token" % where)
                    check_mgrctl(calls, who, where)
                    check_zone_scope(reqs, m.zid, zone, where)
                    if who == "user":
                        check(calls, where + ": the domain check asked mgrctl")
                row.append(m.outcome(r, reqs))
        table.append((label, row))

    # The table: one line per func, a cell is the outcome and the number
    # of Cloudflare requests (acc0: access error, none sent).
    cols = [z for z, _ in WELL_FORMED + MALFORMED]
    head = ["u:" + z for z in cols] + ["a:" + z for z in cols]
    print("        %-16s %s" % ("func \\ key", " ".join("%-8s" % h[:8] for h in head)))
    for label, row in table:
        if len(row) == 2:       # no zone key: one user cell, one admin cell
            row = [row[0]] + [""] * (len(cols) - 1) + [row[1]] + [""] * (len(cols) - 1)
        print("        %-16s %s" % (label, " ".join("%-8s" % c for c in row)))
    print("        %d cells" % m.cells)
    eq(m.leaks, [], "a token in a URL or request body")
    check(m.core, "mgrctl ran in the matrix")
    bad = sorted({tuple(c or ("none",)) for c in m.core if c != ["0", "0"]})
    eq(bad, [], "RLIMIT_CORE (soft, hard) in the handler as mgrctl saw it")


def test_foreign_ids_stay_in_own_zone(t):
    """Bob's record id under alice's plid: only alice's zone is addressed."""
    setup(t)
    zid = zone_ids(t)
    bobs = first_record_ids(t)[OTHER]
    before = [z for z in t.state()["zones"] if z["name"] == OTHER]
    for func, extra in (("cloudflare.dns.delete", {}),
                        ("cloudflare.dns.edit", dict(sok="ok", type="A", name="x",
                                                     content="192.0.2.47")),
                        ("cloudflare.firewall.delete", {}),
                        ("cloudflare.cacherule.delete", {}),
                        ("cloudflare.pagerule.delete", {})):
        t.clear_requests()
        t.run(func, plid=OWN, elid=bobs, **extra).fails()
        reqs = t.requests()
        check(reqs, "%s reached Cloudflare" % func)
        check_zone_scope(reqs, zid, OWN, "%s with bob's id" % func)
        check(not any(zid[OTHER] in q["path"] for q in reqs), "bob's zone addressed")
    eq([z for z in t.state()["zones"] if z["name"] == OTHER], before, "bob's zone")


def test_store_modes(t):
    """Tokens only in their own 0600 files; budget and cache 0600; dirs 0700."""
    setup(t)
    t.run("cloudflare.zone").good()          # writes the zone cache
    t.run("cloudflare.dns", plid=OWN).good()  # and the admin's budget
    seen = set()
    for dirpath, dirs, files in os.walk(t.etc):
        eq(stat.S_IMODE(os.stat(dirpath).st_mode), 0o700, "mode of %s" % dirpath)
        for fn in files:
            p = os.path.join(dirpath, fn)
            st = os.lstat(p)
            check(stat.S_ISREG(st.st_mode), "%s is a regular file" % p)
            eq(stat.S_IMODE(st.st_mode), 0o600, "mode of %s" % p)
            seen.add(os.path.relpath(p, t.etc))
            with open(p, "rb") as f:
                data = f.read()
            holds = [tok for tok in lib.TOKENS if tok.encode() in data]
            if fn == "global.json":
                eq(holds, [lib.ADMIN_TOKEN], "tokens in global.json")
            elif os.path.relpath(p, t.etc) == "users/alice.json":
                eq(holds, [lib.ALICE_TOKEN], "tokens in users/alice.json")
            else:
                eq(holds, [], "tokens in %s" % fn)
    for want in ("global.json", "users/alice.json", "budget-admin", "zones-admin.json"):
        check(want in seen, "%s exists (store holds %s)" % (want, sorted(seen)))
    eq(stat.S_IMODE(os.stat(t.logfile).st_mode), 0o600, "mode of the plugin's log")


def _wait_for_socket(pid, limit=10.0):
    """The handler has a socket open: request_parse is done, curl is waiting."""
    t0 = time.time()
    while time.time() - t0 < limit:
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                        return True
                except OSError:
                    pass
        except OSError:
            return False
        time.sleep(0.01)
    return False


def test_token_not_in_proc_of_saving_handler(t):
    """While a token save waits on Cloudflare, /proc/PID shows no token."""
    for func, user, level, tok in (("cloudflare.profile", "alice", 16, lib.ALICE_TOKEN),
                                   ("cloudflare.settings", "root", 30, lib.ADMIN_TOKEN)):
        t.fault(mode="slow", match=r"GET .*/user/tokens/verify", delay_ms=1500)
        env = t.env(func, user, level, {"sok": "ok", "api_token": tok})
        proc = subprocess.Popen([t.binary], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=lambda: os.close(0))
        try:
            check(_wait_for_socket(proc.pid), "%s: the handler opened no socket" % func)
            with open("/proc/%d/environ" % proc.pid, "rb") as f:
                environ = f.read()
            with open("/proc/%d/cmdline" % proc.pid, "rb") as f:
                cmdline = f.read()
            with open("/proc/%d/limits" % proc.pid) as f:
                core = [l.split()[4:6] for l in f if l.startswith("Max core file size")]
            with open("/proc/%d/status" % proc.pid) as f:
                umask = [l.split()[1] for l in f if l.startswith("Umask:")]
        finally:
            out, err = proc.communicate(timeout=30)
        text = out.decode()
        t.outputs.append(text)
        lib.Reply(subprocess.CompletedProcess(proc.args, proc.returncode, out, err),
                  text).ok()
        check(tok.encode() not in environ, "%s: the token is in /proc/PID/environ" % func)
        check(b"PARAM_api_token=" in environ,
              "%s: /proc/PID/environ still names the (emptied) variable" % func)
        check(tok.encode() not in cmdline, "%s: the token is on the command line" % func)
        eq(core, [["0", "0"]], "%s: RLIMIT_CORE (soft, hard)" % func)
        eq(umask, ["0077"], "%s: the handler's umask" % func)
        eq([r["token"] for r in t.requests("/user/tokens/verify")][-1:],
           ["alice" if user == "alice" else "admin"], "the token reached Cloudflare")


def test_token_not_in_children(t):
    """mgrctl's argv, environment and the handler's environ it inherits."""
    setup(t)
    t.run("cloudflare.dns", plid=OWN).good()
    t.admin("cloudflare.zone").good()
    # A user's check through a group key, and the panel's DNS copy.
    t.run("cloudflare.zone.delete", elid="example.com, bob.org").fails("access")
    calls = t.mgrctl_calls()
    check(len(calls) >= 3, "mgrctl was called (%d)" % len(calls))
    for c in calls:
        blob = json.dumps(c)
        eq(secrets_in(blob), [], "a token in mgrctl's call: argv, env or parent environ")
        eq(c["parent"].get("core_limit"), ["0", "0"], "RLIMIT_CORE seen by mgrctl")
        # The child's environment is the fixed one of panel.c, nothing of ours.
        eq(sorted(c["env"]), ["LANG", "PATH"], "mgrctl's environment")
        check(not any(a.startswith("PARAM_") or "token" in a.lower() for a in c["argv"]),
              "mgrctl's argv carries no parameter: %s" % c["argv"])


def test_runner_leak_check_fires(t):
    """The runner's token_leaks() fails on each kind of leak it claims to catch."""
    sys.path.insert(0, lib.HERE)
    import run as runner

    tok = lib.BOB_TOKEN

    class FakeCase:
        def __init__(self):
            self.tmp = tempfile.mkdtemp(prefix="cfleak.")
            self.etc = os.path.join(self.tmp, "etc")
            os.makedirs(os.path.join(self.etc, "users"), mode=0o700)
            self.outputs, self._log, self.calls = ["<doc/>"], "", []
            self.reqs = []

        def log(self):
            return self._log

        def requests(self):
            return self.reqs

        def mgrctl_calls(self):
            return self.calls

        def put(self, rel, data, mode):
            p = os.path.join(self.tmp, rel)
            with open(p, "w") as f:
                f.write(data)
            os.chmod(p, mode)

    def leaks(plant):
        c = FakeCase()
        try:
            plant(c)
            return runner.token_leaks(c)
        finally:
            import shutil
            shutil.rmtree(c.tmp, ignore_errors=True)

    eq(leaks(lambda c: None), [], "a clean case")
    ok_store = lambda c: c.put("etc/users/bob.json", '{"token":"%s"}' % tok, 0o600)
    eq(leaks(ok_store), [], "a token in its own 0600 store file")
    plants = {
        "reply": lambda c: c.outputs.append("<doc><x>%s</x></doc>" % tok),
        "log": lambda c: setattr(c, "_log", "token %s\n" % tok),
        "stray file": lambda c: c.put("etc/zones-admin.json", tok, 0o600),
        "file outside the store": lambda c: c.put("elsewhere.txt", tok, 0o600),
        "store file 0644": lambda c: c.put("etc/users/bob.json", tok, 0o644),
        "URL": lambda c: c.reqs.append({"path": "/client/v4/zones/" + tok, "query": {}}),
        "mgrctl argv": lambda c: c.calls.append({"argv": ["mgrctl", "x=" + tok], "env": {}}),
        "mgrctl env": lambda c: c.calls.append({"argv": ["mgrctl"], "env": {"T": tok}}),
        "mgrctl's parent environ": lambda c: c.put(
            "mgrctl-calls.jsonl", json.dumps({"parent": {"environ": ["PARAM_api_token=" + tok]}}),
            0o600),
    }
    for what, plant in plants.items():
        check(leaks(plant), "the runner misses a token leaked in the %s" % what)


# ---- a hostile network: redirects and certificates -----------------------

class _Recorder(threading.Thread):
    """A loopback HTTP server that records each request and answers with
    answer(handler): the fake Cloudflare's stand-in when it must misbehave."""

    def __init__(self, answer, tls=None):
        super().__init__(daemon=True)
        self.seen = []
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def any(self):
                rec.seen.append({"method": self.command, "path": self.path,
                                 "auth": self.headers.get("Authorization", "")})
                answer(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = any

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.handshakes = 0
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True,
                                              do_handshake_on_connect=False)
            base_get = self.srv.get_request

            def get_request():
                s, a = base_get()
                s.settimeout(5)
                try:
                    s.do_handshake()
                except (ssl.SSLError, OSError):
                    s.close()
                    raise
                rec.handshakes += 1
                return s, a
            self.srv.get_request = get_request
            self.srv.handle_error = lambda *a: None
        self.port = self.srv.server_address[1]
        self.start()

    def run(self):
        self.srv.serve_forever(poll_interval=0.05)

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def test_redirect_never_followed(t):
    """A 30x from 'Cloudflare' is an error: the token never goes elsewhere."""
    target = _Recorder(lambda h: (h.send_response(200), h.end_headers()))

    def redirect(h):
        h.send_response(302)
        h.send_header("Location", "http://127.0.0.1:%d%s" % (target.port, h.path))
        h.send_header("Content-Length", "0")
        h.end_headers()
    hop = _Recorder(redirect)
    try:
        api = {"CF_API_URL": "http://127.0.0.1:%d/client/v4" % hop.port}
        t.run("cloudflare.profile", sok="ok", api_token=lib.ALICE_TOKEN, env=api).fails()
        t.save_admin_token(lib.ADMIN_TOKEN)
        t.run("cloudflare.dns", plid=OWN, env=api).fails()
    finally:
        hop.stop()
        target.stop()
    check(hop.seen, "the redirecting server was asked")
    eq(target.seen, [], "requests that followed the redirect")
    check(not os.path.exists(os.path.join(t.etc, "users", "alice.json")),
          "a token refused through a redirect is not stored")


def test_tls_certificate_verified(t):
    """An https server with a certificate nobody vouches for never sees a
    request: the handshake fails before the token is sent."""
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", os.path.join(t.tmp, "k.pem"),
                        "-out", os.path.join(t.tmp, "c.pem")],
                       check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        print("        skipped: no openssl to make a self-signed certificate")
        return
    srv = _Recorder(lambda h: (h.send_response(200), h.end_headers()),
                    tls=(os.path.join(t.tmp, "c.pem"), os.path.join(t.tmp, "k.pem")))
    try:
        api = {"CF_API_URL": "https://127.0.0.1:%d/client/v4" % srv.port}
        t.run("cloudflare.profile", sok="ok", api_token=lib.ALICE_TOKEN,
              env=api).fails(obj="api_token")
    finally:
        srv.stop()
    eq(srv.handshakes, 0, "TLS handshakes the handler completed")
    eq(srv.seen, [], "requests over an unverified connection")

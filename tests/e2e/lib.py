"""End-to-end test kit: runs build/cloudflare exactly as the panel does
(environment only, stdin closed) against the fake Cloudflare on loopback
and a fake mgrctl, and compares replies with golden XML files.

A test is a function test_NAME(t) in cases/*.py; t is a Case. The fake
is reset to default_state() (or what the test passes to t.reset) before
each test. Standard library only.
"""
import copy
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
GOLDEN = os.path.join(HERE, "golden")

ACCOUNT = "0123456789abcdef0123456789abcdef"
ACCOUNT2 = "fedcba9876543210fedcba9876543210"
ADMIN_TOKEN = "ADMINtoken_0123456789abcdefghijklmnopqr"
ALICE_TOKEN = "ALICEtoken_0123456789abcdefghijklmnopqr"
BOB_TOKEN = "BOBtoken_0123456789abcdefghijklmnopqrstu"
LIMITED_TOKEN = "LIMITEDtoken_0123456789abcdefghijklmnop"   # zone read only
EXPIRED_TOKEN = "EXPIREDtoken_0123456789abcdefghijklmnop"
DISABLED_TOKEN = "DISABLEDtoken_0123456789abcdefghijklmno"
ACCT_TOKEN = "ACCTtoken_0123456789abcdefghijklmnopqrs"       # account-owned
UNKNOWN_TOKEN = "UNKNOWNtoken_0123456789abcdefghijklmnop"
TOKENS = [ADMIN_TOKEN, ALICE_TOKEN, BOB_TOKEN, LIMITED_TOKEN, EXPIRED_TOKEN,
          DISABLED_TOKEN, ACCT_TOKEN, UNKNOWN_TOKEN]


def default_state():
    return {
        "tokens": [
            {"value": ADMIN_TOKEN, "label": "admin", "accounts": [ACCOUNT, ACCOUNT2],
             "expires_on": "2027-06-30T00:00:00Z"},
            {"value": ALICE_TOKEN, "label": "alice", "accounts": [ACCOUNT]},
            {"value": BOB_TOKEN, "label": "bob", "accounts": [ACCOUNT]},
            {"value": LIMITED_TOKEN, "label": "limited", "accounts": [ACCOUNT],
             "perms": ["zone_read", "dns_read"]},
            {"value": EXPIRED_TOKEN, "label": "expired", "status": "expired"},
            {"value": DISABLED_TOKEN, "label": "disabled", "status": "disabled"},
            {"value": ACCT_TOKEN, "label": "acct", "kind": "account",
             "accounts": [ACCOUNT]},
        ],
        "accounts": [{"id": ACCOUNT, "name": "Main account"},
                     {"id": ACCOUNT2, "name": "Second account"}],
        "zones": [
            {"name": "example.com", "account": ACCOUNT, "records": [
                {"type": "A", "name": "example.com", "content": "192.0.2.1",
                 "ttl": 1, "proxied": True},
                {"type": "CNAME", "name": "www.example.com",
                 "content": "example.com", "ttl": 1, "proxied": True},
                {"type": "MX", "name": "example.com", "content": "mail.example.com",
                 "ttl": 3600, "priority": 10},
                {"type": "TXT", "name": "example.com", "content": "v=spf1 -all",
                 "ttl": 1, "comment": "SPF"},
            ]},
            {"name": "bob.org", "account": ACCOUNT, "records": [
                {"type": "A", "name": "bob.org", "content": "198.51.100.7", "ttl": 1}]},
            {"name": "orphan.net", "account": ACCOUNT},
        ],
    }


def default_panel():
    return {
        "users": {
            "alice": {"domains": ["example.com"],
                      "webdomains": ["shop.example.com", "alice.co.uk"]},
            "bob": {"domains": ["bob.org"], "webdomains": ["www.bob.org"]},
            "carol": {"domains": [], "webdomains": []},
        },
        "records": {
            "example.com": [
                {"name": "www", "rtype": "A", "value": "192.0.2.5", "ttl": "3600"}],
            "alice.co.uk": [
                {"name": "alice.co.uk.", "rtype": "A", "value": "192.0.2.9", "ttl": "3600"},
                {"name": "www", "rtype": "CNAME", "value": "alice.co.uk.", "ttl": "3600"},
                {"name": "alice.co.uk.", "rtype": "MX", "value": "10 mail.alice.co.uk.",
                 "ttl": "3600"},
                {"name": "alice.co.uk.", "rtype": "TXT", "value": "v=spf1 mx -all",
                 "ttl": "3600"}],
        },
        "mode": "normal",
    }


class Failure(Exception):
    pass


# Sanitizer and valgrind runs (make check SANITIZE=1, make valgrind):
# their options reach the handler, CF_WRAP="valgrind ..." goes before
# it on the command line, and any report on its stderr fails the test.
SANITIZER_ENV = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "UndefinedBehaviorSanitizer")
WRAP_EXIT = 99      # valgrind --error-exitcode


def handler_cmd(binary):
    """The handler's argv, with the CF_WRAP prefix if one is set."""
    return shlex.split(os.environ.get("CF_WRAP", "")) + [binary]


def handler_timeout(timeout):
    """Valgrind runs the handler some 20 times slower."""
    return timeout * 4 if os.environ.get("CF_WRAP") else timeout


def time_factor():
    """For a test's own time bounds: how much slower the handler runs."""
    return 10 if os.environ.get("CF_WRAP") else 1


def checker_report(stderr, rc=0):
    """A sanitizer's or valgrind's report in the handler's stderr, or None."""
    if any(m in stderr for m in SANITIZER_MARKS):
        return stderr
    if os.environ.get("CF_WRAP") and (rc == WRAP_EXIT or
                                      re.search(r"(?m)^==\d+== ", stderr)):
        return "exit status %d\n%s" % (rc, stderr)
    return None


class Reply:
    def __init__(self, proc, text):
        self.rc = proc.returncode
        self.text = text
        self.stderr = proc.stderr.decode("utf-8", "replace")
        report = checker_report(self.stderr, self.rc)
        if report is not None:
            raise Failure("the handler's checker reported:\n" + report[-6000:])
        try:
            self.root = ET.fromstring(text.encode("utf-8"))
        except ET.ParseError as e:
            raise Failure("reply is not well-formed XML (%s):\n%s" % (e, text))
        if self.rc != 0:
            raise Failure("exit status %d" % self.rc)
        if self.root.tag != "doc":
            raise Failure("root element is <%s>, not <doc>" % self.root.tag)

    def error(self):
        return self.root.find("error")

    def ok(self):
        if self.error() is not None or self.root.find("ok") is None:
            raise Failure("expected <ok/>, got:\n" + self.text)
        return self

    def fails(self, type_=None, obj=None, contains=None):
        e = self.error()
        if e is None:
            raise Failure("expected an <error>, got:\n" + self.text)
        if type_ is not None and e.get("type") != type_:
            raise Failure("error type %r, expected %r:\n%s" % (e.get("type"), type_, self.text))
        if obj is not None and e.get("object") != obj:
            raise Failure("error object %r, expected %r:\n%s" % (e.get("object"), obj, self.text))
        msg = e.findtext("msg") or ""
        if contains is not None:
            for c in ([contains] if isinstance(contains, str) else contains):
                if c not in msg:
                    raise Failure("error message lacks %r:\n%s" % (c, self.text))
        return msg

    def good(self):
        if self.error() is not None:
            raise Failure("unexpected error:\n" + self.text)
        return self

    def field(self, name):
        return self.root.findtext(name)

    def rows(self):
        return [{c.tag: (c.text or "") for c in e} for e in self.root.findall("elem")]

    def slist(self, name):
        for s in self.root.findall("slist"):
            if s.get("name") == name:
                return [v.get("key") if v.tag == "val" else v.text for v in s]
        return None


class Fake:
    """The fake Cloudflare, one per test run."""

    def __init__(self, workdir, extra=()):
        self.dir = workdir
        self.log = os.path.join(workdir, "fakecf.jsonl")
        portfile = os.path.join(workdir, "fakecf.port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(TESTS, "fakecf.py"), "--port", "0",
             "--portfile", portfile, "--log", self.log] + list(extra),
            stdin=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(portfile):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("fakecf.py exited at start")
            time.sleep(0.05)
        else:
            raise RuntimeError("fakecf.py did not start")
        with open(portfile) as f:
            self.port = int(f.read().strip())
        self.base = "http://127.0.0.1:%d" % self.port
        self.api = self.base + "/client/v4"

    def post(self, path, body):
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"},
                                     method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Case:
    """What a test gets: a clean store, a fake panel, the fake Cloudflare."""

    def __init__(self, binary, fake, name, update=False, contract=False):
        self.binary = os.path.abspath(binary)
        self.fake = fake
        self.name = name
        self.update = update
        self.contract = contract
        self.tmp = tempfile.mkdtemp(prefix="cfe2e.")
        self.etc = os.path.join(self.tmp, "etc")
        self.logfile = os.path.join(self.tmp, "cloudflare.log")
        self.bindir = os.path.join(self.tmp, "bin")
        os.mkdir(self.bindir)
        self.mgrctl = os.path.join(self.bindir, "mgrctl")
        shutil.copy(os.path.join(TESTS, "fake-mgrctl"), self.mgrctl)
        os.chmod(self.mgrctl, 0o755)
        self.set_panel(default_panel())
        self.outputs = []
        if not contract:
            self.reset(default_state())

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the fakes ------------------------------------------------------
    def reset(self, state):
        self.fake.post("/__reset", state)

    def state(self):
        return self.fake.get("/__state")

    def fault(self, **kw):
        self.fake.post("/__fault", kw)

    def config(self, **kw):
        self.fake.post("/__config", kw)

    def requests(self, path_contains=None, method=None):
        reqs = self.fake.get("/__requests")
        if path_contains:
            reqs = [r for r in reqs if path_contains in r["path"]]
        if method:
            reqs = [r for r in reqs if r["method"] == method]
        return reqs

    def clear_requests(self):
        self.fake.post("/__requests/clear", {})

    def set_panel(self, data):
        with open(os.path.join(self.bindir, "mgrctl-data.json"), "w") as f:
            json.dump(data, f)

    def mgrctl_calls(self):
        p = os.path.join(self.bindir, "mgrctl-calls.jsonl")
        if not os.path.exists(p):
            return []
        with open(p) as f:
            return [json.loads(l) for l in f if l.strip()]

    # --- the handler ----------------------------------------------------
    def env(self, func, user, level, params):
        e = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "CF_API_URL": self.fake.api,
            "CF_ETC_DIR": self.etc,
            "CF_MGRCTL": self.mgrctl,
            "CF_LOG": self.logfile,
            "AUTH_USER": user,
            "AUTH_LEVEL": str(level),
            "PARAM_func": func,
        }
        for k, v in params.items():
            e["PARAM_" + k] = v
        for k in SANITIZER_ENV:
            if k in os.environ:
                e[k] = os.environ[k]
        return e

    def run(self, func, user="alice", level=16, env=None, timeout=40, **params):
        e = self.env(func, user, level, params)
        if env:
            e.update(env)
        proc = subprocess.run(handler_cmd(self.binary), env=e, capture_output=True,
                              preexec_fn=lambda: os.close(0),
                              timeout=handler_timeout(timeout))
        text = proc.stdout.decode("utf-8", "strict")
        self.outputs.append(text)
        return Reply(proc, text)

    def admin(self, func, **params):
        return self.run(func, user="root", level=30, **params)

    def save_token(self, token, user="alice"):
        """A user's own token, saved through cloudflare.profile."""
        return self.run("cloudflare.profile", user=user, sok="ok", api_token=token).ok()

    def save_admin_token(self, token):
        return self.admin("cloudflare.settings", sok="ok", api_token=token).ok()

    def log(self):
        if not os.path.exists(self.logfile):
            return ""
        with open(self.logfile, encoding="utf-8") as f:
            return f.read()

    # --- checks ---------------------------------------------------------
    def golden(self, reply, name):
        """Compare a reply with golden/NAME.xml, by diff."""
        if self.contract:
            return
        path = os.path.join(GOLDEN, name + ".xml")
        if self.update or not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as f:
                f.write(reply.text)
            if not self.update:
                raise Failure("no golden file yet; wrote %s: review it" % path)
            return
        actual = os.path.join(self.tmp, name + ".actual.xml")
        with open(actual, "w", encoding="utf-8") as f:
            f.write(reply.text)
        d = subprocess.run(["diff", "-u", path, actual], capture_output=True, text=True)
        if d.returncode != 0:
            raise Failure("reply differs from golden/%s.xml:\n%s" % (name, d.stdout))

    def no_cloudflare_calls(self):
        if self.contract:
            return
        reqs = self.requests()
        if reqs:
            raise Failure("expected no Cloudflare request, got: %s" %
                          ["%s %s" % (r["method"], r["path"]) for r in reqs])


def check(cond, what):
    if not cond:
        raise Failure(what)


def eq(actual, expected, what="value"):
    if actual != expected:
        raise Failure("%s: got %r, expected %r" % (what, actual, expected))

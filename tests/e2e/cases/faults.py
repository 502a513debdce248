"""Faults from Cloudflare: every one the fake can play ends in a well-formed
XML error with a useful message, exit 0, within the panel's patience, and
nothing half-written.

Each handler run here goes through timed(), which measures the wall time
(asserted under 30 s) and the peak RSS (os.wait4's ru_maxrss).

Connect timeouts: CURLOPT_CONNECTTIMEOUT_MS bounds them at 5 s; the test
fills a loopback listener's accept queue so that Linux drops the SYNs, which
is what an unreachable host looks like. A closed port must fail fast.
"""
import json
import os
import socket
import subprocess
import time
import types

import lib
from lib import check, eq

PATIENCE = 30.0         # seconds the panel waits for a handler
RSS_CAP_KB = 64 * 1024  # what a 64 MiB reply may cost us, at the most
# Under valgrind (CF_WRAP) the handler starts and runs slower; under it or
# ASan, its memory is the checker's: time bounds stretch, RSS goes unchecked.
SLOW = 4 if os.environ.get("CF_WRAP") else 1


def instrumented(binary):
    if os.environ.get("CF_WRAP"):
        return True
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()
ZID = "[0-9a-f]{32}"
DNS = "GET /client/v4/zones/%s/dns_records" % ZID


def timed(t, func, user="alice", level=16, env=None, **params):
    """One handler run; returns (Reply, seconds, peak RSS in KiB)."""
    e = t.env(func, user, level, params)
    if env:
        e.update(env)
    errpath = os.path.join(t.tmp, "stderr")
    t0 = time.monotonic()
    with open(errpath, "wb") as err:
        p = subprocess.Popen(lib.handler_cmd(t.binary), env=e, stdout=subprocess.PIPE,
                             stderr=err, preexec_fn=lambda: os.close(0))
        out = p.stdout.read()
        p.stdout.close()
        _, status, ru = os.wait4(p.pid, 0)
    took = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    with open(errpath, "rb") as f:
        stderr = f.read()
    text = out.decode("utf-8", "strict")    # valid UTF-8, or this raises
    t.outputs.append(text)
    r = lib.Reply(types.SimpleNamespace(returncode=p.returncode, stderr=stderr), text)
    check(took < PATIENCE * SLOW,
          "%s took %.1f s, the panel waits %d s" % (func, took, PATIENCE))
    return r, took, ru.ru_maxrss


def run(t, func, **kw):
    return timed(t, func, **kw)[0]


def own(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()


def records(t, zone="example.com"):
    for z in t.state()["zones"]:
        if z["name"] == zone:
            return z["records"]
    raise lib.Failure("no zone " + zone)


def record_id(t, name, type_):
    for rec in records(t):
        if rec["name"] == name and rec["type"] == type_:
            return rec["id"]
    raise lib.Failure("no record %s %s" % (name, type_))


def dns_list(t, **kw):
    return timed(t, "cloudflare.dns", plid="example.com", **kw)


def dns_gets(t):
    return [x for x in t.requests("/dns_records", "GET")]


def create_a(t, name="api"):
    return run(t, "cloudflare.dns.edit", plid="example.com", sok="ok", type="A", name=name,
               content="192.0.2.50", ttl="300")


def budget_file(t, scope="user-alice"):
    p = os.path.join(t.etc, "budget-" + scope)
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return f.read()


def logged(t, want, path="/", method=None, within=10.0):
    """The fake logs a hung request when it lets go of it: wait for that."""
    end = time.monotonic() + within
    while True:
        got = t.requests(path, method)
        if len(got) >= want or time.monotonic() > end:
            return got
        time.sleep(0.2)


def xml_wellformed_no_rows(r):
    eq(r.rows(), [], "no rows beside the error")


# ---------------------------------------------------------------- 429

def test_429_short_retry_after_is_retried(t):
    own(t)
    t.fault(mode="429", match=DNS, retry_after=1)
    r, took, _ = dns_list(t)
    eq(len(r.good().rows()), 4, "the whole list after the retry")
    eq(len(dns_gets(t)), 2, "asked twice")
    check(took >= 1.0, "waited for Retry-After: %.2f s" % took)
    check("blocked" not in budget_file(t), "a retry that worked blocks nobody")


def test_429_beyond_deadline_blocks_the_token(t):
    own(t)
    t.fault(mode="429", match=DNS, retry_after=120)
    r, took, _ = dns_list(t)
    r.fails("ratelimit", contains=["rate limit", "Try again in 120 s"])
    eq(len(dns_gets(t)), 1, "not retried: 120 s is past the deadline")
    check(took < 5 * SLOW, "gave up at once: %.1f s" % took)
    check("blocked " in budget_file(t), "the budget remembers the block")
    # The next run within those 120 s does not ask Cloudflare at all.
    t.clear_requests()
    msg = dns_list(t)[0].fails("ratelimit", contains="Try again in")
    t.no_cloudflare_calls()
    secs = int(msg.split("Try again in ")[1].split()[0])
    check(110 <= secs <= 120, "the wait counts down: %d" % secs)
    run(t, "cloudflare.dns", plid="example.com", lang="ru").fails("ratelimit",
                                                                  contains="Повторите через")
    t.no_cloudflare_calls()
    # Another user's own token is another allowance.
    t.save_token(lib.BOB_TOKEN, user="bob")
    run(t, "cloudflare.dns", user="bob", plid="bob.org").good()


def test_429_without_retry_after(t):
    own(t)
    t.fault(mode="429", match=DNS, retry_after=None)
    r, took, _ = dns_list(t)
    r.fails("ratelimit", contains="Try again in 300 s")
    eq(len(dns_gets(t)), 1, "not retried: Cloudflare's block lasts 5 minutes")
    check(took < 5 * SLOW, "gave up at once: %.1f s" % took)
    t.clear_requests()
    dns_list(t)[0].fails("ratelimit")
    t.no_cloudflare_calls()


# ---------------------------------------------------------------- 5xx

def test_5xx_on_get_retried_with_backoff(t):
    own(t)
    t.fault(mode="5xx", match=DNS, count=2, status=503)
    r, took, _ = dns_list(t)
    eq(len(r.good().rows()), 4, "the list after two retries")
    gets = dns_gets(t)
    eq([x["status"] for x in gets], [503, 503, 200], "three tries")
    gaps = [gets[i + 1]["t0"] - gets[i]["ts"] for i in range(2)]
    check(gaps[0] >= 0.4 and gaps[1] >= 0.9, "backs off, longer each time: %s" % gaps)


def test_5xx_on_every_try(t):
    own(t)
    t.fault(mode="5xx", match=DNS, count=-1)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains=["trouble", "HTTP 502"])
    xml_wellformed_no_rows(r)
    eq(len(dns_gets(t)), 3, "one try and two retries")
    t.fake.post("/__clear_faults", {})


def test_5xx_on_create_not_repeated(t):
    own(t)
    before = records(t)
    t.fault(mode="5xx", match="POST /client/v4/zones/%s/dns_records" % ZID, count=-1)
    msg = create_a(t).fails("cloudflare", contains=["HTTP 502", "efresh"])
    eq(len(t.requests("/dns_records", "POST")), 1, "one POST, never repeated")
    eq(records(t), before, "nothing created")
    t.fake.post("/__clear_faults", {})
    t.fault(mode="500json", match="POST /client/v4/zones/%s/dns_records" % ZID, count=-1)
    t.clear_requests()
    msg = create_a(t).fails("cloudflare", contains="efresh")
    check("99999" in msg, "quotes Cloudflare's code: " + msg)
    eq(len(t.requests("/dns_records", "POST")), 1, "one POST, never repeated")
    t.fake.post("/__clear_faults", {})


def test_5xx_on_edit_leaves_the_record(t):
    own(t)
    rid = record_id(t, "example.com", "A")
    before = records(t)
    t.fault(mode="5xx", match="PATCH /client/v4/zones/%s/dns_records/" % ZID, count=-1)
    run(t, "cloudflare.dns.edit", plid="example.com", elid=rid, sok="ok", type="A",
        name="example.com", content="192.0.2.99", ttl="1").fails("cloudflare",
                                                                 contains="efresh")
    eq(len(t.requests("/dns_records/" + rid, "PATCH")), 1, "one PATCH, never repeated")
    eq(records(t), before, "the record as it was")
    t.fake.post("/__clear_faults", {})


def test_settings_save_failure_leaves_settings(t):
    own(t)
    before = [z["settings"] for z in t.state()["zones"]]
    t.fault(mode="reset", match="PATCH /client/v4/zones/%s/settings" % ZID, count=-1)
    form = run(t, "cloudflare.zone.settings", elid="example.com").good()
    params = {c.tag: (c.text or "") for c in form.root if c.tag not in ("slist", "elem")}
    params.update(elid="example.com", sok="ok", ssl="strict", always_use_https="on")
    run(t, "cloudflare.zone.settings", **params).fails("cloudflare", contains="efresh")
    eq(len(t.requests("/settings", "PATCH")), 1, "one PATCH, never repeated")
    eq([z["settings"] for z in t.state()["zones"]], before, "settings as they were")
    t.fake.post("/__clear_faults", {})


# ---------------------------------------------------------------- timeouts

def test_hang_two_lookups_at_once(t):
    own(t)
    t.fault(mode="hang", match=r"GET /client/v4/zones\?name=", count=2, delay_ms=16000)
    r, took, _ = timed(t, "cloudflare.zone")
    r.fails("cloudflare", contains="did not answer in time")
    eq(len(logged(t, 2, "/zones", "GET")), 2, "both asked, neither repeated")
    check(14 <= took < 20 * SLOW, "both bounded by one 15 s timeout, in parallel: %.1f s" % took)


def test_hang_on_page_2_after_a_slow_lookup(t):
    """Two slow requests in a row: the process deadline (25 s) cuts the second."""
    own(t)
    st = lib.default_state()
    st["zones"][0]["generate_records"] = 246
    t.reset(st)
    t.config(dns_page_cap=100)
    try:
        t.fault(mode="slow", match=r"GET /client/v4/zones\?name=", delay_ms=12000)
        t.fault(mode="hang", match=DNS + r"\?page=2&", delay_ms=14000)
        r, took, _ = dns_list(t)
    finally:
        t.config(dns_page_cap=5000)
    r.fails("cloudflare", contains="did not answer in time")
    xml_wellformed_no_rows(r)
    pages = sorted(int(x["query"]["page"][0]) for x in logged(t, 3, "/dns_records"))
    eq(pages, [1, 2, 3], "pages asked")
    check(23 <= took < 27 * SLOW, "12 s + the rest of the 25 s deadline: %.1f s" % took)


def test_connect_timeout(t):
    own(t)
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(0)
    fill = []
    try:
        # A full accept queue: Linux drops further SYNs, as a dead host would.
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(lst.getsockname())
            except BlockingIOError:
                pass
            fill.append(c)
        time.sleep(0.2)
        url = "http://127.0.0.1:%d/client/v4" % lst.getsockname()[1]
        r, took, _ = dns_list(t, env={"CF_API_URL": url})
    finally:
        for c in fill:
            c.close()
        lst.close()
    r.fails("cloudflare", contains="in time")
    check(4.5 <= took < 8 * SLOW, "bounded by the 5 s connect timeout: %.1f s" % took)


def test_connection_refused_fails_fast(t):
    own(t)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r, took, _ = dns_list(t, env={"CF_API_URL": "http://127.0.0.1:%d/client/v4" % port})
    r.fails("cloudflare", contains="could not connect")
    check(took < 3 * SLOW, "refused is quick: %.1f s" % took)


# ---------------------------------------------------------------- broken transport

def test_reset_once_on_get_is_retried(t):
    own(t)
    t.fault(mode="reset", match=DNS)
    eq(len(dns_list(t)[0].good().rows()), 4, "the list after a retry")
    eq(len(dns_gets(t)), 2, "asked twice")


def test_reset_every_time(t):
    own(t)
    t.fault(mode="reset", match=DNS, count=-1)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains="broke off")
    # Three tries of ours; libcurl may add one to each that went out on a
    # reused connection, which is safe for a GET.
    n = len(dns_gets(t))
    check(3 <= n <= 6, "one try and two retries: %d" % n)
    t.fake.post("/__clear_faults", {})


def test_reset_on_create_not_repeated(t):
    own(t)
    before = records(t)
    t.fault(mode="reset", match="POST /client/v4/zones/%s/dns_records" % ZID, count=-1)
    create_a(t).fails("cloudflare", contains=["broke off", "Refresh"])
    eq(len(t.requests("/dns_records", "POST")), 1, "one POST, never repeated")
    eq(records(t), before, "nothing created")
    t.fake.post("/__clear_faults", {})


def test_truncate_every_time(t):
    own(t)
    t.fault(mode="truncate", match=DNS, count=-1)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains="broke off")
    xml_wellformed_no_rows(r)
    eq(len(dns_gets(t)), 3, "one try and two retries")
    t.fake.post("/__clear_faults", {})


def test_truncate_on_create_made_once(t):
    """Cloudflare did the create, the answer was cut: not sent again."""
    own(t)
    n = len(records(t))
    t.fault(mode="truncate", match="POST /client/v4/zones/%s/dns_records" % ZID)
    create_a(t).fails("cloudflare", contains="Refresh")
    eq(len(t.requests("/dns_records", "POST")), 1, "one POST")
    made = [x for x in records(t) if x["name"] == "api.example.com"]
    eq((len(records(t)), len(made)), (n + 1, 1), "created exactly once")


def test_token_save_failure_keeps_the_old_token(t):
    t.save_token(lib.ALICE_TOKEN)
    path = os.path.join(t.etc, "users", "alice.json")
    with open(path, "rb") as f:
        before = f.read()
    for mode in ("reset", "5xx", "badjson", "huge"):
        t.fault(mode=mode, match="GET /client/v4/user/tokens/verify", count=-1)
        run(t, "cloudflare.profile", sok="ok", api_token=lib.BOB_TOKEN).fails(
            "cloudflare", "api_token")
        t.fake.post("/__clear_faults", {})
        with open(path, "rb") as f:
            eq(f.read(), before, "the saved token after a failed save (%s)" % mode)
    check(not [n for n in os.listdir(os.path.dirname(path)) if ".tmp." in n],
          "no temporary files left")


# ---------------------------------------------------------------- bad replies

def test_badjson(t):
    own(t)
    t.fault(mode="badjson", match=DNS)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains=["cannot read", "HTTP 200", "not valid JSON"])
    eq(len(dns_gets(t)), 1, "a bad answer is not asked again")


def test_html_error_page(t):
    own(t)
    t.fault(mode="html", match=DNS, status=403)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains="HTTP 403")
    t.golden(r, "faults_html_403")
    t.fault(mode="html", match=DNS)
    dns_list(t)[0].fails("cloudflare", contains="cannot read")


def test_unknown_error_code_quoted(t):
    own(t)
    t.fault(mode="unknown_error", match=DNS)
    r = dns_list(t)[0]
    r.fails("cloudflare", contains=["Something new went wrong", "77777"])
    t.golden(r, "faults_unknown_error")
    t.fault(mode="unknown_error", match=DNS)
    dns_list(t, lang="ru")[0].fails("cloudflare", contains=["Something new went wrong",
                                                            "код 77777"])


def admin_dns_list(t):
    """As the admin, who needs no mgrctl: the peak RSS is the handler's own."""
    t.save_admin_token(lib.ADMIN_TOKEN)
    return timed(t, "cloudflare.dns", user="root", level=30, plid="example.com")


def test_huge_reply_cut_at_the_cap(t):
    base = admin_dns_list(t)[2]
    t.clear_requests()
    t.fault(mode="huge", match=DNS)
    r, took, rss = admin_dns_list(t)
    r.fails("cloudflare", contains="8 MiB")
    t.golden(r, "faults_huge")
    # The cap is 8 MiB; the buffer may double once past it.
    check(instrumented(t.binary) or rss < RSS_CAP_KB and rss - base < 24 * 1024,
          "peak RSS %d KiB (%d KiB without the reply)" % (rss, base))
    eq(len(dns_gets(t)), 1, "not asked again")


def test_nested_reply_refused(t):
    t.fault(mode="nested", match=DNS)
    r, _, rss = admin_dns_list(t)
    r.fails("cloudflare", contains="nested too deeply")
    t.golden(r, "faults_nested")
    check(instrumented(t.binary) or rss < RSS_CAP_KB, "peak RSS %d KiB" % rss)


def test_badutf8_becomes_replacement_characters(t):
    own(t)
    t.fault(mode="badutf8", match=DNS)
    r = dns_list(t)[0].good()   # timed() decoded it strictly, Reply parsed it
    rows = r.rows()
    eq(len(rows), 4, "every record")
    eq(rows[0]["content"], "\ufffd\ufffd\ufffd192.0.2.1", "bad bytes shown as U+FFFD")
    check("\ufffd" not in "".join(x["content"] for x in rows[1:]), "only where they were")
    # In an error message too: Cloudflare's text is quoted there.
    t.fault(mode="payload", match=DNS, status=400,
            payload='{"success":false,"errors":[{"code":1234,"message":"bad \udcff\udcfe'
                    '\x01 here <&>"}],"messages":[],"result":null}')
    msg = dns_list(t)[0].fails("cloudflare", contains="1234")
    check("bad \ufffd\ufffd\ufffd here <&>" in msg, "cleaned and escaped: %r" % msg)


def test_fault_in_the_middle_of_a_list(t):
    own(t)
    st = lib.default_state()
    st["zones"][0]["generate_records"] = 446     # 450 records, 5 pages of 100
    t.reset(st)
    t.config(dns_page_cap=100)
    try:
        t.fault(mode="unknown_error", match=DNS + r"\?page=3&")
        r = dns_list(t)[0]
        r.fails("cloudflare", contains="77777")
        xml_wellformed_no_rows(r)
        pages = sorted(int(x["query"]["page"][0]) for x in dns_gets(t))
        eq(pages, [1, 2, 3, 4, 5], "every page asked")
        t.fault(mode="5xx", match=DNS + r"\?page=3&", count=-1)
        r = dns_list(t)[0]
        r.fails("cloudflare", contains="trouble")
        xml_wellformed_no_rows(r)
        t.fake.post("/__clear_faults", {})
        eq(len(dns_list(t)[0].good().rows()), 450, "whole again without the fault")
    finally:
        t.config(dns_page_cap=5000)


def zone_obj(**over):
    z = {"id": "a" * 32, "name": "example.com", "status": "active", "paused": False,
         "account": {"id": lib.ACCOUNT, "name": "Main account"},
         "plan": {"name": "Free Website"}, "name_servers": ["ada.ns.cloudflare.com"]}
    z.update(over)
    return z


def env(result, **over):
    doc = {"success": True, "errors": [], "messages": [], "result": result}
    doc.update(over)
    return doc


def test_bad_zone_in_lookup_never_reaches_a_url(t):
    own(t)
    bad = [
        env([zone_obj(id="../../user/tokens")]),
        env([zone_obj(id="g" * 32)]),
        env([zone_obj(id="A" * 31)]),
        env([zone_obj(id=12345)]),
        env([zone_obj(id=None)]),
        env([zone_obj(name=["example.com"])]),
        env([zone_obj(account={"id": "../x"})]),
        env([zone_obj(name_servers="ns1")]),
        env({"id": "a" * 32, "name": "example.com"}),   # an object, not a list
        env("example.com"),
        env(None),
        env([["nested"]]),
        env([zone_obj()], success="true"),
        {"result": [zone_obj()]},
        [zone_obj()],
    ]
    for payload in bad:
        t.clear_requests()
        t.fault(mode="payload", match=r"GET /client/v4/zones\?name=example\.com", payload=payload)
        r = dns_list(t)[0]
        r.fails("cloudflare")
        xml_wellformed_no_rows(r)
        paths = [x["path"] for x in t.requests()]
        eq(paths, ["/client/v4/zones"], "only the lookup, for %s" % json.dumps(payload)[:80])
    # Nothing bad was cached either: a good answer works at once.
    eq(len(dns_list(t)[0].good().rows()), 4, "the list")


def test_bad_result_types(t):
    own(t)
    dns_list(t)[0].good()       # the zone is cached from here on
    rid = record_id(t, "example.com", "MX")
    cases = [
        (DNS, env({"id": rid})),                    # a list expected
        (DNS, env([{"id": "x" * 32, "type": "A"}])),
        (DNS, env([{"id": rid, "type": "A", "name": 7, "content": "192.0.2.1"}])),
        (DNS, env([], result_info={"page": 1, "per_page": -5, "total_pages": "9"})),
        (DNS, env([], result_info={"page": 1, "per_page": 100, "total_pages": 10 ** 12})),
        (DNS, env([], errors="none")),
        ("GET /client/v4/zones/%s/dns_records/%s" % (ZID, rid), env([rid])),
        ("GET /client/v4/zones/%s/dns_records/%s" % (ZID, rid), env({"id": rid})),
    ]
    for match, payload in cases:
        t.clear_requests()
        t.fault(mode="payload", match=match, payload=payload)
        if "/dns_records/" in match:
            r = run(t, "cloudflare.dns.edit", plid="example.com", elid=rid)
        else:
            r = dns_list(t)[0]
        if r.error() is None:
            # An empty list with a sane page count may pass; anything else is an error.
            eq(r.rows(), [], "no rows from %s" % json.dumps(payload)[:80])
        else:
            r.fails("cloudflare")
        for x in t.requests():
            check(x["path"].startswith("/client/v4/zones/") and ".." not in x["path"],
                  "paths stay ours: %s" % x["path"])
        t.fake.post("/__clear_faults", {})

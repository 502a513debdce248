"""The shared request budget: one allowance per token scope under CF_ETC_DIR
(budget-admin, budget-user-NAME), lines "SECOND COUNT" and "blocked UNTIL",
1000 requests per 300 s. Bulk work that would run it dry is refused before
any call, and says so."""
import concurrent.futures
import os
import stat
import time

import lib
from lib import check, eq

LIMIT = 1000
WINDOW = 300


def path(t, scope):
    return os.path.join(t.etc, "budget-" + scope)


def seed(t, scope, text):
    os.makedirs(t.etc, mode=0o700, exist_ok=True)
    p = path(t, scope)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())


def seed_used(t, scope, n):
    seed(t, scope, "%d %d\n" % (int(time.time()), n))


def used(t, scope):
    """What the file counts in the window, read as the plugin reads it."""
    p = path(t, scope)
    if not os.path.exists(p):
        return 0
    eq(stat.S_IMODE(os.stat(p).st_mode), 0o600, p + " mode")
    now, total = int(time.time()), 0
    with open(p) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[0] != "blocked":
                sec, n = int(w[0]), int(w[1])
                if now - WINDOW < sec <= now:
                    total += n
    return total


def tags(n=3000):
    return "\n".join("tag-%04d" % i for i in range(n))


def purge_tags(t, user="alice", zone="example.com", **kw):
    return t.run("cloudflare.purge", user=user, elid=zone, sok="ok", mode="tags", items=tags(),
                 **kw)


def admin_token_zone_cached(t):
    """The admin's token in force, example.com's id already cached."""
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.run("cloudflare.dns", plid="example.com").good()
    t.clear_requests()


def test_bulk_purge_refused_before_any_call(t):
    admin_token_zone_cached(t)
    seed_used(t, "admin", 950)
    msg = purge_tags(t).fails("ratelimit", contains=["950 of its 1000", "needs 100 more",
                                                     "Try again in"])
    secs = int(msg.split("Try again in ")[1].split()[0])
    check(280 <= secs <= WINDOW, "retry when the oldest count leaves the window: %d" % secs)
    t.no_cloudflare_calls()
    eq(used(t, "admin"), 950, "a refusal takes nothing")
    purge_tags(t, lang="ru").fails("ratelimit", contains=["950 из 1000", "Повторите через"])
    t.no_cloudflare_calls()
    # Small work still fits in what is left.
    t.run("cloudflare.dns", plid="example.com").good()
    eq(used(t, "admin"), 951, "one request counted")


def test_bulk_purge_with_room_is_counted(t):
    admin_token_zone_cached(t)
    seed_used(t, "admin", 100)
    r = purge_tags(t).good()
    eq(r.field("notice"), "Purged 3000 cache tags.", "notice")
    eq(len(t.requests("/purge_cache", "POST")), 100, "100 requests of 30")
    eq(used(t, "admin"), 100 + len(t.requests()), "the file counts every request")
    check(not os.path.exists(path(t, "user-alice")), "the admin's token, the admin's budget")


def test_own_tokens_have_own_budgets(t):
    t.save_token(lib.ALICE_TOKEN)
    t.save_token(lib.BOB_TOKEN, user="bob")
    t.clear_requests()
    seed_used(t, "user-bob", 990)
    purge_tags(t).good()
    eq(used(t, "user-alice"), len(t.requests()), "alice's own count")
    eq(used(t, "user-bob"), 990, "bob's untouched by alice's work")
    check(not os.path.exists(path(t, "admin")), "no admin budget without the admin's token")
    t.clear_requests()
    t.run("cloudflare.dns", user="bob", plid="bob.org").good()
    eq(used(t, "user-bob"), 990 + len(t.requests()), "bob's small work fits")
    t.clear_requests()
    purge_tags(t, user="bob", zone="bob.org").fails(
        "ratelimit", contains=["Your API token has made 992 of its 1000", "100 more"])
    t.no_cloudflare_calls()


def test_damaged_budget_file_does_not_stop_work(t):
    admin_token_zone_cached(t)
    now = int(time.time())
    damaged = [
        b"\x00\xff\xfe garbage " * 2000,                       # binary, past the read size
        b"blocked soon\n-5 10\nabc def\n 12\n\n\n",
        b"99999999999999999999999 5\n%d 99999999999999999999\n" % now,
        b"%d 100000\n%d -3\n%d 7" % (now, now, now + 1000),     # out of bounds, future
        b"blocked %d\n" % (now + 10 ** 6),                      # a block past one day
        b"%d" % now,                                            # torn mid-line
        b"",
    ]
    for text in damaged:
        seed(t, "admin", text)
        t.clear_requests()
        t.run("cloudflare.dns", plid="example.com").good()
        eq(used(t, "admin"), len(t.requests()), "counted afresh after %r" % text[:30])
    # A budget file that cannot be opened is logged, and work goes on.
    os.unlink(path(t, "admin"))
    os.mkdir(path(t, "admin"))
    t.run("cloudflare.dns", plid="example.com").good()
    os.rmdir(path(t, "admin"))
    target = os.path.join(t.tmp, "elsewhere")
    with open(target, "w") as f:
        f.write("keep\n")
    os.symlink(target, path(t, "admin"))
    t.run("cloudflare.dns", plid="example.com").good()
    with open(target) as f:
        eq(f.read(), "keep\n", "a link is never followed")
    check("budget: cannot open" in t.log(), "logged")


def test_retries_are_counted(t):
    admin_token_zone_cached(t)
    before = used(t, "admin")
    t.fault(mode="5xx", match=r"GET /client/v4/zones/[0-9a-f]{32}/dns_records", count=2)
    t.run("cloudflare.dns", plid="example.com").good()
    eq(len(t.requests("/dns_records")), 3, "two retries")
    eq(used(t, "admin"), before + len(t.requests()), "each try counted")


def test_concurrent_runs_never_lose_counts(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    jobs = [("cloudflare.dns", dict(plid="example.com")), ("cloudflare.zone", {}),
            ("cloudflare.dns", dict(user="bob", plid="bob.org")),
            ("cloudflare.purge", dict(elid="example.com", sok="ok", mode="tags",
                                      items=tags(95)))]
    with concurrent.futures.ThreadPoolExecutor(20) as ex:
        futs = [ex.submit(t.run, jobs[i % 4][0], **jobs[i % 4][1]) for i in range(20)]
        for f in futs:
            f.result().good()
    n = len(t.requests())
    check(n >= 20 + 5 * 4, "the runs reached Cloudflare: %d" % n)
    eq(used(t, "admin"), n, "the file's total is what the fake saw")

"""Concurrent and interrupted token saves: every file stays valid JSON, 0600,
with each user's last value; a save killed half way loses nothing saved
before it, and what it leaves behind does not trip the next save."""
import concurrent.futures
import json
import os
import random
import signal
import stat
import subprocess
import time

import lib
from lib import check, eq

USERS = ["u%02d" % i for i in range(1, 100)]      # 99 users, and the admin


def token(tag):
    """A token of Cloudflare's shape: 40 URL-safe characters."""
    return ("CONC_%s_" % tag + "x" * 40)[:40]


def state_with(tokens):
    st = lib.default_state()
    st["tokens"] += [{"value": v, "label": "conc-%d" % i, "accounts": [lib.ACCOUNT]}
                     for i, v in enumerate(tokens)]
    return st


def panel_with_users(t):
    p = lib.default_panel()
    for u in USERS:
        p["users"][u] = {"domains": [], "webdomains": []}
    t.set_panel(p)


def stored(t, user):
    """The token file as the plugin reads it: valid JSON, 0600, or a Failure."""
    p = os.path.join(t.etc, "global.json" if user is None else "users/%s.json" % user)
    eq(stat.S_IMODE(os.stat(p).st_mode), 0o600, p + " mode")
    with open(p, "rb") as f:
        data = f.read()
    try:
        return json.loads(data)["token"]
    except (ValueError, KeyError) as e:
        raise lib.Failure("%s is not a valid token file (%s): %r" % (p, e, data[:80]))


def temporaries(t):
    found = sorted(os.path.relpath(os.path.join(d, f), t.etc)
                   for d, _, fs in os.walk(t.etc) for f in fs if ".tmp." in f)
    return "%d: %s" % (len(found), ", ".join(found[:3])) if found else ""


def no_leak(t, tokens):
    texts = t.outputs + [t.log()]
    for v in tokens:
        check(not any(v in x for x in texts), "a token appears in a reply or the log")


def test_100_parallel_saves_last_value_wins(t):
    panel_with_users(t)
    first = {u: token(u + "a") for u in USERS + ["root"]}
    second = {u: token(u + "b") for u in USERS + ["root"]}
    allt = list(first.values()) + list(second.values())
    t.reset(state_with(allt))

    def save(user, value):
        if user == "root":
            r = t.admin("cloudflare.settings", sok="ok", api_token=value)
        else:
            r = t.run("cloudflare.profile", user=user, sok="ok", api_token=value)
        r.ok()

    def both(user):
        # Each user's two saves in order, all users at once.
        save(user, first[user])
        save(user, second[user])

    t0 = time.monotonic()
    # All at once; ten at a time under valgrind, which is heavy.
    with concurrent.futures.ThreadPoolExecutor(10 if os.environ.get("CF_WRAP") else 100) as ex:
        for f in [ex.submit(both, u) for u in USERS + ["root"]]:
            f.result()
    took = time.monotonic() - t0
    eq(len(t.requests("/user/tokens/verify")), 200, "every save verified")
    for u in USERS:
        eq(stored(t, u), second[u], "%s's last token" % u)
    eq(stored(t, None), second["root"], "the admin's last token")
    eq(sorted(os.listdir(os.path.join(t.etc, "users"))), sorted(u + ".json" for u in USERS),
       "one file per user, nothing else")
    eq(temporaries(t), "", "no temporary files")
    no_leak(t, allt)
    check(took < 30 or os.environ.get("CF_WRAP"), "200 saves in %.1f s" % took)


def test_killed_saves_lose_nothing(t):
    rounds = 30
    values = [token("k%02d" % i) for i in range(rounds + 1)]
    t.reset(state_with(values))
    t.save_token(values[0])
    saved = values[0]
    rnd = random.Random(4)
    outcomes = {"old": 0, "new": 0}
    for i in range(1, rounds + 1):
        if i % 3 == 0:
            # Now and then the verify is slow, so the kill finds it mid-request.
            t.fault(mode="slow", match="GET /client/v4/user/tokens/verify", delay_ms=30)
        e = t.env("cloudflare.profile", "alice", 16, {"sok": "ok", "api_token": values[i]})
        p = subprocess.Popen(lib.handler_cmd(t.binary), env=e, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
        time.sleep(rnd.uniform(0, 0.04 if i % 3 == 0 else 0.015))
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = stored(t, "alice")
        check(now in (saved, values[i]),
              "round %d: the file holds the previous or the new token" % i)
        outcomes["old" if now == saved else "new"] += 1
        saved = now
        t.fake.post("/__clear_faults", {})
    check(outcomes["old"] > 0, "some kills came before the rename: %s" % outcomes)
    # Whatever the kills left behind, the next save works and tidies up.
    users = os.path.join(t.etc, "users")
    with open(os.path.join(users, "alice.json.tmp.999999"), "w") as f:
        f.write('{"token": "half')
    target = os.path.join(t.tmp, "not-a-token-file")
    with open(target, "w") as f:
        f.write("keep\n")
    for pid in range(os.getpid() + 1, os.getpid() + 200):   # where the next pid may fall
        os.symlink(target, os.path.join(users, "alice.json.tmp.%d" % pid))
    t.save_token(lib.ALICE_TOKEN)
    eq(stored(t, "alice"), lib.ALICE_TOKEN, "the next save")
    eq(temporaries(t), "", "stale temporaries removed")
    with open(target) as f:
        eq(f.read(), "keep\n", "a link is never written through")
    t.run("cloudflare.profile").good()
    no_leak(t, values)

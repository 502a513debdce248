"""The account page: the token in force, its status and expiry, the
accounts it sees, and which permissions work, probed concurrently and
for a user only ever on the user's own zones."""
import datetime
import hashlib
import time

import lib
from lib import check, eq

SOON_TOKEN = "SOONtoken_0123456789abcdefghijklmnopqrst"
PERMS = ["perm_zone", "perm_dns", "perm_zone_settings", "perm_firewall",
         "perm_account_firewall", "perm_cache_rules"]


def zone_id(name):
    return hashlib.md5(("zone:" + name).encode()).hexdigest()


def in_days(days):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def with_token(tok, state=None):
    st = state or lib.default_state()
    st["tokens"].append(tok)
    return st


def account(t, **kw):
    return t.run("cloudflare.account", **kw).good()


def test_admin_token(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    r = t.admin("cloudflare.account").good()
    t.golden(r, "account_admin")
    eq(r.field("token_source"), "The administrator's token, shared by all users", "source")
    eq(r.field("token_status"), "active", "status")
    eq(r.field("token_expires"), "2027-06-30", "expires")
    eq(r.field("accounts"), "Main account (%s)\nSecond account (%s)" %
       (lib.ACCOUNT, lib.ACCOUNT2), "both accounts")
    eq(r.field("expiry_warning"), "", "no warning")
    for f in PERMS:
        eq(r.field(f), "works", f)
    check("first use" in r.field("perm_cache_purge"), "purge not probed")
    eq(t.requests("/purge_cache"), [], "no purge")
    eq([x["method"] for x in t.requests()], ["GET"] * len(t.requests()), "reads only")
    eq(len(t.requests("/user/tokens/verify")), 1, "a fresh verify")


def test_user_own_token(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = account(t)
    t.golden(r, "account_user_own")
    eq(r.field("token_source"), "Your own token", "source")
    eq(r.field("token_expires"), "never", "no expiry")
    eq(r.field("accounts"), "Main account (%s)" % lib.ACCOUNT, "one account")
    for f in PERMS:
        eq(r.field(f), "works", f)


def test_russian(t):
    t.save_token(lib.ALICE_TOKEN)
    r = account(t, lang="ru")
    eq(r.field("token_source"), "Ваш собственный токен", "source")
    eq(r.field("token_status"), "активен", "status")
    eq(r.field("perm_dns"), "работает", "perm_dns")


def test_probes_concurrent(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.config(latency_ms=400)
    try:
        start = time.time()
        r = account(t)
        took = time.time() - start
    finally:
        t.config(latency_ms=0)
    eq(r.field("perm_cache_rules"), "works", "404 entrypoint means it works")
    eq(len(t.requests()), 8, "3 + 5 requests")
    # Two rounds of 0.4 s; one after another they would take 3.2 s.
    check(took < 2.0, "took %.2f s: the probes are not concurrent" % took)


def test_probe_paths(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    account(t)
    zid = zone_id("example.com")
    paths = sorted(x["path"].replace("/client/v4", "") for x in t.requests())
    eq(paths, sorted([
        "/user/tokens/verify", "/accounts", "/zones",
        "/zones/%s/dns_records" % zid, "/zones/%s/settings/ssl" % zid,
        "/zones/%s/firewall/access_rules/rules" % zid,
        "/accounts/%s/firewall/access_rules/rules" % lib.ACCOUNT,
        "/zones/%s/rulesets/phases/http_request_cache_settings/entrypoint" % zid]),
       "what was probed")
    eq([x["query"] for x in t.requests() if x["path"].endswith("/v4/zones")],
       [{"per_page": ["5"]}], "the zone list probe")


def test_user_with_admin_token_never_touches_others(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    r = account(t)
    others = [zone_id("bob.org"), zone_id("orphan.net")]
    for x in t.requests():
        for zid in others:
            check(zid not in x["path"], "alice's page touched %s" % x["path"])
    check(any(zone_id("example.com") in x["path"] for x in t.requests()),
          "probed on alice's zone")
    check("bob.org" not in r.text and "orphan.net" not in r.text, "no other zone named")
    eq(r.field("token_source"), "The administrator's token, shared by all users", "source")


def test_user_zone_beyond_first_page(t):
    # The admin's token sees six other customers' zones before alice's.
    st = lib.default_state()
    for i in range(6):
        st["zones"].append({"name": "a%d-other.net" % i, "account": lib.ACCOUNT})
    t.reset(st)
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    r = account(t)
    for f in PERMS:
        eq(r.field(f), "works", f)
    allowed = zone_id("example.com")
    for x in t.requests():
        if "/zones/" in x["path"]:
            check(allowed in x["path"], "touched %s" % x["path"])
    names = sorted(x["query"]["name"][0] for x in t.requests()
                   if x["path"].endswith("/zones") and "name" in x["query"])
    eq(names, ["alice.co.uk", "example.com"], "looked up by name: alice's domains only")


def test_user_without_connected_domain(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.account", user="carol").good()
    for f in ["perm_dns", "perm_zone_settings", "perm_firewall", "perm_cache_rules"]:
        eq(r.field(f), "not checked: none of your domains is connected yet", f)
    eq(r.field("perm_zone"), "works", "the zone list itself")
    for x in t.requests():
        check("/zones/" not in x["path"], "no zone probed: %s" % x["path"])


def test_admin_no_zone_yet(t):
    st = lib.default_state()
    st["zones"] = []
    t.reset(st)
    t.save_admin_token(lib.ADMIN_TOKEN)
    r = t.admin("cloudflare.account").good()
    eq(r.field("perm_dns"), "not checked: no zone yet", "perm_dns")
    eq(r.field("perm_account_firewall"), "works", "account level still probed")


def test_expiry_warning_own(t):
    t.reset(with_token({"value": SOON_TOKEN, "label": "soon", "accounts": [lib.ACCOUNT],
                        "expires_on": in_days(3)}))
    t.save_token(SOON_TOKEN)
    r = account(t)
    w = r.field("expiry_warning")
    check("in 3 day" in w, w)
    check("Cloudflare → Profile" in w, w)
    eq(r.field("token_expires"), in_days(3)[:10], "expires")
    ru = account(t, lang="ru").field("expiry_warning")
    check("Профиль" in ru and "3" in ru, ru)


def test_expiry_warning_admin_token(t):
    st = lib.default_state()
    st["tokens"][0]["expires_on"] = in_days(3)
    t.reset(st)
    t.save_admin_token(lib.ADMIN_TOKEN)
    w = account(t).field("expiry_warning")
    check("administrator" in w and "Modules → Cloudflare → Settings" in w, w)
    w = t.admin("cloudflare.account").good().field("expiry_warning")
    check("Modules → Cloudflare → Settings" in w and "administrator" not in w, w)


def test_no_warning_beyond_14_days(t):
    t.reset(with_token({"value": SOON_TOKEN, "label": "soon", "accounts": [lib.ACCOUNT],
                        "expires_on": in_days(20)}))
    t.save_token(SOON_TOKEN)
    eq(account(t).field("expiry_warning"), "", "no warning")


def test_expired_token(t):
    t.save_token(lib.ALICE_TOKEN)
    st = lib.default_state()
    st["tokens"][1]["status"] = "expired"
    st["tokens"][1]["expires_on"] = in_days(-2)
    t.reset(st)
    r = account(t)
    w = r.field("expiry_warning")
    check("expired" in w and "Cloudflare → Profile" in w, w)
    eq(r.field("token_status"), "expired", "status")
    for f in PERMS:
        eq(r.field(f), "not checked: the token is expired", f)


def test_revoked_token(t):
    t.save_token(lib.ALICE_TOKEN)
    st = lib.default_state()
    del st["tokens"][1]
    t.reset(st)
    r = account(t)
    eq(r.field("token_status"), "not accepted by Cloudflare", "status")
    check("does not accept" in r.field("expiry_warning"), r.field("expiry_warning"))


def test_limited_token(t):
    t.save_token(lib.LIMITED_TOKEN)
    t.clear_requests()
    r = account(t)
    t.golden(r, "account_limited")
    eq(r.field("perm_zone"), "works", "zone read")
    eq(r.field("perm_dns"), "works", "dns read")
    eq(r.field("perm_zone_settings"),
       "missing: add «Zone · Zone Settings · Read, Edit» to the token", "settings")
    eq(r.field("perm_firewall"),
       "missing: add «Zone · Firewall Services · Read, Edit» to the token", "firewall")
    eq(r.field("perm_account_firewall"),
       "missing: add «Account · Account Firewall Access Rules · Read» to the token",
       "account firewall")
    eq(r.field("perm_cache_rules"),
       "missing: add «Zone · Cache Rules · Edit» to the token", "cache rules")


def test_no_zone_permission(t):
    t.reset(with_token({"value": SOON_TOKEN, "label": "nozone", "accounts": [lib.ACCOUNT],
                        "perms": ["dns_read"]}))
    t.save_token(SOON_TOKEN)
    r = account(t)
    eq(r.field("perm_zone"), "missing: add «Zone · Zone · Edit» to the token", "zone")
    eq(r.field("perm_dns"), "not checked: the zone list could not be read", "dns")


def test_account_owned_token(t):
    t.save_token(lib.ACCT_TOKEN)
    t.clear_requests()
    r = account(t)
    eq(r.field("token_status"), "active", "verified under the account")
    eq(r.field("accounts"), "Main account (%s)" % lib.ACCOUNT, "its account")
    eq(len(t.requests("/accounts/%s/tokens/verify" % lib.ACCOUNT)), 1, "account verify")
    eq(t.requests("/user/tokens/verify"), [], "no user verify")
    check(not any(x["path"].endswith("/accounts") for x in t.requests()), "no /accounts")


def test_no_token(t):
    t.run("cloudflare.account").fails("access", contains=["Profile", "administrator"])
    t.no_cloudflare_calls()


def test_cloudflare_down(t):
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="GET /client/v4/", mode="5xx", count=-1)
    r = account(t)
    check(r.field("token_status").startswith("could not be checked"),
          r.field("token_status"))
    check(r.field("accounts").startswith("could not be read"), r.field("accounts"))
    eq(r.field("perm_dns"), "not checked: the zone list could not be read", "dns")

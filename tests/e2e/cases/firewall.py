"""IP access rules: zone and account rules listed once, create per target,
edit action and notes only, account rules read-only, delete."""
import hashlib

import lib
from lib import check, eq

ZONE = hashlib.md5(b"zone:example.com").hexdigest()  # the fake's zone id
R_IP = "1" * 32
R_RANGE = "2" * 32
R_IP6 = "3" * 32
R_ACC = "a" * 32
# A token that may read and edit zone firewall rules but not the account's.
FW_ONLY_TOKEN = "FWONLYtoken_0123456789abcdefghijklmnopq"
lib.TOKENS.append(FW_ONLY_TOKEN)  # the runner checks it never leaks either


def fw_state():
    st = lib.default_state()
    st["accounts"][0]["account_access_rules"] = [
        {"id": R_ACC, "mode": "block", "notes": "account-wide",
         "configuration": {"target": "country", "value": "KP"}}]
    st["zones"][0]["access_rules"] = [
        {"id": R_IP, "mode": "challenge", "notes": "scanner",
         "configuration": {"target": "ip", "value": "198.51.100.4"}},
        {"id": R_RANGE, "mode": "whitelist", "notes": "",
         "configuration": {"target": "ip_range", "value": "203.0.113.0/24"}},
        {"id": R_IP6, "mode": "managed_challenge", "notes": "v6 host",
         "configuration": {"target": "ip6", "value": "2001:db8::7"}}]
    st["tokens"].append({"value": FW_ONLY_TOKEN, "label": "fwonly",
                         "accounts": [lib.ACCOUNT],
                         "perms": ["zone_read", "firewall_read", "firewall_edit"]})
    return st


def own(t, token=lib.ALICE_TOKEN):
    t.reset(fw_state())
    t.save_token(token)
    t.clear_requests()


def zone_rules(t, name="example.com"):
    z = next(z for z in t.state()["zones"] if z["name"] == name)
    return z["access_rules"]


def writes(t):
    return [r for r in t.requests("/firewall/") if r["method"] != "GET"]


def create(t, target, value, mode="block", notes=None, **kw):
    params = dict(plid="example.com", sok="ok", target=target, value=value, mode=mode)
    if notes is not None:
        params["notes"] = notes
    params.update(kw)
    return t.run("cloudflare.firewall.edit", **params)


# ---- the list

def test_list_zone_and_account(t):
    own(t)
    r = t.run("cloudflare.firewall", plid="example.com").good()
    t.golden(r, "firewall_list")
    rows = {x["id"]: x for x in r.rows()}
    eq(sorted(rows), sorted([R_IP, R_RANGE, R_IP6, R_ACC]), "each rule once")
    eq(rows[R_ACC]["editable"], "off", "account rule read-only")
    eq(rows[R_ACC]["scope"], "account", "account scope")
    eq(rows[R_IP]["editable"], "on", "zone rule editable")
    eq(rows[R_IP6]["target"], "IP address", "ip6 shown as IP address")
    lists = t.requests("/firewall/access_rules/rules", "GET")
    eq(len([x for x in lists if x["path"].startswith("/client/v4/zones/")]), 1, "zone list once")
    acc = [x for x in lists if x["path"].startswith("/client/v4/accounts/")]
    eq(len(acc), 1, "account list fetched once")
    eq(acc[0]["path"], "/client/v4/accounts/%s/firewall/access_rules/rules" % lib.ACCOUNT,
       "the zone's account")
    for x in lists:
        eq(x["query"]["per_page"], ["1000"], "largest page")


def test_list_russian(t):
    own(t)
    r = t.run("cloudflare.firewall", plid="example.com", lang="ru").good()
    t.golden(r, "firewall_list_ru")


def test_list_from_elid(t):
    own(t)
    r = t.run("cloudflare.firewall", elid="example.com").good()
    eq(len(r.rows()), 4, "the zone comes as elid from the zone list")


def test_list_all_pages_both_lists(t):
    st = fw_state()
    st["zones"][0]["access_rules"] += [
        {"mode": "block", "configuration": {"target": "ip", "value": "192.0.2.%d" % i}}
        for i in range(1, 6)]
    st["accounts"][0]["account_access_rules"] += [
        {"mode": "block", "configuration": {"target": "asn", "value": "AS6450%d" % i}}
        for i in range(1, 3)]
    t.reset(st)
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.config(rules_page_cap=2)
    try:
        r = t.run("cloudflare.firewall", plid="example.com").good()
    finally:
        t.config(rules_page_cap=1000)
    ids = [x["id"] for x in r.rows()]
    eq(len(ids), 8 + 3, "every zone and account rule")
    eq(len(set(ids)), len(ids), "none twice")
    lists = t.requests("/firewall/access_rules/rules", "GET")
    zp = sorted(int(x["query"]["page"][0]) for x in lists if "/zones/" in x["path"])
    ap = sorted(int(x["query"]["page"][0]) for x in lists if "/accounts/" in x["path"])
    eq(zp, [1, 2, 3, 4, 5, 6], "zone pages, each once")   # 8 zone + 3 account rules
    eq(ap, [1, 2], "account pages, each once")
    for x in lists:
        if x["query"]["page"] != ["1"]:
            eq(x["query"]["per_page"], ["2"], "the page size Cloudflare gave")


def test_list_without_account_permission(t):
    own(t, FW_ONLY_TOKEN)
    r = t.run("cloudflare.firewall", plid="example.com").good()
    rows = r.rows()
    ids = [x["id"] for x in rows]
    for rid in (R_IP, R_RANGE, R_IP6):
        check(rid in ids, "zone rule %s listed" % rid)
    notice = [x for x in rows if x["id"] == "-"]
    eq(len(notice), 1, "one notice row")
    check("Account · Account Firewall Access Rules · Read" in notice[0]["notes"],
          "names the permission: %r" % notice[0]["notes"])
    eq(notice[0]["editable"], "off", "notice not editable")
    t.golden(r, "firewall_list_no_account_perm")


def test_list_limited_token(t):
    own(t, lib.LIMITED_TOKEN)
    r = t.run("cloudflare.firewall", plid="example.com")
    r.fails("access", contains="Zone · Firewall Services · Read")


def test_edit_limited_token(t):
    own(t, lib.LIMITED_TOKEN)
    r = create(t, "ip", "192.0.2.9")
    r.fails("access", contains="Zone · Firewall Services · Edit")
    eq(len(zone_rules(t)), 3, "nothing added")


# ---- creating

def test_create_ipv4(t):
    own(t)
    create(t, "ip", " 192.0.2.9 ", mode="block", notes="bad bot").ok()
    post = writes(t)
    eq(len(post), 1, "one write")
    eq(post[0]["method"], "POST", "created")
    eq(post[0]["path"], "/client/v4/zones/%s/firewall/access_rules/rules" % ZONE, "path")
    eq(post[0]["body"], {"mode": "block", "notes": "bad bot",
                         "configuration": {"target": "ip", "value": "192.0.2.9"}}, "body")
    check(any(r["configuration"] == {"target": "ip", "value": "192.0.2.9"}
              for r in zone_rules(t)), "in the zone")
    check("firewall: alice added rule ip 192.0.2.9" in t.log(), "logged")


def test_create_ipv6_sends_ip6(t):
    own(t)
    create(t, "ip", "2001:DB8:0:0::1", mode="challenge").ok()
    body = writes(t)[0]["body"]
    eq(body, {"mode": "challenge", "notes": "",
              "configuration": {"target": "ip6", "value": "2001:db8::1"}},
       "ip6 target, normalised address, notes always sent")


def test_create_ranges(t):
    own(t)
    create(t, "ip_range", "192.0.2.0/24").ok()
    create(t, "ip_range", "10.20.0.0/16", mode="whitelist").ok()
    create(t, "ip_range", "2001:db8:1::/48", mode="js_challenge").ok()
    create(t, "ip_range", "2001:db8:2:3::/64").ok()
    create(t, "ip_range", "2001:db9::/32").ok()
    values = [w["body"]["configuration"] for w in writes(t)]
    eq(values, [{"target": "ip_range", "value": "192.0.2.0/24"},
                {"target": "ip_range", "value": "10.20.0.0/16"},
                {"target": "ip_range", "value": "2001:db8:1::/48"},
                {"target": "ip_range", "value": "2001:db8:2:3::/64"},
                {"target": "ip_range", "value": "2001:db9::/32"}], "ranges sent")


def test_ranges_refused_before_any_call(t):
    own(t)
    create(t, "ip_range", "192.0.2.0/23").fails("value", "value", "/16 or /24")
    msg = create(t, "ip_range", "192.0.2.5/24").fails("value", "value")
    check("192.0.2.0/24" in msg, "hint with the network: %r" % msg)
    create(t, "ip_range", "2001:db8::/56").fails("value", "value", "/32, /48 or /64")
    msg = create(t, "ip_range", "2001:db8::1/48").fails("value", "value")
    check("2001:db8::/48" in msg, "IPv6 hint: %r" % msg)
    create(t, "ip_range", "192.0.2.0").fails("value", "value", "address/prefix")
    create(t, "ip_range", "192.0.2.0/x").fails("value", "value")
    create(t, "ip_range", "192.0.2.0/32").fails("value", "value", "IP address")
    create(t, "ip", "192.0.2.300").fails("value", "value", "not an IP address")
    create(t, "ip", "192.0.2.0/24").fails("value", "value")
    create(t, "ip", "").fails("missed", "value")
    t.no_cloudflare_calls()


def test_country_codes(t):
    own(t)
    create(t, "country", "de").ok()
    create(t, "country", "t1", mode="challenge").ok()
    create(t, "country", "XX", mode="managed_challenge").ok()
    values = [w["body"]["configuration"] for w in writes(t)]
    eq(values, [{"target": "country", "value": "DE"}, {"target": "country", "value": "T1"},
                {"target": "country", "value": "XX"}], "upper-cased")
    t.clear_requests()
    create(t, "country", "UK").fails("value", "value", "GB")
    create(t, "country", "ZZ").fails("value", "value", "ISO 3166-1")
    create(t, "country", "DEU").fails("value", "value")
    create(t, "country", "d1").fails("value", "value")
    t.no_cloudflare_calls()


def test_asn_forms(t):
    own(t)
    create(t, "asn", "AS13335").ok()
    create(t, "asn", "64512").ok()
    create(t, "asn", "as4294967295").ok()
    values = [w["body"]["configuration"]["value"] for w in writes(t)]
    eq(values, ["AS13335", "AS64512", "AS4294967295"], "AS prefix")
    t.clear_requests()
    for bad in ("AS0", "0", "AS4294967296", "ASN13335", "AS-1", "AS 5"):
        create(t, "asn", bad).fails("value", "value", "AS number")
    t.no_cloudflare_calls()


def test_mode_and_target_enums(t):
    own(t)
    create(t, "ip", "192.0.2.9", mode="allow").fails("value", "mode")
    create(t, "ip", "192.0.2.9", mode="").fails("missed", "mode")
    create(t, "ip6", "2001:db8::1").fails("value", "target")
    create(t, "hostname", "example.com").fails("value", "target")
    t.no_cloudflare_calls()


def test_notes_bounds(t):
    own(t)
    create(t, "ip", "192.0.2.9", notes="x" * 501).fails("value", "notes", "500")
    create(t, "ip", "192.0.2.9", notes="a\x07b").fails("value", "notes", "control")
    t.no_cloudflare_calls()
    create(t, "ip", "192.0.2.9", notes="ж" * 500).ok()
    eq(writes(t)[0]["body"]["notes"], "ж" * 500, "500 characters (1000 bytes) kept")


def test_cloudflare_refuses_duplicate(t):
    own(t)
    r = create(t, "ip", "198.51.100.4")
    r.fails("cloudflare", contains="duplicate")


# ---- forms and edits

def test_new_form(t):
    own(t)
    r = t.run("cloudflare.firewall.edit", plid="example.com").good()
    t.golden(r, "firewall_form_new")
    t.no_cloudflare_calls()


def test_edit_form_ip6(t):
    own(t)
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_IP6).good()
    t.golden(r, "firewall_form_ip6")
    eq(r.field("target"), "ip", "one IP address choice for both families")
    eq(r.field("value"), "2001:db8::7", "value")
    eq(r.slist("target"), ["ip", "ip_range", "country", "asn"], "targets")
    eq(r.slist("mode"), ["block", "challenge", "js_challenge", "managed_challenge",
                         "whitelist"], "modes")


def test_edit_mode_and_notes(t):
    own(t)
    t.run("cloudflare.firewall.edit", plid="example.com", elid=R_IP, sok="ok",
          target="ip", value="198.51.100.4", mode="block", notes="now blocked").ok()
    w = writes(t)
    eq(len(w), 1, "one write")
    eq(w[0]["method"], "PATCH", "patched")
    eq(w[0]["path"], "/client/v4/zones/%s/firewall/access_rules/rules/%s" % (ZONE, R_IP),
       "the rule")
    eq(w[0]["body"], {"mode": "block", "notes": "now blocked"}, "mode and notes only")
    rule = next(r for r in zone_rules(t) if r["id"] == R_IP)
    eq((rule["mode"], rule["notes"]), ("block", "now blocked"), "changed")


def test_edit_ip6_rule_same_address(t):
    own(t)
    t.run("cloudflare.firewall.edit", plid="example.com", elid=R_IP6, sok="ok",
          target="ip", value="2001:DB8:0::7", mode="block", notes="v6 host").ok()
    eq([w["body"] for w in writes(t)], [{"mode": "block", "notes": "v6 host"}],
       "the same address written otherwise is no change of target")


def test_edit_unchanged_sends_nothing(t):
    own(t)
    t.run("cloudflare.firewall.edit", plid="example.com", elid=R_IP, sok="ok",
          target="ip", value="198.51.100.4", mode="challenge", notes="scanner").ok()
    eq(writes(t), [], "no write")


def test_edit_changing_value_refused(t):
    own(t)
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_IP, sok="ok",
              target="ip", value="198.51.100.5", mode="block", notes="")
    r.fails("value", "value", ["cannot change", "delete this rule"])
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_RANGE, sok="ok",
              target="country", value="DE", mode="block", notes="")
    r.fails("value", "value", "delete this rule")
    eq(writes(t), [], "no write")


def test_edit_account_rule_refused(t):
    own(t)
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_ACC, sok="ok",
              target="country", value="KP", mode="challenge", notes="")
    r.fails("access", "elid", "account-level")
    eq(writes(t), [], "no write")
    check(not t.requests("/accounts/"), "nothing asked of the account")
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_ACC)
    r.fails("access", "elid", "Cloudflare dashboard")


def test_edit_unknown_rule(t):
    own(t)
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid="f" * 32, sok="ok",
              target="ip", value="192.0.2.1", mode="block")
    r.fails("missed", "elid")
    eq(writes(t), [], "no write")


# ---- delete

def test_delete_group(t):
    own(t)
    t.run("cloudflare.firewall.delete", plid="example.com",
          elid="%s, %s" % (R_IP, R_RANGE)).ok()
    dels = sorted(w["path"] for w in writes(t))
    eq(dels, sorted("/client/v4/zones/%s/firewall/access_rules/rules/%s" % (ZONE, i)
                    for i in (R_IP, R_RANGE)), "deleted each")
    eq([r["id"] for r in zone_rules(t)], [R_IP6], "the other stays")
    check("firewall: deleted rule 198.51.100.4 by alice" in t.log(), "logged")


def test_delete_with_account_rule_refused(t):
    own(t)
    r = t.run("cloudflare.firewall.delete", plid="example.com",
              elid="%s, %s" % (R_IP, R_ACC))
    r.fails("access", "elid", "account-level")
    eq(writes(t), [], "nothing deleted, not even the zone rule")
    eq(len(zone_rules(t)), 3, "all there")


def test_delete_unknown_refused(t):
    own(t)
    r = t.run("cloudflare.firewall.delete", plid="example.com",
              elid="%s, %s" % (R_IP, "e" * 32))
    r.fails("missed", "elid", "e" * 32)
    eq(writes(t), [], "nothing deleted")


def test_delete_partial_failure_reported(t):
    own(t)
    t.fault(match="DELETE .*/rules/%s" % R_RANGE, mode="500json")
    r = t.run("cloudflare.firewall.delete", plid="example.com",
              elid="%s, %s" % (R_IP, R_RANGE))
    r.fails(contains=["1 of 2", "203.0.113.0/24"])
    eq([x["id"] for x in zone_rules(t)], [R_RANGE, R_IP6], "the first went")


# ---- another user's zone

def test_other_users_zone_refused_without_calls(t):
    own(t)
    calls = [
        dict(func="cloudflare.firewall", plid="bob.org"),
        dict(func="cloudflare.firewall", elid="bob.org"),
        dict(func="cloudflare.firewall.edit", plid="bob.org"),
        dict(func="cloudflare.firewall.edit", plid="bob.org", sok="ok", target="ip",
             value="192.0.2.1", mode="block"),
        dict(func="cloudflare.firewall.delete", plid="bob.org", elid=R_IP),
    ]
    for p in calls:
        func = p.pop("func")
        t.run(func, **p).fails("access", "plid", "bob.org")
    t.no_cloudflare_calls()


def test_list_account_rules_only_in_account_list(t):
    own(t)
    t.config(zone_rules_with_account=0)
    try:
        r = t.run("cloudflare.firewall", plid="example.com").good()
    finally:
        t.config(zone_rules_with_account=1)
    rows = {x["id"]: x for x in r.rows()}
    eq(sorted(rows), sorted([R_IP, R_RANGE, R_IP6, R_ACC]), "account rule from its own list")
    eq((rows[R_ACC]["scope"], rows[R_ACC]["editable"]), ("account", "off"), "read-only")


def test_errors_in_russian(t):
    own(t)
    msg = create(t, "ip_range", "192.0.2.5/24", lang="ru").fails("value", "value")
    check("192.0.2.0/24" in msg and "биты узла" in msg, "Russian hint: %r" % msg)
    create(t, "country", "uk", lang="ru").fails("value", "value", "Великобритании")
    r = t.run("cloudflare.firewall.edit", plid="example.com", elid=R_ACC, lang="ru")
    r.fails("access", "elid", "уровня аккаунта")
    eq(writes(t), [], "no write")

"""Page rules: list, create, edit keeping what the form does not manage,
delete; every validation rule before any call; no Always Online."""
import lib
from lib import check, eq

R_FWD = "a1" * 16
R_CACHE = "b2" * 16
R_BOB = "c3" * 16

CACHE_KEY = {"id": "cache_key_fields", "value": {
    "query_string": {"exclude": ["utm_source"]}, "header": {"include": ["x-lang"]},
    "cookie": {}, "user": {"device_type": True}, "host": {"resolved": False}}}


def state():
    st = lib.default_state()
    st["zones"][0]["pagerules"] = [
        {"id": R_FWD, "priority": 7, "status": "active",
         "targets": [{"target": "url", "constraint": {
             "operator": "matches", "value": "*example.com/old/*"}}],
         "actions": [{"id": "forwarding_url", "value": {
             "url": "https://www.example.com/new/$1", "status_code": 301}}]},
        {"id": R_CACHE, "priority": 5, "status": "disabled",
         "targets": [{"target": "url", "constraint": {
             "operator": "matches", "value": "*example.com/static/*"}}],
         "actions": [{"id": "cache_level", "value": "cache_everything"},
                     {"id": "edge_cache_ttl", "value": 7200},
                     {"id": "browser_cache_ttl", "value": 14400},
                     {"id": "rocket_loader", "value": "off"},
                     {"id": "disable_apps"},
                     CACHE_KEY]},
    ]
    st["zones"][1]["pagerules"] = [
        {"id": R_BOB, "priority": 1, "status": "active",
         "targets": [{"target": "url", "constraint": {
             "operator": "matches", "value": "*bob.org/*"}}],
         "actions": [{"id": "ssl", "value": "full"}]}]
    return st


def own(t, token=lib.ALICE_TOKEN):
    t.reset(state())
    t.save_token(token)
    t.clear_requests()


def zone_rules(t, name="example.com"):
    z = next(z for z in t.state()["zones"] if z["name"] == name)
    return {r["id"]: r for r in z["pagerules"]}


def new(t, **kw):
    params = dict(plid="example.com", sok="ok", elid="", url="*example.com/x/*",
                  status="active")
    params.update(kw)
    return t.run("cloudflare.pagerule.edit", **params)


def target(url):
    return [{"target": "url", "constraint": {"operator": "matches", "value": url}}]


# ---- the list

def test_list(t):
    own(t)
    r = t.run("cloudflare.pagerule", plid="example.com").good()
    t.golden(r, "pagerule_list")
    rows = r.rows()
    eq([x["id"] for x in rows], [R_FWD, R_CACHE], "rows, by priority")
    eq(rows[0]["actions"], "Forward 301 → https://www.example.com/new/$1", "summary")
    check("Cache level: cache_everything" in rows[1]["actions"], rows[1]["actions"])
    check("cache_key_fields" in rows[1]["actions"], "unmanaged action named")
    eq(rows[1]["status"], "disabled", "status")


def test_list_russian(t):
    own(t)
    rows = t.run("cloudflare.pagerule", plid="example.com", lang="ru").good().rows()
    eq(rows[0]["actions"], "Переадресация 301 → https://www.example.com/new/$1", "summary")
    eq(rows[0]["status"], "включено", "status")
    check("Уровень кеширования: cache_everything" in rows[1]["actions"], rows[1]["actions"])


def test_list_plid_as_elid(t):
    own(t)
    rows = t.run("cloudflare.pagerule", elid="example.com").good().rows()
    eq(len(rows), 2, "rows")


def test_list_missing_permission(t):
    own(t, lib.LIMITED_TOKEN)
    t.run("cloudflare.pagerule", plid="example.com").fails(
        "access", contains="Zone · Zone · Edit")


# ---- the form

def test_form_new(t):
    own(t)
    r = t.run("cloudflare.pagerule.edit", plid="example.com").good()
    t.golden(r, "pagerule_form_new")
    eq(r.field("status"), "active", "status")
    eq(r.field("cache_level"), "default", "cache_level")
    eq(r.field("always_use_https"), "off", "checkbox")
    eq(r.slist("cache_level")[:2], ["default", "bypass"], "cache_level keys")
    t.no_cloudflare_calls()


def test_form_edit(t):
    own(t)
    r = t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE).good()
    t.golden(r, "pagerule_form_edit")
    eq(r.field("url"), "*example.com/static/*", "url")
    eq(r.field("status"), "disabled", "status")
    eq(r.field("priority"), "5", "priority")
    eq(r.field("cache_level"), "cache_everything", "cache_level")
    eq(r.field("edge_cache_ttl"), "7200", "edge_cache_ttl")
    eq(r.field("browser_cache_ttl"), "14400", "browser_cache_ttl")
    eq(r.field("rocket_loader"), "off", "rocket_loader")
    eq(r.field("disable_apps"), "on", "flag")
    eq(r.field("ssl"), "default", "absent select")
    eq(r.field("forwarding_url"), "", "absent text")
    check(r.root.find("always_online") is None, "no Always Online field")


def test_form_slists(t):
    own(t)
    r = t.run("cloudflare.pagerule.edit", plid="example.com").good()
    keys = {s.get("name"): [m.text for m in s] for s in r.root.findall("slist")}
    eq(keys["status"], ["active", "disabled"], "status keys")
    eq(keys["forwarding_status"], ["301", "302"], "forwarding_status keys")
    eq(keys["ssl"], ["default", "off", "flexible", "full", "strict"], "ssl keys")
    eq(keys["cache_level"], ["default", "bypass", "basic", "simplified", "aggressive",
                             "cache_everything"], "cache_level keys")
    eq(keys["waf"], ["default", "on", "off"], "tri-state")
    eq(len(keys["browser_cache_ttl"]), 29, "browser_cache_ttl keys")
    check("always_online" not in keys, "no Always Online")
    # Every key has its caption in the XML: <msg name="FIELD_KEY">.
    with open(lib.ROOT + "/xml/ispmgr_mod_cloudflare.xml", encoding="utf-8") as f:
        xml = f.read()
    for name, ks in keys.items():
        for k in ks:
            check('<msg name="%s_%s">' % (name, k) in xml, "caption for %s_%s" % (name, k))


def test_form_edit_fwd(t):
    own(t)
    r = t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_FWD).good()
    eq(r.field("forwarding_url"), "https://www.example.com/new/$1", "forwarding_url")
    eq(r.field("forwarding_status"), "301", "forwarding_status")


# ---- create

def test_create_forward(t):
    own(t)
    new(t, url="*example.com/blog/*", forwarding_url="https://blog.example.com/$1",
        forwarding_status="302", priority="3").ok()
    post = t.requests("/pagerules", "POST")
    eq(len(post), 1, "one POST")
    eq(post[0]["body"], {
        "targets": target("*example.com/blog/*"),
        "actions": [{"id": "forwarding_url", "value": {
            "url": "https://blog.example.com/$1", "status_code": 302}}],
        "priority": 3, "status": "active"}, "body")
    check(any(r["targets"][0]["constraint"]["value"] == "*example.com/blog/*"
              for r in zone_rules(t).values()), "rule stored")
    check("pagerule: alice added" in t.log(), "logged")


def test_create_forward_301_default(t):
    own(t)
    new(t, forwarding_url="http://www.example.com/").ok()
    body = t.requests("/pagerules", "POST")[0]["body"]
    eq(body["actions"], [{"id": "forwarding_url", "value": {
        "url": "http://www.example.com/", "status_code": 301}}], "actions")
    check("priority" not in body, "no priority: Cloudflare chooses")


def test_create_several_actions(t):
    own(t)
    new(t, url="*EXAMPLE.com/assets/*", status="disabled", priority="10000",
        forwarding_url="", forwarding_status="301", always_use_https="off",
        ssl="full", security_level="high", waf="on", browser_check="default",
        cache_level="bypass", edge_cache_ttl="3600", browser_cache_ttl="0",
        cache_on_cookie="session.*", bypass_cache_on_cookie="",
        rocket_loader="off", polish="lossy", disable_performance="on",
        disable_zaraz="off", host_header_override="origin.example.com",
        resolve_override="", email_obfuscation="default").ok()
    body = t.requests("/pagerules", "POST")[0]["body"]
    eq(body, {
        "targets": target("*EXAMPLE.com/assets/*"),
        "actions": [
            {"id": "ssl", "value": "full"},
            {"id": "security_level", "value": "high"},
            {"id": "waf", "value": "on"},
            {"id": "cache_level", "value": "bypass"},
            {"id": "edge_cache_ttl", "value": 3600},
            {"id": "browser_cache_ttl", "value": 0},
            {"id": "cache_on_cookie", "value": "session.*"},
            {"id": "rocket_loader", "value": "off"},
            {"id": "polish", "value": "lossy"},
            {"id": "disable_performance"},
            {"id": "host_header_override", "value": "origin.example.com"}],
        "priority": 10000, "status": "disabled"}, "body")


def test_create_always_use_https_alone(t):
    own(t)
    new(t, always_use_https="on").ok()
    eq(t.requests("/pagerules", "POST")[0]["body"]["actions"],
       [{"id": "always_use_https"}], "a value-less action")


def test_forward_combined_refused(t):
    own(t)
    new(t, forwarding_url="https://www.example.com/", cache_level="bypass").fails(
        "value", "forwarding_url", "cannot be combined")
    t.no_cloudflare_calls()


def test_always_use_https_combined_refused(t):
    own(t)
    new(t, always_use_https="on", ssl="full").fails("value", "always_use_https")
    t.no_cloudflare_calls()


def test_no_action_refused(t):
    own(t)
    new(t, ssl="default", always_use_https="off", edge_cache_ttl="").fails(
        "missed", "forwarding_url", "at least one")
    t.no_cloudflare_calls()


def test_bad_url_refused(t):
    own(t)
    new(t, url="*example.org/*", ssl="full").fails("value", "url", "example.com")
    new(t, url="*example.com/a b*", ssl="full").fails("value", "url", "spaces")
    new(t, url="*example.com/\x01*", ssl="full").fails("value", "url")
    new(t, url="*example.com/" + "a" * 250, ssl="full").fails("value", "url", "too long")
    new(t, url="", ssl="full").fails("missed", "url")
    t.no_cloudflare_calls()


def test_bad_forwarding_url_refused(t):
    own(t)
    for bad in ("ftp://example.com/", "www.example.com", "https://", "https:///x",
                "https://exa mple.com/", "javascript:alert(1)"):
        new(t, forwarding_url=bad).fails("value", "forwarding_url", "http")
    new(t, forwarding_url="https://x.example.com/", forwarding_status="303").fails(
        "value", "forwarding_status", "301")
    t.no_cloudflare_calls()


def test_priority_out_of_range_refused(t):
    own(t)
    for bad in ("0", "10001", "-1", "1.5", "abc"):
        new(t, priority=bad, ssl="full").fails("value", "priority", "10000")
    t.no_cloudflare_calls()


def test_bad_action_values_refused(t):
    own(t)
    new(t, edge_cache_ttl="0").fails("value", "edge_cache_ttl", "31536000")
    new(t, edge_cache_ttl="31536001").fails("value", "edge_cache_ttl")
    new(t, browser_cache_ttl="45").fails("value", "browser_cache_ttl")
    new(t, cache_level="everything").fails("value", "cache_level")
    new(t, waf="yes").fails("value", "waf")
    new(t, ssl="origin_pull").fails("value", "ssl")
    new(t, disable_apps="yes").fails("value", "disable_apps")
    new(t, host_header_override="not a host").fails("value", "host_header_override")
    new(t, cache_on_cookie="x" * 256).fails("value", "cache_on_cookie", "255")
    new(t, status="paused", ssl="full").fails("value", "status")
    t.no_cloudflare_calls()


def test_always_online_refused(t):
    own(t)
    msg = new(t, always_online="on").fails("value", "always_online")
    check("Zone settings" in msg and "no longer" in msg, msg)
    new(t, always_online="", ssl="full").fails("value", "always_online")
    msg = new(t, always_online="off", lang="ru").fails("value", "always_online")
    check("Настройки зоны" in msg, msg)
    t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE, sok="ok",
          url="*example.com/static/*", always_online="on").fails("value", "always_online")
    t.no_cloudflare_calls()


def test_create_cloudflare_error(t):
    own(t)
    t.fault(match="POST .*/pagerules", mode="5xx")
    new(t, ssl="full").fails("cloudflare")
    eq(len([r for r in zone_rules(t).values()]), 2, "nothing added")


def test_create_missing_permission(t):
    own(t, lib.LIMITED_TOKEN)
    new(t, ssl="full").fails("access", contains="Zone · Zone · Edit")


# ---- edit

def test_edit_keeps_unmanaged_action(t):
    own(t)
    form = t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE).good()
    fields = {e.tag: (e.text or "") for e in form.root if e.tag not in ("slist",)}
    fields.update(sok="ok", cache_level="bypass", edge_cache_ttl="", disable_apps="off",
                  status="active", priority="")
    t.clear_requests()
    t.run("cloudflare.pagerule.edit", **fields).ok()
    put = t.requests("/pagerules/" + R_CACHE, "PUT")
    eq(len(put), 1, "one PUT")
    eq(t.requests(method="PATCH"), [], "no PATCH")
    rule = zone_rules(t)[R_CACHE]
    eq(rule["actions"], [
        {"id": "cache_level", "value": "bypass"},
        {"id": "browser_cache_ttl", "value": 14400},
        {"id": "rocket_loader", "value": "off"},
        CACHE_KEY], "actions after the edit")
    eq(rule["status"], "active", "status")
    eq(rule["priority"], 5, "priority kept when left empty")
    eq(rule["targets"], target("*example.com/static/*"), "targets")


def test_edit_keeps_value_form_cannot_show(t):
    st = state()
    st["zones"][0]["pagerules"][1]["actions"] = [{"id": "ssl", "value": "origin_pull"},
                                                 {"id": "cache_level", "value": "basic"}]
    t.reset(st)
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE).good()
    eq(r.field("ssl"), "default", "not representable")
    t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE, sok="ok",
          url="*example.com/static/*", status="active", priority="4", ssl="default",
          cache_level="aggressive").ok()
    rule = zone_rules(t)[R_CACHE]
    eq(rule["actions"], [{"id": "cache_level", "value": "aggressive"},
                         {"id": "ssl", "value": "origin_pull"}], "kept")
    eq(rule["priority"], 4, "priority")


def test_edit_forward_with_unmanaged_refused(t):
    own(t)
    t.run("cloudflare.pagerule.edit", plid="example.com", elid=R_CACHE, sok="ok",
          url="*example.com/static/*", forwarding_url="https://www.example.com/").fails(
        "value", "forwarding_url", "cannot be combined")
    eq(t.requests(method="PUT"), [], "no PUT")


def test_edit_unknown_rule(t):
    own(t)
    t.run("cloudflare.pagerule.edit", plid="example.com", elid="d4" * 16, sok="ok",
          url="*example.com/*", ssl="full").fails("missed")
    eq(t.requests(method="PUT"), [], "no PUT")


# ---- delete

def test_delete(t):
    own(t)
    t.run("cloudflare.pagerule.delete", plid="example.com",
          elid="%s, %s" % (R_FWD, R_CACHE)).ok()
    eq(len(t.requests("/pagerules/", "DELETE")), 2, "two DELETEs")
    eq(zone_rules(t), {}, "both gone")
    eq(len(zone_rules(t, "bob.org")), 1, "bob's untouched")
    check("pagerule: deleted rule %s by alice" % R_FWD in t.log(), "logged")


def test_delete_partial_failure(t):
    own(t)
    t.run("cloudflare.pagerule.delete", plid="example.com",
          elid="%s, %s" % (R_FWD, "d4" * 16)).fails(contains="1 of 2")
    eq(list(zone_rules(t)), [R_CACHE], "the existing one deleted")


# ---- access

def test_other_users_zone(t):
    t.reset(state())
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    t.run("cloudflare.pagerule", plid="bob.org").fails("access", "plid")
    t.run("cloudflare.pagerule", elid="bob.org").fails("access", "plid")
    t.run("cloudflare.pagerule.edit", plid="bob.org", elid=R_BOB).fails("access", "plid")
    t.run("cloudflare.pagerule.edit", plid="bob.org", elid="", sok="ok",
          url="*bob.org/*", ssl="off").fails("access", "plid")
    t.run("cloudflare.pagerule.edit", plid="bob.org", elid=R_BOB, sok="ok",
          url="*bob.org/*", ssl="off").fails("access", "plid")
    t.run("cloudflare.pagerule.delete", plid="bob.org", elid=R_BOB).fails("access", "plid")
    t.no_cloudflare_calls()
    eq(len(zone_rules(t, "bob.org")), 1, "bob's rule untouched")


def test_rule_of_another_zone_by_id(t):
    # A rule id from bob's zone under alice's zone: Cloudflare scopes it.
    own(t)
    t.run("cloudflare.pagerule.delete", plid="example.com", elid=R_BOB).fails("missed")
    eq(len(zone_rules(t, "bob.org")), 1, "bob's rule untouched")


def test_bad_ids_refused(t):
    own(t)
    t.run("cloudflare.pagerule.edit", plid="example.com", elid="../x").fails("value", "elid")
    t.run("cloudflare.pagerule.delete", plid="example.com", elid="xyz").fails("value", "elid")
    t.no_cloudflare_calls()


def test_admin_any_zone(t):
    t.reset(state())
    t.save_admin_token(lib.ADMIN_TOKEN)
    rows = t.admin("cloudflare.pagerule", plid="bob.org").good().rows()
    eq([r["id"] for r in rows], [R_BOB], "admin sees bob's rules")

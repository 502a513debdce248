"""Cache rules: the http_request_cache_settings entrypoint, its builder,
saving one rule without disturbing the others, delete."""
import copy
import hashlib

import lib
from lib import check, eq

ZONE = hashlib.md5(b"zone:example.com").hexdigest()
PHASE = "http_request_cache_settings"
RS = "d" * 32
C1, C2, C3, FOREIGN = "c1" * 16, "c2" * 16, "c3" * 16, "f0" * 16
EP = "/client/v4/zones/%s/rulesets/phases/%s/entrypoint" % (ZONE, PHASE)

RULES = [
    {"id": C1, "action": "set_cache_settings", "description": "images",
     "expression": '(http.host eq "img.example.com")', "enabled": True,
     "logging": {"enabled": True},
     "action_parameters": {
         "cache": True,
         "edge_ttl": {"mode": "override_origin", "default": 86400,
                      "status_code_ttl": [{"status_code_value": 404, "value": 60}]},
         "browser_ttl": {"mode": "respect_origin"},
         "cache_key": {"ignore_query_strings_order": True}}},
    {"id": C2, "action": "set_cache_settings", "description": "no api cache",
     "expression": '(starts_with(http.request.uri.path, "/api/"))', "enabled": False,
     "action_parameters": {"cache": False}},
    {"id": C3, "action": "set_cache_settings", "description": "sessions",
     "expression": '(http.request.uri.query contains "nocache") or '
                   '(http.cookie contains "session")', "enabled": True,
     "action_parameters": {"cache": True,
                           "edge_ttl": {"mode": "bypass_by_default"},
                           "browser_ttl": {"mode": "override_origin", "default": 3600}}},
]


def cr_state(rules=RULES):
    st = lib.default_state()
    st["zones"][0]["rulesets"] = {PHASE: {"id": RS, "rules": copy.deepcopy(rules)}}
    return st


def own(t, state=None, token=lib.ALICE_TOKEN):
    t.reset(state if state is not None else lib.default_state())
    t.save_token(token)
    t.clear_requests()


def ruleset(t):
    z = next(z for z in t.state()["zones"] if z["name"] == "example.com")
    rs = [r for r in z["rulesets"] if r["phase"] == PHASE]
    return rs[0] if rs else None


def writes(t):
    return [r for r in t.requests("/rulesets") if r["method"] != "GET"]


def save(t, **kw):
    p = dict(plid="example.com", sok="ok", description="rule", match="hostname",
             match_value="www.example.com", cache="on", enabled="on")
    p.update(kw)
    return t.run("cloudflare.cacherule.edit", **p)


# ---- the list

def test_list_empty_on_404(t):
    own(t)
    r = t.run("cloudflare.cacherule", plid="example.com").good()
    eq(r.rows(), [], "no rules, no error")
    eq([x["path"] for x in t.requests("/rulesets")], [EP], "the entrypoint asked")


def test_list(t):
    own(t, cr_state())
    r = t.run("cloudflare.cacherule", plid="example.com").good()
    t.golden(r, "cacherule_list")
    rows = r.rows()
    eq([x["id"] for x in rows], [C1, C2, C3], "in order")
    eq([x["cache"] for x in rows], ["on", "off", "on"], "cache")
    eq([x["edge_ttl"] for x in rows], ["86400", "", "origin's headers, else no cache"], "edge")
    eq([x["browser_ttl"] for x in rows], ["respect origin", "", "3600"], "browser")
    eq([x["enabled"] for x in rows], ["on", "off", "on"], "enabled")


def test_list_russian(t):
    own(t, cr_state())
    r = t.run("cloudflare.cacherule", elid="example.com", lang="ru").good()
    t.golden(r, "cacherule_list_ru")


def test_list_skips_other_actions(t):
    rules = RULES + [{"id": FOREIGN, "action": "log", "expression": "true"}]
    own(t, cr_state(rules))
    r = t.run("cloudflare.cacherule", plid="example.com").good()
    eq([x["id"] for x in r.rows()], [C1, C2, C3], "only cache settings rules")


def test_list_limited_token(t):
    own(t, cr_state(), lib.LIMITED_TOKEN)
    t.run("cloudflare.cacherule", plid="example.com").fails(
        "access", contains="Zone · Cache Rules · Edit")


# ---- creating

def test_create_first_rule_creates_entrypoint(t):
    own(t)
    save(t, description="static", match="extension", match_value="JPG, png  webp",
         edge_ttl="7200", browser_ttl="").ok()
    w = writes(t)
    eq(len(w), 1, "one write")
    eq((w[0]["method"], w[0]["path"]), ("POST", "/client/v4/zones/%s/rulesets" % ZONE),
       "a new entrypoint ruleset")
    rule = {"action": "set_cache_settings", "description": "static", "enabled": True,
            "expression": '(http.request.uri.path.extension in {"jpg" "png" "webp"})',
            "action_parameters": {"cache": True,
                                  "edge_ttl": {"mode": "override_origin", "default": 7200},
                                  "browser_ttl": {"mode": "respect_origin"}}}
    eq(w[0]["body"], {"name": "default", "kind": "zone", "phase": PHASE, "rules": [rule]},
       "body")
    rs = ruleset(t)
    check(rs is not None, "entrypoint exists")
    eq(len(rs["rules"]), 1, "one rule")
    check("cacherule: alice added rule" in t.log(), "logged")


def test_add_second_then_edit_first_keeps_order_and_others(t):
    own(t)
    save(t, description="first", match="hostname", match_value="A.Example.com").ok()
    save(t, description="second", match="path_prefix", match_value="/static/",
         cache="off", edge_ttl="60").ok()
    w = writes(t)
    rs = ruleset(t)
    eq((w[1]["method"], w[1]["path"]),
       ("POST", "/client/v4/zones/%s/rulesets/%s/rules" % (ZONE, rs["id"])), "appended")
    eq(w[1]["body"]["action_parameters"], {"cache": False}, "bypass: TTLs ignored")
    eq([r["description"] for r in rs["rules"]], ["first", "second"], "order")
    first, second = rs["rules"]
    eq(first["expression"], '(http.host eq "a.example.com")', "host lower-cased")
    eq(second["expression"], '(starts_with(http.request.uri.path, "/static/"))', "path")
    t.clear_requests()
    save(t, elid=first["id"], description="first, edited", match="hostname",
         match_value="b.example.com", browser_ttl="600", enabled="off").ok()
    w = writes(t)
    eq(len(w), 1, "one write")
    eq((w[0]["method"], w[0]["path"]),
       ("PATCH", "/client/v4/zones/%s/rulesets/%s/rules/%s" % (ZONE, rs["id"], first["id"])),
       "the rule patched")
    after = ruleset(t)
    eq([r["id"] for r in after["rules"]], [first["id"], second["id"]], "order kept")
    eq(after["rules"][1], second, "the other rule untouched")
    e = after["rules"][0]
    eq((e["description"], e["expression"], e["enabled"]),
       ("first, edited", '(http.host eq "b.example.com")', False), "edited")
    eq(e["action_parameters"], {"cache": True, "edge_ttl": {"mode": "respect_origin"},
                                "browser_ttl": {"mode": "override_origin", "default": 600}},
       "TTLs")


def test_edit_keeps_what_the_form_does_not_show(t):
    own(t, cr_state())
    before = ruleset(t)
    save(t, elid=C1, description="images", match="hostname",
         match_value="img.example.com", edge_ttl="3600", browser_ttl="").ok()
    w = writes(t)
    eq(len(w), 1, "one write")
    body = w[0]["body"]
    for k in ("id", "version", "last_updated"):
        check(k not in body, "read-only %s not sent" % k)
    eq(body["logging"], {"enabled": True}, "logging sent back")
    after = ruleset(t)
    eq([r["id"] for r in after["rules"]], [C1, C2, C3], "order")
    eq(after["rules"][1:], before["rules"][1:], "other rules untouched")
    ap = after["rules"][0]["action_parameters"]
    eq(ap["cache_key"], {"ignore_query_strings_order": True}, "cache_key kept")
    eq(ap["edge_ttl"], {"mode": "override_origin", "default": 3600,
                        "status_code_ttl": [{"status_code_value": 404, "value": 60}]},
       "status_code_ttl kept")
    eq(ap["browser_ttl"], {"mode": "respect_origin"}, "browser respects origin")
    eq(after["rules"][0]["logging"], {"enabled": True}, "logging kept")


def test_edit_empty_ttl_keeps_bypass_by_default(t):
    own(t, cr_state())
    r = t.run("cloudflare.cacherule.edit", plid="example.com", elid=C3).good()
    eq((r.field("edge_ttl"), r.field("browser_ttl")), ("", "3600"), "form TTLs")
    save(t, elid=C3, description="sessions", match="expression",
         expression=r.field("expression"), edge_ttl="", browser_ttl="3600").ok()
    ap = ruleset(t)["rules"][2]["action_parameters"]
    eq(ap["edge_ttl"], {"mode": "bypass_by_default"}, "a mode the form cannot show stays")


def test_cache_off_on_edit(t):
    own(t, cr_state())
    save(t, elid=C1, description="images", match="hostname",
         match_value="img.example.com", cache="off", edge_ttl="3600").ok()
    eq(ruleset(t)["rules"][0]["action_parameters"], {"cache": False}, "bypass only")


# ---- the builder, both ways

def test_builder_round_trip(t):
    own(t)
    cases = [
        ("hostname", "CDN.example.com", "hostname", "cdn.example.com"),
        ("path_prefix", "/assets/v2/", "path_prefix", "/assets/v2/"),
        ("extension", "css,js", "extension", "css js"),
    ]
    for i, (m, v, m2, v2) in enumerate(cases):
        save(t, description="r%d" % i, match=m, match_value=v).ok()
    save(t, description="raw", match="expression",
         expression='(http.host eq "x.example.com" and http.request.uri.path eq "/")').ok()
    rules = ruleset(t)["rules"]
    for i, (m, v, m2, v2) in enumerate(cases):
        r = t.run("cloudflare.cacherule.edit", plid="example.com", elid=rules[i]["id"]).good()
        eq((r.field("match"), r.field("match_value")), (m2, v2), "round trip of %s" % m)
        eq(r.field("expression"), rules[i]["expression"], "raw text too")
    r = t.run("cloudflare.cacherule.edit", plid="example.com", elid=rules[3]["id"]).good()
    eq((r.field("match"), r.field("match_value") or ""), ("expression", ""), "custom")
    eq(r.field("expression"), rules[3]["expression"], "raw expression")


def test_edit_form(t):
    own(t, cr_state())
    r = t.run("cloudflare.cacherule.edit", plid="example.com", elid=C2).good()
    t.golden(r, "cacherule_form")
    eq(r.slist("match"), ["hostname", "path_prefix", "extension", "expression"], "kinds")


def test_new_form(t):
    own(t)
    r = t.run("cloudflare.cacherule.edit", plid="example.com").good()
    t.golden(r, "cacherule_form_new")
    t.no_cloudflare_calls()


def test_bad_input_refused_before_any_call(t):
    own(t, cr_state())
    bad = [
        (dict(match="extension", match_value="jp*g"), "match_value"),
        (dict(match="extension", match_value="averyverylongext"), "match_value"),
        (dict(match="extension", match_value=" , "), "match_value"),
        (dict(match="extension", match_value=" ".join("e%d" % i for i in range(51))),
         "match_value"),
        (dict(match="path_prefix", match_value="images/"), "match_value"),
        (dict(match="path_prefix", match_value="/a b/"), "match_value"),
        (dict(match="path_prefix", match_value='/a"b'), "match_value"),
        (dict(match="hostname", match_value='x.com") or (true'), "match_value"),
        (dict(match="hostname", match_value="a\\b.com"), "match_value"),
        (dict(match="hostname", match_value="not a host"), "match_value"),
        (dict(match="hostname", match_value=""), "match_value"),
        (dict(match="expression", expression='(http.host eq "a.com"'), "expression"),
        (dict(match="expression", expression='(http.host eq "a.com))'), "expression"),
        (dict(match="expression", expression='http.host eq "a.com'), "expression"),
        (dict(match="expression", expression='http.host in {"a" "b")'), "expression"),
        (dict(match="expression", expression="   "), "expression"),
        (dict(match="expression", expression="http.host eq \"a\x01\""), "expression"),
        (dict(match="expression", expression="x" * 4097), "expression"),
        (dict(match="regex"), "match"),
        (dict(edge_ttl="0"), "edge_ttl"),
        (dict(edge_ttl="31536001"), "edge_ttl"),
        (dict(browser_ttl="1.5"), "browser_ttl"),
        (dict(description="d" * 501), "description"),
        (dict(description=""), "description"),
        (dict(cache="yes"), "cache"),
        (dict(elid="xyz"), "elid"),
    ]
    for params, field in bad:
        r = save(t, **params)
        r.fails(obj=field)
    t.no_cloudflare_calls()


def test_expression_strings_may_hold_brackets(t):
    own(t)
    expr = '(http.request.uri.path matches "^/(a|b)\\\\)$") or ' \
           '(http.host in {"x.example.com"} and http.cookie contains r#"a")"#)'
    save(t, description="raw", match="expression", expression=expr).ok()
    eq(ruleset(t)["rules"][0]["expression"], expr, "sent as written")


def test_other_action_never_touched(t):
    rules = RULES + [{"id": FOREIGN, "action": "log", "expression": "true"}]
    own(t, cr_state(rules))
    save(t, elid=FOREIGN, description="x").fails("access", "elid", "not a cache")
    t.run("cloudflare.cacherule.edit", plid="example.com", elid=FOREIGN).fails("access")
    t.run("cloudflare.cacherule.delete", plid="example.com",
          elid="%s, %s" % (C1, FOREIGN)).fails("access", "elid")
    eq(writes(t), [], "no write")


def test_edit_unknown_rule(t):
    own(t, cr_state())
    save(t, elid="e" * 32).fails("missed", "elid")
    own(t)
    save(t, elid="e" * 32).fails("missed", "elid")
    eq(writes(t), [], "no write")


# ---- delete

def test_delete_one_of_two(t):
    own(t, cr_state(RULES[:2]))
    t.run("cloudflare.cacherule.delete", plid="example.com", elid=C1).ok()
    w = writes(t)
    eq([(x["method"], x["path"]) for x in w],
       [("DELETE", "/client/v4/zones/%s/rulesets/%s/rules/%s" % (ZONE, RS, C1))], "one DELETE")
    rules = ruleset(t)["rules"]
    eq([r["id"] for r in rules], [C2], "the other stays")
    check("cacherule: deleted rule %s by alice" % C1 in t.log(), "logged")


def test_delete_two_of_three_in_one_put(t):
    own(t, cr_state())
    before = ruleset(t)["rules"][1]
    t.run("cloudflare.cacherule.delete", plid="example.com", elid="%s, %s" % (C1, C3)).ok()
    w = writes(t)
    eq([(x["method"], x["path"]) for x in w], [("PUT", EP)], "one PUT")
    sent = w[0]["body"]["rules"]
    eq([r["id"] for r in sent], [C2], "the kept rule, with its id")
    check("version" not in sent[0] and "last_updated" not in sent[0], "no read-only fields")
    eq(ruleset(t)["rules"], [before], "the kept rule unchanged")


def test_delete_unknown_refused(t):
    own(t, cr_state())
    t.run("cloudflare.cacherule.delete", plid="example.com",
          elid="%s, %s" % (C1, "e" * 32)).fails("missed", "elid", "e" * 32)
    own(t)
    t.run("cloudflare.cacherule.delete", plid="example.com", elid=C1).fails("missed")
    eq(writes(t), [], "no write")


def test_cloudflare_error_shown(t):
    own(t, cr_state())
    t.fault(match="PATCH .*/rules/", mode="500json")
    r = save(t, elid=C1, description="images")
    r.fails("cloudflare")


# ---- another user's zone

def test_other_users_zone_refused_without_calls(t):
    own(t)
    calls = [
        dict(func="cloudflare.cacherule", plid="bob.org"),
        dict(func="cloudflare.cacherule", elid="bob.org"),
        dict(func="cloudflare.cacherule.edit", plid="bob.org"),
        dict(func="cloudflare.cacherule.edit", plid="bob.org", sok="ok", description="x",
             match="hostname", match_value="bob.org"),
        dict(func="cloudflare.cacherule.delete", plid="bob.org", elid=C1),
    ]
    for p in calls:
        func = p.pop("func")
        t.run(func, **p).fails("access", "plid", "bob.org")
    t.no_cloudflare_calls()

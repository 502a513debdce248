"""Zone settings: one GET to read, one PATCH of just what changed."""
import lib
from lib import check, eq

FIELDS = ["ssl", "min_tls_version", "always_use_https", "automatic_https_rewrites",
          "security_level", "challenge_ttl", "browser_check", "email_obfuscation",
          "hotlink_protection", "cache_level", "browser_cache_ttl", "always_online",
          "development_mode", "brotli", "http3", "zero_rtt", "ipv6", "websockets"]
SELECTS = {
    "ssl": ["off", "flexible", "full", "strict"],
    "min_tls_version": ["1.0", "1.1", "1.2", "1.3"],
    "security_level": ["off", "essentially_off", "low", "medium", "high", "under_attack"],
    "challenge_ttl": ["300", "900", "1800", "2700", "3600", "7200", "10800", "14400",
                      "28800", "57600", "86400", "604800", "2592000", "31536000"],
    "cache_level": ["aggressive", "basic", "simplified"],
    "browser_cache_ttl": ["0", "30", "60", "120", "300", "1200", "1800", "3600", "7200",
                          "10800", "14400", "18000", "28800", "43200", "57600", "72000",
                          "86400", "172800", "259200", "345600", "432000", "691200",
                          "1382400", "2073600", "2678400", "5356800", "16070400",
                          "31536000"],
}


def own(t, state=None):
    if state is not None:
        t.reset(state)
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()


def zone_state(**zone):
    st = lib.default_state()
    st["zones"][0].update(zone)
    return st


def form(t, **kw):
    return t.run("cloudflare.zone.settings", elid="example.com", **kw).good()


def values(r):
    """What the panel would submit back: every field the form shows."""
    return {f: r.field(f) for f in FIELDS if r.field(f) is not None}


def save(t, **changes):
    """Open the form, change some fields, submit it all, as the panel does."""
    v = values(form(t))
    v.update(changes)
    t.clear_requests()
    return t.run("cloudflare.zone.settings", elid="example.com", sok="ok", **v)


def patches(t):
    return t.requests("/settings", "PATCH")


def test_form(t):
    own(t)
    r = form(t)
    t.golden(r, "zsettings_form")
    gets = t.requests("/settings", "GET")
    eq(len(gets), 1, "one GET of every setting")
    eq(gets[0]["path"], "/client/v4/zones/%s/settings" % lib_zone_id(t), "path")
    eq(r.field("zero_rtt"), "off", "0rtt is shown as zero_rtt")
    eq(r.field("browser_cache_ttl"), "14400", "a number setting")
    eq(r.field("development_mode"), "off", "development mode")
    check(r.field("development_mode_left") is None, "no time left when off")
    check(r.field("unavailable") is None, "everything is offered")
    for name, keys in SELECTS.items():
        eq(r.slist(name), keys, "slist " + name)


def test_form_ru_dev_mode_and_unavailable(t):
    own(t, zone_state(settings={"development_mode": "on"},
                      unavailable_settings=["hotlink_protection"]))
    r = form(t, lang="ru")
    t.golden(r, "zsettings_form_ru")
    eq(r.field("development_mode"), "on", "on")
    eq(r.field("development_mode_left"), "3 ч", "time left")
    eq(r.field("unavailable"), "Не предусмотрено тарифом этой зоны: Защита от хотлинков.",
       "unavailable")


def test_dev_mode_left(t):
    own(t, zone_state(settings={"development_mode": "on"}))
    r = form(t)
    eq(r.field("development_mode_left"), "3 h", "from time_remaining")


def test_save_two_changes_one_patch(t):
    own(t)
    save(t, ssl="full", always_use_https="on").ok()
    p = patches(t)
    eq(len(p), 1, "one PATCH")
    eq(p[0]["body"], {"items": [{"id": "ssl", "value": "full"},
                                {"id": "always_use_https", "value": "on"}]}, "only the changed")
    eq(len(t.requests("/settings", "GET")), 1, "the current values read once on save")
    z = t.state()["zones"][0]
    eq(z["settings"], {"ssl": "full", "always_use_https": "on"}, "stored")
    check("zsettings: alice changed ssl=full, always_use_https=on in example.com" in t.log(),
          "logged")


def test_save_numbers_and_zero_rtt(t):
    own(t)
    save(t, browser_cache_ttl="3600", challenge_ttl="900", zero_rtt="on",
         security_level="under_attack", development_mode="on").ok()
    eq(patches(t)[0]["body"]["items"], [
        {"id": "security_level", "value": "under_attack"},
        {"id": "challenge_ttl", "value": 900},
        {"id": "browser_cache_ttl", "value": 3600},
        {"id": "development_mode", "value": "on"},
        {"id": "0rtt", "value": "on"}], "numbers as numbers, 0rtt by its id")
    r = form(t)
    eq(r.field("browser_cache_ttl"), "3600", "read back")
    eq(r.field("zero_rtt"), "on", "read back")


def test_save_nothing_changed_no_patch(t):
    own(t)
    save(t).ok()
    eq(patches(t), [], "no PATCH")


def test_save_only_some_fields_sent(t):
    own(t)
    t.run("cloudflare.zone.settings", elid="example.com", sok="ok", ipv6="off").ok()
    eq(patches(t)[0]["body"], {"items": [{"id": "ipv6", "value": "off"}]}, "unsent = unchanged")


def test_invalid_values_refused_before_any_call(t):
    own(t)
    bad = [("ssl", "origin_pull"), ("ssl", "FULL"), ("min_tls_version", "1.4"),
           ("security_level", "extreme"), ("challenge_ttl", "42"),
           ("browser_cache_ttl", "-1"), ("browser_cache_ttl", "14400 "),
           ("cache_level", "cache_everything"), ("websockets", "yes"),
           ("zero_rtt", "1"), ("development_mode", "true")]
    for field, value in bad:
        r = t.run("cloudflare.zone.settings", elid="example.com", sok="ok",
                  **{"ssl": "full", field: value})
        r.fails("value", field)
    t.run("cloudflare.zone.settings", elid="example.com", sok="ok", ssl="x").fails(
        "value", "ssl", "«SSL/TLS encryption mode» has a value the form does not offer")
    t.run("cloudflare.zone.settings", elid="example.com", sok="ok", zero_rtt="x",
          lang="ru").fails("value", "zero_rtt", "«Возобновление соединений 0-RTT»")
    t.no_cloudflare_calls()


def test_unavailable_shown_and_never_sent(t):
    own(t, zone_state(unavailable_settings=["hotlink_protection", "0rtt"]))
    r = form(t)
    check(r.field("hotlink_protection") is None, "no value for a locked setting")
    check(r.field("zero_rtt") is None, "no value for a locked setting")
    eq(r.field("unavailable"), "Not offered on this zone's plan: Hotlink Protection, "
       "0-RTT Connection Resumption.", "listed")
    eq(r.slist("ssl"), SELECTS["ssl"], "the rest of the form is there")
    save(t, ssl="strict", hotlink_protection="on", zero_rtt="on").ok()
    eq(patches(t)[0]["body"], {"items": [{"id": "ssl", "value": "strict"}]}, "locked not sent")
    t.clear_requests()
    t.run("cloudflare.zone.settings", elid="example.com", sok="ok",
          hotlink_protection="on", zero_rtt="on").ok()
    eq(patches(t), [], "a save of only locked settings sends nothing")


def test_absent_from_get(t):
    # brotli is retired by Cloudflare; a setting may also be missing for a zone.
    own(t, zone_state(absent_settings=["brotli", "always_online", "ssl"]))
    r = form(t)
    for f in ("brotli", "always_online", "ssl"):
        check(r.field(f) is None, f + " has no value")
    eq(r.field("unavailable"), "Not offered on this zone's plan: SSL/TLS encryption mode, "
       "Always Online, Brotli.", "listed")
    eq(r.field("websockets"), "on", "the others still shown")
    save(t, brotli="on", ssl="full", always_online="on", websockets="off").ok()
    eq(patches(t)[0]["body"], {"items": [{"id": "websockets", "value": "off"}]}, "absent not sent")


def test_value_the_form_lacks_is_kept(t):
    own(t, zone_state(settings={"ssl": "origin_pull", "browser_cache_ttl": 999}))
    r = form(t)
    check(r.field("ssl") is None, "not shown as some other value")
    check(r.field("browser_cache_ttl") is None, "not shown as some other value")
    check("SSL/TLS encryption mode (origin_pull), Browser cache TTL (999)" in
          r.field("unavailable"), "said why: " + r.field("unavailable"))
    save(t, ssl="off", browser_cache_ttl="0").ok()
    eq(patches(t), [], "never overwritten with the select's first key")


def test_another_users_zone(t):
    own(t)
    t.run("cloudflare.zone.settings", elid="bob.org").fails("access", "elid", "bob.org")
    t.run("cloudflare.zone.settings", elid="bob.org", sok="ok",
          ssl="off").fails("access", "elid", "bob.org")
    t.no_cloudflare_calls()


def test_no_token(t):
    t.run("cloudflare.zone.settings", elid="example.com").fails("access", contains="Profile")
    t.no_cloudflare_calls()


def test_missing_read_permission(t):
    t.save_token(lib.LIMITED_TOKEN)
    t.run("cloudflare.zone.settings", elid="example.com").fails(
        "access", contains="Zone · Zone Settings · Read")


def test_missing_edit_permission(t):
    st = lib.default_state()
    st["tokens"].append({"value": lib.UNKNOWN_TOKEN, "label": "ro",
                         "accounts": [lib.ACCOUNT], "perms": ["zone_read",
                                                               "zone_settings_read"]})
    own(t, st)
    t.save_token(lib.UNKNOWN_TOKEN)
    form(t)
    save(t, ssl="full").fails("access", contains="Zone · Zone Settings · Edit")
    eq(t.state()["zones"][0]["settings"], {}, "nothing changed")


def test_zone_not_connected(t):
    own(t)
    t.run("cloudflare.zone.settings", elid="alice.co.uk").fails("missed",
                                                                 contains="not connected")


def test_patch_refused_by_cloudflare(t):
    own(t)
    t.fault(match="PATCH .*/settings$", mode="unknown_error")
    save(t, ssl="full").fails(contains="Something new went wrong")
    eq(t.state()["zones"][0]["settings"], {}, "nothing changed")


def test_bad_settings_reply(t):
    own(t)
    t.fault(match="GET .*/settings$", mode="badjson")
    r = t.run("cloudflare.zone.settings", elid="example.com")
    r.fails()


def lib_zone_id(t):
    return next(z["id"] for z in t.state()["zones"] if z["name"] == "example.com")

"""Who may touch what: a user only their own registrable domains."""
import lib
from lib import check, eq


def setup_admin_token(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()


def test_other_users_zone_by_plid(t):
    setup_admin_token(t)
    t.run("cloudflare.dns", plid="bob.org").fails("access", "plid", "bob.org")
    t.no_cloudflare_calls()


def test_other_users_zone_by_elid_sublist(t):
    setup_admin_token(t)
    t.run("cloudflare.dns", elid="bob.org").fails("access", "plid", "bob.org")
    t.no_cloudflare_calls()


def test_other_users_zone_in_group_delete(t):
    setup_admin_token(t)
    t.run("cloudflare.zone.delete", elid="example.com, bob.org").fails("access", "elid", "bob.org")
    t.no_cloudflare_calls()
    check(any(z["name"] == "example.com" for z in t.state()["zones"]), "own zone untouched")


def test_zone_nobody_owns(t):
    setup_admin_token(t)
    t.run("cloudflare.dns", plid="orphan.net").fails("access", "plid")
    t.no_cloudflare_calls()


def test_other_users_zone_on_connect(t):
    setup_admin_token(t)
    t.run("cloudflare.zone.edit", sok="ok", name="bob.org").fails("access", "name")
    t.no_cloudflare_calls()


def test_record_edit_in_other_zone(t):
    setup_admin_token(t)
    t.run("cloudflare.dns.edit", plid="bob.org", elid="0" * 32, sok="ok", type="A",
          name="x", content="192.0.2.1").fails("access", "plid")
    t.run("cloudflare.dns.delete", plid="bob.org", elid="0" * 32).fails("access", "plid")
    t.no_cloudflare_calls()


def test_subdomain_maps_to_registrable(t):
    # alice's site shop.example.com makes example.com hers; alice.co.uk is a
    # registrable domain under a public suffix, not a subdomain of co.uk.
    setup_admin_token(t)
    r = t.run("cloudflare.zone").good()
    eq([x["name"] for x in r.rows()], ["alice.co.uk", "example.com"], "alice's zones")
    t.run("cloudflare.dns", plid="co.uk").fails("access")


def test_malformed_zone_key(t):
    setup_admin_token(t)
    for bad in ("example.com/../x", "exa mple.com", "-x.com", "a" * 300, "com"):
        t.run("cloudflare.dns", plid=bad).fails()
    t.run("cloudflare.dns.delete", plid="example.com", elid="../../zones").fails("value", "elid")
    t.no_cloudflare_calls()


def test_mgrctl_failure_is_clear(t):
    setup_admin_token(t)
    p = lib.default_panel()
    p["mode"] = "garbage"
    t.set_panel(p)
    t.run("cloudflare.dns", plid="example.com").fails("internal", contains="panel")
    t.no_cloudflare_calls()


def test_admin_sees_all_with_owner(t):
    setup_admin_token(t)
    r = t.admin("cloudflare.zone").good()
    t.golden(r, "access_admin_zone_list")
    rows = {x["name"]: x for x in r.rows()}
    eq(rows["bob.org"]["owner"], "bob", "owner")
    eq(rows["orphan.net"]["owner"], "", "no owner")
    eq(rows["alice.co.uk"]["connected"], "off", "panel domain not yet connected")


def test_admin_may_act_on_any_zone(t):
    setup_admin_token(t)
    t.admin("cloudflare.dns", plid="orphan.net").good()

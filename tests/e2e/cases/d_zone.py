"""Zones: the list, connecting and disconnecting."""
import lib
from lib import check, eq


def test_zone_list_user(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.zone").good()
    t.golden(r, "zone_list_user")
    eq(len(t.requests()), 2, "one lookup per domain")


def test_zone_list_ru(t):
    t.save_token(lib.ALICE_TOKEN)
    t.golden(t.run("cloudflare.zone", lang="ru"), "zone_list_user_ru")


def test_connect_form_offers_unconnected(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    r = t.run("cloudflare.zone.edit").good()
    t.golden(r, "zone_connect_form")
    eq(r.slist("name"), ["alice.co.uk"], "unconnected domains")
    eq(r.slist("account"), [lib.ACCOUNT, lib.ACCOUNT2], "accounts to choose")


def test_connect_needs_account_when_several(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", copy_dns="off").fails(
        "missed", "account")
    check(not t.requests("/zones", "POST"), "no zone created")


def test_connect_shows_name_servers(t):
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off",
              copy_dns="off").good()
    check("ada.ns.cloudflare.com" in r.field("name_servers"), "name servers shown")
    post = t.requests("/zones", "POST")
    eq(len(post), 1, "one create")
    eq(post[0]["body"], {"account": {"id": lib.ACCOUNT}, "name": "alice.co.uk",
                         "type": "full", "jump_start": False}, "create body")
    zones = {z["name"]: z for z in t.state()["zones"]}
    eq(zones["alice.co.uk"]["status"], "pending", "new zone pending")
    r = t.run("cloudflare.zone").good()
    eq({x["name"]: x["connected"] for x in r.rows()}, {"alice.co.uk": "on", "example.com": "on"},
       "both connected now")


def test_connect_existing_elsewhere(t):
    t.save_token(lib.ALICE_TOKEN)
    st = lib.default_state()
    st["zones"].append({"name": "alice.co.uk", "account": lib.ACCOUNT2})
    t.reset(st)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", copy_dns="off")
    r.fails("exists", "name", "already")


def test_connect_without_permission_names_it(t):
    t.save_token(lib.LIMITED_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", copy_dns="off")
    r.fails("access", contains="Zone · Zone · Edit")


def test_disconnect(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.zone.delete", elid="example.com").ok()
    check(all(z["name"] != "example.com" for z in t.state()["zones"]), "deleted")
    eq(len(t.requests(method="DELETE")), 1, "one delete")


def test_disconnect_not_connected(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.zone.delete", elid="alice.co.uk").fails("missed", "elid")
    eq(t.requests(method="DELETE"), [], "nothing deleted")

"""Tokens: saving, verifying, masking, clearing, and which one is in force."""
import json
import os
import stat

import lib
from lib import check, eq


def test_profile_save_verifies_and_masks(t):
    r = t.run("cloudflare.profile", sok="ok", api_token=lib.ALICE_TOKEN)
    r.ok()
    eq([x["path"] for x in t.requests()], ["/client/v4/user/tokens/verify"], "requests")
    r = t.run("cloudflare.profile")
    t.golden(r, "token_profile_own")
    eq(r.field("token_masked"), "••••" + lib.ALICE_TOKEN[-4:], "mask")
    eq(r.field("api_token"), "", "token never shown back")


def test_store_modes(t):
    t.save_token(lib.ALICE_TOKEN)
    t.save_admin_token(lib.ADMIN_TOKEN)
    eq(stat.S_IMODE(os.stat(t.etc).st_mode), 0o700, "store dir mode")
    for p in ("users/alice.json", "global.json"):
        eq(stat.S_IMODE(os.stat(os.path.join(t.etc, p)).st_mode), 0o600, p + " mode")
    with open(os.path.join(t.etc, "users/alice.json")) as f:
        eq(json.load(f)["token"], lib.ALICE_TOKEN, "stored token")


def test_pasted_token_is_trimmed(t):
    t.run("cloudflare.profile", sok="ok", api_token="  " + lib.ALICE_TOKEN + "\n").ok()
    r = t.run("cloudflare.profile")
    eq(r.field("token_status"), "active", "status")


def test_invalid_token_refused_nothing_stored(t):
    r = t.run("cloudflare.profile", sok="ok", api_token=lib.UNKNOWN_TOKEN)
    r.fails(obj="api_token", contains="Cloudflare")
    check(not os.path.exists(os.path.join(t.etc, "users/alice.json")), "nothing stored")


def test_expired_token_refused(t):
    r = t.run("cloudflare.profile", sok="ok", api_token=lib.EXPIRED_TOKEN)
    r.fails("value", "api_token", "expired")
    check(not os.path.exists(os.path.join(t.etc, "users/alice.json")), "nothing stored")


def test_disabled_token_refused_ru(t):
    r = t.run("cloudflare.profile", sok="ok", api_token=lib.DISABLED_TOKEN, lang="ru")
    r.fails("value", "api_token", "отключён")


def test_malformed_token_refused_before_any_call(t):
    r = t.run("cloudflare.profile", sok="ok", api_token="short")
    r.fails("value", "api_token")
    r = t.run("cloudflare.profile", sok="ok", api_token='a"b' * 10)
    r.fails("value", "api_token")
    t.no_cloudflare_calls()


def test_account_owned_token_accepted(t):
    t.run("cloudflare.profile", sok="ok", api_token=lib.ACCT_TOKEN).ok()
    paths = [x["path"] for x in t.requests()]
    check("/client/v4/accounts/%s/tokens/verify" % lib.ACCOUNT in paths,
          "verified under its account: %s" % paths)
    with open(os.path.join(t.etc, "users/alice.json")) as f:
        rec = json.load(f)
    eq((rec["kind"], rec["account"]), ("account", lib.ACCOUNT), "kind and account")


def test_empty_submit_clears(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.profile", sok="ok", api_token="").ok()
    check(not os.path.exists(os.path.join(t.etc, "users/alice.json")), "cleared")
    t.run("cloudflare.zone").fails("access", contains="Profile")


def test_settings_admin_only(t):
    r = t.run("cloudflare.settings", sok="ok", api_token=lib.ALICE_TOKEN)
    r.fails("access")
    check(not os.path.exists(os.path.join(t.etc, "global.json")), "not stored")
    t.no_cloudflare_calls()


def test_settings_form_and_clear(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    r = t.admin("cloudflare.settings")
    t.golden(r, "token_settings_admin")
    eq(r.field("token_expires"), "2027-06-30", "expiry")
    t.admin("cloudflare.settings", sok="ok", api_token="").ok()
    r = t.admin("cloudflare.settings")
    eq(r.field("token_masked"), "not set", "cleared")


def test_resolution_admin_token_wins(t):
    t.save_token(lib.ALICE_TOKEN)
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    t.run("cloudflare.zone").good()
    labels = {x["token"] for x in t.requests()}
    eq(labels, {"admin"}, "token used")
    r = t.run("cloudflare.profile")
    check(r.field("admin_token"), "profile says the admin's token is in force")


def test_resolution_own_token(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.run("cloudflare.zone").good()
    eq({x["token"] for x in t.requests()}, {"alice"}, "token used")
    r = t.run("cloudflare.profile")
    eq(r.field("admin_token"), "", "no admin notice")


def test_resolution_none(t):
    t.save_token(lib.BOB_TOKEN, user="bob")
    r = t.run("cloudflare.dns", plid="example.com")
    r.fails("access", contains="token")
    t.clear_requests()
    t.no_cloudflare_calls()


def test_revoked_token_says_where_to_fix(t):
    t.save_token(lib.ALICE_TOKEN)
    st = lib.default_state()
    st["tokens"] = [x for x in st["tokens"] if x["label"] != "alice"]
    t.reset(st)
    r = t.run("cloudflare.zone")
    r.fails(contains="Profile")


def test_no_token_in_log_or_mgrctl(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.zone").good()
    check("verify" in t.log(), "the log has the API calls")
    check(t.mgrctl_calls(), "mgrctl was called")
    # The runner scans every output, the log and mgrctl's argv/env after each test.

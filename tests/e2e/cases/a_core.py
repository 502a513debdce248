"""The panel protocol: parsing, dispatch, errors, exit status."""
from lib import check, eq


def test_unknown_func(t):
    r = t.run("cloudflare.nosuch")
    r.fails("value", "func", "nosuch")
    t.no_cloudflare_calls()


def test_no_func(t):
    r = t.run("")
    r.fails("value", "func")


def test_bad_level(t):
    r = t.run("cloudflare.zone", env={"AUTH_LEVEL": "x"})
    r.fails("access")


def test_bad_user_name(t):
    r = t.run("cloudflare.zone", user="../../etc")
    r.fails("access", "AUTH_USER")
    t.no_cloudflare_calls()


def test_missing_required_param(t):
    t.save_token(lib_token())
    t.clear_requests()
    r = t.run("cloudflare.dns")
    r.fails("missed", "plid")
    t.no_cloudflare_calls()


def test_bad_value_names_field(t):
    t.save_token(lib_token())
    t.clear_requests()
    r = t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="A",
              name="www", content="192.0.2.1", ttl="5")
    r.fails("value", "ttl", "TTL")
    t.no_cloudflare_calls()


def test_control_character_refused(t):
    t.save_token(lib_token())
    t.clear_requests()
    r = t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="TXT",
              name="x", content="a\x01b")
    r.fails("value", "content")
    t.no_cloudflare_calls()


def test_no_token_says_where(t):
    r = t.run("cloudflare.zone")
    r.fails("access", contains=["Profile", "administrator"])
    t.no_cloudflare_calls()


def test_no_token_admin_says_settings(t):
    r = t.admin("cloudflare.zone")
    r.fails("access", contains="Settings")


def test_russian_messages(t):
    r = t.run("cloudflare.zone", lang="ru")
    r.fails("access", contains="Профиль")


def test_unreachable_cloudflare_gives_xml(t):
    t.save_token(lib_token())
    r = t.run("cloudflare.zone", env={"CF_API_URL": "http://127.0.0.1:1/client/v4"})
    r.fails("cloudflare", contains="connect")


def test_plain_http_refused_off_loopback(t):
    t.save_token(lib_token())
    r = t.run("cloudflare.zone", env={"CF_API_URL": "http://192.0.2.1/client/v4"})
    r.fails("internal", contains="https")


def lib_token():
    import lib
    return lib.ALICE_TOKEN

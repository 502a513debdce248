"""The statistics stub: a message, no Cloudflare call, no token needed."""
import lib
from lib import eq


def test_stub_needs_no_token_and_calls_nothing(t):
    r = t.run("cloudflare.stats", elid="example.com").good()
    t.golden(r, "stats_stub")
    eq(r.field("stats_unavailable"), "Statistics are temporarily unavailable: Cloudflare moved "
       "analytics to a different API.", "text")
    t.no_cloudflare_calls()


def test_stub_russian(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.stats", elid="example.com", lang="ru").good()
    eq(r.field("stats_unavailable"), "Статистика временно недоступна: Cloudflare перевёл "
       "аналитику на другой API.", "text")
    t.no_cloudflare_calls()


def test_another_users_zone(t):
    t.run("cloudflare.stats", elid="bob.org").fails("access", "elid", "bob.org")
    t.no_cloudflare_calls()


def test_zone_required(t):
    t.run("cloudflare.stats").fails("missed", "elid")
    t.run("cloudflare.stats", elid="not a domain").fails("value", "elid")
    t.no_cloudflare_calls()

"""Cache purge: everything, or URLs, hosts, prefixes, tags in batches of 30."""
import lib
from lib import check, eq


def own(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()


def purge(t, mode, items="", **kw):
    return t.run("cloudflare.purge", elid="example.com", sok="ok", mode=mode, items=items, **kw)


def posts(t):
    return t.requests("/purge_cache", "POST")


def urls(n):
    return ["https://%sexample.com/f%d.css" % ("www." if i % 2 else "", i)
            for i in range(1, n + 1)]


def test_form(t):
    own(t)
    r = t.run("cloudflare.purge", elid="example.com").good()
    t.golden(r, "purge_form")
    eq(r.field("mode"), "everything", "default mode")
    eq(r.slist("mode"), ["everything", "urls", "hosts", "prefixes", "tags"], "modes")
    t.no_cloudflare_calls()


def test_everything(t):
    own(t)
    r = purge(t, "everything", items="ignored\n").good()
    t.golden(r, "purge_everything")
    p = posts(t)
    eq(len(p), 1, "one request")
    eq(p[0]["body"], {"purge_everything": True}, "body")
    eq(t.state()["zones"][0]["purges"], [{"purge_everything": True}], "purged")
    check("purge: alice purged everything in example.com" in t.log(), "logged")


def test_urls_in_batches_of_30(t):
    own(t)
    want = urls(75)
    r = purge(t, "urls", "\n".join(want)).good()
    eq(r.field("notice"), "Purged 75 URLs.", "notice")
    eq(r.field("mode"), "urls", "the form again")
    p = posts(t)
    eq(len(p), 3, "three requests")
    sizes = sorted(len(x["body"]["files"]) for x in p)
    eq(sizes, [15, 30, 30], "at most 30 each")
    got = sorted(u for x in p for u in x["body"]["files"])
    eq(got, sorted(want), "every URL once")
    eq(len(t.state()["zones"][0]["purges"]), 3, "three purges")


def test_urls_russian_notice_and_blank_lines(t):
    own(t)
    r = purge(t, "urls", "  https://example.com/a.css \r\n\n\t\nhttp://shop.example.com/b?x=1\n",
              lang="ru").good()
    eq(r.field("notice"), "Очищено URL: 2.", "notice")
    eq(posts(t)[0]["body"], {"files": ["https://example.com/a.css",
                                       "http://shop.example.com/b?x=1"]}, "trimmed")


def test_one_url_singular(t):
    own(t)
    eq(purge(t, "urls", "https://EXAMPLE.com:8443/x").good().field("notice"), "Purged 1 URL.",
       "singular")


def test_hosts(t):
    own(t)
    r = purge(t, "hosts", "www.example.com\n  Shop.Example.com  \n\nexample.com").good()
    eq(r.field("notice"), "Purged 3 host names.", "notice")
    eq(posts(t)[0]["body"], {"hosts": ["www.example.com", "shop.example.com", "example.com"]},
       "body")


def test_prefixes(t):
    own(t)
    r = purge(t, "prefixes", "www.example.com/images\nEXAMPLE.com/css/Big").good()
    eq(r.field("notice"), "Purged 2 URL prefixes.", "notice")
    eq(posts(t)[0]["body"], {"prefixes": ["www.example.com/images", "example.com/css/Big"]},
       "host lower-cased, path kept")


def test_tags(t):
    own(t)
    r = purge(t, "tags", "product-1\nCategory_Shoes\n" + "t" * 1024, lang="ru").good()
    eq(r.field("notice"), "Очищено тегов кеша: 3.", "notice")
    eq(posts(t)[0]["body"], {"tags": ["product-1", "Category_Shoes", "t" * 1024]}, "body")


def test_url_outside_zone_refused(t):
    own(t)
    r = purge(t, "urls", "https://example.com/ok\nhttps://evil.com/x.css\n")
    r.fails("value", "items", ["Line 2", "https://evil.com/x.css", "example.com"])
    t.no_cloudflare_calls()


def test_bad_items_refused_before_any_call(t):
    own(t)
    bad = [
        ("urls", "ftp://example.com/x"),
        ("urls", "example.com/x"),
        ("urls", "https://example.com.evil.com/"),
        ("urls", "https://evilexample.com/"),
        ("urls", "https://alice@evil.com/"),
        ("urls", "https://example.com@evil.com/"),
        ("urls", "https://bob.org/x"),
        ("urls", "https://example.com:99999/"),
        ("urls", "https://exa mple.com/"),
        ("urls", "https:///x"),
        ("urls", "https://[2001:db8::1]/x"),
        ("urls", "https://example.com/" + "a" * 2100),
        ("hosts", "evil.org"),
        ("hosts", "*.example.com"),
        ("hosts", "https://example.com"),
        ("hosts", "www.example.com/x"),
        ("prefixes", "https://www.example.com/x"),
        ("prefixes", "other.com/x"),
        ("prefixes", "www.example.com/a?b=1"),
        ("prefixes", "/images"),
        ("tags", "a b"),
        ("tags", "a,b"),
        ("tags", "т"),
        ("tags", "t" * 1025),
    ]
    for mode, item in bad:
        # A good first line, a blank one, then the bad one: the error names line 3.
        good = {"urls": "https://example.com/", "hosts": "example.com",
                "prefixes": "example.com/a", "tags": "ok"}[mode]
        r = purge(t, mode, good + "\n\n" + item)
        r.fails("value", "items", "Line 3")
    t.no_cloudflare_calls()


def test_no_items(t):
    own(t)
    purge(t, "urls", "\n  \n").fails("missed", "items")
    purge(t, "tags").fails("missed", "items")
    t.no_cloudflare_calls()


def test_bad_mode(t):
    own(t)
    purge(t, "all").fails("value", "mode")
    t.run("cloudflare.purge", elid="example.com", mode="all").fails("value", "mode")
    t.no_cloudflare_calls()


def test_more_than_3000_refused(t):
    own(t)
    purge(t, "tags", "\n".join("t%d" % i for i in range(3001))).fails(
        "value", "items", "3000")
    t.no_cloudflare_calls()


def test_3000_is_the_limit(t):
    own(t)
    r = purge(t, "tags", "\n".join("t%d" % i for i in range(3000))).good()
    eq(r.field("notice"), "Purged 3000 cache tags.", "notice")
    p = posts(t)
    eq(len(p), 100, "100 requests of 30")
    check(all(len(x["body"]["tags"]) == 30 for x in p), "30 each")


def test_partial_failure_lists_unpurged(t):
    own(t)
    want = urls(75)
    # The batch that holds f31 (the second) fails; the others go through.
    t.fault(match="POST .*/purge_cache$", body=r'f31\.css"', mode="unknown_error")
    r = purge(t, "urls", "\n".join(want))
    msg = r.fails(obj="items", contains=["Purged 45 of 75 URLs", "Something new went wrong",
                                         "…and 10 more"])
    for u in want[30:50]:
        check(u in msg, "lists " + u)
    for u in want[:30] + want[50:]:
        check(u not in msg, "does not list " + u)
    eq(len(t.state()["zones"][0]["purges"]), 2, "two batches went through")
    check("purge: alice purged 45 urls in example.com" in t.log(), "logged what was done")


def test_partial_failure_russian(t):
    own(t)
    t.fault(match="POST .*/purge_cache$", body=r'"t0"', mode="unknown_error")
    r = purge(t, "tags", "\n".join("t%d" % i for i in range(40)), lang="ru")
    r.fails(obj="items", contains=["Очищено тегов кеша: 10 из 40", "…и ещё 10"])


def test_all_failed_names_permission(t):
    t.save_token(lib.LIMITED_TOKEN)
    t.clear_requests()
    purge(t, "everything").fails("access", contains="Zone · Cache Purge · Purge")
    purge(t, "urls", "\n".join(urls(40))).fails("access", contains="Zone · Cache Purge · Purge")
    eq(t.state()["zones"][0]["purges"], [], "nothing purged")


def test_another_users_zone(t):
    own(t)
    t.run("cloudflare.purge", elid="bob.org").fails("access", "elid", "bob.org")
    t.run("cloudflare.purge", elid="bob.org", sok="ok",
          mode="everything").fails("access", "elid", "bob.org")
    t.no_cloudflare_calls()


def test_no_token(t):
    purge(t, "everything").fails("access", contains="Profile")
    t.no_cloudflare_calls()


def test_admin_any_zone(t):
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    r = t.admin("cloudflare.purge", elid="bob.org", sok="ok", mode="hosts",
                items="www.bob.org").good()
    eq(r.field("notice"), "Purged 1 host name.", "notice")
    eq(posts(t)[0]["body"], {"hosts": ["www.bob.org"]}, "body")

"""DNS records: every page, create, edit keeping what the form hides, delete."""
import lib
from lib import check, eq


def own(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()


def test_list(t):
    own(t)
    r = t.run("cloudflare.dns", plid="example.com").good()
    t.golden(r, "dns_list")


def test_list_all_pages(t):
    own(t)
    st = lib.default_state()
    st["zones"][0]["generate_records"] = 1234
    t.reset(st)
    t.config(dns_page_cap=100)
    try:
        r = t.run("cloudflare.dns", plid="example.com").good()
    finally:
        t.config(dns_page_cap=5000)
    eq(len(r.rows()), 1238, "every record")
    pages = sorted(int(x["query"]["page"][0]) for x in t.requests("/dns_records"))
    eq(pages, list(range(1, 14)), "pages fetched")
    eq(len(set(x["id"] for x in r.rows())), 1238, "no duplicates")


def test_list_zone_not_connected(t):
    own(t)
    t.run("cloudflare.dns", plid="alice.co.uk").fails("missed", contains="not connected")


def test_create_a(t):
    own(t)
    t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="A", name="api",
          content="192.0.2.50", ttl="300", proxied="off", comment="API").ok()
    post = t.requests("/dns_records", "POST")
    eq(post[0]["body"], {"type": "A", "name": "api.example.com", "content": "192.0.2.50",
                         "ttl": 300, "proxied": False, "comment": "API"}, "body")


def test_create_each_type(t):
    own(t)
    cases = [
        dict(type="AAAA", name="v6", content="2001:db8::1"),
        dict(type="CNAME", name="blog", content="example.net"),
        dict(type="MX", name="@", content="mx2.example.com", priority="20"),
        dict(type="TXT", name="_dmarc", content="v=DMARC1; p=none"),
        dict(type="NS", name="sub", content="ns1.example.net"),
        dict(type="SRV", name="_sip._tcp", content="5 5060 sip.example.com", priority="10"),
        dict(type="CAA", name="@", content='0 issue "letsencrypt.org"'),
    ]
    for c in cases:
        t.run("cloudflare.dns.edit", plid="example.com", sok="ok", **c).ok()
    bodies = [x["body"] for x in t.requests("/dns_records", "POST")]
    eq(bodies[2]["priority"], 20, "MX priority")
    eq(bodies[5]["data"], {"priority": 10, "weight": 5, "port": 5060,
                           "target": "sip.example.com"}, "SRV data")
    eq(bodies[6]["data"], {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}, "CAA data")
    check("proxied" not in bodies[3], "TXT is never proxied")
    r = t.run("cloudflare.dns", plid="example.com").good()
    eq(len(r.rows()), 11, "all created")


def test_validation_before_any_call(t):
    own(t)
    bad = [
        (dict(type="A", content="300.1.1.1"), "content"),
        (dict(type="AAAA", content="192.0.2.1"), "content"),
        (dict(type="CNAME", content="bad host"), "content"),
        (dict(type="MX", content="mx.example.com"), "priority"),
        (dict(type="MX", content="mx.example.com", priority="70000"), "priority"),
        (dict(type="SRV", name="sip", content="5 5060 x.com", priority="1"), "name"),
        (dict(type="SRV", name="_sip._tcp", content="5 x x.com", priority="1"), "content"),
        (dict(type="CAA", content="300 issue x"), "content"),
        (dict(type="TXT", content="x" * 2049), "content"),
        (dict(type="A", content="192.0.2.1", ttl="30"), "ttl"),
        (dict(type="A", content="192.0.2.1", comment="c" * 101), "comment"),
        (dict(type="PTR", content="x"), "type"),
        (dict(type="A", content=""), "content"),
        (dict(type="A", name="a b", content="192.0.2.1"), "name"),
    ]
    for params, field in bad:
        params.setdefault("name", "x")
        t.run("cloudflare.dns.edit", plid="example.com", sok="ok", **params).fails(obj=field)
    eq(t.requests(method="POST"), [], "nothing created")


def test_create_duplicate(t):
    own(t)
    t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="A", name="@",
          content="192.0.2.1").fails("exists", contains="identical")


def test_create_cname_conflict(t):
    own(t)
    t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="A", name="www",
          content="192.0.2.9").fails("exists", "name", "CNAME")


def record_id(t, name, type_):
    for z in t.state()["zones"]:
        for rec in z.get("records", []):
            if rec["name"] == name and rec["type"] == type_:
                return rec["id"]
    raise AssertionError("no record %s %s" % (name, type_))


def test_edit_form(t):
    own(t)
    rid = record_id(t, "example.com", "MX")
    r = t.run("cloudflare.dns.edit", plid="example.com", elid=rid).good()
    t.golden(r, "dns_edit_form_mx")


def test_edit_keeps_proxied_when_form_omits_it(t):
    own(t)
    rid = record_id(t, "www.example.com", "CNAME")
    # The form hides nothing here, but a panel that does not send proxied
    # must not reset it.
    t.run("cloudflare.dns.edit", plid="example.com", elid=rid, sok="ok", type="CNAME",
          name="www.example.com", content="example.net", ttl="1").ok()
    patch = t.requests("/dns_records/" + rid, "PATCH")
    # The record's identity (type, name, content) goes with every write;
    # ttl, proxied and comment only when they changed.
    eq(patch[0]["body"], {"type": "CNAME", "name": "www.example.com",
                          "content": "example.net"}, "only what changed")
    rec = [x for z in t.state()["zones"] for x in z.get("records", []) if x["id"] == rid][0]
    eq(rec["proxied"], True, "still proxied")


def test_edit_unchanged_sends_nothing(t):
    own(t)
    rid = record_id(t, "example.com", "TXT")
    t.run("cloudflare.dns.edit", plid="example.com", elid=rid, sok="ok", type="TXT",
          name="example.com", content="v=spf1 -all", ttl="1", comment="SPF").ok()
    eq(t.requests(method="PATCH"), [], "no PATCH")


def test_edit_type_to_unproxiable_clears_proxied(t):
    own(t)
    rid = record_id(t, "example.com", "A")
    t.run("cloudflare.dns.edit", plid="example.com", elid=rid, sok="ok", type="TXT",
          name="@", content="hello").ok()
    body = t.requests(method="PATCH")[0]["body"]
    eq((body["type"], body["proxied"]), ("TXT", False), "type change drops proxied")


def test_edit_missing_record(t):
    own(t)
    t.run("cloudflare.dns.edit", plid="example.com", elid="f" * 32, sok="ok", type="A",
          name="x", content="192.0.2.1").fails("missed")


def test_delete_group(t):
    own(t)
    a = record_id(t, "example.com", "A")
    b = record_id(t, "example.com", "TXT")
    t.run("cloudflare.dns.delete", plid="example.com", elid="%s, %s" % (a, b)).ok()
    eq(len(t.requests(method="DELETE")), 2, "two deletes")
    left = [x["id"] for z in t.state()["zones"] for x in z.get("records", [])]
    check(a not in left and b not in left, "both gone")


def test_delete_partial_failure_says_which(t):
    own(t)
    a = record_id(t, "example.com", "A")
    msg = t.run("cloudflare.dns.delete", plid="example.com",
                elid="%s, %s" % (a, "e" * 32)).fails("missed", "elid")
    check("e" * 32 in msg and "1 of 2" in msg, "names the failed one: " + msg)


def test_dns_read_only_token(t):
    t.save_token(lib.LIMITED_TOKEN)
    t.run("cloudflare.dns", plid="example.com").good()
    t.run("cloudflare.dns.edit", plid="example.com", sok="ok", type="A", name="x",
          content="192.0.2.1").fails("access", contains="Zone · Zone DNS · Edit")

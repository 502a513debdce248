"""DNS export and import, and copying the panel's DNS zone on connect."""
import lib
from lib import check, eq

NOPERM_TOKEN = "NOPERMtoken_0123456789abcdefghijklmnopq"   # zone read only


def with_noperm_token():
    st = lib.default_state()
    st["tokens"].append({"value": NOPERM_TOKEN, "label": "noperm",
                         "accounts": [lib.ACCOUNT], "perms": ["zone_read"]})
    return st


def panel_with_dns(records=None):
    """The default panel, with alice.co.uk as a DNS domain of alice's (the fake
    mgrctl lists records only for "domains"), optionally with other records."""
    p = lib.default_panel()
    p["users"]["alice"]["domains"].append("alice.co.uk")
    p["users"]["alice"]["webdomains"].remove("alice.co.uk")
    if records is not None:
        p["records"]["alice.co.uk"] = records
    return p


def zone(t, name):
    return next((z for z in t.state()["zones"] if z["name"] == name), None)


def recs(t, name):
    """(type, name, content, priority) of every record of a zone, sorted."""
    z = zone(t, name)
    return sorted((r["type"], r["name"], r["content"], r.get("priority"))
                  for r in z["records"])


def dns_posts(t):
    return [r for r in t.requests("/dns_records", "POST")
            if r["path"].endswith("/dns_records")]


# ---------------------------------------------------------------- export

def test_export_golden(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.dns.export", plid="example.com").good()
    t.golden(r, "dnsio_export")
    bind = r.field("bind")
    check("www.example.com.\t1\tIN\tCNAME\texample.com." in bind, "CNAME line exported")
    check("example.com.\t3600\tIN\tMX\t10 mail.example.com." in bind, "MX line exported")
    eq(r.field("plid"), "example.com", "plid kept")
    eq([x["path"] for x in t.requests("/export", "GET")],
       ["/client/v4/zones/%s/dns_records/export" % zone(t, "example.com")["id"]],
       "one export call")


def test_export_other_users_zone(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.run("cloudflare.dns.export", plid="bob.org").fails("access", "plid", "bob.org")
    t.no_cloudflare_calls()


def test_export_needs_dns_read(t):
    t.reset(with_noperm_token())
    t.save_token(NOPERM_TOKEN)
    t.run("cloudflare.dns.export", plid="example.com").fails(
        "access", contains="Zone DNS · Read")


def test_export_cloudflare_error(t):
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="/dns_records/export", mode="unknown_error")
    t.run("cloudflare.dns.export", plid="example.com").fails("cloudflare")


def test_export_not_connected(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.dns.export", plid="alice.co.uk").fails()
    check(not t.requests("/export"), "no export of a zone that is not there")


# ---------------------------------------------------------------- import

FIVE = """; two of these are on Cloudflare already
example.com.\t1\tIN\tA\t192.0.2.1
example.com.\t1\tIN\tTXT\t"v=spf1 -all"
api\t300\tIN\tA\t192.0.2.20
v6.example.com. 3600 IN AAAA 2001:db8::1
@ 3600 IN MX 20 mx2.example.com.
"""


def test_import_form(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.dns.import", plid="example.com").good()
    t.golden(r, "dnsio_import_form")
    t.no_cloudflare_calls()


def test_import_counts(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE).good()
    t.golden(r, "dnsio_import_done")
    eq(r.field("notice"),
       "Added 3 records, skipped 2 (already present or not importable).", "notice")
    got = recs(t, "example.com")
    for want in [("A", "api.example.com", "192.0.2.20", None),
                 ("AAAA", "v6.example.com", "2001:db8::1", None),
                 ("MX", "example.com", "mx2.example.com", 20)]:
        check(want in got, "imported %r" % (want,))
    eq(len(got), 7, "4 + 3 records")
    imp = t.requests("/dns_records/import", "POST")
    eq(len(imp), 1, "one import call")
    eq(imp[0]["body"], {"multipart": ["file", "proxied"]}, "multipart parts")
    eq(imp[0]["parts"], {"proxied": "false"}, "proxied off by default")


def test_import_russian(t):
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE,
              lang="ru").good()
    eq(r.field("notice"), "Добавлено записей: 3, пропущено: 2 (уже есть или не "
       "импортируются).", "Russian notice")


def test_import_proxied(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.dns.import", plid="example.com", sok="ok", proxied="on",
              bind="new 300 IN A 192.0.2.30\n").good()
    eq(r.field("proxied"), "on", "checkbox kept")
    eq(t.requests("/dns_records/import", "POST")[0]["parts"], {"proxied": "true"},
       "proxied sent as true")
    new = [x for x in zone(t, "example.com")["records"] if x["name"] == "new.example.com"]
    eq([x["proxied"] for x in new], [True], "the record came in proxied")


def test_import_real_zone_file_accepted(t):
    """The shapes BIND files take: directives, a multi-line SOA, a blank owner,
    units in TTLs, comments and quoted text with ';' in it."""
    text = "\r\n".join([
        "$ORIGIN example.com.",
        "$TTL 1h",
        "@ IN SOA ns1.example.com. hostmaster.example.com. (",
        "        2024010101 ; serial",
        "        1d 2h 4w 1h )",
        "@ 3600 IN NS ns1.example.com.",
        "mail IN 1h A 192.0.2.40  ; the mail host",
        "     IN AAAA 2001:db8::40",
        "_sip._tcp 300 SRV 10 5 5060 sip.example.com.",
        "txt2 TXT \"a;b\" \"c\"",
        "@ CAA 0 issue \"letsencrypt.org\"",
        "*.wild 300 IN CNAME example.com.",
        ""])
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=text).good()
    check("Added" in r.field("notice"), "imported")
    eq(len(t.requests("/dns_records/import", "POST")), 1, "sent")
    got = recs(t, "example.com")
    check(("AAAA", "mail.example.com", "2001:db8::40", None) in got, "blank owner = mail")
    check(("TXT", "txt2.example.com", "a;bc", None) in got, "quoted ';' is not a comment")


def refused(t, bind, contains, type_="value", **kw):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=bind, **kw).fails(
        type_, "bind", contains)
    t.no_cloudflare_calls()


def test_import_refuses_empty(t):
    refused(t, "", "Paste", "missed")


def test_import_refuses_blank(t):
    refused(t, "  \n\t\n", "Paste", "missed")


def test_import_refuses_comments_only(t):
    refused(t, "; nothing here\n;; at all\n", "no DNS records")


def test_import_refuses_html(t):
    refused(t, "<!DOCTYPE html>\n<html><body>Zone</body></html>\n",
            ["Line 1", "«<!DOCTYPE» is not a record name"])


def test_import_refuses_json(t):
    refused(t, '{\n  "result": [],\n  "success": true\n}\n', ["Line 1", "«{»"])


def test_import_refuses_json_indented(t):
    refused(t, 'example.com. 300 IN A 192.0.2.1\n  "id": "x",\n', ["Line 2", "record type"])


def test_import_refuses_unknown_type(t):
    refused(t, "www 300 IN A 192.0.2.1\nwww 300 IN BOGUS x\n", ["Line 2", "«BOGUS»"])


def test_import_refuses_missing_type(t):
    refused(t, "www 3600 IN\n", ["Line 1", "type is missing"])


def test_import_refuses_missing_content(t):
    refused(t, "\n\nwww 3600 IN A\n", ["Line 3", "no content"])


def test_import_refuses_include(t):
    refused(t, "$INCLUDE /etc/passwd\n", ["Line 1", "$INCLUDE"])


def test_import_refuses_open_quote(t):
    refused(t, 'www TXT "no end\n', ["Line 1", "quoted"])


def test_import_refuses_unbalanced_parens(t):
    refused(t, "@ IN SOA a. b. ( 1 2 3 4 5\n", "never closes")
    refused(t, "www A 192.0.2.1 )\n", ["Line 1", "closes nothing"])


def test_import_refuses_too_many_lines(t):
    refused(t, ";\n" * 10001, ["10001 lines", "10000"])


def test_import_accepts_10000_lines(t):
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.dns.import", plid="example.com", sok="ok",
          bind=";\n" * 9999 + "x A 192.0.2.99\n").good()


def test_import_refuses_control_character(t):
    refused(t, "www A 192.0.2.1\x01\n", "control character")


def test_import_refuses_bind_and_panel_at_once(t):
    refused(t, "www A 192.0.2.1\n", "not both", from_panel="on")


def test_import_bad_proxied_value(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE,
          proxied="yes").fails("value", "proxied")
    t.no_cloudflare_calls()


def test_import_other_users_zone(t):
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    t.run("cloudflare.dns.import", plid="bob.org", sok="ok", bind=FIVE).fails(
        "access", "plid", "bob.org")
    t.run("cloudflare.dns.import", plid="bob.org", sok="ok", from_panel="on").fails(
        "access", "plid")
    t.no_cloudflare_calls()


def test_import_needs_dns_edit(t):
    t.save_token(lib.LIMITED_TOKEN)
    t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE).fails(
        "access", contains="Zone DNS · Edit")
    eq(len(zone(t, "example.com")["records"]), 4, "nothing added")


def test_import_cloudflare_error(t):
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="/dns_records/import", mode="unknown_error")
    t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE).fails(
        "cloudflare", contains="Something new went wrong")


def test_import_unreadable_answer(t):
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="/dns_records/import", mode="badjson")
    t.run("cloudflare.dns.import", plid="example.com", sok="ok", bind=FIVE).fails(
        "cloudflare")


# ------------------------------------------------- copy on connect

ALICE_CO_UK = [("A", "alice.co.uk", "192.0.2.9", None),
               ("CNAME", "www.alice.co.uk", "alice.co.uk", None),
               ("MX", "alice.co.uk", "mail.alice.co.uk", 10),
               ("TXT", "alice.co.uk", "v=spf1 mx -all", None)]


def test_connect_copies_panel_dns(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    t.clear_requests()
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off").good()
    t.golden(r, "dnsio_connect_copied")
    check("DNS records copied from the panel: 4; already on Cloudflare: 0; skipped: 0"
          in r.field("notice"), "notice counts")
    check("ada.ns.cloudflare.com" in r.field("notice"), "name servers still said")
    eq(recs(t, "alice.co.uk"), sorted(ALICE_CO_UK), "the panel's 4 records, as FQDNs")
    posts = dns_posts(t)
    eq(len(posts), 4, "one create per record")
    mx = next(p["body"] for p in posts if p["body"]["type"] == "MX")
    eq(mx, {"type": "MX", "name": "alice.co.uk", "ttl": 3600, "priority": 10,
            "content": "mail.alice.co.uk"}, "MX body: priority split out")
    a = next(p["body"] for p in posts if p["body"]["type"] == "A")
    eq(a["proxied"], False, "copied DNS-only")
    calls = [c["argv"][1:] for c in t.mgrctl_calls() if "domain.record" in c["argv"]]
    eq(calls, [["-m", "ispmgr", "-o", "json", "domain.record", "elid=alice.co.uk"]],
       "records asked once")
    check("copied 4 records from the panel into alice.co.uk" in t.log(), "logged")


def test_connect_copy_conversions(t):
    t.set_panel(panel_with_dns([
        {"name": "@", "rtype": "SOA", "value": "ns1.alice.co.uk. root. 1 2 3 4 5",
         "ttl": "3600"},
        {"name": "alice.co.uk.", "rtype": "NS", "value": "ns1.alice.co.uk.", "ttl": "3600"},
        {"name": "sub", "rtype": "NS", "value": "ns.other.net.", "ttl": "3600"},
        {"name": "@", "rtype": "TXT", "value": '"v=DKIM1; k=rsa; " "p=MIGf\\"x"',
         "ttl": "300"},
        {"name": "v6", "rtype": "AAAA", "value": "2001:0db8:0:0::1", "ttl": "30"},
        {"name": "@", "rtype": "MX", "value": "20 mx", "ttl": "604800"},
        {"name": "_sip._tcp", "rtype": "SRV", "value": "10 5 5060 sip.alice.co.uk.",
         "ttl": "3600"},
        {"name": "@", "rtype": "CAA", "value": '0 issue "letsencrypt.org"', "ttl": "3600"},
        {"name": "ptr", "rtype": "PTR", "value": "host.alice.co.uk.", "ttl": "3600"},
        {"name": "bad", "rtype": "A", "value": "not-an-ip", "ttl": "3600"},
        {"name": "outside.example.org.", "rtype": "A", "value": "192.0.2.1", "ttl": "3600"},
        {"name": "dup", "rtype": "A", "value": "192.0.2.77", "ttl": "3600"},
        {"name": "DUP.alice.co.uk.", "rtype": "a", "value": "192.0.2.77", "ttl": "3600"},
    ]))
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off").good()
    check("copied from the panel: 7; already on Cloudflare: 1; skipped: 5"
          in r.field("notice"), "counts: 7 copied, 1 duplicate, 5 skipped:\n" + r.text)
    z = zone(t, "alice.co.uk")
    by = {(x["type"], x["name"]): x for x in z["records"]}
    eq(by[("TXT", "alice.co.uk")]["content"], 'v=DKIM1; k=rsa; p=MIGf"x', "TXT unquoted")
    eq(by[("AAAA", "v6.alice.co.uk")]["content"], "2001:db8::1", "AAAA")
    eq(by[("AAAA", "v6.alice.co.uk")]["ttl"], 60, "TTL raised to 60")
    eq(by[("MX", "alice.co.uk")]["content"], "mx.alice.co.uk", "relative MX target")
    eq(by[("MX", "alice.co.uk")]["priority"], 20, "MX priority")
    eq(by[("MX", "alice.co.uk")]["ttl"], 86400, "TTL capped")
    eq(by[("SRV", "_sip._tcp.alice.co.uk")]["data"],
       {"priority": 10, "weight": 5, "port": 5060, "target": "sip.alice.co.uk"}, "SRV")
    eq(by[("CAA", "alice.co.uk")]["data"],
       {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}, "CAA")
    eq(by[("NS", "sub.alice.co.uk")]["content"], "ns.other.net", "delegation copied")
    check(("NS", "alice.co.uk") not in by, "apex NS left to Cloudflare")
    check(("PTR", "ptr.alice.co.uk") not in by, "PTR skipped")
    eq(len([x for x in z["records"] if x["name"] == "dup.alice.co.uk"]), 1,
       "a record listed twice is created once")
    eq(len(z["records"]), 7, "7 records")


def test_connect_jump_start_not_duplicated(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="on").good()
    check("copied from the panel: 3; already on Cloudflare: 1; skipped: 0"
          in r.field("notice"), "the scan's CNAME counted as present:\n" + r.text)
    got = recs(t, "alice.co.uk")
    eq([x for x in got if x[0] == "CNAME"],
       [("CNAME", "www.alice.co.uk", "alice.co.uk", None)], "one CNAME www")
    eq(sorted(x[2] for x in got if x[0] == "A"), ["192.0.2.10", "192.0.2.9"],
       "the scan's A and the panel's A")
    eq(len(got), 5, "2 from the scan + 3 copied")


def test_copy_again_never_duplicates(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="on").good()
    before = recs(t, "alice.co.uk")
    t.clear_requests()
    r = t.run("cloudflare.dns.import", plid="alice.co.uk", sok="ok", from_panel="on").good()
    t.golden(r, "dnsio_copy_again")
    check("copied from the panel: 0; already on Cloudflare: 4" in r.field("notice"),
          "nothing new")
    eq(recs(t, "alice.co.uk"), before, "state unchanged")
    eq(dns_posts(t), [], "no create sent")


def test_copy_again_adds_only_missing(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off").good()
    z = zone(t, "alice.co.uk")
    mx = next(x for x in z["records"] if x["type"] == "MX")
    t.run("cloudflare.dns.delete", plid="alice.co.uk", elid=mx["id"]).ok()
    t.clear_requests()
    r = t.run("cloudflare.dns.import", plid="alice.co.uk", sok="ok", from_panel="on").good()
    check("copied from the panel: 1; already on Cloudflare: 3" in r.field("notice"),
          "the MX comes back")
    eq(recs(t, "alice.co.uk"), sorted(ALICE_CO_UK), "all 4 again")
    eq([p["body"]["type"] for p in dns_posts(t)], ["MX"], "only the MX sent")


def test_connect_copy_dns_off(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off",
              copy_dns="off").good()
    check("copied" not in r.field("notice"), "no copy notice")
    eq(zone(t, "alice.co.uk")["records"], [], "nothing copied")
    eq(dns_posts(t), [], "no create")
    check(not [c for c in t.mgrctl_calls() if "domain.record" in c["argv"]],
          "the panel's records not even read")


def test_connect_panel_fails_zone_stays(t):
    """mgrctl failing (as admin, whose access needs no mgrctl) leaves the zone
    connected and says that the copy failed."""
    p = panel_with_dns()
    p["mode"] = "fail"
    t.set_panel(p)
    t.save_admin_token(lib.ADMIN_TOKEN)
    r = t.admin("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off",
                account=lib.ACCOUNT).good()
    t.golden(r, "dnsio_connect_panel_failed")
    check("is connected to Cloudflare" in r.field("notice"), "connected")
    check("were not copied from the panel" in r.field("notice"), "copy failure said")
    check(zone(t, "alice.co.uk") is not None, "zone exists")
    eq(dns_posts(t), [], "no create")


def test_connect_domain_without_panel_dns(t):
    """The default panel has alice.co.uk only as a web domain: no DNS zone."""
    t.save_token(lib.ALICE_TOKEN)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off").good()
    check("were not copied from the panel" in r.field("notice"), "copy failure said")
    check(zone(t, "alice.co.uk") is not None, "zone connected")


def test_copy_again_panel_fails_is_error(t):
    p = lib.default_panel()
    p["mode"] = "fail"
    t.set_panel(p)
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.clear_requests()
    t.admin("cloudflare.dns.import", plid="example.com", sok="ok", from_panel="on",
            lang="ru").fails("internal", "from_panel", "не скопированы")
    eq(dns_posts(t), [], "no create")


def test_copy_conflict_names_the_record(t):
    """The panel's A www meets Cloudflare's CNAME www: that one fails, with
    Cloudflare's reason; the form says so."""
    t.save_token(lib.ALICE_TOKEN)
    msg = t.run("cloudflare.dns.import", plid="example.com", sok="ok",
                from_panel="on").fails("cloudflare", "from_panel")
    check("copied from the panel: 0" in msg and "Failed: 1; the first: A www.example.com: "
          in msg, "the failure named:\n" + msg)
    eq(len(zone(t, "example.com")["records"]), 4, "nothing added")


def test_connect_copy_partial_failure(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="POST .*/dns_records$", body='"MX"', mode="unknown_error", count=-1)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off").good()
    n = r.field("notice")
    check("copied from the panel: 3;" in n, "3 copied:\n" + n)
    check("Failed: 1; the first: MX alice.co.uk: " in n and "Something new went wrong" in n,
          "the failure and its reason:\n" + n)
    eq(len(zone(t, "alice.co.uk")["records"]), 3, "the rest copied")


def test_connect_copy_list_fails_adds_nothing(t):
    t.set_panel(panel_with_dns())
    t.save_token(lib.ALICE_TOKEN)
    t.fault(match="GET .*/dns_records", mode="unknown_error", count=-1)
    r = t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="on").good()
    check("were not copied from the panel" in r.field("notice"), "said:\n" + r.text)
    eq(dns_posts(t), [], "not knowing what exists, nothing created")
    eq(len(zone(t, "alice.co.uk")["records"]), 2, "only the scan's")


def test_copy_needs_dns_edit(t):
    t.set_panel(panel_with_dns())
    t.save_admin_token(lib.ADMIN_TOKEN)
    t.admin("cloudflare.zone.edit", sok="ok", name="alice.co.uk", jump_start="off",
            account=lib.ACCOUNT, copy_dns="off").good()
    t.save_admin_token(lib.LIMITED_TOKEN)
    t.admin("cloudflare.dns.import", plid="alice.co.uk", sok="ok", from_panel="on").fails(
        "cloudflare", "from_panel", ["Failed: 4", "Zone DNS · Edit"])

#!/usr/bin/env python3
"""A walk through the plugin's main job, against the bundled fake
Cloudflare and fake panel: the admin sets one token for everybody, a
customer lists her domains, connects one (its DNS copied from the
panel), adds a record, and is refused another customer's zone.

  python3 tests/demo.py --binary build/cloudflare
"""
import argparse
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
import lib  # noqa: E402


def show(title, reply, rows=None):
    print("\n--- %s" % title)
    e = reply.error()
    if e is not None:
        print("    error (%s): %s" % (e.get("type"), e.findtext("msg")))
        return
    if reply.root.find("ok") is not None:
        print("    ok")
    items = reply.rows()
    for r in items[:rows] if rows else items:
        print("    " + "  ".join("%s=%s" % (k, v) for k, v in r.items() if v and k != "id"))
    if rows and len(items) > rows:
        print("    … %d rows in all" % len(items))
    for child in reply.root:
        if child.tag not in ("elem", "ok", "slist") and (child.text or "").strip():
            print("    %s: %s" % (child.tag, child.text.strip()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/cloudflare")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cfdemo.")
    fake = lib.Fake(work)
    t = lib.Case(args.binary, fake, "demo")
    try:
        st = lib.default_state()
        st["zones"][0]["generate_records"] = 2500
        t.reset(st)
        panel = lib.default_panel()
        panel["users"]["alice"]["domains"].append("alice.co.uk")  # a DNS zone in the panel
        t.set_panel(panel)
        print("Fake Cloudflare on %s; panel users alice and bob." % fake.api)
        show("alice opens Cloudflare before any token is set",
             t.run("cloudflare.zone"))
        show("the admin saves one API token for everybody (verified first)",
             t.admin("cloudflare.settings", sok="ok", api_token=lib.ADMIN_TOKEN))
        show("the admin's settings form shows it masked",
             t.admin("cloudflare.settings"))
        show("alice's zones: her registrable domains, with their state",
             t.run("cloudflare.zone"))
        show("alice connects alice.co.uk, copying its records from the panel",
             t.run("cloudflare.zone.edit", sok="ok", name="alice.co.uk",
                   account=lib.ACCOUNT, jump_start="off"))
        show("its DNS records on Cloudflare", t.run("cloudflare.dns", plid="alice.co.uk"))
        show("alice adds an A record", t.run(
            "cloudflare.dns.edit", plid="alice.co.uk", sok="ok", type="A", name="api",
            content="192.0.2.80", ttl="300", proxied="on"))
        t.clear_requests()
        show("example.com has 2,504 records: every page is read",
             t.run("cloudflare.dns", plid="example.com"), rows=3)
        print("    (%d requests to Cloudflare)" % len(t.requests()))
        t.clear_requests()
        show("alice asks for bob's zone", t.run("cloudflare.dns", plid="bob.org"))
        print("    (%d requests to Cloudflare: refused before any call)" % len(t.requests()))
        show("a bad record never reaches Cloudflare", t.run(
            "cloudflare.dns.edit", plid="alice.co.uk", sok="ok", type="A", name="x",
            content="300.1.2.3"))
        show("the same, in Russian", t.run(
            "cloudflare.dns.edit", plid="alice.co.uk", sok="ok", type="A", name="x",
            content="300.1.2.3", lang="ru"))
        print("\n--- the plugin's log (%s)" % t.logfile)
        for line in t.log().splitlines()[-8:]:
            print("    " + line)
    finally:
        t.cleanup()
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Quick self-test of tests/fakecf.py and tests/fake-mgrctl.

    python3 tests/fake_selftest.py

Prints "N passed, N failed" last and exits non-zero when anything failed.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FAKECF = os.path.join(HERE, "fakecf.py")
MGRCTL = os.path.join(HERE, "fake-mgrctl")

ACCT = "a" * 32
OTHER = "b" * 32
ADMIN = "adminTOKENvalue0123456789abcdefABCDEF012"
SECRETS = {
    "admin": ADMIN,
    "zoneonly": "zoneonlyTOKEN0123456789abcdefABCDEF0123",
    "disabled": "disabledTOKEN0123456789abcdefABCDEF0123",
    "expired": "expiredTOKEN0123456789abcdefABCDEF01234",
    "acct": "accountOwnedTOKEN0123456789abcdefABCDEF0",
}

STATE = {
    "accounts": [{"id": ACCT, "name": "Main account"}, {"id": OTHER, "name": "Other"}],
    "tokens": [
        {"value": ADMIN, "label": "admin", "accounts": [ACCT], "perms": ["*"],
         "expires_on": "2027-06-30T00:00:00Z"},
        {"value": SECRETS["zoneonly"], "label": "zoneonly", "accounts": [ACCT],
         "perms": ["zone_read"]},
        {"value": SECRETS["disabled"], "label": "disabled", "status": "disabled"},
        {"value": SECRETS["expired"], "label": "expired", "status": "expired"},
        {"value": SECRETS["acct"], "label": "acct", "kind": "account", "accounts": [ACCT]},
    ],
    "zones": [
        {"name": "example.com", "account": ACCT,
         "records": [{"type": "A", "name": "example.com", "content": "192.0.2.1",
                      "ttl": 1, "proxied": True, "comment": "apex"},
                     {"type": "MX", "name": "@", "content": "mx.example.com",
                      "priority": 10, "ttl": 3600}],
         "settings": {"ssl": "full"}, "unavailable_settings": ["polish"],
         "access_rules": [{"mode": "block",
                           "configuration": {"target": "ip", "value": "198.51.100.4"},
                           "notes": "x"}]},
        {"name": "big.example", "account": ACCT, "generate_records": 20},
        {"name": "hidden.example", "account": OTHER},
    ],
}


def zid(name):
    import hashlib
    return hashlib.md5(("zone:" + name).encode()).hexdigest()


class Fake:
    """Starts fakecf.py on port 0 and talks to it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fakecf-selftest-")
        self.portfile = os.path.join(self.dir, "port")
        self.logpath = os.path.join(self.dir, "requests.jsonl")
        self.proc = subprocess.Popen(
            [sys.executable, FAKECF, "--port", "0", "--portfile", self.portfile,
             "--log", self.logpath])
        deadline = time.time() + 10
        while not os.path.exists(self.portfile):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fakecf did not start")
            time.sleep(0.02)
        with open(self.portfile) as f:
            self.port = int(f.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def raw(self, method, path, body=None, token=ADMIN, headers=None, conn=None):
        c = conn or self.conn()
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        if conn is None:
            c.close()
        return r, payload

    def api(self, method, path, body=None, token=ADMIN, conn=None):
        r, payload = self.raw(method, "/client/v4" + path, body, token, conn=conn)
        return r.status, json.loads(payload) if payload else None, r

    def control(self, method, path, body=None):
        r, payload = self.raw(method, path, body, token=None)
        return r.status, json.loads(payload)

    def reset(self, state=STATE):
        status, doc = self.control("POST", "/__reset", state)
        assert status == 200, doc


FAKE = None


class FakeCfTest(unittest.TestCase):
    def setUp(self):
        FAKE.reset()
        FAKE.control("POST", "/__config", {"dns_page_cap": 5000, "rules_page_cap": 1000,
                                           "latency_ms": 0})

    def err(self, doc):
        self.assertFalse(doc["success"])
        self.assertIsNone(doc["result"])
        return doc["errors"][0]["code"]

    def test_dns_pagination_cap(self):
        FAKE.control("POST", "/__config", {"dns_page_cap": 7})
        seen = []
        for page in (1, 2, 3):
            st, doc, _ = FAKE.api("GET", f"/zones/{zid('big.example')}/dns_records"
                                         f"?per_page=100&page={page}")
            self.assertEqual(st, 200)
            info = doc["result_info"]
            self.assertEqual((info["page"], info["per_page"], info["total_count"],
                              info["total_pages"]), (page, 7, 20, 3))
            self.assertEqual(info["count"], 7 if page < 3 else 6)
            self.assertEqual(len(doc["result"]), info["count"])
            seen += [r["id"] for r in doc["result"]]
        self.assertEqual(len(set(seen)), 20)
        first = doc["result"][0]
        self.assertEqual(first["zone_name"], "big.example")
        self.assertTrue(first["name"].startswith("host15."))
        self.assertEqual(first["content"], "10.0.0.15")

    def test_missing_permission(self):
        st, doc, _ = FAKE.api("GET", f"/zones/{zid('example.com')}/dns_records",
                              token=SECRETS["zoneonly"])
        self.assertEqual((st, self.err(doc)), (403, 10000))
        st, doc, _ = FAKE.api("GET", "/zones?name=example.com", token=SECRETS["zoneonly"])
        self.assertEqual((st, len(doc["result"])), (200, 1))

    def test_zone_visibility(self):
        st, doc, _ = FAKE.api("GET", "/zones?name=hidden.example")
        self.assertEqual((st, doc["result"]), (200, []))
        st, doc, _ = FAKE.api("GET", f"/zones/{zid('hidden.example')}/dns_records")
        self.assertEqual((st, self.err(doc)), (404, 7003))
        self.assertIn("perhaps your object identifier is invalid", doc["errors"][0]["message"])

    def test_token_verify(self):
        st, doc, _ = FAKE.api("GET", "/user/tokens/verify")
        self.assertEqual((st, doc["result"]["status"]), (200, "active"))
        self.assertEqual(doc["result"]["expires_on"], "2027-06-30T00:00:00Z")
        for label in ("disabled", "expired"):
            st, doc, _ = FAKE.api("GET", "/user/tokens/verify", token=SECRETS[label])
            self.assertEqual((st, doc["result"]["status"]), (200, label))
            st, doc, _ = FAKE.api("GET", "/zones", token=SECRETS[label])
            self.assertEqual((st, self.err(doc)), (403, 10000))
        st, doc, _ = FAKE.api("GET", "/user/tokens/verify", token="nosuchtoken")
        self.assertEqual((st, self.err(doc)), (401, 1000))
        st, doc, _ = FAKE.api("GET", "/zones", token="nosuchtoken")
        self.assertEqual((st, self.err(doc)), (403, 10000))
        st, doc, _ = FAKE.api("GET", "/user/tokens/verify", token="two words")
        self.assertEqual((st, self.err(doc)), (400, 6003))
        self.assertEqual(doc["errors"][0]["error_chain"][0]["code"], 6111)
        st, doc, _ = FAKE.api("GET", "/user/tokens/verify", token=SECRETS["acct"])
        self.assertEqual((st, self.err(doc)), (401, 1000))
        st, doc, _ = FAKE.api("GET", f"/accounts/{ACCT}/tokens/verify", token=SECRETS["acct"])
        self.assertEqual((st, doc["result"]["status"]), (200, "active"))
        st, doc, _ = FAKE.api("GET", "/accounts", token=SECRETS["acct"])
        self.assertEqual((st, self.err(doc)), (400, 1001))

    def test_dns_create_and_duplicate(self):
        path = f"/zones/{zid('example.com')}/dns_records"
        rec = {"type": "A", "name": "www", "content": "192.0.2.7", "ttl": 300,
               "proxied": False}
        st, doc, _ = FAKE.api("POST", path, rec)
        self.assertEqual(st, 200, doc)
        self.assertEqual(doc["result"]["name"], "www.example.com")
        self.assertIsNone(doc["result"]["comment"])
        st, doc, _ = FAKE.api("POST", path, rec)
        self.assertEqual((st, self.err(doc)), (400, 81057))
        st, doc, _ = FAKE.api("POST", path, {"type": "CNAME", "name": "www",
                                             "content": "example.com"})
        self.assertEqual((st, self.err(doc)), (400, 81053))
        st, doc, _ = FAKE.api("POST", path, dict(rec, content="300.1.1.1"))
        self.assertEqual((st, self.err(doc)), (400, 9005))
        st, doc, _ = FAKE.api("POST", path, dict(rec, name="x", ttl=30))
        self.assertEqual((st, self.err(doc)), (400, 9021))
        st, doc, _ = FAKE.api("POST", path, {"type": "TXT", "name": "t", "content": "v",
                                             "proxied": True})
        self.assertEqual((st, self.err(doc)), (400, 9004))
        st, doc, _ = FAKE.api("POST", path, {"type": "SRV", "name": "_sip._tcp",
                                             "data": {"priority": 1, "weight": 2, "port": 5060,
                                                      "target": "sip.example.com"}})
        self.assertEqual((st, doc["result"]["content"], doc["result"]["priority"]),
                         (200, "2 5060 sip.example.com", 1))

    def test_export_import(self):
        path = f"/zones/{zid('example.com')}/dns_records"
        r, body = FAKE.raw("GET", "/client/v4" + path + "/export", token=ADMIN)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.getheader("Content-Type").startswith("text/plain"))
        self.assertIn(b"example.com.\t1\tIN\tA\t192.0.2.1", body)
        bind = (b"$TTL 3600\nnew1.example.com. 300 IN A 192.0.2.50\n"
                b"new2 IN TXT \"hello world\" ; note\n"
                b"example.com. 1 IN A 192.0.2.1 ; cf_tags=cf-proxied:true\n")
        mp = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"z.txt\"\r\n"
              b"Content-Type: text/plain\r\n\r\n" + bind + b"\r\n--XyZ\r\n"
              b"Content-Disposition: form-data; name=\"proxied\"\r\n\r\ntrue\r\n--XyZ--\r\n")
        r, body = FAKE.raw("POST", "/client/v4" + path + "/import", mp, token=ADMIN,
                           headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
        doc = json.loads(body)
        self.assertEqual(r.status, 200, doc)
        self.assertEqual(doc["result"], {"recs_added": 2, "total_records_parsed": 3})
        st, doc, _ = FAKE.api("GET", path + "?name=new1.example.com")
        self.assertEqual((doc["result"][0]["ttl"], doc["result"][0]["proxied"]), (300, True))
        log = FAKE.control("GET", "/__requests")[1]
        self.assertEqual(log[-2]["body"], {"multipart": ["file", "proxied"]})

    def test_pagerule_always_online_refused(self):
        path = f"/zones/{zid('example.com')}/pagerules"
        target = [{"target": "url",
                   "constraint": {"operator": "matches", "value": "*example.com/img/*"}}]
        st, doc, _ = FAKE.api("POST", path, {"targets": target,
                                             "actions": [{"id": "always_online",
                                                          "value": "on"}]})
        self.assertEqual((st, self.err(doc)), (400, 1004))
        self.assertIn("Invalid action", doc["errors"][0]["message"])
        st, doc, _ = FAKE.api("POST", path, {"targets": target, "status": "active",
                                             "actions": [{"id": "cache_level",
                                                          "value": "bypass"}]})
        self.assertEqual((st, doc["result"]["status"]), (200, "active"))
        st, doc, _ = FAKE.api("POST", path, {"targets": target, "actions": [
            {"id": "forwarding_url", "value": {"url": "https://x/", "status_code": 301}},
            {"id": "ssl", "value": "full"}]})
        self.assertEqual((st, self.err(doc)), (400, 1004))

    def test_fault_429_then_normal(self):
        st, _ = FAKE.control("POST", "/__fault", {"match": r"^GET /client/v4/zones\b",
                                                  "mode": "429", "retry_after": 7})
        self.assertEqual(st, 200)
        st, doc, r = FAKE.api("GET", "/zones")
        self.assertEqual((st, self.err(doc), r.getheader("Retry-After")), (429, 10100, "7"))
        st, doc, _ = FAKE.api("GET", "/zones")
        self.assertEqual(st, 200)
        self.assertEqual([z["name"] for z in doc["result"]], ["big.example", "example.com"])

    def test_fault_reset_and_truncate(self):
        FAKE.control("POST", "/__fault", {"match": "dns_records", "mode": "reset"})
        with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
            FAKE.api("GET", f"/zones/{zid('example.com')}/dns_records")
        FAKE.control("POST", "/__fault", {"match": "dns_records", "mode": "truncate"})
        with self.assertRaises(http.client.IncompleteRead):
            FAKE.api("GET", f"/zones/{zid('example.com')}/dns_records")
        st, doc, _ = FAKE.api("GET", f"/zones/{zid('example.com')}/dns_records")
        self.assertEqual(st, 200)

    def test_keepalive_and_request_log(self):
        c = FAKE.conn()
        FAKE.api("GET", "/zones", conn=c)
        FAKE.api("GET", "/user/tokens/verify", conn=c)
        FAKE.api("GET", "/zones", token=SECRETS["zoneonly"], conn=c)
        c.close()
        FAKE.api("GET", "/zones", token="nosuchtoken")
        FAKE.api("GET", "/zones", token=None)
        st, log = FAKE.control("GET", "/__requests")
        self.assertEqual([e["token"] for e in log], ["admin", "admin", "zoneonly", "?", None])
        self.assertEqual(len({e["conn"] for e in log[:3]}), 1)
        self.assertNotEqual(log[0]["conn"], log[3]["conn"])
        self.assertEqual(log[0]["http_version"], "HTTP/1.1")
        with open(FAKE.logpath, encoding="utf-8") as f:
            text = f.read()
        self.assertIn('"reset": true', text)
        for secret in SECRETS.values():
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, json.dumps(log))

    def test_settings_purge_state(self):
        z = zid("example.com")
        st, doc, _ = FAKE.api("GET", f"/zones/{z}/settings")
        values = {s["id"]: s for s in doc["result"]}
        self.assertEqual(values["ssl"]["value"], "full")
        self.assertFalse(values["polish"]["editable"])
        self.assertNotIn("minify", values)
        st, doc, _ = FAKE.api("PATCH", f"/zones/{z}/settings/ssl", {"value": "bogus"})
        self.assertEqual((st, self.err(doc)), (400, 1007))
        st, doc, _ = FAKE.api("PATCH", f"/zones/{z}/settings",
                              {"items": [{"id": "development_mode", "value": "on"}]})
        self.assertEqual(doc["result"][0]["time_remaining"], 10800)
        st, doc, _ = FAKE.api("POST", f"/zones/{z}/purge_cache",
                              {"files": ["https://example.com/a.css"]})
        self.assertEqual((st, doc["result"]["id"]), (200, z))
        st, doc, _ = FAKE.api("POST", f"/zones/{z}/purge_cache",
                              {"hosts": [f"h{i}.example.com" for i in range(31)]})
        self.assertEqual((st, self.err(doc)), (400, 1016))
        st, state = FAKE.control("GET", "/__state")
        zone = next(x for x in state["zones"] if x["name"] == "example.com")
        self.assertEqual(zone["purges"], [{"files": ["https://example.com/a.css"]}])

    def test_rules_and_rulesets(self):
        z = zid("example.com")
        st, doc, _ = FAKE.api("POST", f"/zones/{z}/firewall/access_rules/rules",
                              {"mode": "block", "configuration": {"target": "ip",
                                                                  "value": "198.51.100.4"}})
        self.assertEqual((st, self.err(doc)), (400, 10009))
        ep = f"/zones/{z}/rulesets/phases/http_request_cache_settings/entrypoint"
        st, doc, _ = FAKE.api("GET", ep)
        self.assertEqual((st, self.err(doc)), (404, 10003))
        rule = {"expression": "true", "action": "set_cache_settings",
                "action_parameters": {"cache": True}}
        st, doc, _ = FAKE.api("PUT", ep, {"rules": [rule]})
        self.assertEqual((st, doc["result"]["version"]), (200, "1"))
        st, doc2, _ = FAKE.api("PUT", ep, {"rules": [{"action": "set_cache_settings"}]})
        self.assertEqual(st, 400)
        FAKE.reset()
        st, again, _ = FAKE.api("PUT", ep, {"rules": [rule]})
        self.assertEqual(again["result"]["id"], doc["result"]["id"])
        self.assertEqual(again["result"]["rules"][0]["id"], doc["result"]["rules"][0]["id"])

    def test_unknown_route(self):
        st, doc, _ = FAKE.api("GET", f"/zones/{zid('example.com')}/analytics/dashboard")
        self.assertEqual((st, self.err(doc)), (404, 7000))


class FakeMgrctlTest(unittest.TestCase):
    DATA = {"users": {"alice": {"domains": ["example.com"],
                                "webdomains": ["shop.example.com", "alice.co.uk"]},
                      "bob": {"domains": [], "webdomains": []},
                      "carol": {"domains": ["c1.example", "c2.example"]}},
            "records": {"example.com": [{"name": "www", "rtype": "A", "value": "192.0.2.5",
                                         "ttl": "3600"}]},
            "mode": "normal"}

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mgrctl-selftest-")
        self.exe = os.path.join(self.dir, "mgrctl")
        os.symlink(MGRCTL, self.exe)
        self.write(self.DATA)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, data):
        with open(os.path.join(self.dir, "mgrctl-data.json"), "w") as f:
            json.dump(data, f)

    def run_mgrctl(self, *args):
        p = subprocess.run([self.exe, "-m", "ispmgr", "-o", "json", *args],
                           env={"PATH": "/usr/bin:/bin"}, capture_output=True, timeout=20)
        return p.returncode, p.stdout

    def test_one_row(self):
        rc, out = self.run_mgrctl("domain", "su=alice")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out), {"doc": {"elem": {"name": {"$": "example.com"}}}})

    def test_empty(self):
        rc, out = self.run_mgrctl("domain", "su=bob")
        self.assertEqual((rc, json.loads(out)), (0, {"doc": {}}))

    def test_many_rows_and_admin(self):
        rc, out = self.run_mgrctl("webdomain", "su=alice")
        elems = json.loads(out)["doc"]["elem"]
        self.assertEqual([e["name"]["$"] for e in elems], ["shop.example.com", "alice.co.uk"])
        self.assertEqual(elems[0]["active"]["$"], "on")
        rc, out = self.run_mgrctl("domain")
        elems = json.loads(out)["doc"]["elem"]
        self.assertEqual([(e["name"]["$"], e["owner"]["$"]) for e in elems],
                         [("example.com", "alice"), ("c1.example", "carol"),
                          ("c2.example", "carol")])

    def test_records_and_errors(self):
        rc, out = self.run_mgrctl("domain.record", "elid=example.com")
        elem = json.loads(out)["doc"]["elem"]
        self.assertEqual(elem["rkey"]["$"], "www A 192.0.2.5")
        rc, out = self.run_mgrctl("domain", "su=mallory")
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["doc"]["error"]["$type"], "access")
        self.write(dict(self.DATA, mode="garbage"))
        self.assertEqual(self.run_mgrctl("domain")[1], b"not json at all\n")
        self.write(dict(self.DATA, mode="fail"))
        self.assertEqual(self.run_mgrctl("domain"), (3, b""))
        with open(os.path.join(self.dir, "mgrctl-calls.jsonl")) as f:
            calls = [json.loads(line) for line in f]
        self.assertEqual(len(calls), 4)
        self.assertEqual(calls[0]["argv"][1:], ["-m", "ispmgr", "-o", "json", "domain.record",
                                                "elid=example.com"])
        self.assertEqual(calls[0]["env"].get("PATH"), "/usr/bin:/bin")


def main():
    global FAKE
    FAKE = Fake()
    try:
        suite = unittest.TestSuite()
        loader = unittest.defaultTestLoader
        suite.addTests(loader.loadTestsFromTestCase(FakeCfTest))
        suite.addTests(loader.loadTestsFromTestCase(FakeMgrctlTest))
        result = unittest.TextTestRunner(verbosity=1).run(suite)
    finally:
        FAKE.stop()
    failed = len(result.failures) + len(result.errors)
    sys.stderr.flush()
    print(f"{result.testsRun - failed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

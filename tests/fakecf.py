#!/usr/bin/env python3
"""fakecf: a stateful fake of Cloudflare's v4 REST API, for the plugin's tests.

    python3 tests/fakecf.py --port 0 --portfile PATH --log PATH.jsonl
        [--state STATE.json] [--latency-ms N] [--dns-page-cap N] [--rules-page-cap N]

Listens on 127.0.0.1 only. API paths live under /client/v4; control paths
(/__reset, /__state, /__fault, /__clear_faults, /__config, /__requests,
/__requests/clear) need no token and are not logged. Every id and timestamp is
derived, never random, so golden files stay stable. Python standard library only.
"""

import argparse
import copy
import hashlib
import http.server
import ipaddress
import json
import math
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

API = "/client/v4"
TS = "2026-01-01T00:00:00Z"
DEFAULT_NS = ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]
FREE_PLAN_ID = "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee"

DNS_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA", "PTR"]
PROXIABLE = {"A", "AAAA", "CNAME"}
HOST_CONTENT = {"CNAME", "NS", "PTR", "MX"}

ACCESS_MODES = ["whitelist", "block", "challenge", "js_challenge", "managed_challenge"]
ACCESS_TARGETS = ["ip", "ip6", "ip_range", "asn", "country"]

ON_OFF = ["on", "off"]
DEFAULT_SETTINGS = {
    "0rtt": "off", "always_online": "off", "always_use_https": "off",
    "automatic_https_rewrites": "on", "brotli": "on", "browser_cache_ttl": 14400,
    "browser_check": "on", "cache_level": "aggressive", "challenge_ttl": 1800,
    "development_mode": "off", "early_hints": "off", "email_obfuscation": "on",
    "hotlink_protection": "off", "http2": "on", "http3": "on", "ipv6": "on",
    "min_tls_version": "1.0", "opportunistic_encryption": "on", "rocket_loader": "off",
    "security_level": "medium", "ssl": "flexible", "tls_1_3": "on", "websockets": "on",
}
BROWSER_CACHE_TTLS = [0, 30, 60, 120, 300, 1200, 1800, 3600, 7200, 10800, 14400, 18000,
                      28800, 43200, 57600, 72000, 86400, 172800, 259200, 345600, 432000,
                      691200, 1382400, 2073600, 2678400, 5356800, 16070400, 31536000]
CHALLENGE_TTLS = [300, 900, 1800, 2700, 3600, 7200, 10800, 14400, 28800, 57600, 86400,
                  604800, 2592000, 31536000]
SETTING_VALUES = {  # setting id -> allowed values (anything not listed: any value)
    "ssl": ["off", "flexible", "full", "strict"],
    "security_level": ["off", "essentially_off", "low", "medium", "high", "under_attack"],
    "min_tls_version": ["1.0", "1.1", "1.2", "1.3"],
    "cache_level": ["aggressive", "basic", "simplified"],
    "browser_cache_ttl": BROWSER_CACHE_TTLS,
    "challenge_ttl": CHALLENGE_TTLS,
    "tls_1_3": ["on", "off", "zrt"],
}
for _k in ("0rtt", "always_online", "always_use_https", "automatic_https_rewrites", "brotli",
           "browser_check", "development_mode", "early_hints", "email_obfuscation",
           "hotlink_protection", "http2", "http3", "ipv6", "opportunistic_encryption",
           "rocket_loader", "websockets"):
    SETTING_VALUES[_k] = ON_OFF

PAGERULE_ACTIONS = [
    "always_use_https", "automatic_https_rewrites", "browser_cache_ttl", "browser_check",
    "bypass_cache_on_cookie", "cache_by_device_type", "cache_deception_armor",
    "cache_key_fields", "cache_level", "cache_on_cookie", "cache_ttl_by_status",
    "disable_apps", "disable_performance", "disable_security", "disable_zaraz",
    "edge_cache_ttl", "email_obfuscation", "explicit_cache_control", "forwarding_url",
    "host_header_override", "ip_geolocation", "mirage", "opportunistic_encryption",
    "origin_error_page_pass_thru", "polish", "resolve_override", "respect_strong_etag",
    "response_buffering", "rocket_loader", "security_level", "sort_query_string_for_cache",
    "ssl", "true_client_ip_header", "waf"]
PAGERULE_NO_VALUE = {"always_use_https", "disable_apps", "disable_performance",
                     "disable_security", "disable_zaraz"}
PAGERULE_TOGGLES = {"automatic_https_rewrites", "browser_check", "cache_by_device_type",
                    "cache_deception_armor", "email_obfuscation", "explicit_cache_control",
                    "ip_geolocation", "mirage", "opportunistic_encryption",
                    "origin_error_page_pass_thru", "respect_strong_etag", "response_buffering",
                    "rocket_loader", "sort_query_string_for_cache", "true_client_ip_header",
                    "waf"}
PAGERULE_ENUMS = {
    "cache_level": ["bypass", "basic", "simplified", "aggressive", "cache_everything"],
    "ssl": ["off", "flexible", "full", "strict", "origin_pull"],
    "security_level": ["off", "essentially_off", "low", "medium", "high", "under_attack"],
    "polish": ["off", "lossless", "lossy"],
}
PAGERULE_INTS = {"browser_cache_ttl", "edge_cache_ttl"}

FAULT_MODES = ["429", "5xx", "500json", "hang", "slow", "reset", "truncate", "badjson", "html",
               "unknown_error", "huge", "badutf8", "nested", "payload"]
HUGE_BYTES = 64 * 1024 * 1024


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class ApiError(Exception):
    """An error answered as a Cloudflare envelope."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def bad(message, code=1004):
    return ApiError(400, code, message)


AUTH_ERROR = (403, 10000, "Authentication error")


class Reply:
    def __init__(self, status=200, body=b"", ctype="application/json", headers=None):
        self.status, self.body, self.ctype = status, body, ctype
        self.headers = headers or []


def envelope(result, info=None, status=200):
    doc = {"success": True, "errors": [], "messages": [], "result": result}
    if info is not None:
        doc["result_info"] = info
    return Reply(status, dumps(doc))


def error_reply(err):
    item = {"code": err.code, "message": err.message}
    item.update(err.extra)
    doc = {"success": False, "errors": [item], "messages": [], "result": None}
    return Reply(err.status, dumps(doc))


# ---------------------------------------------------------------- small parsers

def int_param(query, key, default):
    vals = query.get(key)
    if not vals:
        return default
    try:
        return int(vals[0])
    except ValueError:
        raise bad(f"Invalid {key}")


def page_window(query, default, lo, hi, clamp):
    page = int_param(query, "page", 1)
    per = int_param(query, "per_page", default)
    if page < 1:
        raise bad("Invalid page")
    if clamp:
        per = max(lo, min(per, hi))
    elif per < lo or per > hi:
        raise bad("Invalid per_page")
    return page, per


def paginate(items, page, per):
    total = len(items)
    chunk = items[(page - 1) * per: page * per]
    info = {"page": page, "per_page": per, "count": len(chunk), "total_count": total,
            "total_pages": math.ceil(total / per) if per else 0}
    return chunk, info


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


LABEL_RE = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")


def valid_host(name, allow_wild=False):
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    if allow_wild and labels[0] == "*":
        labels = labels[1:]
    return bool(labels) and all(LABEL_RE.match(lab) for lab in labels)


ZONE_NAME_RE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def parse_multipart(ctype, raw):
    """Returns [(name, bytes)] from a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', ctype or "")
    if not m:
        raise bad("Invalid multipart body: no boundary")
    sep = b"--" + m.group(1).encode()
    parts = []
    for chunk in raw.split(sep)[1:]:
        if chunk.startswith(b"--"):
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        head, found, data = chunk.partition(b"\r\n\r\n")
        if not found:
            head, found, data = chunk.partition(b"\n\n")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        elif data.endswith(b"\n"):
            data = data[:-1]
        nm = re.search(rb'(?:^|[;\s])name="([^"]*)"', head)
        parts.append((nm.group(1).decode("utf-8", "replace") if nm else "", data))
    return parts


# ---------------------------------------------------------------- BIND files

def split_comment(line):
    quoted, esc = False, False
    for i, ch in enumerate(line):
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return line[:i], line[i + 1:]
    return line, ""


TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s()]+|[()]')


def bind_entries(text):
    """Yields (starts_with_blank, tokens, comment) per logical line."""
    pending, depth, lead, comment = [], 0, False, ""
    for line in text.splitlines():
        code, com = split_comment(line)
        toks = TOKEN_RE.findall(code)
        if depth == 0:
            if not toks:
                continue
            lead, comment, pending = code[:1] in (" ", "\t"), com, []
        for t in toks:
            if t == "(":
                depth += 1
            elif t == ")":
                depth = max(0, depth - 1)
            else:
                pending.append(t)
        if depth == 0 and pending:
            yield lead, pending, comment
            pending = []


def unquote(tok):
    if len(tok) >= 2 and tok[0] == tok[-1] == '"':
        return re.sub(r'\\(.)', r'\1', tok[1:-1])
    return tok


def parse_bind(text, origin):
    """Returns (records, parsed_count): record bodies as the API takes them."""
    out, parsed, last_name, default_ttl = [], 0, origin, 1

    def absname(n):
        n = n.lower()
        if n == "@":
            return origin
        if n.endswith("."):
            return n[:-1]
        return n + "." + origin

    for lead, toks, comment in bind_entries(text):
        if toks[0].startswith("$"):
            word = toks[0].upper()
            if word == "$ORIGIN" and len(toks) > 1:
                origin = toks[1].lower().rstrip(".")
            elif word == "$TTL" and len(toks) > 1 and toks[1].isdigit():
                default_ttl = int(toks[1])
            continue
        if not lead:
            last_name = absname(toks.pop(0))
        ttl = default_ttl
        while toks and (toks[0].isdigit() or toks[0].upper() in ("IN", "CH", "HS")):
            t = toks.pop(0)
            if t.isdigit():
                ttl = int(t)
        if not toks:
            continue
        rtype, rdata = toks[0].upper(), toks[1:]
        if rtype == "SOA":
            continue
        parsed += 1
        rec = {"type": rtype, "name": last_name, "ttl": ttl}
        if "cf-proxied:true" in comment:
            rec["proxied"] = True
        elif "cf-proxied:false" in comment:
            rec["proxied"] = False
        try:
            if rtype in ("A", "AAAA"):
                rec["content"] = rdata[0]
            elif rtype in ("CNAME", "NS", "PTR"):
                rec["content"] = absname(rdata[0])
            elif rtype == "MX":
                rec["priority"], rec["content"] = int(rdata[0]), absname(rdata[1])
            elif rtype == "TXT":
                rec["content"] = "".join(unquote(t) for t in rdata) if all(
                    t.startswith('"') for t in rdata) else " ".join(rdata)
            elif rtype == "SRV":
                rec["data"] = {"priority": int(rdata[0]), "weight": int(rdata[1]),
                               "port": int(rdata[2]), "target": absname(rdata[3])}
            elif rtype == "CAA":
                rec["data"] = {"flags": int(rdata[0]), "tag": rdata[1],
                               "value": unquote(" ".join(rdata[2:]))}
            else:
                continue
        except (IndexError, ValueError):
            continue
        out.append(rec)
    return out, parsed


def bind_export(zone):
    name = zone["name"]
    lines = [";;", f";; Domain:     {name}.", ";; Exported:   2026-01-01 00:00:00", ";;",
             ";; SOA Record",
             f"{name}.\t3600\tIN\tSOA\t{zone['name_servers'][0]}. dns.cloudflare.com. "
             "2051000000 10000 2400 604800 3600", ""]
    for rtype in DNS_TYPES:
        recs = [r for r in zone["records"] if r["type"] == rtype]
        if not recs:
            continue
        lines.append(f";; {rtype} Records")
        for r in recs:
            c = r["content"]
            if rtype in ("CNAME", "NS", "PTR"):
                c += "."
            elif rtype == "MX":
                c = f"{r['priority']} {c}."
            elif rtype == "SRV":
                d = r["data"]
                c = f"{d['priority']} {d['weight']} {d['port']} {d['target']}."
            elif rtype == "TXT" and not c.startswith('"'):
                c = '"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"'
            line = f"{r['name']}.\t{r['ttl']}\tIN\t{rtype}\t{c}"
            tags = []
            if r.get("comment"):
                tags.append(r["comment"].replace("\n", " "))
            if rtype in PROXIABLE:
                tags.append("cf_tags=cf-proxied:" + ("true" if r["proxied"] else "false"))
            if tags:
                line += " ; " + " ".join(tags)
            lines.append(line)
        lines.append("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- state

class State:
    """Everything the fake knows: tokens, accounts, zones and what is in them."""

    def __init__(self, raw=None):
        self.tokens, self.accounts, self.zones = [], [], []
        self.counters, self.used_ids = {}, set()
        self.load(raw or {})

    # ids: md5(f"{kind}:{scope}:{n}"), n counted per kind and zone, skipping used ids
    def new_id(self, kind, scope):
        while True:
            n = self.counters.get((kind, scope), 0) + 1
            self.counters[(kind, scope)] = n
            i = md5(f"{kind}:{scope}:{n}")
            if i not in self.used_ids:
                self.used_ids.add(i)
                return i

    def claim_id(self, kind, scope, given):
        if given:
            self.counters[(kind, scope)] = self.counters.get((kind, scope), 0) + 1
            self.used_ids.add(given)
            return given
        return self.new_id(kind, scope)

    def load(self, raw):
        if not isinstance(raw, dict):
            raise bad("state must be an object")
        for a in raw.get("accounts", []):
            self.add_account(a.get("id"), a.get("name"), a.get("account_access_rules", []))
        for z in raw.get("zones", []):
            self.load_zone(z)
        for i, t in enumerate(raw.get("tokens", [])):
            if not t.get("value"):
                raise bad(f"tokens[{i}]: value is required")
            label = t.get("label", f"token{i + 1}")
            self.tokens.append({
                "value": t["value"], "label": label, "id": t.get("id") or md5("token:" + label),
                "status": t.get("status", "active"), "expires_on": t.get("expires_on"),
                "not_before": t.get("not_before"), "kind": t.get("kind", "user"),
                "accounts": list(t.get("accounts", [a["id"] for a in self.accounts])),
                "perms": list(t.get("perms", ["*"]))})

    def add_account(self, aid=None, name=None, rules=()):
        name = name or "Main account"
        aid = aid or md5("account:" + name)
        acct = self.account(aid)
        if acct is None:
            acct = {"id": aid, "name": name, "access_rules": []}
            self.accounts.append(acct)
        for r in rules:
            acct["access_rules"].append(self.access_rule(r, acct["access_rules"], "account", aid,
                                                         given_id=r.get("id")))
        return acct

    def account(self, aid):
        return next((a for a in self.accounts if a["id"] == aid), None)

    def load_zone(self, z):
        name = str(z.get("name", "")).lower()
        if not ZONE_NAME_RE.match(name):
            raise bad(f"zone {name!r}: invalid name")
        aid = z.get("account") or (self.accounts[0]["id"] if self.accounts else None)
        acct = self.account(aid) or self.add_account(aid, f"Account {aid[:8]}" if aid else None)
        zone = self.new_zone(name, acct["id"], z.get("status", "active"), z.get("type", "full"))
        zone.update({"plan": z.get("plan", "Free Website"), "paused": bool(z.get("paused", False)),
                     "name_servers": list(z.get("name_servers", DEFAULT_NS)),
                     "settings": dict(z.get("settings", {})),
                     "unavailable_settings": list(z.get("unavailable_settings", [])),
                     "absent_settings": list(z.get("absent_settings", [])),
                     "purges": list(z.get("purges", []))})
        for r in z.get("records", []):
            self.add_record(zone, r, given_id=r.get("id"))
        for i in range(1, int(z.get("generate_records", 0)) + 1):
            rid = self.new_id("record", name)
            zone["records"].append({
                "id": rid, "type": "A", "name": f"host{i}.{name}",
                "content": f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
                "ttl": 1, "proxied": False, "comment": None, "tags": []})
        for r in z.get("access_rules", []):
            zone["access_rules"].append(self.access_rule(r, zone["access_rules"], "zone", name,
                                                         given_id=r.get("id")))
        for r in z.get("account_access_rules", []):
            acct["access_rules"].append(self.access_rule(r, acct["access_rules"], "account",
                                                         acct["id"], given_id=r.get("id")))
        rulesets = z.get("rulesets", {})
        if isinstance(rulesets, dict):
            rulesets = [dict(v, phase=k) for k, v in rulesets.items()]
        for rs in rulesets:
            self.put_ruleset(zone, None, rs, phase=rs.get("phase"), given_id=rs.get("id"),
                             loading=True)
        for pr in z.get("pagerules", []):
            zone["pagerules"].append(self.pagerule(zone, pr, given_id=pr.get("id")))

    def new_zone(self, name, aid, status="pending", ztype="full"):
        zone = {"id": md5("zone:" + name), "name": name, "account": aid, "status": status,
                "type": ztype, "plan": "Free Website", "paused": False,
                "name_servers": list(DEFAULT_NS), "records": [], "settings": {},
                "unavailable_settings": [], "absent_settings": [], "access_rules": [],
                "rulesets": [], "pagerules": [],
                "purges": []}
        self.zones.append(zone)
        return zone

    def snapshot(self):
        accounts = [{"id": a["id"], "name": a["name"],
                     "account_access_rules": copy.deepcopy(a["access_rules"])}
                    for a in self.accounts]
        zones = []
        for z in self.zones:
            zc = copy.deepcopy(z)
            zc["id"] = z["id"]
            zc["rulesets"] = copy.deepcopy(z["rulesets"])
            zones.append(zc)
        return {"tokens": copy.deepcopy(self.tokens), "accounts": accounts, "zones": zones}

    def zone_by_id(self, zid):
        return next((z for z in self.zones if z["id"] == zid), None)

    # ---- DNS records

    def add_record(self, zone, body, given_id=None):
        rec = self.dns_record(zone, body)
        rec["id"] = self.claim_id("record", zone["name"], given_id)
        zone["records"].append(rec)
        return rec

    def dns_record(self, zone, body, base=None, self_id=None):
        """Validates body (merged over base for PATCH) and returns the stored record."""
        if not isinstance(body, dict):
            raise bad("DNS Validation Error")
        rec = dict(base) if base else {"ttl": 1, "proxied": False, "comment": None, "tags": []}
        for k in ("type", "name", "content", "ttl", "proxied", "comment", "tags", "priority",
                  "data"):
            if k in body:
                rec[k] = body[k]
        rtype = rec.get("type")
        if not isinstance(rtype, str) or rtype.upper() not in DNS_TYPES:
            raise bad("DNS Validation Error")
        rtype = rec["type"] = rtype.upper()
        if not isinstance(rec.get("name"), str):
            raise bad("DNS Validation Error: name is required")
        rec["name"] = self.fqdn(zone["name"], rec["name"])
        ttl = rec["ttl"]
        if not is_int(ttl) or not (ttl == 1 or 60 <= ttl <= 86400):
            raise ApiError(400, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, "
                                      "or 1 for Automatic.")
        if not isinstance(rec["proxied"], bool):
            raise bad("DNS Validation Error: proxied must be a boolean")
        if rec["proxied"] and rtype not in PROXIABLE:
            raise ApiError(400, 9004, "This record type cannot be proxied.")
        if rec["comment"] is not None and not isinstance(rec["comment"], str):
            raise bad("DNS Validation Error: comment must be a string")
        if rec["comment"] == "":
            rec["comment"] = None
        if not isinstance(rec["tags"], list):
            raise bad("DNS Validation Error: tags must be a list")
        if rtype in ("SRV", "CAA"):
            data = body["data"] if "data" in body else (None if "content" in body
                                                         else rec.get("data"))
            self.structured_content(rec, rtype, data)
        else:
            rec.pop("data", None)
            self.plain_content(rec, rtype)
        if rtype != "MX" and rtype != "SRV":
            rec.pop("priority", None)
        for other in zone["records"]:
            if other["id"] != self_id and other["name"] == rec["name"] and \
                    other["type"] == rtype and other["content"] == rec["content"]:
                raise ApiError(400, 81057, "Record already exists.")
        for other in zone["records"]:
            if other["id"] == self_id or other["name"] != rec["name"]:
                continue
            if (rtype == "CNAME" and other["type"] in PROXIABLE) or \
                    (rtype in PROXIABLE and other["type"] == "CNAME"):
                raise ApiError(400, 81053, "An A, AAAA, or CNAME record with that host "
                                           "already exists.")
        return rec

    @staticmethod
    def fqdn(zone, name):
        n = name.strip().lower()
        if n in ("", "@"):
            return zone
        absolute = n.endswith(".")
        n = n.rstrip(".")
        if n == "@":
            return zone
        if n != zone and not n.endswith("." + zone):
            if absolute:
                raise bad("Record name must be inside the zone")
            n = n + "." + zone
        if not valid_host(n, allow_wild=True):
            raise bad("DNS Validation Error: invalid record name")
        return n

    @staticmethod
    def plain_content(rec, rtype):
        c = rec.get("content")
        if not isinstance(c, str) or not c.strip():
            raise bad("DNS Validation Error: content is required")
        if rtype == "A":
            try:
                rec["content"] = str(ipaddress.IPv4Address(c.strip()))
            except ValueError:
                raise ApiError(400, 9005, "Content for A record must be a valid IPv4 address.")
        elif rtype == "AAAA":
            try:
                rec["content"] = str(ipaddress.IPv6Address(c.strip()))
            except ValueError:
                raise ApiError(400, 9005,
                               "Content for AAAA record must be a valid IPv6 address.")
        elif rtype in HOST_CONTENT:
            h = c.strip().lower().rstrip(".")
            if not valid_host(h):
                raise bad(f"Content for {rtype} record must be a valid hostname.")
            rec["content"] = h
        if rtype == "MX":
            p = rec.get("priority")
            if not is_int(p) or not 0 <= p <= 65535:
                raise bad("MX records require a priority between 0 and 65535.")

    @staticmethod
    def structured_content(rec, rtype, data):
        words = str(rec.get("content") or "").split()
        try:
            if rtype == "SRV":
                if data is None:  # "weight port target" (+ top-level priority) or all four
                    if len(words) == 4:
                        rec["priority"], words = int(words[0]), words[1:]
                    data = {"priority": rec.get("priority"), "weight": int(words[0]),
                            "port": int(words[1]), "target": words[2]}
                data = dict(data)
                if data.get("priority") is None:
                    data["priority"] = rec.get("priority")
                for k in ("priority", "weight", "port"):
                    if not is_int(data.get(k)) or not 0 <= data[k] <= 65535:
                        raise bad(f"SRV data.{k} must be an integer between 0 and 65535.")
                target = str(data.get("target", "")).lower().rstrip(".")
                if not (target == "" or valid_host(target)):
                    raise bad("SRV data.target must be a valid hostname.")
                labels = rec["name"].split(".")
                if len(labels) < 3 or not labels[0].startswith("_") or \
                        not labels[1].startswith("_"):
                    raise bad("SRV record name must look like _service._proto.name.")
                data["target"] = target or "."
                rec["data"] = {k: data[k] for k in ("priority", "weight", "port", "target")}
                rec["priority"] = data["priority"]
                rec["content"] = f"{data['weight']} {data['port']} {data['target']}"
            else:
                if data is None:
                    data = {"flags": int(words[0]), "tag": words[1],
                            "value": unquote(" ".join(words[2:]))}
                flags, tag, value = data.get("flags"), data.get("tag"), data.get("value")
                if not is_int(flags) or not 0 <= flags <= 255:
                    raise bad("CAA data.flags must be an integer between 0 and 255.")
                if tag not in ("issue", "issuewild", "iodef"):
                    raise bad("CAA data.tag must be issue, issuewild or iodef.")
                if not isinstance(value, str):
                    raise bad("CAA data.value must be a string.")
                rec["data"] = {"flags": flags, "tag": tag, "value": value}
                rec["content"] = f'{flags} {tag} "{value}"'
        except (IndexError, ValueError, TypeError, AttributeError):
            raise bad(f"DNS Validation Error: {rtype} needs data or a valid content")

    def record_obj(self, zone, r):
        out = {"id": r["id"], "zone_id": zone["id"], "zone_name": zone["name"],
               "name": r["name"], "type": r["type"], "content": r["content"],
               "proxiable": r["type"] in PROXIABLE, "proxied": r["proxied"], "ttl": r["ttl"],
               "locked": False, "comment": r.get("comment"), "tags": list(r.get("tags", [])),
               "settings": {}, "meta": {"auto_added": False, "source": "primary"},
               "created_on": TS, "modified_on": TS}
        if r["type"] in ("MX", "SRV", "URI"):
            out["priority"] = r.get("priority")
        if r.get("data") is not None:
            out["data"] = r["data"]
        return out

    # ---- IP access rules

    def access_rule(self, body, existing, scope_kind, scope, base=None, given_id=None):
        if not isinstance(body, dict):
            raise bad("firewallaccessrules.api.validation_error:invalid body")
        rule = copy.deepcopy(base) if base else {"notes": ""}
        for k in ("mode", "configuration", "notes"):
            if k in body:
                rule[k] = copy.deepcopy(body[k])
        if rule.get("mode") not in ACCESS_MODES:
            raise ApiError(400, 10011, "firewallaccessrules.api.validation_error:invalid mode")
        conf = rule.get("configuration")
        if not isinstance(conf, dict) or conf.get("target") not in ACCESS_TARGETS:
            raise bad("firewallaccessrules.api.validation_error:invalid configuration target")
        target, value = conf["target"], conf.get("value")
        if not isinstance(value, str) or not self.access_value_ok(target, value):
            raise bad("firewallaccessrules.api.validation_error:invalid configuration value")
        if target == "country":
            value = value.upper()
        rule["configuration"] = {"target": target, "value": value}
        if not isinstance(rule.get("notes"), str):
            raise bad("firewallaccessrules.api.validation_error:notes must be a string")
        for other in existing:
            if other is not base and other["configuration"] == rule["configuration"]:
                raise ApiError(400, 10009, "firewallaccessrules.api.duplicate_of_existing")
        if base is None:
            rule["id"] = self.claim_id(scope_kind + "_rule", scope, given_id)
        return rule

    @staticmethod
    def access_value_ok(target, value):
        try:
            if target == "ip":
                ipaddress.IPv4Address(value)
            elif target == "ip6":
                ipaddress.IPv6Address(value)
            elif target == "ip_range":
                net = ipaddress.ip_network(value, strict=True)
                allowed = (16, 24) if net.version == 4 else (32, 48, 64)
                return net.prefixlen in allowed
            elif target == "asn":
                return re.fullmatch(r"AS\d{1,10}", value.upper()) is not None
            elif target == "country":
                return re.fullmatch(r"[A-Za-z]{2}|[Tt]1", value) is not None  # T1: Tor
            return True
        except ValueError:
            return False

    # ---- rulesets

    def put_ruleset(self, zone, ruleset, body, phase=None, given_id=None, loading=False):
        """Creates (ruleset None) or replaces a ruleset from body; returns it.
        loading: the body comes from a state file, so its rule ids and versions stay."""
        if not isinstance(body, dict):
            raise bad("ruleset body must be an object", 20021)
        rules = body.get("rules", [])
        if not isinstance(rules, list):
            raise ApiError(400, 20021, "'rules' must be a list", source={"pointer": "/rules"})
        old = {r["id"]: r for r in (ruleset or {}).get("rules", [])}
        new_rules = [self.ruleset_rule(zone, r, i, old, loading=loading)
                     for i, r in enumerate(rules)]
        if ruleset is None:
            phase = phase or body.get("phase")
            if not isinstance(phase, str) or not re.fullmatch(r"[a-z_]+", phase):
                raise ApiError(400, 20021, "'phase' is required")
            ruleset = {"id": self.claim_id("ruleset", zone["name"], given_id),
                       "name": body.get("name", "default"),
                       "description": body.get("description", ""), "kind": "zone",
                       "phase": phase, "version": str(body.get("version", "1")) if loading
                       else "1", "rules": new_rules}
            zone["rulesets"].append(ruleset)
        else:
            ruleset["rules"] = new_rules
            ruleset["version"] = str(int(ruleset["version"]) + 1)
            for k in ("name", "description"):
                if isinstance(body.get(k), str):
                    ruleset[k] = body[k]
        return ruleset

    def ruleset_rule(self, zone, body, index, old, base=None, loading=False):
        where = f"/rules/{index}"
        if not isinstance(body, dict):
            raise ApiError(400, 20021, "a rule must be an object", source={"pointer": where})
        rule = copy.deepcopy(base) if base else {}
        for k, v in body.items():
            if k not in ("id", "version", "last_updated", "ref", "position"):
                rule[k] = copy.deepcopy(v)
        if not isinstance(rule.get("expression"), str) or not rule["expression"].strip():
            raise ApiError(400, 20021, "'expression' is required and must be a string",
                           source={"pointer": where + "/expression"})
        if not isinstance(rule.get("action"), str) or not rule["action"]:
            raise ApiError(400, 20021, "'action' is required and must be a string",
                           source={"pointer": where + "/action"})
        if "enabled" in rule and not isinstance(rule["enabled"], bool):
            raise ApiError(400, 20021, "'enabled' must be a boolean",
                           source={"pointer": where + "/enabled"})
        if "action_parameters" in rule and not isinstance(rule["action_parameters"], dict):
            raise ApiError(400, 20021, "'action_parameters' must be an object",
                           source={"pointer": where + "/action_parameters"})
        rule.setdefault("enabled", True)
        rule.setdefault("description", "")
        prev = base or old.get(body.get("id"))
        if prev is not None:
            rule["id"] = prev["id"]
            changed = {k: v for k, v in prev.items() if k not in ("id", "version")} != \
                {k: v for k, v in rule.items() if k not in ("id", "version")}
            rule["version"] = str(int(prev.get("version", "1")) + (1 if changed else 0))
        elif loading:
            rule["id"] = self.claim_id("rule", zone["name"], body.get("id"))
            rule["version"] = str(body.get("version", "1"))
        else:
            rule["id"] = self.new_id("rule", zone["name"])
            rule["version"] = "1"
        return rule

    @staticmethod
    def ruleset_obj(rs, with_rules=True):
        out = {k: rs[k] for k in ("id", "name", "description", "kind", "phase", "version")}
        out["last_updated"] = TS
        if with_rules:
            out["rules"] = [dict(r, ref=r["id"], last_updated=TS) for r in rs["rules"]]
        return out

    # ---- page rules

    def pagerule(self, zone, body, base=None, given_id=None):
        if not isinstance(body, dict):
            raise bad("Page Rule validation failed: body must be an object")
        rule = copy.deepcopy(base) if base else {"priority": 1, "status": "disabled"}
        for k in ("targets", "actions", "priority", "status"):
            if k in body:
                rule[k] = copy.deepcopy(body[k])
        t = rule.get("targets")
        if not (isinstance(t, list) and len(t) == 1 and isinstance(t[0], dict) and
                t[0].get("target") == "url" and isinstance(t[0].get("constraint"), dict) and
                t[0]["constraint"].get("operator") == "matches" and
                isinstance(t[0]["constraint"].get("value"), str) and
                t[0]["constraint"]["value"].strip()):
            raise bad("Page Rule validation failed: Invalid target")
        acts = rule.get("actions")
        if not isinstance(acts, list) or not acts:
            raise bad("Page Rule validation failed: at least one action is required")
        seen = set()
        for a in acts:
            if not isinstance(a, dict) or a.get("id") not in PAGERULE_ACTIONS:
                raise bad("Page Rule validation failed: Invalid action")
            if a["id"] in seen:
                raise bad(f"Page Rule validation failed: duplicate action {a['id']}")
            seen.add(a["id"])
            self.pagerule_value_ok(a)
        if "forwarding_url" in seen and len(seen) > 1:
            raise bad("Page Rule validation failed: forwarding_url cannot be combined "
                      "with other actions")
        if not is_int(rule["priority"]) or rule["priority"] < 1:
            raise bad("Page Rule validation failed: priority must be a positive integer")
        if rule["status"] not in ("active", "disabled"):
            raise bad("Page Rule validation failed: status must be active or disabled")
        if base is None:
            rule["id"] = self.claim_id("pagerule", zone["name"], given_id)
        return rule

    @staticmethod
    def pagerule_value_ok(a):
        aid, value = a["id"], a.get("value")
        fail = bad(f"Page Rule validation failed: Invalid value for action {aid}")
        if aid == "forwarding_url":
            if not (isinstance(value, dict) and isinstance(value.get("url"), str) and
                    value["url"] and value.get("status_code") in (301, 302)):
                raise bad("Page Rule validation failed: forwarding_url needs "
                          "{url, status_code 301|302}")
        elif aid in PAGERULE_NO_VALUE:
            return
        elif aid in PAGERULE_TOGGLES:
            if value not in ON_OFF:
                raise fail
        elif aid in PAGERULE_ENUMS:
            if value not in PAGERULE_ENUMS[aid]:
                raise fail
        elif aid in PAGERULE_INTS:
            if not is_int(value) or value < 0:
                raise fail
        elif value is None:
            raise fail

    @staticmethod
    def pagerule_obj(r):
        return {"id": r["id"], "targets": r["targets"], "actions": r["actions"],
                "priority": r["priority"], "status": r["status"], "created_on": TS,
                "modified_on": TS}

    # ---- settings

    @staticmethod
    def settings(zone):
        values = dict(DEFAULT_SETTINGS)
        values.update(zone["settings"])
        for sid in zone["unavailable_settings"]:
            values.setdefault(sid, "off")
        for sid in zone.get("absent_settings", []):  # retired: not in the GET at all
            values.pop(sid, None)
        return values

    def setting_obj(self, zone, sid):
        value = self.settings(zone)[sid]
        out = {"id": sid, "value": value, "editable": sid not in zone["unavailable_settings"],
               "modified_on": TS}
        if sid == "development_mode":
            out["time_remaining"] = 10800 if value == "on" else 0
        return out


# ---------------------------------------------------------------- the API

class Ctx:
    """One API request, as the handlers see it."""

    def __init__(self, method, sub, query, headers, raw):
        self.method, self.sub, self.query, self.headers, self.raw = \
            method, sub, query, headers, raw
        self.token = None
        self.body = None
        self.body_error = False
        self.multipart = None
        ctype = headers.get("Content-Type", "")
        if raw and ctype.lower().startswith("multipart/form-data"):
            try:
                self.multipart = parse_multipart(ctype, raw)
            except ApiError:
                self.multipart = []
        elif raw and raw.strip():
            try:
                self.body = json.loads(raw)
            except ValueError:
                self.body_error = True

    def need(self, *perms):
        have = self.token["perms"]
        if "*" not in have and not any(p in have for p in perms):
            raise ApiError(*AUTH_ERROR)

    def json(self):
        if self.body_error:
            raise ApiError(400, 6007, "Malformed JSON in request body")
        if not isinstance(self.body, dict):
            raise ApiError(400, 6007, "Malformed JSON in request body: an object is expected")
        return self.body

    def route_error(self):
        return ApiError(404, 7003, f"Could not route to {self.sub}, perhaps your object "
                                   "identifier is invalid?")


class App:
    def __init__(self, state_raw, log_path, latency_ms=0, dns_page_cap=5000,
                 rules_page_cap=1000):
        self.lock = threading.RLock()
        self.log_lock = threading.Lock()
        self.state = State(state_raw)
        self.faults = []
        self.requests = []
        self.latency_ms, self.dns_page_cap, self.rules_page_cap = \
            latency_ms, dns_page_cap, rules_page_cap
        self.logf = open(log_path, "a", encoding="utf-8") if log_path else None
        self.conn_serial = 0
        self.zone_rules_with_account = 1  # the zone's rule list carries the account's

    def next_conn(self):
        with self.log_lock:
            self.conn_serial += 1
            return self.conn_serial

    def log(self, entry, keep=True):
        with self.log_lock:
            if keep:
                self.requests.append(entry)
            if self.logf:
                self.logf.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self.logf.flush()

    # ---- authentication

    def find_token(self, headers):
        """Returns ("missing"|"malformed"|"unknown"|"ok", token or None)."""
        h = headers.get("Authorization")
        if h is None:
            return "missing", None
        m = re.fullmatch(r"[Bb]earer ([A-Za-z0-9._~+/=-]+)", h.strip())
        if not m:
            return "malformed", None
        tok = next((t for t in self.state.tokens if t["value"] == m.group(1)), None)
        return ("ok", tok) if tok else ("unknown", None)

    @staticmethod
    def header_error(kind):
        if kind == "missing":
            return ApiError(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization "
                                       "headers")
        return ApiError(400, 6003, "Invalid request headers",
                        error_chain=[{"code": 6111,
                                      "message": "Invalid format for Authorization header"}])

    def authenticate(self, ctx, verify_kind=None):
        kind, tok = self.find_token(ctx.headers)
        if kind in ("missing", "malformed"):
            raise self.header_error(kind)
        if verify_kind:
            if tok is None or tok["kind"] != verify_kind:
                raise ApiError(401, 1000, "Invalid API Token")
        elif tok is None or tok["status"] != "active":
            raise ApiError(*AUTH_ERROR)
        ctx.token = tok
        return tok

    # ---- dispatch

    def dispatch(self, ctx):
        path_known = False
        for method, rx, fn, auth in ROUTES:
            m = rx.fullmatch(ctx.sub)
            if not m:
                continue
            path_known = True
            if method != ctx.method:
                continue
            try:
                if auth == "token":
                    self.authenticate(ctx)
                with self.lock:
                    return fn(self, ctx, *m.groups())
            except ApiError as e:
                return error_reply(e)
        if path_known:
            return error_reply(ApiError(405, 7001, f"Method {ctx.method} not available for "
                                                   "that URI."))
        return error_reply(ApiError(404, 7000, "No route for that URI"))

    def zone(self, ctx, zid):
        z = self.state.zone_by_id(zid)
        if z is None or z["account"] not in ctx.token["accounts"]:
            raise ctx.route_error()
        return z

    def account_for(self, ctx, aid):
        a = self.state.account(aid)
        if a is None or aid not in ctx.token["accounts"]:
            raise ctx.route_error()
        return a

    def zone_obj(self, z):
        acct = self.state.account(z["account"])
        plan = z["plan"]
        legacy = plan.split()[0].lower() if plan else "free"
        dev = 10800 if self.state.settings(z).get("development_mode") == "on" else 0
        return {
            "id": z["id"], "name": z["name"], "status": z["status"], "paused": z["paused"],
            "type": z["type"], "development_mode": dev, "name_servers": list(z["name_servers"]),
            "original_name_servers": [], "original_registrar": None, "original_dnshost": None,
            "vanity_name_servers": [],
            "account": {"id": acct["id"], "name": acct["name"]},
            "plan": {"id": FREE_PLAN_ID if legacy == "free" else md5("plan:" + plan),
                     "name": plan, "price": 0, "currency": "USD", "frequency": "",
                     "is_subscribed": True, "can_subscribe": False, "legacy_id": legacy,
                     "legacy_discount": False, "externally_managed": False},
            "owner": {"id": None, "type": "user", "email": None}, "permissions": [],
            "meta": {"step": 2, "custom_certificate_quota": 0, "page_rule_quota": 3,
                     "phishing_detected": False, "cdn_only": False, "dns_only": False,
                     "foundation_dns": False},
            "created_on": TS, "modified_on": TS,
            "activated_on": TS if z["status"] == "active" else None}


# ---- user, accounts, tokens

def h_verify_user(app, ctx):
    tok = app.authenticate(ctx, verify_kind="user")
    return envelope(token_result(tok))


def h_verify_account(app, ctx, aid):
    tok = app.authenticate(ctx, verify_kind="account")
    if aid not in tok["accounts"]:
        raise ApiError(401, 1000, "Invalid API Token")
    return envelope(token_result(tok))


def token_result(tok):
    out = {"id": tok["id"], "status": tok["status"]}
    for k in ("expires_on", "not_before"):
        if tok.get(k):
            out[k] = tok[k]
    return out


def account_obj(a):
    return {"id": a["id"], "name": a["name"], "type": "standard", "settings": {},
            "created_on": TS}


def h_accounts(app, ctx):
    if ctx.token["kind"] == "account":
        raise bad("List accounts endpoint does not support account owned tokens.", 1001)
    page, per = page_window(ctx.query, 20, 5, 50, clamp=False)
    items = [account_obj(a) for a in app.state.accounts if a["id"] in ctx.token["accounts"]]
    items.sort(key=lambda a: a["name"])
    chunk, info = paginate(items, page, per)
    return envelope(chunk, info)


def h_account(app, ctx, aid):
    return envelope(account_obj(app.account_for(ctx, aid)))


def h_ips(app, ctx):
    return envelope({"ipv4_cidrs": ["173.245.48.0/20", "103.21.244.0/22"],
                     "ipv6_cidrs": ["2400:cb00::/32"], "etag": md5("ips")})


# ---- zones

def name_filter(value, spec):
    op, _, arg = spec.partition(":")
    ops = {"starts_with": value.startswith, "ends_with": value.endswith,
           "contains": lambda a: a in value, "equal": lambda a: a == value}
    if arg and op in ops:
        return ops[op](arg.lower())
    return value == spec.lower()


def h_zones_list(app, ctx):
    ctx.need("zone_read", "zone_edit")
    q = ctx.query
    page, per = page_window(q, 20, 5, 50, clamp=False)
    zones = [z for z in app.state.zones if z["account"] in ctx.token["accounts"]]
    tests = []
    if q.get("name"):
        tests.append(lambda z: name_filter(z["name"], q["name"][0]))
    if q.get("status"):
        tests.append(lambda z: z["status"] == q["status"][0])
    if q.get("account.id"):
        tests.append(lambda z: z["account"] == q["account.id"][0])
    if q.get("account.name"):
        tests.append(lambda z: app.state.account(z["account"])["name"] == q["account.name"][0])
    match_any = q.get("match", ["all"])[0] == "any"
    if tests:
        zones = [z for z in zones
                 if (any if match_any else all)(t(z) for t in tests)]
    order = q.get("order", ["name"])[0]
    keys = {"name": lambda z: z["name"], "status": lambda z: (z["status"], z["name"]),
            "account.id": lambda z: (z["account"], z["name"]),
            "account.name": lambda z: (app.state.account(z["account"])["name"], z["name"])}
    zones.sort(key=keys.get(order, keys["name"]),
               reverse=q.get("direction", ["asc"])[0] == "desc")
    chunk, info = paginate([app.zone_obj(z) for z in zones], page, per)
    return envelope(chunk, info)


def h_zone_create(app, ctx):
    ctx.need("zone_edit")
    body = ctx.json()
    name = body.get("name")
    if not isinstance(name, str) or not ZONE_NAME_RE.match(name.strip().lower().rstrip(".")):
        raise bad("Invalid zone name", 1099)
    name = name.strip().lower().rstrip(".")
    acct = body.get("account")
    aid = acct.get("id") if isinstance(acct, dict) else None
    if not aid:
        raise bad("account.id is required", 1002)
    if aid not in ctx.token["accounts"] or app.state.account(aid) is None:
        raise ApiError(*AUTH_ERROR)
    if any(z["name"] == name for z in app.state.zones):
        raise bad(f"{name} already exists", 1061)
    ztype = body.get("type", "full")
    if ztype not in ("full", "partial", "secondary"):
        raise bad("Invalid zone type", 1099)
    zone = app.state.new_zone(name, aid, "pending", ztype)
    if body.get("jump_start") is True:
        app.state.add_record(zone, {"type": "A", "name": "@", "content": "192.0.2.10",
                                    "proxied": True})
        app.state.add_record(zone, {"type": "CNAME", "name": "www", "content": name,
                                    "proxied": True})
    return envelope(app.zone_obj(zone))


def h_zone_get(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_read", "zone_edit")
    return envelope(app.zone_obj(z))


def h_zone_patch(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_edit")
    body = ctx.json()
    if "paused" in body:
        if not isinstance(body["paused"], bool):
            raise bad("paused must be a boolean")
        z["paused"] = body["paused"]
    if "type" in body:
        if body["type"] not in ("full", "partial", "secondary"):
            raise bad("Invalid zone type", 1099)
        z["type"] = body["type"]
    return envelope(app.zone_obj(z))


def h_zone_delete(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_edit")
    app.state.zones.remove(z)
    return envelope({"id": z["id"]})


def h_zone_activation(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_edit")
    return envelope({"id": z["id"]})


# ---- DNS records

def h_dns_list(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("dns_read", "dns_edit")
    q = ctx.query
    page, per = page_window(q, 100, 1, app.dns_page_cap, clamp=True)
    first = lambda k: q[k][0] if q.get(k) else None  # noqa: E731
    tests = []
    for key, fn in (("name", lambda r, v: r["name"] == State.fqdn(z["name"], v)),
                    ("name.exact", lambda r, v: r["name"] == v.lower()),
                    ("name.contains", lambda r, v: v.lower() in r["name"]),
                    ("name.startswith", lambda r, v: r["name"].startswith(v.lower())),
                    ("name.endswith", lambda r, v: r["name"].endswith(v.lower())),
                    ("type", lambda r, v: r["type"] == v.upper()),
                    ("content", lambda r, v: r["content"] == v),
                    ("content.exact", lambda r, v: r["content"] == v),
                    ("content.contains", lambda r, v: v in r["content"]),
                    ("proxied", lambda r, v: r["proxied"] == (v == "true"))):
        val = first(key)
        if val is not None:
            tests.append(lambda r, fn=fn, val=val: fn(r, val))
    recs = z["records"]
    if tests:
        combine = any if first("match") == "any" else all
        try:
            recs = [r for r in recs if combine(t(r) for t in tests)]
        except ApiError:
            recs = []
    order = first("order")
    if order in ("type", "name", "content", "ttl", "proxied"):
        recs = sorted(recs, key=lambda r: r[order], reverse=first("direction") == "desc")
    elif first("direction") == "desc":
        recs = list(reversed(recs))
    chunk, info = paginate(recs, page, per)
    return envelope([app.state.record_obj(z, r) for r in chunk], info)


def find_record(z, rid):
    r = next((r for r in z["records"] if r["id"] == rid), None)
    if r is None:
        raise ApiError(404, 81044, "Record does not exist.")
    return r


def h_dns_create(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("dns_edit")
    rec = app.state.add_record(z, ctx.json())
    return envelope(app.state.record_obj(z, rec))


def h_dns_get(app, ctx, zid, rid):
    z = app.zone(ctx, zid)
    ctx.need("dns_read", "dns_edit")
    return envelope(app.state.record_obj(z, find_record(z, rid)))


def h_dns_update(app, ctx, zid, rid):
    z = app.zone(ctx, zid)
    ctx.need("dns_edit")
    old = find_record(z, rid)
    body = ctx.json()
    if ctx.method == "PUT":
        new = app.state.dns_record(z, body, self_id=rid)
    else:
        new = app.state.dns_record(z, body, base=old, self_id=rid)
    new["id"] = rid
    z["records"][z["records"].index(old)] = new
    return envelope(app.state.record_obj(z, new))


def h_dns_delete(app, ctx, zid, rid):
    z = app.zone(ctx, zid)
    ctx.need("dns_edit")
    z["records"].remove(find_record(z, rid))
    return envelope({"id": rid})


def h_dns_export(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("dns_read", "dns_edit")
    return Reply(200, bind_export(z).encode(), "text/plain; charset=utf-8")


def h_dns_import(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("dns_edit")
    if ctx.multipart is None:
        raise bad("the body must be multipart/form-data with a 'file' part")
    parts = dict(ctx.multipart)
    if "file" not in parts:
        raise bad("the 'file' part is required")
    default_proxied = parts.get("proxied", b"false").strip().lower() == b"true"
    text = parts["file"].decode("utf-8", "replace")
    recs, parsed = parse_bind(text, z["name"])
    added = 0
    for body in recs:
        if "proxied" not in body:
            body["proxied"] = default_proxied and body["type"] in PROXIABLE
        try:
            app.state.add_record(z, body)
            added += 1
        except ApiError:
            pass
    return envelope({"recs_added": added, "total_records_parsed": parsed})


# ---- zone settings

def setting_value_ok(sid, value):
    allowed = SETTING_VALUES.get(sid)
    if allowed is None:
        return True
    if sid in ("browser_cache_ttl", "challenge_ttl"):
        return is_int(value) and value in allowed
    return isinstance(value, str) and value in allowed


def check_setting(app, z, sid, value):
    if sid not in app.state.settings(z):
        raise bad(f"Unknown zone setting {sid}")
    if sid in z["unavailable_settings"]:
        raise bad(f"{sid} is not editable on this plan", 1006)
    if not setting_value_ok(sid, value):
        raise bad(f"Invalid value for zone setting {sid}", 1007)


def h_settings_list(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_settings_read", "zone_settings_edit")
    return envelope([app.state.setting_obj(z, s) for s in sorted(app.state.settings(z))])


def h_settings_patch(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("zone_settings_edit")
    items = ctx.json().get("items")
    if not isinstance(items, list) or not items or \
            not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        raise bad("items must be a non-empty list of {id, value}")
    for i in items:
        check_setting(app, z, i["id"], i.get("value"))
    for i in items:
        z["settings"][i["id"]] = i["value"]
    return envelope([app.state.setting_obj(z, i["id"]) for i in items])


def h_setting_get(app, ctx, zid, sid):
    z = app.zone(ctx, zid)
    ctx.need("zone_settings_read", "zone_settings_edit")
    if sid not in app.state.settings(z):
        raise ApiError(404, 7000, "No route for that URI")
    return envelope(app.state.setting_obj(z, sid))


def h_setting_patch(app, ctx, zid, sid):
    z = app.zone(ctx, zid)
    ctx.need("zone_settings_edit")
    if sid not in app.state.settings(z):
        raise ApiError(404, 7000, "No route for that URI")
    body = ctx.json()
    if "value" not in body:
        raise bad(f"Invalid value for zone setting {sid}", 1007)
    check_setting(app, z, sid, body["value"])
    z["settings"][sid] = body["value"]
    return envelope(app.state.setting_obj(z, sid))


# ---- cache purge

def h_purge(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("cache_purge")
    body = ctx.json()
    kinds = [k for k in ("purge_everything", "files", "tags", "hosts", "prefixes")
             if k in body]
    if len(kinds) != 1:
        raise bad("Exactly one of purge_everything, files, tags, hosts or prefixes is required")
    kind = kinds[0]
    if kind == "purge_everything":
        if body[kind] is not True:
            raise bad("purge_everything must be true")
    else:
        items = body[kind]
        if not isinstance(items, list) or not items:
            raise bad(f"{kind} must be a non-empty list")
        if len(items) > 30:
            raise bad("Too many items, at most 30 per request", 1016)
        for it in items:
            ok = isinstance(it, str) and it != ""
            if kind == "files" and isinstance(it, dict):
                ok = isinstance(it.get("url"), str) and it["url"] != "" and \
                    isinstance(it.get("headers", {}), dict)
            if not ok:
                raise bad(f"Invalid item in {kind}")
    z["purges"].append({kind: copy.deepcopy(body[kind])})
    return envelope({"id": z["id"]})


# ---- IP access rules

def rule_obj(r, scope):
    return {"id": r["id"], "mode": r["mode"], "configuration": dict(r["configuration"]),
            "notes": r["notes"], "allowed_modes": list(ACCESS_MODES), "created_on": TS,
            "modified_on": TS, "scope": scope}


def filter_rules(q, rules):
    for key, get in (("mode", lambda r: r["mode"]),
                     ("configuration.target", lambda r: r["configuration"]["target"]),
                     ("configuration.value", lambda r: r["configuration"]["value"])):
        if q.get(key):
            rules = [r for r in rules if get(r[0]) == q[key][0]]
    if q.get("notes"):
        rules = [r for r in rules if q["notes"][0] in r[0]["notes"]]
    return rules


def zone_scope(z):
    return {"id": z["id"], "name": z["name"], "type": "zone"}


def account_scope(a):
    return {"id": a["id"], "name": a["name"], "type": "account"}


def h_zrules_list(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("firewall_read", "firewall_edit")
    acct = app.state.account(z["account"])
    pairs = [(r, zone_scope(z)) for r in z["access_rules"]] + \
            [(r, account_scope(acct)) for r in acct["access_rules"]
             if app.zone_rules_with_account]
    pairs = filter_rules(ctx.query, pairs)
    page, per = page_window(ctx.query, 20, 1, app.rules_page_cap, clamp=True)
    chunk, info = paginate(pairs, page, per)
    return envelope([rule_obj(r, s) for r, s in chunk], info)


def find_rule(rules, rid):
    r = next((r for r in rules if r["id"] == rid), None)
    if r is None:
        raise ApiError(404, 10001, "firewallaccessrules.api.not_found")
    return r


def h_zrules_create(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("firewall_edit")
    r = app.state.access_rule(ctx.json(), z["access_rules"], "zone", z["name"])
    z["access_rules"].append(r)
    return envelope(rule_obj(r, zone_scope(z)))


def h_zrules_patch(app, ctx, zid, rid):
    z = app.zone(ctx, zid)
    ctx.need("firewall_edit")
    old = find_rule(z["access_rules"], rid)
    new = app.state.access_rule(ctx.json(), z["access_rules"], "zone", z["name"], base=old)
    old.update(new)
    return envelope(rule_obj(old, zone_scope(z)))


def h_zrules_delete(app, ctx, zid, rid):
    z = app.zone(ctx, zid)
    ctx.need("firewall_edit")
    z["access_rules"].remove(find_rule(z["access_rules"], rid))
    return envelope({"id": rid})


def h_arules_list(app, ctx, aid):
    a = app.account_for(ctx, aid)
    ctx.need("account_firewall_read", "account_firewall_edit")
    pairs = filter_rules(ctx.query, [(r, account_scope(a)) for r in a["access_rules"]])
    page, per = page_window(ctx.query, 20, 1, app.rules_page_cap, clamp=True)
    chunk, info = paginate(pairs, page, per)
    return envelope([rule_obj(r, s) for r, s in chunk], info)


def h_arules_create(app, ctx, aid):
    a = app.account_for(ctx, aid)
    ctx.need("account_firewall_edit")
    r = app.state.access_rule(ctx.json(), a["access_rules"], "account", aid)
    a["access_rules"].append(r)
    return envelope(rule_obj(r, account_scope(a)))


def h_arules_get(app, ctx, aid, rid):
    a = app.account_for(ctx, aid)
    ctx.need("account_firewall_read", "account_firewall_edit")
    return envelope(rule_obj(find_rule(a["access_rules"], rid), account_scope(a)))


def h_arules_patch(app, ctx, aid, rid):
    a = app.account_for(ctx, aid)
    ctx.need("account_firewall_edit")
    old = find_rule(a["access_rules"], rid)
    old.update(app.state.access_rule(ctx.json(), a["access_rules"], "account", aid, base=old))
    return envelope(rule_obj(old, account_scope(a)))


def h_arules_delete(app, ctx, aid, rid):
    a = app.account_for(ctx, aid)
    ctx.need("account_firewall_edit")
    a["access_rules"].remove(find_rule(a["access_rules"], rid))
    return envelope({"id": rid})


# ---- rulesets

def rs_read(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("cache_rules_read", "cache_rules_edit")
    return z


def rs_write(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("cache_rules_edit")
    return z


def find_ruleset(z, rsid):
    rs = next((r for r in z["rulesets"] if r["id"] == rsid), None)
    if rs is None:
        raise ApiError(404, 10003, f"could not find ruleset {rsid}")
    return rs


def entrypoint(z, phase):
    return next((r for r in z["rulesets"] if r["phase"] == phase), None)


def h_rulesets_list(app, ctx, zid):
    z = rs_read(app, ctx, zid)
    return envelope([State.ruleset_obj(r, with_rules=False) for r in z["rulesets"]])


def h_ruleset_create(app, ctx, zid):
    z = rs_write(app, ctx, zid)
    body = ctx.json()
    if entrypoint(z, body.get("phase")) is not None:
        raise bad(f"a ruleset for the {body.get('phase')} phase already exists", 20217)
    return envelope(State.ruleset_obj(app.state.put_ruleset(z, None, body)))


def h_entrypoint_get(app, ctx, zid, phase):
    z = rs_read(app, ctx, zid)
    rs = entrypoint(z, phase)
    if rs is None:
        raise ApiError(404, 10003, f"could not find entrypoint ruleset in the {phase} phase")
    return envelope(State.ruleset_obj(rs))


def h_entrypoint_put(app, ctx, zid, phase):
    z = rs_write(app, ctx, zid)
    rs = app.state.put_ruleset(z, entrypoint(z, phase), ctx.json(), phase=phase)
    return envelope(State.ruleset_obj(rs))


def h_ruleset_get(app, ctx, zid, rsid):
    z = rs_read(app, ctx, zid)
    return envelope(State.ruleset_obj(find_ruleset(z, rsid)))


def h_ruleset_put(app, ctx, zid, rsid):
    z = rs_write(app, ctx, zid)
    rs = app.state.put_ruleset(z, find_ruleset(z, rsid), ctx.json())
    return envelope(State.ruleset_obj(rs))


def h_ruleset_delete(app, ctx, zid, rsid):
    z = rs_write(app, ctx, zid)
    z["rulesets"].remove(find_ruleset(z, rsid))
    return Reply(204, b"", "application/json")


def find_rs_rule(rs, rule_id):
    r = next((r for r in rs["rules"] if r["id"] == rule_id), None)
    if r is None:
        raise ApiError(404, 10006, f"could not find rule {rule_id} in ruleset {rs['id']}")
    return r


def place_rule(rs, rule, position):
    """Inserts rule following a position object {index}|{before}|{after}."""
    rules = rs["rules"]
    at = len(rules)
    if isinstance(position, dict):
        if is_int(position.get("index")):
            at = max(0, min(position["index"] - 1, len(rules)))
        elif position.get("before"):
            at = rules.index(find_rs_rule(rs, position["before"]))
        elif position.get("after"):
            at = rules.index(find_rs_rule(rs, position["after"])) + 1
    rules.insert(at, rule)


def h_rule_add(app, ctx, zid, rsid):
    z = rs_write(app, ctx, zid)
    rs = find_ruleset(z, rsid)
    body = ctx.json()
    rule = app.state.ruleset_rule(z, body, len(rs["rules"]), {})
    place_rule(rs, rule, body.get("position"))
    rs["version"] = str(int(rs["version"]) + 1)
    return envelope(State.ruleset_obj(rs))


def h_rule_patch(app, ctx, zid, rsid, rule_id):
    z = rs_write(app, ctx, zid)
    rs = find_ruleset(z, rsid)
    old = find_rs_rule(rs, rule_id)
    body = ctx.json()
    new = app.state.ruleset_rule(z, body, rs["rules"].index(old), {}, base=old)
    if "position" in body:
        rs["rules"].remove(old)
        place_rule(rs, new, body["position"])
    else:
        rs["rules"][rs["rules"].index(old)] = new
    rs["version"] = str(int(rs["version"]) + 1)
    return envelope(State.ruleset_obj(rs))


def h_rule_delete(app, ctx, zid, rsid, rule_id):
    z = rs_write(app, ctx, zid)
    rs = find_ruleset(z, rsid)
    rs["rules"].remove(find_rs_rule(rs, rule_id))
    rs["version"] = str(int(rs["version"]) + 1)
    return envelope(State.ruleset_obj(rs))


# ---- page rules

def pr_read(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("pagerules_read", "pagerules_edit", "zone_edit")
    return z


def pr_write(app, ctx, zid):
    z = app.zone(ctx, zid)
    ctx.need("pagerules_edit", "zone_edit")
    return z


def find_pagerule(z, prid):
    r = next((r for r in z["pagerules"] if r["id"] == prid), None)
    if r is None:
        raise ApiError(404, 1002, "Invalid Page Rule identifier")
    return r


def h_pagerules_list(app, ctx, zid):
    z = pr_read(app, ctx, zid)
    q = ctx.query
    rules = list(z["pagerules"])
    if q.get("status"):
        rules = [r for r in rules if r["status"] == q["status"][0]]
    order = q.get("order", ["priority"])[0]
    desc = q.get("direction", ["desc"])[0] == "desc"
    if order == "status":
        rules.sort(key=lambda r: r["status"], reverse=desc)
    else:
        rules.sort(key=lambda r: r["priority"], reverse=desc)
    return envelope([State.pagerule_obj(r) for r in rules])


def h_pagerule_create(app, ctx, zid):
    z = pr_write(app, ctx, zid)
    rule = app.state.pagerule(z, ctx.json())
    z["pagerules"].append(rule)
    return envelope(State.pagerule_obj(rule))


def h_pagerule_get(app, ctx, zid, prid):
    z = pr_read(app, ctx, zid)
    return envelope(State.pagerule_obj(find_pagerule(z, prid)))


def h_pagerule_update(app, ctx, zid, prid):
    z = pr_write(app, ctx, zid)
    old = find_pagerule(z, prid)
    body = ctx.json()
    if ctx.method == "PUT":
        for k in ("targets", "actions"):
            if k not in body:
                raise bad(f"Page Rule validation failed: {k} is required")
        new = app.state.pagerule(z, body, base={"id": prid, "priority": 1,
                                                "status": "disabled"})
    else:
        new = app.state.pagerule(z, body, base=old)
    old.clear()
    old.update(new)
    return envelope(State.pagerule_obj(old))


def h_pagerule_delete(app, ctx, zid, prid):
    z = pr_write(app, ctx, zid)
    z["pagerules"].remove(find_pagerule(z, prid))
    return envelope({"id": prid})


def h_pagerule_settings(app, ctx, zid):
    pr_read(app, ctx, zid)
    out = []
    for aid in PAGERULE_ACTIONS:
        if aid in PAGERULE_TOGGLES:
            prop = {"name": "value", "type": "toggle"}
        elif aid in PAGERULE_ENUMS:
            prop = {"name": "value", "type": "select", "choices": PAGERULE_ENUMS[aid],
                    "multiple": False}
        elif aid in PAGERULE_INTS:
            prop = {"name": "value", "type": "range", "min": 0, "max": 31536000}
        elif aid in PAGERULE_NO_VALUE:
            prop = None
        else:
            prop = {"name": "value", "type": "object"}
        out.append({"id": aid, "properties": [prop] if prop else []})
    return envelope(out)


ZID = r"([^/]+)"
ROUTES = [(m, re.compile(p), fn, auth) for m, p, fn, auth in [
    ("GET", r"/user/tokens/verify", h_verify_user, "verify"),
    ("GET", r"/accounts/([^/]+)/tokens/verify", h_verify_account, "verify"),
    ("GET", r"/accounts", h_accounts, "token"),
    ("GET", r"/accounts/([^/]+)", h_account, "token"),
    ("GET", r"/ips", h_ips, "none"),
    ("GET", r"/zones", h_zones_list, "token"),
    ("POST", r"/zones", h_zone_create, "token"),
    ("GET", rf"/zones/{ZID}", h_zone_get, "token"),
    ("PATCH", rf"/zones/{ZID}", h_zone_patch, "token"),
    ("DELETE", rf"/zones/{ZID}", h_zone_delete, "token"),
    ("PUT", rf"/zones/{ZID}/activation_check", h_zone_activation, "token"),
    ("GET", rf"/zones/{ZID}/dns_records", h_dns_list, "token"),
    ("POST", rf"/zones/{ZID}/dns_records", h_dns_create, "token"),
    ("GET", rf"/zones/{ZID}/dns_records/export", h_dns_export, "token"),
    ("POST", rf"/zones/{ZID}/dns_records/import", h_dns_import, "token"),
    ("GET", rf"/zones/{ZID}/dns_records/([^/]+)", h_dns_get, "token"),
    ("PUT", rf"/zones/{ZID}/dns_records/([^/]+)", h_dns_update, "token"),
    ("PATCH", rf"/zones/{ZID}/dns_records/([^/]+)", h_dns_update, "token"),
    ("DELETE", rf"/zones/{ZID}/dns_records/([^/]+)", h_dns_delete, "token"),
    ("GET", rf"/zones/{ZID}/settings", h_settings_list, "token"),
    ("PATCH", rf"/zones/{ZID}/settings", h_settings_patch, "token"),
    ("GET", rf"/zones/{ZID}/settings/([^/]+)", h_setting_get, "token"),
    ("PATCH", rf"/zones/{ZID}/settings/([^/]+)", h_setting_patch, "token"),
    ("POST", rf"/zones/{ZID}/purge_cache", h_purge, "token"),
    ("GET", rf"/zones/{ZID}/firewall/access_rules/rules", h_zrules_list, "token"),
    ("POST", rf"/zones/{ZID}/firewall/access_rules/rules", h_zrules_create, "token"),
    ("PATCH", rf"/zones/{ZID}/firewall/access_rules/rules/([^/]+)", h_zrules_patch, "token"),
    ("DELETE", rf"/zones/{ZID}/firewall/access_rules/rules/([^/]+)", h_zrules_delete, "token"),
    ("GET", r"/accounts/([^/]+)/firewall/access_rules/rules", h_arules_list, "token"),
    ("POST", r"/accounts/([^/]+)/firewall/access_rules/rules", h_arules_create, "token"),
    ("GET", r"/accounts/([^/]+)/firewall/access_rules/rules/([^/]+)", h_arules_get, "token"),
    ("PATCH", r"/accounts/([^/]+)/firewall/access_rules/rules/([^/]+)", h_arules_patch,
     "token"),
    ("DELETE", r"/accounts/([^/]+)/firewall/access_rules/rules/([^/]+)", h_arules_delete,
     "token"),
    ("GET", rf"/zones/{ZID}/rulesets", h_rulesets_list, "token"),
    ("POST", rf"/zones/{ZID}/rulesets", h_ruleset_create, "token"),
    ("GET", rf"/zones/{ZID}/rulesets/phases/([^/]+)/entrypoint", h_entrypoint_get, "token"),
    ("PUT", rf"/zones/{ZID}/rulesets/phases/([^/]+)/entrypoint", h_entrypoint_put, "token"),
    ("GET", rf"/zones/{ZID}/rulesets/([^/]+)", h_ruleset_get, "token"),
    ("PUT", rf"/zones/{ZID}/rulesets/([^/]+)", h_ruleset_put, "token"),
    ("DELETE", rf"/zones/{ZID}/rulesets/([^/]+)", h_ruleset_delete, "token"),
    ("POST", rf"/zones/{ZID}/rulesets/([^/]+)/rules", h_rule_add, "token"),
    ("PATCH", rf"/zones/{ZID}/rulesets/([^/]+)/rules/([^/]+)", h_rule_patch, "token"),
    ("DELETE", rf"/zones/{ZID}/rulesets/([^/]+)/rules/([^/]+)", h_rule_delete, "token"),
    ("GET", rf"/zones/{ZID}/pagerules", h_pagerules_list, "token"),
    ("POST", rf"/zones/{ZID}/pagerules", h_pagerule_create, "token"),
    ("GET", rf"/zones/{ZID}/pagerules/settings", h_pagerule_settings, "token"),
    ("GET", rf"/zones/{ZID}/pagerules/([^/]+)", h_pagerule_get, "token"),
    ("PUT", rf"/zones/{ZID}/pagerules/([^/]+)", h_pagerule_update, "token"),
    ("PATCH", rf"/zones/{ZID}/pagerules/([^/]+)", h_pagerule_update, "token"),
    ("DELETE", rf"/zones/{ZID}/pagerules/([^/]+)", h_pagerule_delete, "token"),
]]
# A path that matches an earlier pattern for another method must still reach a later
# route for its own method ("/zones/{id}/pagerules/settings" vs ".../{prid}"): dispatch
# scans the whole table, so the order only matters between routes of the same method.


# ---------------------------------------------------------------- faults

class Fault:
    def __init__(self, spec):
        if not isinstance(spec, dict) or spec.get("mode") not in FAULT_MODES:
            raise ValueError(f"mode must be one of {FAULT_MODES}")
        self.match = re.compile(spec.get("match", ""))
        self.body = re.compile(spec["body"]) if spec.get("body") else None  # on the raw body
        self.mode = spec["mode"]
        self.count = int(spec.get("count", 1))
        self.retry_after = spec.get("retry_after", 1)
        self.delay_ms = spec.get("delay_ms")
        self.status = spec.get("status")
        self.payload = spec.get("payload")  # "payload": this JSON (or raw string) as the body


def take_fault(app, line, body=""):
    with app.lock:
        for f in app.faults:
            if f.count != 0 and f.match.search(line) and \
                    (f.body is None or f.body.search(body)):
                if f.count > 0:
                    f.count -= 1
                if f.count == 0:
                    app.faults.remove(f)
                return f
    return None


def corrupt_utf8(body):
    for marker in (b'"content":"', b'"name":"', b'":"'):
        i = body.find(marker)
        if i >= 0:
            i += len(marker)
            return body[:i] + b"\xff\xfe\x01" + body[i:]
    return body


# ---------------------------------------------------------------- HTTP

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300
    # Headers and body go out in two writes: with Nagle on, the body waits for
    # the client's delayed ACK (40 ms), a latency Cloudflare does not have.
    disable_nagle_algorithm = True

    def version_string(self):
        return "cloudflare"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.conn_id = self.server.app.next_conn()

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    # ---- plumbing

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, reply):
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        for k, v in reply.headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(reply.body)

    def send_json(self, status, obj):
        self.send(Reply(status, dumps(obj)))

    def abort(self, rst):
        """Drops the connection: a FIN, or with rst a TCP reset (SO_LINGER 0).
        The fd is detached and closed at once, because rfile still holds the socket."""
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                os.close(self.connection.detach())
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---- one request

    def handle_any(self):
        app = self.server.app
        t0 = time.time()  # headers parsed: the request has arrived
        url = urlsplit(self.path)
        raw = self.read_body()
        if url.path.startswith("/__"):
            return self.control(app, url.path, raw)
        query = parse_qs(url.query, keep_blank_values=True)
        sub = url.path[len(API):] if url.path.startswith(API + "/") else None
        ctx = Ctx(self.command, sub or url.path, query, self.headers, raw)
        kind, tok = app.find_token(self.headers)
        entry = {"t0": t0, "ts": None, "method": self.command, "path": url.path, "query": query,
                 "token": tok["label"] if tok else (None if kind == "missing" else "?"),
                 "status": None,
                 "body": {"multipart": [n for n, _ in ctx.multipart]} if ctx.multipart
                 is not None else ctx.body,
                 "conn": self.conn_id, "http_version": self.request_version}
        if ctx.multipart:  # the small parts' values too (DNS import's "proxied")
            entry["parts"] = {n: v.decode("utf-8", "replace") for n, v in ctx.multipart
                              if n != "file" and len(v) <= 64}
        try:
            if sub is None:
                self.send(error_reply(ApiError(404, 7000, "No route for that URI")))
                entry["status"] = 404
                return
            if app.latency_ms:
                time.sleep(app.latency_ms / 1000.0)
            fault = take_fault(app, f"{self.command} {url.path}" +
                               (f"?{url.query}" if url.query else ""),
                               raw.decode("utf-8", "replace"))
            if fault:
                entry["fault"] = fault.mode
                if self.inject(app, fault, ctx, entry):
                    return
            reply = app.dispatch(ctx)
            if fault and fault.mode == "badutf8":
                reply.body = corrupt_utf8(reply.body)
            if fault and fault.mode == "truncate":
                entry["status"] = reply.status
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.ctype)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body[:len(reply.body) // 2])
                self.abort(rst=False)
                return
            entry["status"] = reply.status
            # Logged before the answer goes out, so a client that has its
            # answer (and a test reading /__requests after it) finds it there.
            entry["ts"] = time.time()
            app.log(entry)
            entry = None
            self.send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if entry is not None:
                entry["ts"] = time.time()  # answered (or dropped)
                app.log(entry)

    def inject(self, app, fault, ctx, entry):
        """Plays a fault; returns True when the request is fully handled."""
        mode = fault.mode
        if mode == "slow":
            time.sleep((fault.delay_ms or 0) / 1000.0)
            return False
        if mode in ("badutf8", "truncate"):
            return False
        if mode == "hang":
            time.sleep((60000 if fault.delay_ms is None else fault.delay_ms) / 1000.0)
            self.abort(rst=False)
            return True
        if mode == "reset":
            self.abort(rst=True)
            return True
        if mode == "huge":
            entry["status"] = 200
            self.send_huge()
            return True
        if mode == "429":
            hdrs = [] if fault.retry_after is None else [("Retry-After", str(fault.retry_after))]
            reply = error_reply(ApiError(429, 10100, "More than 1200 requests per 300 seconds "
                                         "reached. Please wait and consider throttling your "
                                         "request speed"))
            reply.headers = hdrs
        elif mode == "5xx":
            status = fault.status or 502
            reason = self.responses.get(status, ("Error",))[0]
            reply = Reply(status, f"<html><body><h1>{status} {reason}</h1></body></html>"
                          .encode(), "text/html")
        elif mode == "500json":
            reply = error_reply(ApiError(fault.status or 500, 99999, "Internal error"))
        elif mode == "badjson":
            reply = Reply(200, b'{"success": tru')
        elif mode == "html":
            reply = Reply(fault.status or 200, b"<html>Cloudflare error page</html>",
                          "text/html")
        elif mode == "unknown_error":
            reply = error_reply(ApiError(fault.status or 400, 77777, "Something new went wrong"))
        elif mode == "payload":
            p = fault.payload
            reply = Reply(fault.status or 200, p.encode("utf-8", "surrogateescape")
                          if isinstance(p, str) else dumps(p))
        elif mode == "nested":
            reply = Reply(200, b"[" * 100000 + b"]" * 100000)
        else:
            return False
        entry["status"] = reply.status
        self.send(reply)
        return True

    def send_huge(self):
        head = b'{"success":true,"errors":[],"messages":[],"result":"'
        tail = b'"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(head) + HUGE_BYTES + len(tail)))
        self.end_headers()
        chunk = b"x" * (1024 * 1024)
        try:
            self.wfile.write(head)
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
            self.wfile.write(tail)
        except OSError:
            self.close_connection = True

    # ---- control endpoints

    def control(self, app, path, raw):
        method = self.command
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return self.send_json(400, {"ok": False, "error": "body is not JSON"})
        if method == "POST" and path == "/__reset":
            try:
                new = State(body)
            except ApiError as e:
                return self.send_json(400, {"ok": False, "error": e.message})
            with app.lock:
                app.state = new
                app.faults = []
            with app.log_lock:
                app.requests = []
            app.log({"ts": time.time(), "reset": True}, keep=False)
            return self.send_json(200, {"ok": True})
        if method == "GET" and path == "/__state":
            with app.lock:
                snap = app.state.snapshot()
            return self.send_json(200, snap)
        if method == "POST" and path == "/__fault":
            try:
                f = Fault(body)
            except (ValueError, re.error, TypeError) as e:
                return self.send_json(400, {"ok": False, "error": str(e)})
            with app.lock:
                app.faults.append(f)
            return self.send_json(200, {"ok": True})
        if method == "POST" and path == "/__clear_faults":
            with app.lock:
                app.faults = []
            return self.send_json(200, {"ok": True})
        if method == "POST" and path == "/__config":
            for key in ("latency_ms", "dns_page_cap", "rules_page_cap",
                        "zone_rules_with_account"):
                if key in body:
                    setattr(app, key, int(body[key]))
            return self.send_json(200, {"ok": True, "latency_ms": app.latency_ms,
                                        "dns_page_cap": app.dns_page_cap,
                                        "rules_page_cap": app.rules_page_cap})
        if method == "GET" and path == "/__requests":
            with app.log_lock:
                entries = list(app.requests)
            return self.send_json(200, entries)
        if method == "POST" and path == "/__requests/clear":
            with app.log_lock:
                app.requests = []
            return self.send_json(200, {"ok": True})
        return self.send_json(404, {"ok": False, "error": "unknown control endpoint"})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs of parallel clients (1 s retry)

    def handle_error(self, request, client_address):
        # A client killed mid-request (the kill tests) is not the fake's error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def write_portfile(path, port):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="fake Cloudflare v4 API on 127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile")
    ap.add_argument("--log")
    ap.add_argument("--state")
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--dns-page-cap", type=int, default=5000)
    ap.add_argument("--rules-page-cap", type=int, default=1000)
    args = ap.parse_args(argv)

    raw = {}
    if args.state:
        with open(args.state, encoding="utf-8") as f:
            raw = json.load(f)
    try:
        app = App(raw, args.log, args.latency_ms, args.dns_page_cap, args.rules_page_cap)
    except ApiError as e:
        print(f"fakecf: bad state: {e.message}", file=sys.stderr)
        return 2
    server = Server(("127.0.0.1", args.port), Handler)
    server.app = app
    port = server.server_address[1]
    if args.portfile:
        write_portfile(args.portfile, port)

    stopping = threading.Event()

    def stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    parent = os.getppid()

    def watch_parent():
        while not stopping.is_set():
            time.sleep(1)
            if os.getppid() != parent:  # reparented: whoever started us is gone
                stop()
                return

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if app.logf:
            app.logf.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Static checks of the panel-side XML of the Cloudflare plugin.

Usage:
    xmlcheck.py [MOD_XML] [--plugin FILE] [--slists FILE]

MOD_XML   the plugin description (default: ../xml/ispmgr_mod_cloudflare.xml
          relative to this script)
--plugin  the Modules entry (default: ../etc/plugins/ispmgr/cloudflare.xml)
--slists  optional JSON {form: {field: [keys]}} with the static select keys
          the C handler emits; skipped when not given or absent

Prints one PASS/FAIL/SKIP line per check, one indented line per problem, and
ends with exactly "N passed, N failed". Exits 1 if any check failed.
Python 3 standard library only.
"""

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MOD = os.path.join(HERE, '..', 'xml', 'ispmgr_mod_cloudflare.xml')
DEFAULT_PLUGIN = os.path.join(HERE, '..', 'etc', 'plugins', 'ispmgr', 'cloudflare.xml')

LANGS = ('en', 'ru')
HANDLER = 'cloudflare'
SETTINGS_FUNC = 'cloudflare.settings'
PAGERULE_FORM = 'cloudflare.pagerule.edit'
FORBIDDEN_IN_PAGERULE = 'always_online'

# The static selects and their keys: the contract with the C handler, which
# sends <slist name="F"><msg>KEY</msg>...</slist> and relies on the F_KEY
# messages of the form for the captions.
TRI = ['default', 'on', 'off']
BROWSER_CACHE_TTL = ['0', '30', '60', '120', '300', '1200', '1800', '3600', '7200',
                     '10800', '14400', '18000', '28800', '43200', '57600', '72000',
                     '86400', '172800', '259200', '345600', '432000', '691200',
                     '1382400', '2073600', '2678400', '5356800', '16070400', '31536000']
STATIC = {
    'cloudflare.dns.edit': {
        'type': ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA'],
        'ttl': ['1', '60', '120', '300', '600', '900', '1800', '3600', '7200',
                '18000', '43200', '86400'],
    },
    'cloudflare.zone.settings': {
        'ssl': ['off', 'flexible', 'full', 'strict'],
        'min_tls_version': ['1.0', '1.1', '1.2', '1.3'],
        'security_level': ['off', 'essentially_off', 'low', 'medium', 'high', 'under_attack'],
        'challenge_ttl': ['300', '900', '1800', '2700', '3600', '7200', '10800', '14400',
                          '28800', '57600', '86400', '604800', '2592000', '31536000'],
        'cache_level': ['aggressive', 'basic', 'simplified'],
        'browser_cache_ttl': BROWSER_CACHE_TTL,
    },
    'cloudflare.purge': {
        'mode': ['everything', 'urls', 'hosts', 'prefixes', 'tags'],
    },
    'cloudflare.firewall.edit': {
        'target': ['ip', 'ip_range', 'country', 'asn'],
        'mode': ['block', 'challenge', 'js_challenge', 'managed_challenge', 'whitelist'],
    },
    'cloudflare.cacherule.edit': {
        'match': ['hostname', 'path_prefix', 'extension', 'expression'],
    },
    'cloudflare.pagerule.edit': dict(
        {f: TRI for f in [
            'automatic_https_rewrites', 'browser_check', 'cache_deception_armor',
            'email_obfuscation', 'explicit_cache_control', 'ip_geolocation',
            'opportunistic_encryption', 'origin_error_page_pass_thru',
            'respect_strong_etag', 'response_buffering', 'rocket_loader',
            'sort_query_string_for_cache', 'true_client_ip_header', 'waf',
            'cache_by_device_type']},
        status=['active', 'disabled'],
        forwarding_status=['301', '302'],
        cache_level=['default', 'bypass', 'basic', 'simplified', 'aggressive', 'cache_everything'],
        security_level=['default', 'off', 'essentially_off', 'low', 'medium', 'high', 'under_attack'],
        ssl=['default', 'off', 'flexible', 'full', 'strict'],
        browser_cache_ttl=['default'] + BROWSER_CACHE_TTL,
        polish=['default', 'off', 'lossless', 'lossy'],
    ),
}
# Selects whose options the handler sends with their captions (<val key="K">caption</val>).
DYNAMIC = {
    'cloudflare.zone.edit': {'name', 'account'},
}
TOOLBTN_TYPES = {'new', 'edit', 'group', 'list', 'back', 'refresh', 'editlist'}


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, title, problems):
        problems = list(problems)
        if problems:
            self.failed += 1
            print(f'FAIL {title}')
            for p in problems:
                print(f'     - {p}')
        else:
            self.passed += 1
            print(f'PASS {title}')
        return not problems

    def skip(self, title, why):
        print(f'SKIP {title}: {why}')

    def finish(self):
        print(f'{self.passed} passed, {self.failed} failed')
        return 1 if self.failed else 0


def parse(path):
    """Returns (root, error)."""
    try:
        return ET.parse(path).getroot(), None
    except (ET.ParseError, OSError) as e:
        return None, str(e)


def load_messages(root):
    """{lang: {block: {name: text}}} and a list of duplicate/empty problems."""
    msgs = {}
    problems = []
    for lang in root.findall('lang'):
        lname = lang.get('name')
        per = msgs.setdefault(lname, {})
        for block in lang.findall('messages'):
            bname = block.get('name')
            d = per.setdefault(bname, {})
            for m in block.findall('msg'):
                n = m.get('name')
                if n is None:
                    problems.append(f'{lname}: {bname}: <msg> without a name')
                    continue
                if n in d:
                    problems.append(f'{lname}: {bname}: duplicate msg "{n}"')
                text = ''.join(m.itertext()).strip()
                if not text:
                    problems.append(f'{lname}: {bname}: empty msg "{n}"')
                d[n] = text
    return msgs, problems


def need(msgs, block, names):
    """Problems for every name missing from block in any language."""
    out = []
    for lang in LANGS:
        have = msgs.get(lang, {}).get(block, {})
        for n in names:
            if n not in have:
                out.append(f'{lang}: {block}: missing msg "{n}"')
    return out


def metadata(root, kind):
    return [md for md in root.findall('metadata') if md.get('type') == kind]


def controls(form_md):
    """Input-like elements of a form: input, select, textarea."""
    for tag in ('input', 'select', 'textarea'):
        for el in form_md.iter(tag):
            yield el


def toolbtns(root):
    for md in metadata(root, 'list'):
        for b in md.iter('toolbtn'):
            yield md, b


def menu_nodes(root):
    """(node, is_group) for every node of every main menu."""
    for mm in root.findall('mainmenu'):
        for node in mm.iter('node'):
            yield node, node.find('node') is not None


def check_module(rep, root, slists):
    rep.check('root element is <mgrdata>',
              [] if root.tag == 'mgrdata' else [f'root is <{root.tag}>'])

    # --- handler ---
    handlers = root.findall('handler')
    probs = []
    cgi = [h for h in handlers if h.get('name') == HANDLER and h.get('type') == 'cgi']
    if len(cgi) != 1:
        probs.append(f'expected one <handler name="{HANDLER}" type="cgi">, found {len(cgi)}')
    funcs = []
    for h in cgi:
        funcs += [f.get('name') for f in h.findall('func')]
    for f in sorted({f for f in funcs if funcs.count(f) > 1}):
        probs.append(f'func "{f}" declared twice')
    for f in funcs:
        if not f or not f.startswith('cloudflare.'):
            probs.append(f'func "{f}" is not a cloudflare.* func')
    rep.check(f'one cgi handler "{HANDLER}" with unique cloudflare.* funcs', probs)
    declared = set(funcs)

    # --- every referenced func is declared ---
    probs = []
    for md in root.findall('metadata'):
        if md.get('name') not in declared:
            probs.append(f'metadata "{md.get("name")}" is not a handler func')
    for md, b in toolbtns(root):
        if b.get('func') not in declared:
            probs.append(f'{md.get("name")}: toolbtn "{b.get("name")}" opens undeclared func "{b.get("func")}"')
    for node, is_group in menu_nodes(root):
        if not is_group and node.get('name') not in declared:
            probs.append(f'menu node "{node.get("name")}" is not a handler func')
    rep.check('every func named in metadata, toolbars and menu is in the handler', probs)

    # --- every handler func is used somewhere ---
    used = {md.get('name') for md in root.findall('metadata')}
    used |= {b.get('func') for _, b in toolbtns(root)}
    rep.check('every handler func has metadata or a toolbar button',
              [f'func "{f}" is neither described nor reachable' for f in funcs if f not in used])

    msgs, probs = load_messages(root)
    rep.check('messages: no duplicates, no empty texts', probs)

    # --- en/ru parity ---
    probs = []
    for lang in LANGS:
        if lang not in msgs:
            probs.append(f'no <lang name="{lang}">')
    for a, b in ((LANGS[0], LANGS[1]), (LANGS[1], LANGS[0])):
        for block, d in msgs.get(a, {}).items():
            other = msgs.get(b, {}).get(block)
            if other is None:
                probs.append(f'<messages name="{block}"> exists in {a} but not in {b}')
                continue
            for n in d:
                if n not in other:
                    probs.append(f'{block}: msg "{n}" exists in {a} but not in {b}')
    rep.check('every message in one language exists in the other', probs)

    known_blocks = {'desktop'} | {md.get('name') for md in root.findall('metadata')}
    probs = [f'{lang}: <messages name="{b}"> matches no metadata'
             for lang in LANGS for b in msgs.get(lang, {}) if b not in known_blocks]
    rep.check('every messages block belongs to a list, a form or the menu', probs)

    # --- menu ---
    names = [f'modernmenu_{n.get("name")}' for n, _ in menu_nodes(root)]
    probs = need(msgs, 'desktop', names)
    if not names:
        probs.append('no menu nodes')
    if not root.findall('mainmenu/modernmenu'):
        probs.append('no <mainmenu><modernmenu>')
    rep.check('menu: every node has a modernmenu_ caption in en and ru', probs)

    forms = {md.get('name'): md for md in metadata(root, 'form')}
    lists = {md.get('name'): md for md in metadata(root, 'list')}

    # --- lists ---
    sublists = set()
    opened_new, opened_edit, opened_from_sublist = set(), set(), set()
    for md, b in toolbtns(root):
        if b.get('type') == 'list':
            sublists.add(b.get('func'))
    for md, b in toolbtns(root):
        t, f = b.get('type'), b.get('func')
        if t == 'new':
            opened_new.add(f)
        if t == 'edit':
            opened_edit.add(f)
        if md.get('name') in sublists and t in ('new', 'edit'):
            opened_from_sublist.add(f)

    for name, md in lists.items():
        probs = []
        if not md.get('key'):
            probs.append('list has no key attribute')
        wanted = ['title']
        cols = md.findall('coldata/col')
        if not cols:
            probs.append('list has no columns')
        wanted += [c.get('name') for c in cols]
        has_back = False
        for b in md.iter('toolbtn'):
            bn, bt = b.get('name'), b.get('type')
            if bt not in TOOLBTN_TYPES:
                probs.append(f'toolbtn "{bn}" has unknown type "{bt}"')
            wanted += [f'short_{bn}', f'hint_{bn}']
            if bt == 'group':
                wanted.append('msg_' + b.get('func', '').replace('.', '_'))
            if bt == 'back':
                has_back = True
        if name in sublists and not has_back:
            probs.append('sublist has no type="back" button')
        probs += need(msgs, name, wanted)
        rep.check(f'list {name}: title, columns, buttons and confirmations in en and ru', probs)

    # --- forms ---
    static = {f: dict(v) for f, v in STATIC.items()}
    for form, fields in (slists or {}).items():
        for field, keys in fields.items():
            static.setdefault(form, {})[field] = list(keys)

    for name, md in forms.items():
        probs = []
        wanted = ['title']
        if name in opened_new:
            wanted.append('title_new')
        field_names = [f.get('name') for f in md.iter('field')]
        wanted += field_names
        wanted += [p.get('name') for p in md.iter('page')]
        hidden = set()
        for el in controls(md):
            cname = el.get('name')
            if el.tag == 'input' and el.get('type') == 'hidden':
                hidden.add(cname)
                continue
            if el.get('readonly') == 'yes':
                continue
            wanted.append(f'hint_{cname}')
        for sel in md.iter('select'):
            field = sel.get('name')
            if field in DYNAMIC.get(name, set()):
                continue
            keys = static.get(name, {}).get(field)
            if keys is None:
                probs.append(f'select "{field}" is neither in the static-key contract nor dynamic')
                continue
            wanted += [f'{field}_{k}' for k in keys]
        # conditions refer to existing fields
        for cond in list(md.iter('if')) + list(md.iter('else')):
            target = cond.get('hide')
            if target and target not in field_names:
                probs.append(f'<{cond.tag} hide="{target}"> names no field')
        # hidden keys
        if name in opened_edit and 'elid' not in hidden:
            probs.append('opened by an edit button but has no hidden elid')
        if name in opened_from_sublist and 'plid' not in hidden:
            probs.append('opened from a sublist but has no hidden plid')
        probs += need(msgs, name, wanted)
        rep.check(f'form {name}: title, fields, hints and select keys in en and ru', probs)

    probs = []
    for form, fields in STATIC.items():
        md = forms.get(form)
        if md is None:
            probs.append(f'form "{form}" has static selects in the contract but no metadata')
            continue
        sels = {s.get('name') for s in md.iter('select')}
        for field in fields:
            if field not in sels:
                probs.append(f'{form}: contract names select "{field}" which the form lacks')
    rep.check('the static-key contract matches the form selects', probs)

    # --- always_online ---
    probs = []
    md = forms.get(PAGERULE_FORM)
    if md is None:
        probs.append(f'no form {PAGERULE_FORM}')
    else:
        for el in md.iter():
            for k, v in el.attrib.items():
                if FORBIDDEN_IN_PAGERULE in v:
                    probs.append(f'metadata: <{el.tag} {k}="{v}">')
            if el.text and FORBIDDEN_IN_PAGERULE in el.text:
                probs.append(f'metadata: text of <{el.tag}>')
    for lang in LANGS:
        for n, text in msgs.get(lang, {}).get(PAGERULE_FORM, {}).items():
            if FORBIDDEN_IN_PAGERULE in n or FORBIDDEN_IN_PAGERULE in text:
                probs.append(f'{lang}: msg "{n}"')
    rep.check(f'no {FORBIDDEN_IN_PAGERULE} anywhere in {PAGERULE_FORM}', probs)

    # --- api_token ---
    probs = []
    seen = 0
    for name, md in forms.items():
        for el in controls(md):
            if el.get('name') != 'api_token':
                continue
            seen += 1
            if el.tag != 'input' or el.get('type') != 'password':
                probs.append(f'{name}: api_token is not <input type="password">')
            if el.get('private') != 'yes':
                probs.append(f'{name}: api_token is not private="yes"')
    if not seen:
        probs.append('no form has an api_token input')
    rep.check('every api_token input is a private password input', probs)

    # --- optional slists from the C side ---
    return declared, forms, msgs


def check_slists(rep, path, forms, msgs):
    """The JSON the C side may emit: {form: {field: [keys]}}."""
    probs = []
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        rep.check(f'slists {path}: readable JSON', [str(e)])
        return
    if not isinstance(data, dict):
        rep.check(f'slists {path}: readable JSON', ['top level is not an object'])
        return
    for form, fields in data.items():
        md = forms.get(form)
        if md is None:
            probs.append(f'unknown form "{form}"')
            continue
        if not isinstance(fields, dict):
            probs.append(f'{form}: value is not an object')
            continue
        sels = {s.get('name') for s in md.iter('select')}
        for field, keys in fields.items():
            if field not in sels:
                probs.append(f'{form}: no select "{field}"')
                continue
            if not isinstance(keys, list):
                probs.append(f'{form}.{field}: keys are not a list')
                continue
            probs += need(msgs, form, [f'{field}_{k}' for k in keys])
    rep.check(f'slists {path}: every key the handler emits has a caption in en and ru', probs)


def check_plugin(rep, path, declared, forms):
    root, err = parse(path)
    if not rep.check(f'well-formed: {path}', [err] if err else []):
        return
    probs = []
    plugins = root.findall('plugin') if root.tag == 'mgrdata' else []
    if root.tag != 'mgrdata':
        probs.append(f'root is <{root.tag}>, not <mgrdata>')
    if len(plugins) != 1 or plugins[0].get('name') != 'cloudflare':
        probs.append('expected exactly one <plugin name="cloudflare">')
    for p in plugins:
        s = (p.findtext('settings') or '').strip()
        if s != SETTINGS_FUNC:
            probs.append(f'<settings> is "{s}", expected "{SETTINGS_FUNC}"')
        elif s not in declared:
            probs.append(f'settings func "{s}" is not in the handler')
        elif s not in forms:
            probs.append(f'settings func "{s}" has no form metadata')
        if p.find('free') is None:
            probs.append('no <free/>')
        for n in ('desc_short', 'desc_full'):
            for lang in LANGS:
                found = [m for m in p.findall('msg')
                         if m.get('name') == n and m.get('lang') == lang and (m.text or '').strip()]
                if not found:
                    probs.append(f'no {n} in {lang}')
    rep.check('Modules entry: plugin "cloudflare", settings func, free, descriptions in en and ru', probs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('mod', nargs='?', default=DEFAULT_MOD, help='ispmgr_mod_cloudflare.xml')
    ap.add_argument('--plugin', default=DEFAULT_PLUGIN, help='etc/plugins/ispmgr/cloudflare.xml')
    ap.add_argument('--slists', help='JSON {form: {field: [keys]}} from the C side (optional)')
    args = ap.parse_args()

    rep = Report()
    root, err = parse(args.mod)
    if not rep.check(f'well-formed: {args.mod}', [err] if err else []):
        sys.exit(rep.finish())

    slists = None
    if args.slists and os.path.exists(args.slists):
        try:
            with open(args.slists, encoding='utf-8') as f:
                slists = json.load(f)
            if not isinstance(slists, dict):
                slists = None
        except (OSError, ValueError):
            slists = None   # reported by check_slists

    declared, forms, msgs = check_module(rep, root, slists)

    if not args.slists:
        rep.skip('slists', 'no --slists given')
    elif not os.path.exists(args.slists):
        rep.skip('slists', f'{args.slists} does not exist')
    else:
        check_slists(rep, args.slists, forms, msgs)

    check_plugin(rep, args.plugin, declared, forms)
    sys.exit(rep.finish())


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Both message sets of the Cloudflare plugin are complete and consistent.

Usage:
    langcheck.py [--src DIR] [--no-xml]

1. Every T("English", "Русский") pair in DIR/*.c (default: ../src next to
   this script).  The C source is tokenized properly: comments, character
   constants and string literals are skipped as wholes, literals split
   across lines are concatenated, escapes are decoded.  A pair fails when
     - an arm is empty;
     - the Russian arm has no Cyrillic letter (see ALLOW_LATIN_RU), or the
       English arm has one (arms swapped);
     - the arms' printf conversions differ (%s %d %zu %ld %lld %% ...);
     - an arm has leading or trailing whitespace the other lacks.
   An arm that is not made of string literals only (a variable, a macro)
   cannot be checked here and is reported as skipped, not failed.  The
   tables such arms read from are checked instead: in a brace initializer,
   a string literal with Cyrillic letters that follows a string literal
   without them, { ..., "English", "Русский", ... }, is a pair too.
   Besides the pairs, an err_set()/err_vset() whose format is a bare string
   literal with words in it (an English-only error) fails too.
2. tests/xmlcheck.py: the panel XML's en/ru messages, captions and hints.

Prints one line per problem as FILE:LINE: what, and ends with exactly
"N passed, N failed".  Exits 1 if anything failed.
Python 3 standard library only.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..'))

# Pairs whose Russian arm may lack a Cyrillic letter, each with its reason.
# Keyed by the exact (English, Russian) texts.  A pair with no letters in
# either arm ("%s: %s") needs no entry.
ALLOW_LATIN_RU = {
    (' on ', ' '): 'src/fn_account.c: "expired on 2026-01-01" is '
                   '"истёк 2026-01-01" in Russian, with no preposition',
}

CYRILLIC = re.compile('[\u0400-\u04ff]')

# A printf conversion: %[n$][flags][width][.prec][length]conv
CONV = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(\*|\d+)?(?:\.(\*|\d*))?"
                  r"(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcspn%])")

WORDY = re.compile(r'[A-Za-z]{2,}')
LETTER = re.compile(r'[^\W\d_]')


class Tok:
    __slots__ = ('kind', 'text', 'line', 'value')

    def __init__(self, kind, text, line, value=None):
        self.kind = kind      # 'id', 'str', 'punct', 'other'
        self.text = text
        self.line = line
        self.value = value    # decoded bytes for 'str'


SIMPLE_ESC = {'n': 10, 't': 9, 'r': 13, 'a': 7, 'b': 8, 'f': 12, 'v': 11,
              '\\': 92, '"': 34, "'": 39, '?': 63, 'e': 27}


def decode_literal(body, where):
    """The bytes of a C string literal body (between the quotes)."""
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != '\\':
            out += c.encode('utf-8')
            i += 1
            continue
        i += 1
        if i >= n:
            raise ValueError('%s: a backslash ends the literal' % where)
        c = body[i]
        if c in SIMPLE_ESC:
            out.append(SIMPLE_ESC[c])
            i += 1
        elif c in '01234567':
            j = i
            while j < n and j < i + 3 and body[j] in '01234567':
                j += 1
            out.append(int(body[i:j], 8) & 0xff)
            i = j
        elif c == 'x':
            j = i + 1
            while j < n and body[j] in '0123456789abcdefABCDEF':
                j += 1
            if j == i + 1:
                raise ValueError('%s: \\x without hex digits' % where)
            out.append(int(body[i + 1:j], 16) & 0xff)
            i = j
        elif c in 'uU':
            k = 4 if c == 'u' else 8
            digits = body[i + 1:i + 1 + k]
            if len(digits) != k or not re.fullmatch('[0-9a-fA-F]+', digits):
                raise ValueError('%s: bad \\%s escape' % (where, c))
            out += chr(int(digits, 16)).encode('utf-8')
            i += 1 + k
        else:
            raise ValueError('%s: unknown escape \\%s' % (where, c))
    return bytes(out)


def tokenize(text, path):
    """C tokens, enough to find calls and their literal arguments."""
    toks = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
        elif c in ' \t\r\f\v':
            i += 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j == -1 else j + 2
            line += text.count('\n', i, j)
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j == -1 else j
        elif c == '#' and (not toks or toks[-1].line != line or
                           _at_line_start(text, i)):
            # A preprocessor line, with its continuations: skipped whole.
            j = i
            while True:
                k = text.find('\n', j)
                if k == -1:
                    j = n
                    break
                if text[k - 1] == '\\':
                    j = k + 1
                    continue
                j = k
                break
            line += text.count('\n', i, j)
            i = j
        elif c == '"' or (c in 'uUL' and _prefixed_literal(text, i)):
            start_line = line
            q = text.index('"', i)
            j = q + 1
            while j < n and text[j] != '"':
                if text[j] == '\\':
                    j += 1
                if j < n and text[j] == '\n':
                    raise ValueError('%s:%d: newline inside a string '
                                     'literal' % (path, line))
                j += 1
            if j >= n:
                raise ValueError('%s:%d: unterminated string literal'
                                 % (path, start_line))
            body = text[q + 1:j]
            where = '%s:%d' % (path, start_line)
            toks.append(Tok('str', text[i:j + 1], start_line,
                            decode_literal(body, where)))
            i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                if text[j] == '\\':
                    j += 1
                j += 1
            toks.append(Tok('other', text[i:j + 1], line))
            i = j + 1
        elif c.isalpha() or c == '_':
            j = i
            while j < n and (text[j].isalnum() or text[j] == '_'):
                j += 1
            toks.append(Tok('id', text[i:j], line))
            i = j
        elif c.isdigit():
            j = i
            while j < n and (text[j].isalnum() or text[j] in '._'):
                j += 1
            toks.append(Tok('other', text[i:j], line))
            i = j
        else:
            toks.append(Tok('punct', c, line))
            i += 1
    return toks


def _at_line_start(text, i):
    j = text.rfind('\n', 0, i)
    return text[j + 1:i].strip() == ''


def _prefixed_literal(text, i):
    for p in ('u8"', 'u"', 'U"', 'L"'):
        if text.startswith(p, i):
            return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')
    return False


def call_args(toks, k):
    """Arguments of the call whose '(' is toks[k]: lists of tokens, and the
    index after the closing ')'."""
    depth, args, cur = 0, [], []
    i = k
    while i < len(toks):
        t = toks[i]
        if t.kind == 'punct' and t.text in '([{':
            depth += 1
            if depth > 1:
                cur.append(t)
        elif t.kind == 'punct' and t.text in ')]}':
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, i + 1
            cur.append(t)
        elif t.kind == 'punct' and t.text == ',' and depth == 1:
            args.append(cur)
            cur = []
        else:
            cur.append(t)
        i += 1
    return None, i


def literal_value(arg):
    """The decoded text of an argument made of string literals only."""
    if not arg or any(t.kind != 'str' for t in arg):
        return None
    raw = b''.join(t.value for t in arg)
    return raw.decode('utf-8', errors='replace')


def conversions(s):
    """The conversions in argument order: a translation may reorder them
    with %n$, which gcc checks against the same arguments."""
    args, percents, nextarg = {}, 0, 1
    for m in CONV.finditer(s):
        pos, width, prec, length, conv = m.groups()
        if conv == '%':
            percents += 1
            continue
        if width == '*' and not pos:
            args[nextarg] = '*'
            nextarg += 1
        if prec == '*' and not pos:
            args[nextarg] = '.*'
            nextarg += 1
        if pos:
            k = int(pos)
        else:
            k = nextarg
            nextarg += 1
        args[k] = '%' + (length or '') + conv
    out = [args[k] for k in sorted(args)]
    out += ['%%'] * percents
    return out


def edge_ws(s):
    lead = s[:len(s) - len(s.lstrip())]
    trail = s[len(s.rstrip()):]
    return lead, trail


def check_pair(en, ru):
    problems = []
    if en == '':
        problems.append('the English arm is empty')
    if ru == '':
        problems.append('the Russian arm is empty')
    has_letters = LETTER.search(CONV.sub('', en + ru)) is not None
    if ru and has_letters and not CYRILLIC.search(ru) and \
            (en, ru) not in ALLOW_LATIN_RU:
        problems.append('the Russian arm has no Cyrillic letter: %r' % ru)
    if CYRILLIC.search(en):
        problems.append('the English arm has Cyrillic letters (arms '
                        'swapped?): %r' % en)
    ce, cr = conversions(en), conversions(ru)
    if ce != cr:
        problems.append('printf conversions differ: English %s, Russian %s'
                        % (' '.join(ce) or 'none', ' '.join(cr) or 'none'))
    le, te = edge_ws(en)
    lr, tr = edge_ws(ru)
    if le != lr:
        problems.append('leading whitespace differs: English %r, Russian %r'
                        % (le, lr))
    if te != tr:
        problems.append('trailing whitespace differs: English %r, Russian %r'
                        % (te, tr))
    return problems


def brace_elements(toks, k):
    """The elements of the initializer whose '{' is toks[k], as token
    lists, split at its own commas."""
    depth, elems, cur = 0, [], []
    for i in range(k, len(toks)):
        t = toks[i]
        if t.kind == 'punct' and t.text in '([{':
            depth += 1
            if depth > 1:
                cur.append(t)
        elif t.kind == 'punct' and t.text in ')]}':
            depth -= 1
            if depth == 0:
                elems.append(cur)
                return elems
            cur.append(t)
        elif t.kind == 'punct' and t.text in ',;' and depth == 1:
            elems.append(cur)
            cur = []
        else:
            cur.append(t)
    return elems


def table_pairs(toks):
    """(line, English, Russian) for adjacent literal members of any brace
    initializer, the second with Cyrillic, the first without."""
    for k, t in enumerate(toks):
        if t.kind != 'punct' or t.text != '{':
            continue
        prev = None
        for el in brace_elements(toks, k):
            v = literal_value(el)
            if v is not None and CYRILLIC.search(v) and prev is not None \
                    and not CYRILLIC.search(prev):
                yield el[0].line, prev, v
            prev = v


def scan_file(path, rel, out):
    """Appends (line, problem) to out['fail'], counts pairs; returns
    (passed, failed, skipped)."""
    passed = failed = skipped = 0
    with open(path, encoding='utf-8') as f:
        text = f.read()
    try:
        toks = tokenize(text, rel)
    except ValueError as e:
        out.append(str(e))
        return 0, 1, 0
    for k, t in enumerate(toks):
        if t.kind != 'id' or k + 1 >= len(toks):
            continue
        nxt = toks[k + 1]
        if nxt.kind != 'punct' or nxt.text != '(':
            continue
        if t.text == 'T':
            args, _ = call_args(toks, k + 1)
            if args is None or len(args) != 2:
                out.append('%s:%d: T() needs exactly two arguments'
                           % (rel, t.line))
                failed += 1
                continue
            en, ru = literal_value(args[0]), literal_value(args[1])
            if en is None or ru is None:
                out.append('%s:%d: skipped: an arm is not a string literal '
                           '(%s)' % (rel, t.line, ''.join(
                               x.text for x in (args[0] if en is None
                                                else args[1]))[:60]))
                skipped += 1
                continue
            probs = check_pair(en, ru)
            for p in probs:
                out.append('%s:%d: %s' % (rel, t.line, p))
            if probs:
                failed += 1
            else:
                passed += 1
        elif t.text in ('err_set', 'err_vset'):
            if k > 0 and toks[k - 1].kind == 'id':
                continue    # the declaration or definition
            args, _ = call_args(toks, k + 1)
            if args is None or len(args) < 4:
                continue
            fmt = literal_value(args[3])
            if fmt is None:
                continue
            words = CONV.sub('', fmt)
            if WORDY.search(words):
                out.append('%s:%d: an error message in one language only '
                           '(not in T()): %r' % (rel, t.line, fmt))
                failed += 1
            else:
                passed += 1
    for line, en, ru in table_pairs(toks):
        probs = check_pair(en, ru)
        for p in probs:
            out.append('%s:%d: (table) %s' % (rel, line, p))
        if probs:
            failed += 1
        else:
            passed += 1
    return passed, failed, skipped


def run_xmlcheck(lines):
    script = os.path.join(HERE, 'xmlcheck.py')
    if not os.path.exists(script):
        lines.append('xmlcheck: tests/xmlcheck.py is missing')
        return 0, 1
    p = subprocess.run([sys.executable, script,
                        os.path.join(ROOT, 'xml', 'ispmgr_mod_cloudflare.xml'),
                        '--plugin', os.path.join(ROOT, 'etc', 'plugins',
                                                 'ispmgr', 'cloudflare.xml')],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    passed = failed = None
    for ln in p.stdout.splitlines():
        m = re.fullmatch(r'(\d+) passed, (\d+) failed', ln.strip())
        if m:
            passed, failed = int(m.group(1)), int(m.group(2))
            continue
        lines.append('xmlcheck: ' + ln)
    if passed is None:
        lines.append('xmlcheck: no summary line (exit %d)' % p.returncode)
        return 0, 1
    if p.returncode != 0 and failed == 0:
        failed = 1
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--src', default=os.path.join(ROOT, 'src'))
    ap.add_argument('--no-xml', action='store_true',
                    help='check the C sources only')
    args = ap.parse_args()

    lines = []
    passed = failed = skipped = 0
    files = sorted(glob.glob(os.path.join(args.src, '*.c')))
    if not files:
        print('langcheck: no C sources in %s' % args.src)
        print('0 passed, 1 failed')
        return 1
    for path in files:
        rel = os.path.relpath(path, ROOT)
        p, f, s = scan_file(path, rel, lines)
        passed += p
        failed += f
        skipped += s
    for ln in lines:
        print(ln)
    lines = []
    print('langcheck: %d T() pairs, table pairs and err_set() formats '
          'checked in %d files, %d failed, %d skipped' % (
              passed + failed, len(files), failed, skipped))
    if not args.no_xml:
        xp, xf = run_xmlcheck(lines)
        for ln in lines:
            print(ln)
        print('xmlcheck: %d passed, %d failed' % (xp, xf))
        passed += xp
        failed += xf
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

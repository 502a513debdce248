#!/usr/bin/env python3
"""Runs the end-to-end tests in cases/*.py against the built handler.

  run.py --binary build/cloudflare [--only SUBSTR[,SUBSTR...]] [--update]
  run.py --binary build/cloudflare --contract   # against Prism, if ../shared exists

After every test it checks that no token value appears in any reply,
the plugin's log, or any file under the test's store that is not the
token's own 0600 file. Prints 'N passed, N failed' and exits non-zero
on a failure.
"""
import argparse
import glob
import importlib.util
import os
import stat
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402


def load_tests(only):
    tests = []
    for path in sorted(glob.glob(os.path.join(lib.HERE, "cases", "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location("cases." + name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for attr in dir(mod):
            fn = getattr(mod, attr)
            if attr.startswith("test_") and callable(fn):
                full = "%s.%s" % (name, attr)
                # --only a,b: the tests whose name holds any of them.
                if only is None or any(o and o in full for o in only.split(",")):
                    tests.append((full, fn, getattr(fn.__code__, "co_firstlineno", 0)))
    tests.sort(key=lambda t: (t[0].split(".")[0], t[2]))
    return tests


def token_leaks(case):
    """Every place a token must never be: replies, log, other files."""
    found = []
    texts = [("reply", t) for t in case.outputs] + [("log", case.log())]
    for where, text in texts:
        for tok in lib.TOKENS:
            if tok in text:
                found.append("token in %s" % where)
    for dirpath, _, files in os.walk(case.tmp):
        for fn in files:
            p = os.path.join(dirpath, fn)
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if not any(tok.encode() in data for tok in lib.TOKENS):
                continue
            mode = os.stat(p).st_mode
            own_store = p.startswith(case.etc) and fn.endswith(".json") and \
                ("/users/" in p or fn == "global.json")
            if not own_store:
                found.append("token in %s" % os.path.relpath(p, case.tmp))
            elif mode & (stat.S_IRWXG | stat.S_IRWXO):
                found.append("token file %s is mode %o" % (p, mode & 0o777))
    if not getattr(case, "contract", False):
        for r in case.requests():
            url = r.get("path", "") + " " + repr(r.get("query", ""))
            if any(tok in url for tok in lib.TOKENS):
                found.append("token in a URL Cloudflare saw")
    for call in case.mgrctl_calls():
        blob = " ".join(call.get("argv", [])) + " " + " ".join(
            "%s=%s" % kv for kv in call.get("env", {}).items())
        if any(tok in blob for tok in lib.TOKENS):
            found.append("token in mgrctl's argv or environment")
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--only")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--contract", action="store_true")
    args = ap.parse_args()

    if args.contract:
        import contract
        return contract.main(args, load_tests)

    work = tempfile.mkdtemp(prefix="cfe2e-fake.")
    fake = lib.Fake(work)
    passed = failed = 0
    t0 = time.time()
    try:
        for name, fn, _ in load_tests(args.only):
            case = lib.Case(args.binary, fake, name, update=args.update)
            try:
                fn(case)
                leaks = token_leaks(case)
                if leaks:
                    raise lib.Failure("; ".join(sorted(set(leaks))))
                passed += 1
                print("ok      %s" % name)
            except lib.Failure as e:
                failed += 1
                print("FAILED  %s\n        %s" % (name, str(e).replace("\n", "\n        ")))
            except Exception:
                failed += 1
                print("FAILED  %s\n%s" % (name, traceback.format_exc()))
            finally:
                case.cleanup()
    finally:
        fake.stop()
    print("e2e: %.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# check_api_docs.py: every XFER_API function in xfer.h has a doc comment saying what it does, who owns what, thread safety and errors, and docs/THREADING.md names it.
"""usage: check_api_docs.py XFER_H THREADING_MD

Doxygen (WARN_IF_UNDOCUMENTED, WARN_NO_PARAMDOC) already fails on a function without a
comment or a parameter without @param. This adds what Doxygen cannot see, per function:
- errors: how a failure shows (a #XFER_E* status for ::xfer_status functions, NULL for
  pointer results, what a NULL handle does for the others);
- ownership: who owns a returned pointer or string (owned by, static, release with ...);
- thread safety: a "@par Thread safety" in its own comment or in its group's (@defgroup);
- docs/THREADING.md names it, and every callback type, so the threading page keeps up.
"""
import re
import sys

OWNERSHIP = re.compile(r"owned by|static string|belongs to|to release with|never to be freed|"
                       r"do not free", re.I)
THREAD = "@par Thread safety"


def blocks(text):
    """Yields (kind, name, doc, decl, group_doc) for each doc comment's declaration."""
    group_doc = ""
    for m in re.finditer(r"/\*\*(.*?)\*/", text, re.S):
        doc = m.group(1)
        if "@defgroup" in doc:
            group_doc = doc
        rest = text[m.end():]
        lead = re.match(r"\s*", rest).end()
        decl = rest[lead:rest.find(";", lead) + 1] if ";" in rest[lead:] else ""
        if decl.startswith("XFER_API"):
            name = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", decl)
            yield "fn", name.group(1) if name else "?", doc, decl, group_doc
        elif re.match(r"typedef\s[^;]*\(\s*\*\s*xfer_\w+_fn\s*\)", decl):
            yield "cb", re.search(r"\(\s*\*\s*(\w+)\s*\)", decl).group(1), doc, decl, group_doc


def tag(doc, name):
    """The text of one @NAME paragraph (up to the next @tag or blank line)."""
    m = re.search(r"@%s\b(.*?)(?=\n\s*\*\s*@|\n\s*\*\s*\n|\Z)" % name, doc, re.S)
    return m.group(1) if m else None


def params(decl):
    inner = decl[decl.find("(") + 1:decl.rfind(")")]
    if inner.strip() in ("", "void"):
        return []
    return [re.search(r"(\w+)\s*$", p.strip()).group(1) for p in inner.split(",")]


def check_function(name, doc, decl, group_doc):
    problems = []
    ret = decl[len("XFER_API"):decl.find(name)].strip()
    ret_doc = tag(doc, "return")
    if tag(doc, "brief") is None:
        problems.append("no @brief (what it does)")
    for p in params(decl):
        if not re.search(r"@param(\[\w+\])?\s+%s\b" % p, doc):
            problems.append("no @param %s" % p)
    if ret != "void" and ret_doc is None:
        problems.append("no @return")
    ret_doc = ret_doc or ""
    # errors
    if ret == "xfer_status":
        if "XFER_E" not in ret_doc:
            problems.append("@return names no error status (#XFER_EINVAL, ...)")
    elif ret.endswith("*"):
        if "NULL" not in ret_doc:
            problems.append("@return does not say when it is NULL")
    elif ret != "void" or params(decl):
        if "NULL" not in doc:
            problems.append("does not say what a NULL argument does")
    # ownership
    if ret.endswith("*") and not OWNERSHIP.search(ret_doc):
        problems.append("@return does not say who owns the result (owned by / static / "
                        "to release with)")
    if "**" in decl and not OWNERSHIP.search(doc):
        problems.append("does not say who owns what it hands out")
    # thread safety
    if THREAD not in doc and THREAD not in group_doc:
        problems.append('no "%s" in its comment or its @defgroup' % THREAD)
    return problems


def main(header, threading):
    text = open(header, encoding="utf-8").read()
    page = open(threading, encoding="utf-8").read()
    declared = set(re.findall(r"XFER_API[^;(]*?(\w+)\s*\(", text))
    seen, cbs, failures = set(), set(), []
    for kind, name, doc, decl, group_doc in blocks(text):
        if kind == "cb":
            cbs.add(name)
            continue
        seen.add(name)
        failures += ["%s: %s" % (name, p) for p in check_function(name, doc, decl, group_doc)]
    failures += ["%s: no doc comment right before its declaration" % n
                 for n in sorted(declared - seen)]
    all_cbs = set(re.findall(r"typedef[^;]*\(\s*\*\s*(xfer_\w+_fn)\s*\)", text))
    for n in sorted(declared | all_cbs):
        if not re.search(r"`%s(\(\))?`" % n, page):
            failures.append("%s: not named in %s (say which thread may call it, or runs it)"
                            % (n, threading))
    if len(declared) < 40:
        failures.append("found only %d XFER_API functions in %s" % (len(declared), header))
    if failures:
        print("\n".join("FAIL: " + f for f in failures), file=sys.stderr)
        return 1
    print("ok: %d functions documented (what, ownership, thread safety, errors), "
          "%d callback types; all named in %s" % (len(declared), len(all_cbs), threading))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))

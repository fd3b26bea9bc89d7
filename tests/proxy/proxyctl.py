#!/usr/bin/python3
# tests/proxy/proxyctl.py: command-line client for the fault proxy's control API (/_proxy/...), used by tests.
"""usage: proxyctl.py PORT|RUNDIR CMD [JSON]

PORT is the proxy's port on 127.0.0.1, or a RUNDIR given to tests/proxy/start.sh
(its proxy.port is read).

  set JSON       POST /_proxy/faults: replace the fault rules (a JSON list or one rule)
  add JSON       POST /_proxy/faults?append=1: add rules after the current ones
  clear          DELETE /_proxy/faults
  rules          GET /_proxy/faults: the rules and their seen/fired counters
  log [SINCE]    GET /_proxy/log: the request records as JSON lines (id > SINCE)
  stats          GET /_proxy/stats
  reset          POST /_proxy/reset: clear the log and the stats (not the rules)

`faults JSON` is the same as `set JSON`; JSON may also be `@FILE` or `-` (stdin).
Prints the answer body on stdout. Exit status: 0 ok, 1 the proxy answered an error
(its body on stderr), 2 bad usage, 3 no connection.
"""

import http.client
import os
import sys

ROUTES = {
    "set": ("POST", "/_proxy/faults", True),
    "faults": ("POST", "/_proxy/faults", True),
    "add": ("POST", "/_proxy/faults?append=1", True),
    "clear": ("DELETE", "/_proxy/faults", False),
    "rules": ("GET", "/_proxy/faults", False),
    "log": ("GET", "/_proxy/log", False),
    "stats": ("GET", "/_proxy/stats", False),
    "reset": ("POST", "/_proxy/reset", False),
}


def usage(msg=None):
    if msg:
        print("proxyctl: " + msg, file=sys.stderr)
    print(__doc__, file=sys.stderr)
    sys.exit(2)


def port_of(arg):
    if arg.isdigit():
        return int(arg)
    path = os.path.join(arg, "proxy.port") if os.path.isdir(arg) else arg
    try:
        with open(path, encoding="ascii") as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        usage("%s is neither a port nor a RUNDIR with a proxy.port" % arg)
    return None


def main(argv):
    if len(argv) < 2 or argv[1] not in ROUTES:
        usage()
    port, cmd, rest = port_of(argv[0]), argv[1], argv[2:]
    method, path, takes_json = ROUTES[cmd]
    body = None
    if takes_json:
        if len(rest) != 1:
            usage("%s takes one JSON argument" % cmd)
        src = rest[0]
        if src == "-":
            src = sys.stdin.read()
        elif src.startswith("@"):
            with open(src[1:], encoding="utf-8") as f:
                src = f.read()
        body = src.encode("utf-8")
    elif cmd == "log" and rest:
        path += "?since=%d" % int(rest[0])
    elif rest:
        usage("%s takes no argument" % cmd)
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
    except (OSError, http.client.HTTPException) as e:
        print("proxyctl: cannot reach the proxy on 127.0.0.1:%d: %s" % (port, e),
              file=sys.stderr)
        return 3
    if r.status != 200:
        sys.stderr.write(data.decode("utf-8", "replace"))
        return 1
    sys.stdout.write(data.decode("utf-8", "replace"))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

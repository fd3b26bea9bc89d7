#!/usr/bin/python3
# tests/servers/swift-server.py: runs /usr/bin/swift-NAME-server unchanged, but with a one-pass version of eventlet's lock greening (start-up 2 s faster).
"""usage: swift-server.py account|container|object|proxy CONF [-v]

eventlet 0.33's monkey_patch() replaces every native RLock created before it with a
green one, and does so with a full gc.collect() and gc.get_referrers() scan *per lock*:
with Swift's import-time heap (~70k objects, ~18 locks) that is 2 s of CPU per server,
8 s for the four on a 2-core machine. This does the same replacement in one scan, then
runs the packaged server script as it is. If eventlet's internals are not the ones
expected, nothing is patched and the server just starts more slowly.
"""

import runpy
import sys


def _green_existing_locks_one_pass():
    import gc
    import threading

    rlock_type = type(threading.RLock())
    pyrlock_type = type(threading._PyRLock())
    olds = [o for o in gc.get_objects()
            if isinstance(o, rlock_type) and not isinstance(o, pyrlock_type)]
    if not olds:
        return
    new_for = {}
    for old in olds:
        new = threading._PyRLock()  # green: threading is already patched here
        while old._is_owned():
            old.release()
            new.acquire()
        new_for[id(old)] = (old, new)
    gc.collect()
    for ref in gc.get_referrers(*olds):
        try:
            ref_vars = vars(ref)
        except TypeError:
            continue
        for k, v in list(ref_vars.items()):
            pair = new_for.get(id(v))
            if pair is not None and pair[0] is v:
                setattr(ref, k, pair[1])


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("account", "container", "object", "proxy"):
        sys.exit(__doc__)
    script = "/usr/bin/swift-%s-server" % sys.argv[1]
    try:
        import threading
        import eventlet.patcher as patcher
        if (callable(getattr(patcher, "_green_existing_locks", None))
                and callable(getattr(patcher, "_fix_py3_rlock", None))
                and hasattr(threading, "_PyRLock")):
            patcher._green_existing_locks = _green_existing_locks_one_pass
    except ImportError:
        pass
    sys.argv = [script] + sys.argv[2:]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()

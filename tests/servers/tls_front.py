#!/usr/bin/python3
# tests/servers/tls_front.py: a TLS terminator on 127.0.0.1 relaying bytes to a plain-HTTP test server, for https tests.
"""usage: tls_front.py --upstream-port PORT --cert CERT --key KEY --port-file FILE [--owner-pid PID]

Accepts TLS on a free 127.0.0.1 port (written to FILE) and relays each connection's
bytes unchanged to 127.0.0.1:PORT. No HTTP parsing: the Host header the client signed
reaches the server as it was sent. Exits when --owner-pid is gone.
"""
import argparse
import asyncio
import os
import ssl


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(1 << 18)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--owner-pid", type=int)
    a = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)

    async def handle(cr, cw):
        try:
            ur, uw = await asyncio.open_connection("127.0.0.1", a.upstream_port)
        except OSError:
            cw.close()
            return
        await asyncio.gather(pipe(cr, uw), pipe(ur, cw))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
    port = server.sockets[0].getsockname()[1]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, a.port_file)
    while True:
        await asyncio.sleep(1)
        if a.owner_pid:
            try:
                os.kill(a.owner_pid, 0)
            except ProcessLookupError:
                return


if __name__ == "__main__":
    asyncio.run(main())

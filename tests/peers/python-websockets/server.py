#!/usr/bin/python3
"""Echo server on python-websockets (asyncio), a third-party peer for the integration tests.

Usage: server.py PORT [--no-deflate] [--tls CERT KEY]

Listens on 127.0.0.1:PORT (PORT 0 picks a free port) and prints one line
"listening on ws://127.0.0.1:PORT/" once it accepts connections. Every message is
sent back unchanged (text as text, binary as binary), the client's first offered
subprotocol is accepted, messages of any size are allowed, the server sends no pings
of its own, and permessage-deflate is negotiated unless --no-deflate is given.
With --tls it serves wss:// with the PEM certificate chain CERT and key KEY, and
prints "listening on wss://127.0.0.1:PORT/".
Stops on SIGTERM or SIGINT.
"""
import asyncio
import signal
import ssl
import sys

import websockets


async def echo(websocket):
    # The loop ends when the client closes; a connection that drops is not an error here.
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosed:
        pass


def first_offer(client_subprotocols, _server_subprotocols):
    return client_subprotocols[0] if client_subprotocols else None


async def serve(port, deflate, tls):
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    async with websockets.serve(
        echo,
        "127.0.0.1",
        port,
        compression="deflate" if deflate else None,
        # websockets consults select_subprotocol only when the server lists some subprotocol.
        subprotocols=["wsspec-placeholder"],
        select_subprotocol=first_offer,
        max_size=None,
        ping_interval=None,
        ssl=tls,
    ) as server:
        bound = server.sockets[0].getsockname()[1]
        scheme = "wss" if tls else "ws"
        print(f"listening on {scheme}://127.0.0.1:{bound}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


def main(argv):
    args = argv[2:]
    tls = None
    if "--tls" in args:
        at = args.index("--tls")
        if len(args) < at + 3:
            args = ["--tls"]  # reported as a usage error below
        else:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(args[at + 1], args[at + 2])
            del args[at : at + 3]
    if len(argv) < 2 or not argv[1].isdigit() or any(a != "--no-deflate" for a in args):
        print("usage: server.py PORT [--no-deflate] [--tls CERT KEY]", file=sys.stderr)
        return 2
    asyncio.run(serve(int(argv[1]), "--no-deflate" not in args, tls))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

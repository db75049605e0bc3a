#!/usr/bin/python3
"""Echo server on python-websockets (asyncio), a third-party peer for the integration tests.

Usage: server.py PORT [--no-deflate]

Listens on 127.0.0.1:PORT (PORT 0 picks a free port) and prints one line
"listening on ws://127.0.0.1:PORT/" once it accepts connections. Every message is
sent back unchanged (text as text, binary as binary), the client's first offered
subprotocol is accepted, messages of any size are allowed, the server sends no pings
of its own, and permessage-deflate is negotiated unless --no-deflate is given.
Stops on SIGTERM or SIGINT.
"""
import asyncio
import signal
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


async def serve(port, deflate):
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
    ) as server:
        bound = server.sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{bound}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


def main(argv):
    if len(argv) < 2 or not argv[1].isdigit() or any(a != "--no-deflate" for a in argv[2:]):
        print("usage: server.py PORT [--no-deflate]", file=sys.stderr)
        return 2
    asyncio.run(serve(int(argv[1]), "--no-deflate" not in argv[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

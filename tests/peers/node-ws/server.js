// Echo server on ws (Node), a third-party peer for the integration tests.
//
// Usage: node server.js PORT [--no-deflate]
//
// Listens on 127.0.0.1:PORT (PORT 0 picks a free port) and prints one line
// "listening on ws://127.0.0.1:PORT/" once it accepts connections. Every message is sent back
// unchanged (text as text, binary as binary), the client's first offered subprotocol is
// accepted, and permessage-deflate is negotiated unless --no-deflate is given; when it is, every
// message is compressed, however small. Stops on SIGTERM or SIGINT.
'use strict';

const {WebSocketServer} = require('ws');

const args = process.argv.slice(2);
if (args.length < 1 || !/^\d+$/.test(args[0]) || args.slice(1).some((a) => a !== '--no-deflate')) {
  console.error('usage: node server.js PORT [--no-deflate]');
  process.exit(2);
}
const deflate = !args.includes('--no-deflate');

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(args[0]),
  // ws compresses only messages of at least `threshold` bytes (1 KiB by default).
  perMessageDeflate: deflate ? {threshold: 0} : false,
  // The offers arrive as a Set in the client's order.
  handleProtocols: (offered) => (offered.size > 0 ? [...offered][0] : false),
});

server.on('listening', () => {
  console.log(`listening on ws://127.0.0.1:${server.address().port}/`);
});
server.on('error', (err) => {
  console.error(`server.js: ${err.message}`);
  process.exit(1);
});
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, {binary: isBinary}));
  // ws has already failed the connection with the right close code; keep serving the others.
  socket.on('error', () => {});
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const client of server.clients) client.terminate();
    server.close(() => process.exit(0));
  });
}

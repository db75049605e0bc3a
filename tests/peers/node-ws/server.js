// Echo server on ws (Node), a third-party peer for the integration tests.
//
// Usage: node server.js PORT [--no-deflate] [--tls CERT KEY]
//
// Listens on 127.0.0.1:PORT (PORT 0 picks a free port) and prints one line
// "listening on ws://127.0.0.1:PORT/" once it accepts connections. Every message is sent back
// unchanged (text as text, binary as binary), the client's first offered subprotocol is
// accepted, and permessage-deflate is negotiated unless --no-deflate is given; when it is, every
// message is compressed, however small. With --tls it serves wss:// with the PEM certificate
// chain CERT and key KEY, and prints "listening on wss://127.0.0.1:PORT/". Stops on SIGTERM or
// SIGINT.
'use strict';

const fs = require('fs');
const https = require('https');
const {WebSocketServer} = require('ws');

const args = process.argv.slice(2);
let tls = null;
const at = args.indexOf('--tls');
if (at >= 0 && args.length >= at + 3) {
  tls = {cert: fs.readFileSync(args[at + 1]), key: fs.readFileSync(args[at + 2])};
  args.splice(at, 3);
}
if (args.length < 1 || !/^\d+$/.test(args[0]) || args.slice(1).some((a) => a !== '--no-deflate')) {
  console.error('usage: node server.js PORT [--no-deflate] [--tls CERT KEY]');
  process.exit(2);
}
const deflate = !args.includes('--no-deflate');
const port = Number(args[0]);
// Over TLS the HTTPS server is ours; like the HTTP server ws makes for itself, it answers what
// is not an upgrade with 426.
const https_server = tls
  ? https.createServer(tls, (req, res) => {
      const body = 'Upgrade Required';
      res.writeHead(426, {'Content-Length': body.length, 'Content-Type': 'text/plain'});
      res.end(body);
    })
  : null;

const server = new WebSocketServer({
  ...(https_server ? {server: https_server} : {host: '127.0.0.1', port}),
  // ws compresses only messages of at least `threshold` bytes (1 KiB by default).
  perMessageDeflate: deflate ? {threshold: 0} : false,
  // The offers arrive as a Set in the client's order.
  handleProtocols: (offered) => (offered.size > 0 ? [...offered][0] : false),
});

if (https_server) {
  https_server.listen(port, '127.0.0.1', () => {
    console.log(`listening on wss://127.0.0.1:${https_server.address().port}/`);
  });
} else {
  server.on('listening', () => {
    console.log(`listening on ws://127.0.0.1:${server.address().port}/`);
  });
}
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
    server.close(() => (https_server ? https_server.close(() => process.exit(0)) : process.exit(0)));
  });
}

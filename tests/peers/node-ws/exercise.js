// Drives a WebSocket echo server with the ws client and checks every echo.
//
// Usage: node exercise.js URL [--no-deflate]
//
// Sends text, binary, empty text, empty binary, fragmented text and binary messages and a
// 16 MiB binary message, checking each echo byte for byte and by type; sends a Ping and expects
// a Pong with the same payload; closes with 1000 and expects the server's Close to carry 1000.
// With deflate (the default) permessage-deflate must be negotiated, with --no-deflate it must
// not be. Offers two subprotocols and expects the first.
// Exit status: 0 when everything matched, 1 with a one-line reason on the first mismatch.
'use strict';

const WebSocket = require('ws');

const STEP_TIMEOUT_MS = 30000;
const SUBPROTOCOLS = ['wsspec.first', 'wsspec.second'];
const GREETING = 'Hello, wsspec! \u00e9\u20ac\u{1f600}';

const args = process.argv.slice(2);
if (args.length < 1 || args.slice(1).some((a) => a !== '--no-deflate')) {
  console.error('usage: node exercise.js URL [--no-deflate]');
  process.exit(2);
}
const url = args[0];
const deflate = !args.includes('--no-deflate');

function fail(reason) {
  console.error(`exercise.js: ${reason}`);
  process.exit(1);
}

// Everything the connection reports, in order; next() waits for the next item.
class Inbox {
  constructor() {
    this.items = [];
    this.waiting = null;
  }
  push(item) {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(item);
    } else {
      this.items.push(item);
    }
  }
  next(step) {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return new Promise((resolve) => {
      const timer = setTimeout(
          () => fail(`${step}: nothing received in ${STEP_TIMEOUT_MS} ms`), STEP_TIMEOUT_MS);
      this.waiting = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  }
}

function describe(binary, buffer) {
  const kind = binary ? 'binary' : 'text';
  return buffer.length > 24 ?
      `${kind} of ${buffer.length} bytes` :
      `${kind} ${JSON.stringify(binary ? [...buffer] : buffer.toString('utf8'))}`;
}

async function expectEcho(ws, inbox, step, binary, expected) {
  const got = await inbox.next(step);
  if (got.kind !== 'message') fail(`${step}: expected the echo, got ${got.kind} ${got.detail}`);
  if (got.binary !== binary) {
    fail(`${step}: sent ${describe(binary, expected)}, got ${describe(got.binary, got.data)}`);
  }
  if (!got.data.equals(expected)) {
    const n = Math.min(got.data.length, expected.length);
    let at = 0;
    while (at < n && got.data[at] === expected[at]) at++;
    const where = at < n ? `first difference at byte ${at}` : 'lengths differ';
    const sizes = `${got.data.length} bytes back for ${expected.length} sent`;
    fail(`${step}: echo differs (${sizes}, ${where})`);
  }
}

// Sends one message as frames of the given parts: ws starts a message with the first send and
// continues it until a send with fin: true.
function sendFragments(ws, parts, binary) {
  parts.forEach((part, i) => ws.send(part, {binary, fin: i === parts.length - 1}));
}

// Deterministic bytes (xorshift32) so a failure can be reproduced.
function pseudoRandomBytes(size, seed) {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

async function exercise() {
  const inbox = new Inbox();
  const ws = new WebSocket(url, SUBPROTOCOLS, {
    perMessageDeflate: deflate ? {threshold: 0} : false,
    maxPayload: 0,
    handshakeTimeout: STEP_TIMEOUT_MS,
  });
  ws.on('open', () => inbox.push({kind: 'open', detail: ''}));
  ws.on('message', (data, binary) => inbox.push({kind: 'message', data, binary, detail: ''}));
  ws.on('pong', (data) => inbox.push({kind: 'pong', data, detail: data.toString('hex')}));
  ws.on('error', (err) => inbox.push({kind: 'error', detail: err.message}));
  ws.on('close', (code, reason) => inbox.push({kind: 'close', code, detail: `${code} ${reason}`}));

  const opened = await inbox.next('handshake');
  if (opened.kind !== 'open') fail(`handshake: ${opened.kind} ${opened.detail}`);
  const agreed = ws.extensions;
  if (deflate && !agreed.includes('permessage-deflate')) {
    fail(`handshake: permessage-deflate was offered but not agreed (${JSON.stringify(agreed)})`);
  }
  if (!deflate && agreed !== '')
    fail(`handshake: no extension was offered but "${agreed}" was agreed`);
  if (ws.protocol !== SUBPROTOCOLS[0]) {
    fail(`handshake: subprotocol "${ws.protocol}", expected the first offer`);
  }

  const echo = async (step, binary, parts) => {
    const buffers = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
    if (buffers.length === 1) {
      ws.send(buffers[0], {binary});
    } else {
      sendFragments(ws, buffers, binary);
    }
    await expectEcho(ws, inbox, step, binary, Buffer.concat(buffers));
  };
  await echo('text', false, [GREETING]);
  await echo('binary', true, [Buffer.from([...Array(256).keys()])]);
  await echo('empty text', false, ['']);
  await echo('empty binary', true, [Buffer.alloc(0)]);
  // The snowman's three UTF-8 bytes are split across two frames: only the message must be valid.
  const snowman = Buffer.from('\u2603', 'utf8');
  await echo(
      'fragmented text', false,
      ['frag', '', 'mented \u00fcber ', snowman.subarray(0, 1), snowman.subarray(1)]);
  await echo(
      'fragmented binary', true,
      [Buffer.from([0, 1, 2]), pseudoRandomBytes(2048, 7), Buffer.alloc(0), Buffer.from([255])]);
  await echo('16 MiB binary', true, [pseudoRandomBytes(16 << 20, 6455)]);

  const ping = Buffer.from('wsspec ping \x00\xff', 'latin1');
  ws.ping(ping);
  const pong = await inbox.next('ping');
  if (pong.kind !== 'pong') fail(`ping: expected a Pong, got ${pong.kind} ${pong.detail}`);
  if (!pong.data.equals(ping))
    fail(`ping: the Pong carries ${pong.detail}, not the Ping's payload`);

  ws.close(1000, 'done');
  const closed = await inbox.next('close');
  if (closed.kind !== 'close')
    fail(`close: expected the server's Close, got ${closed.kind} ${closed.detail}`);
  // ws reports 1005 for a Close without a code and 1006 when TCP closed without a Close frame.
  if (closed.code !== 1000) fail(`close: the server answered with ${closed.code}, expected 1000`);
  console.log(`exercise.js: all echoes matched (${deflate ? 'deflate' : 'no deflate'})`);
}

exercise().catch((err) => fail(`${err.name}: ${err.message}`));

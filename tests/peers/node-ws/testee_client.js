#!/usr/bin/env node
// Autobahn|Testsuite testee client on the ws library, for `wsspec test-client`.
//
// Usage: node testee_client.js URL [--agent NAME] [--deflate] [--case-timeout S] [--verbose]
//
// URL is the fuzzing server's base, e.g. ws://127.0.0.1:9001. Speaks Autobahn's protocol the
// way ws's own test/autobahn.js does:
//   1. opens URL/getCaseCount, reads one text message holding the case count N (JSON), then
//      waits for the server to close;
//   2. for each case 1..N opens URL/runCase?case=I&agent=NAME and echoes every message back
//      unchanged (text as text, binary as binary) until the connection ends, however it ends:
//      a refused handshake, a protocol error, a reset or a timeout are outcomes of the case
//      (one line on stderr each with --verbose), and the loop goes on;
//   3. opens URL/updateReports?agent=NAME and waits for the server to close.
// Messages of up to 32 MiB are accepted (maxPayload 2**25), no subprotocol is offered, and
// permessage-deflate is offered (with ws's default settings) only with --deflate. Each
// connection is given up (TCP destroyed) after --case-timeout seconds, 60 by default. NAME
// defaults to "node-ws".
// Exit status: 0 when all cases ran and the reports were requested, 1 when updateReports
// failed, 2 on bad usage or when getCaseCount fails (server unreachable, handshake refused,
// no integer count), 77 when ws is not installed (ctest's skip code).
'use strict';

let WebSocket;
try {
  WebSocket = require('ws');
} catch (err) {
  if (err.code !== 'MODULE_NOT_FOUND') throw err;
  console.error('testee_client.js: skipped: ws is not installed (npm ci in tests/peers/node-ws)');
  process.exit(77);
}

const USAGE =
    'usage: node testee_client.js URL [--agent NAME] [--deflate] [--case-timeout S] [--verbose]';
const MAX_PAYLOAD = 2 ** 25;
// After the case timeout has destroyed the socket, how long to wait for ws's 'close' event.
const CLOSE_GRACE_MS = 5000;

function parse(argv) {
  const opts = {url: null, agent: 'node-ws', deflate: false, caseTimeoutMs: 60000, verbose: false};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--deflate') {
      opts.deflate = true;
    } else if (arg === '--verbose') {
      opts.verbose = true;
    } else if (arg === '--agent' || arg === '--case-timeout') {
      const value = argv[++i];
      if (value === undefined) return null;
      if (arg === '--agent') {
        opts.agent = value;
      } else {
        const seconds = Number(value);
        if (!(seconds > 0) || !Number.isFinite(seconds)) return null;
        opts.caseTimeoutMs = seconds * 1000;
      }
    } else if (opts.url === null && !arg.startsWith('--')) {
      opts.url = arg.replace(/\/+$/, '');
    } else {
      return null;
    }
  }
  return opts.url && opts.agent ? opts : null;
}

// Opens URL+path and resolves, once the connection has ended in any way, with what happened:
// {messages, error, code, reason, timedOut}. Never rejects. With echo, every message is sent
// back with its type; otherwise messages are only collected.
function visit(opts, path, echo) {
  return new Promise((resolve) => {
    const outcome = {messages: [], error: null, code: null, reason: '', timedOut: false};
    let done = false;
    let caseTimer = null;
    let graceTimer = null;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(caseTimer);
      clearTimeout(graceTimer);
      resolve(outcome);
    };

    let ws;
    try {
      ws = new WebSocket(opts.url + path, {
        perMessageDeflate: opts.deflate,
        maxPayload: MAX_PAYLOAD,
        handshakeTimeout: opts.caseTimeoutMs,
      });
    } catch (err) {  // e.g. an invalid URL
      outcome.error = err;
      resolve(outcome);
      return;
    }
    caseTimer = setTimeout(() => {
      outcome.timedOut = true;
      ws.terminate();
      graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
    }, opts.caseTimeoutMs);

    ws.on('message', (data, isBinary) => {
      if (!echo) {
        outcome.messages.push({data, isBinary});
        return;
      }
      try {
        // A failed send shows up as an 'error' or 'close' event; the callback only keeps it
        // from being reported twice.
        ws.send(data, {binary: isBinary}, () => {});
      } catch (err) {
        if (!outcome.error) outcome.error = err;
      }
    });
    // Every socket has an error handler: an error is an outcome, never an uncaught exception.
    ws.on('error', (err) => {
      if (!outcome.error) outcome.error = err;
    });
    ws.on('close', (code, reason) => {
      outcome.code = code;
      outcome.reason = reason.toString();
      finish();
    });
  });
}

function describe(outcome, timeoutMs) {
  const parts = [];
  if (outcome.timedOut) parts.push(`gave up after ${timeoutMs / 1000} s`);
  if (outcome.error) parts.push(`${outcome.error.name || 'Error'}: ${outcome.error.message}`);
  // A 1006 after an error or a timeout says nothing new.
  if (outcome.code !== null && !(outcome.code === 1006 && parts.length > 0)) {
    // ws reports 1006 when no Close frame came from the server, 1005 for one without a code.
    const what = outcome.code === 1006 ? '1006 (no Close frame received)' : outcome.code;
    parts.push(`connection closed: ${what}${outcome.reason ? ` ${JSON.stringify(outcome.reason)}` : ''}`);
  }
  return parts.join('; ');
}

// Clean: the server started the closing handshake (a Close frame arrived; ws answers it) and
// nothing went wrong on the way. The client itself only ever closes because of an error.
function clean(outcome) {
  return !outcome.timedOut && !outcome.error && outcome.code !== null && outcome.code !== 1006;
}

async function run(opts) {
  const agent = encodeURIComponent(opts.agent);
  const counted = await visit(opts, '/getCaseCount', false);
  const first = counted.messages[0];
  let count = NaN;
  if (first && !first.isBinary) {
    try {
      count = JSON.parse(first.data.toString('utf8'));
    } catch (err) {
      count = NaN;
    }
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    const why = first ?
        `the case count is not a non-negative integer: ${JSON.stringify(first.data.toString('utf8').slice(0, 80))}` :
        describe(counted, opts.caseTimeoutMs) || 'no message';
    console.error(`testee_client.js: getCaseCount: ${why}`);
    return 2;
  }

  const started = Date.now();
  let unclean = 0;
  for (let i = 1; i <= count; i++) {
    const outcome = await visit(opts, `/runCase?case=${i}&agent=${agent}`, true);
    if (!clean(outcome)) {
      unclean++;
      if (opts.verbose) console.error(`testee_client.js: case ${i}/${count}: ${describe(outcome, opts.caseTimeoutMs)}`);
    }
  }

  const reported = await visit(opts, `/updateReports?agent=${agent}`, false);
  if (reported.timedOut || reported.error) {
    console.error(`testee_client.js: updateReports: ${describe(reported, opts.caseTimeoutMs)}`);
    return 1;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
      `testee_client.js: ran ${count} cases in ${seconds} s ` +
      `(${unclean} did not end with a clean closing handshake), reports requested`);
  return 0;
}

const opts = parse(process.argv.slice(2));
if (!opts) {
  console.error(USAGE);
  process.exit(2);
}
run(opts).then((status) => process.exit(status), (err) => {
  console.error(`testee_client.js: ${err && err.stack || err}`);
  process.exit(1);
});

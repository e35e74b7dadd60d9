// The collector in a real Chromium against a stand-in collect endpoint:
// normal form posts get the token field, logins sent by script wait for the
// collect cookie, and a slow or failing collect never holds a login for
// long. Skipped when no Chromium is installed (CHROMIUM=/path to choose).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { bundle } from '../build.mjs';

const exe = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((p) => p && existsSync(p));
const skip = exe ? false : 'no Chromium (set CHROMIUM=/path/to/chrome)';

const USER = 'alice.tester';
const PASSWORD = 'S3cr3t-pw!';

let server;
let base;
let browser;
let log; // requests seen: {path, body, cookie, at}
let collectMode = 'ok'; // ok | slow | error | junk

const page = (body) => `<!doctype html><meta charset=utf-8><title>login</title>
<body style="margin:0;padding:20px">${body}
<script src="/login-risk/collector.js" defer></script>`;

const form = (extra = '', attrs = 'action="/login" method="post"') => `
<form id="login" ${attrs}>
  <input name="user" autocomplete="username" style="display:block;width:300px;height:30px">
  <input name="pw" type="password" autocomplete="current-password" style="display:block;width:300px;height:30px">
  <button name="go" value="yes" style="width:120px;height:40px">Log in</button>
  ${extra}
</form>`;

const PAGES = {
  '/normal': page(form('<button formaction="/forgot" name="forgot" value="1">Forgot</button>')),
  '/spa': page(form('', '') + `<script>
    document.getElementById('login').addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = e.target;
      const r = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: f.user.value, pw: f.pw.value }) });
      document.title = 'done ' + r.status;
    });</script>`),
  '/button': page(form('', '').replace('<button name="go" value="yes"', '<button type="button" id="go"') + `<script>
    document.getElementById('go').addEventListener('click', () => {
      const f = document.getElementById('login');
      const x = new XMLHttpRequest();
      x.open('POST', '/api/session');
      x.setRequestHeader('Content-Type', 'application/json');
      x.onload = () => (document.title = 'done ' + x.status);
      x.send(JSON.stringify({ user: f.user.value, pw: f.pw.value }));
    });</script>`),
};

function handle(req, res) {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    log.push({ path, body, cookie: req.headers.cookie || '', at: Date.now() });
    if (path === '/login-risk/collector.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(code);
    }
    if (path === '/login-risk/collect') {
      const answer = () => {
        if (collectMode === 'error') return res.writeHead(500).end('no');
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Set-Cookie': 'lr_token=tok-123; Path=/; HttpOnly; SameSite=Lax',
        });
        res.end(collectMode === 'junk' ? '{"token":' : '{"token":"tok-123","field":"lr_token"}');
      };
      return collectMode === 'slow' ? setTimeout(answer, 1500) : answer();
    }
    if (PAGES[path]) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end(PAGES[path]);
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<title>posted</title>');
  });
}

let code;

before(async () => {
  if (skip) return;
  code = await bundle();
  server = http.createServer(handle);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
});

// Opens path in a fresh context, lets a person-like user fill the form.
async function fill(path) {
  log = [];
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(base + path);
  await p.waitForTimeout(300);
  await p.mouse.move(10, 10);
  await p.mouse.move(150, 35, { steps: 12 });
  await p.click('input[name=user]');
  await p.keyboard.type(USER, { delay: 30 });
  await p.keyboard.press('Tab');
  await p.keyboard.type(PASSWORD, { delay: 30 });
  await p.mouse.move(60, 95, { steps: 15 });
  return { ctx, p };
}

const collects = () => log.filter((r) => r.path === '/login-risk/collect');
const posted = (path) => log.find((r) => r.path === path);

async function waitFor(f, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail('timed out');
}

test('a normal form post carries the token field and the button', { skip }, async () => {
  collectMode = 'ok';
  const { ctx, p } = await fill('/normal');
  await p.mouse.down();
  await p.mouse.up();
  const login = await waitFor(() => posted('/login'));
  const form = new URLSearchParams(login.body);
  assert.equal(form.get('lr_token'), 'tok-123');
  assert.equal(form.get('go'), 'yes');
  assert.equal(form.get('user'), USER);
  assert.equal(form.getAll('go').length, 1);
  assert.equal(collects().length, 1);

  const t = JSON.parse(collects()[0].body);
  if (process.env.SHOW_TELEMETRY) console.log(collects()[0].body);
  assert.equal(t.v, 1);
  for (const secret of [USER, PASSWORD, 'alice', 'S3cr', 'KeyA', 'Shift']) {
    assert.ok(!collects()[0].body.includes(secret), secret);
  }
  assert.ok(Buffer.byteLength(collects()[0].body) <= 8192);
  assert.equal(t.beh.keys, USER.length + PASSWORD.length + 1); // and Tab
  assert.equal(t.beh.focus, 'up');
  assert.equal(t.beh.tab, 1);
  assert.equal(t.beh.clickfocus, 1);
  assert.equal(t.beh.nokey, 0);
  assert.equal(t.beh.ptr, 'mouse');
  assert.ok(t.beh.moves >= 27);
  assert.equal(t.beh.clicks, 2);
  assert.equal(t.beh.blind, 0);
  for (const v of [t.beh.t_first, t.beh.t_submit, ...t.beh.hold, ...t.beh.flight]) {
    assert.equal(v % 4, 0);
  }
  assert.ok(t.auto.includes('webdriver')); // Playwright's browser says so
  assert.match(t.canvas, /^[0-9a-f]{8}$/);
  assert.equal(typeof t.tz, 'string');
  await ctx.close();
});

test('a formaction button posts where it says, with its own name', { skip }, async () => {
  collectMode = 'ok';
  const { ctx, p } = await fill('/normal');
  await p.click('button[name=forgot]');
  const post = await waitFor(() => posted('/forgot'));
  const form = new URLSearchParams(post.body);
  assert.equal(form.get('forgot'), '1');
  assert.equal(form.get('go'), null);
  assert.ok(!posted('/login'));
  await ctx.close();
});

test('a script login waits for the collect and carries its cookie', { skip }, async () => {
  collectMode = 'ok';
  const { ctx, p } = await fill('/spa');
  await p.keyboard.press('Enter');
  const login = await waitFor(() => posted('/api/login'));
  assert.match(login.cookie, /lr_token=tok-123/);
  assert.equal(collects().length, 1);
  assert.ok(collects()[0].at <= login.at);
  await p.waitForFunction(() => document.title === 'done 200');
  await ctx.close();
});

test('a button that sends by XMLHttpRequest gets the collect first', { skip }, async () => {
  collectMode = 'ok';
  const { ctx, p } = await fill('/button');
  await p.click('#go');
  const login = await waitFor(() => posted('/api/session'));
  assert.match(login.cookie, /lr_token=tok-123/);
  assert.equal(collects().length, 1);
  await p.waitForFunction(() => document.title === 'done 200');
  await ctx.close();
});

test('a script that fills and clicks shows as such', { skip }, async () => {
  collectMode = 'ok';
  log = [];
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(base + '/normal');
  await p.fill('input[name=user]', USER); // text without key events
  await p.fill('input[name=pw]', PASSWORD);
  await p.click('button[name=go]'); // one jump of the mouse, then a click
  await waitFor(() => posted('/login'));
  const t = JSON.parse(collects()[0].body);
  assert.equal(t.beh.keys, 0);
  assert.equal(t.beh.nokey, 2);
  assert.equal(t.beh.autofill, 0);
  assert.equal(t.beh.blind, 1);
  assert.ok(!collects()[0].body.includes(PASSWORD));
  await ctx.close();
});

for (const mode of ['slow', 'error', 'junk']) {
  test(`a ${mode} collect lets the login go without token`, { skip }, async () => {
    collectMode = mode;
    const { ctx, p } = await fill('/normal');
    const t0 = Date.now();
    await p.click('button[name=go]');
    const login = await waitFor(() => posted('/login'));
    assert.ok(login.at - t0 < 1200, `${login.at - t0} ms`);
    assert.equal(new URLSearchParams(login.body).get('lr_token'), null);
    assert.equal(new URLSearchParams(login.body).get('go'), 'yes');
    await ctx.close();
  });
}

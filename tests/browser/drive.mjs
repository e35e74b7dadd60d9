// Drives a real Chromium (playwright-core from js-collector/node_modules)
// through one named scenario against the real nginx that test_browser.py
// started, and prints what the browser saw as JSON lines on stdout:
//
//   {"sync": NAME, ...}    a pause point: the test does something (waits
//                          for a verdict, pauses Redis) and answers with a
//                          line on stdin
//   {"result": {...}}      the last line: what was observed
//
//   node drive.mjs '{"scenario": "scripted", "base": "http://localhost:PORT",
//                    "headed": false}'
//
// Environment: CHROMIUM (default /usr/bin/chromium), LR_COLLECTOR_DIR (where
// playwright-core is installed, default ../../js-collector), DISPLAY for a
// headed browser (test_browser.py starts Xvfb).

import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const collectorDir = process.env.LR_COLLECTOR_DIR || path.join(here, '..', '..', 'js-collector');
const { chromium } = createRequire(path.join(collectorDir, 'package.json'))('playwright-core');

const opts = JSON.parse(process.argv[2] || '{}');
const base = opts.base;
const FIREFOX_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

// ---- talking to the test ------------------------------------------------

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function sync(name, data = {}) {
  emit({ sync: name, ...data });
  const line = await stdin.next();
  return line.done ? null : JSON.parse(line.value || 'null');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A seeded generator (mulberry32): the same "person" every run.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(opts.seed || 20261125);
const between = (lo, hi) => lo + (hi - lo) * rand();

// ---- the browser and what it sees ----------------------------------------

let browser;
const observed = { pages: [] };

async function launch() {
  const args = ['--no-sandbox'];
  if (opts.headed) args.push('--disable-blink-features=AutomationControlled', '--window-size=1280,900');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: !opts.headed,
    args,
  });
}

// A context: headed ones use the real window (no viewport emulation), unless
// the scenario asks for Playwright's default emulated viewport.
async function context(extra = {}) {
  const o = { ...extra };
  if (opts.headed && !opts.emulate_viewport && !('viewport' in o)) o.viewport = null;
  return browser.newContext(o);
}

// A page whose requests, console errors and page errors are recorded.
async function open(ctx, url) {
  const page = await ctx.newPage();
  const rec = { url, requests: [], responses: [], console: [], pageerrors: [] };
  observed.pages.push(rec);
  const t0 = Date.now();
  page.on('request', (r) => {
    const u = new URL(r.url());
    rec.requests.push({ path: u.pathname, method: r.method(), body: r.postData(), at: Date.now() - t0 });
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    rec.responses.push({ path: u.pathname, status: r.status(), at: Date.now() - t0 });
  });
  page.on('requestfailed', (r) => {
    const u = new URL(r.url());
    rec.responses.push({ path: u.pathname, failed: r.failure() && r.failure().errorText, at: Date.now() - t0 });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') {
      rec.console.push({ type: m.type(), text: m.text(), url: m.location().url });
    }
  });
  page.on('pageerror', (e) => rec.pageerrors.push(String(e && e.stack || e)));
  page.rec = rec;
  page.t0 = t0;
  await page.goto(base + url);
  return page;
}

// The telemetry the collector posted from this page.
const telemetry = (page) =>
  page.rec.requests.filter((r) => r.path === '/login-risk/collect').map((r) => JSON.parse(r.body));

async function cookies(ctx) {
  const out = {};
  for (const c of await ctx.cookies(base)) out[c.name] = c.value;
  return out;
}

// Waits for a request to path (and its answer) to show up in the page's record.
async function waitRequest(page, p, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = page.rec.requests.find((x) => x.path === p);
    if (r && page.rec.responses.find((x) => x.path === p)) return r;
    await sleep(20);
  }
  throw new Error('no request to ' + p);
}

// ---- three ways to operate a form ------------------------------------------

// A script: fill (no key events), click (one jump of the mouse, then click).
async function scripted(page, user, password, button = 'button[name=go]') {
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click(button);
}

// A person: the pointer travels along curved (cubic Bezier) paths, slow at
// both ends and fast in the middle, with uneven steps; keys are pressed and
// released by hand (hold 50-150 ms, 80-300 ms from one press to the next);
// the click comes after the pointer has come to rest on its target.
let pointer = { x: 620, y: 460 };

async function moveTo(page, to) {
  const from = pointer;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len;
  const ny = dx / len;
  const side = rand() < 0.5 ? -1 : 1;
  const c1 = { x: from.x + dx * 0.3 + nx * side * len * between(0.15, 0.35), y: from.y + dy * 0.3 + ny * side * len * between(0.15, 0.35) };
  const c2 = { x: from.x + dx * 0.7 + nx * side * len * between(0.05, 0.2), y: from.y + dy * 0.7 + ny * side * len * between(0.05, 0.2) };
  const n = Math.max(14, Math.min(40, Math.round(len / 12)));
  for (let i = 1; i <= n; i++) {
    const s = i / n;
    const t = (1 - Math.cos(Math.PI * s)) / 2; // ease in and out
    const u = 1 - t;
    const x = u * u * u * from.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * to.x;
    const y = u * u * u * from.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * to.y;
    await page.mouse.move(x + between(-0.6, 0.6), y + between(-0.6, 0.6));
    await sleep(between(7, 22));
  }
  pointer = to;
}

async function target(page, selector) {
  const b = await page.locator(selector).boundingBox();
  return { x: b.x + b.width * between(0.3, 0.7), y: b.y + b.height * between(0.35, 0.65) };
}

async function humanClick(page, selector) {
  await moveTo(page, await target(page, selector));
  await sleep(between(90, 220));
  await page.mouse.down();
  await sleep(between(60, 120));
  await page.mouse.up();
}

async function press(page, key) {
  const hold = between(50, 150);
  const flight = between(80, 300);
  await page.keyboard.down(key);
  await sleep(hold);
  await page.keyboard.up(key);
  await sleep(Math.max(5, flight - hold));
}

async function typeHuman(page, text) {
  for (const ch of text) await press(page, ch);
}

async function human(page, user, password, button = 'button[name=go]') {
  await sleep(between(300, 500));
  await humanClick(page, 'input[name=username]');
  await sleep(between(150, 300));
  await typeHuman(page, user);
  await press(page, 'Tab');
  await typeHuman(page, password);
  await sleep(between(200, 400));
  await humanClick(page, button);
}

// A quick, keyboard-driven fill: real key events with holds of 30-60 ms and
// 70-130 ms between presses (a fast typist, not a timer), a pointer that
// travels to the first field, then page.click jumps. Meant to be neither
// scripted_input nor a person-like session: the tests of the form
// mechanics want their logins to reach the application (headless Chromium
// is automation, a challenge; with scripted_input too it would be blocked).
async function typeFast(page, text) {
  for (const ch of text) {
    const hold = between(30, 60);
    await page.keyboard.down(ch);
    await sleep(hold);
    await page.keyboard.up(ch);
    await sleep(between(70, 130) - hold);
  }
}

async function typed(page, user, password) {
  await page.mouse.move(600, 400);
  await page.mouse.move(200, 60, { steps: 8 });
  await page.click('input[name=username]');
  await typeFast(page, user);
  await typeFast(page, ['Tab']);
  await typeFast(page, password);
}

// A form login that posts normally: waits for the answer page.
async function loginForm(page, how, user, password) {
  const nav = page.waitForURL((u) => !u.pathname.endsWith('.html'), { timeout: 10000 });
  if (how === 'human') await human(page, user, password);
  else if (how === 'scripted') await scripted(page, user, password);
  else {
    await typed(page, user, password);
    await page.click('button[name=go]');
  }
  await nav;
  return { title: await page.title(), url: new URL(page.url()).pathname };
}

// ---- the scenarios ---------------------------------------------------------

const scenarios = {
  // 1 and 2: fill and click by script (headless, or headed under Xvfb
  // without navigator.webdriver)
  async scripted() {
    const ctx = await context();
    const page = await open(ctx, '/login.html');
    await sleep(300);
    const out = await loginForm(page, 'scripted', 'sam', 'right');
    const [t] = telemetry(page);
    return { ...out, telemetry: t };
  },

  // 3: a person-like session
  async human() {
    const ctx = await context();
    const page = await open(ctx, '/login.html');
    const out = await loginForm(page, 'human', 'hana', 'right');
    return { ...out, telemetry: telemetry(page)[0] };
  },

  // 4: logins without telemetry: the collect blocked; a page without the
  // collector
  async no_telemetry() {
    const ctx = await context();
    await ctx.route('**/login-risk/collect', (r) => r.abort());
    let page = await open(ctx, '/login.html');
    const blocked = await loginForm(page, 'typed', 'nora', 'right');
    const ctx2 = await context();
    page = await open(ctx2, '/plain.html');
    const plain = await loginForm(page, 'typed', 'nora', 'right');
    return { blocked, plain };
  },

  // 4: a forged token in the form field; a forged token cookie on a JSON login
  async forged() {
    const ctx = await context();
    let sent;
    await ctx.route((u) => u.pathname === '/login', async (route) => {
      const form = new URLSearchParams(route.request().postData());
      sent = form.get('lr_token');
      const [id, exp, kid, mac] = sent.split('.');
      form.set('lr_token', [id, exp, kid, (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)].join('.'));
      await route.continue({ postData: form.toString() });
    });
    const page = await open(ctx, '/login.html');
    const out = await loginForm(page, 'typed', 'fred', 'right');
    // a JSON login with a forged token cookie (the page's script would send it)
    const [id, exp, kid, mac] = sent.split('.');
    const forged = [id.replace(/^./, id[0] === '0' ? '1' : '0'), exp, kid, mac].join('.');
    await ctx.addCookies([{ name: 'lr_token', value: forged, url: base }]);
    const r = await page.request.post(base + '/api/login', {
      data: { user: 'fred', password: 'right' },
    });
    return { ...out, token: sent, forged, api_status: r.status() };
  },

  // 4: the token of a finished login sent again by the same browser
  async replay() {
    const ctx = await context();
    const page = await open(ctx, '/login.html');
    const out = await loginForm(page, 'typed', 'rita', 'right');
    const login = page.rec.requests.find((r) => r.path === '/login');
    const token = new URLSearchParams(login.body).get('lr_token');
    await sync('first_login');
    const r = await page.request.post(base + '/login', {
      form: { username: 'rita', password: 'right', lr_token: token },
      maxRedirects: 0,
    });
    return { ...out, token, replay_status: r.status() };
  },

  // 4: a token fetched in one browser, spent by another (another User-Agent)
  async other_browser() {
    const a = await context();
    let token;
    await a.route((u) => u.pathname === '/login', async (route) => {
      token = new URLSearchParams(route.request().postData()).get('lr_token');
      await route.abort(); // never reaches nginx: the token stays unspent
    });
    const page = await open(a, '/login.html');
    await typed(page, 'olga', 'right');
    await page.click('button[name=go]');
    const end = Date.now() + 5000;
    while (!token && Date.now() < end) await sleep(20);
    const b = await context({ userAgent: FIREFOX_UA });
    const pb = await open(b, '/login.html');
    const r = await pb.request.post(base + '/login', {
      form: { username: 'olga', password: 'right', lr_token: token },
      maxRedirects: 0,
    });
    return { token, status: r.status(), ua_a: await page.evaluate(() => navigator.userAgent) };
  },

  // 4: a device cookie tampered with after the collect, as the login leaves
  // (the jar is changed while the login request is held; Chromium adds the
  // jar's cookies once it goes on)
  async bad_device() {
    const ctx = await context();
    let page = await open(ctx, '/login.html');
    await loginForm(page, 'typed', 'dora', 'right');
    const genuine = (await cookies(ctx)).lr_dev;
    const [id, kid, mac] = genuine.split('.');
    const tampered = [(id[0] === '0' ? '1' : '0') + id.slice(1), kid, mac].join('.');
    await sync('genuine');
    await ctx.route((u) => u.pathname === '/login', async (route) => {
      await ctx.addCookies([{ name: 'lr_dev', value: tampered, url: base, secure: true, httpOnly: true, sameSite: 'Lax' }]);
      await route.continue();
    });
    page = await open(ctx, '/login.html');
    await loginForm(page, 'typed', 'dora', 'right');
    return { genuine, tampered, after: (await cookies(ctx)).lr_dev };
  },

  // 4: the browser already holds a tampered device cookie when the login
  // page loads: the collect sees it before the login does
  async jar_device() {
    const ctx = await context();
    const tampered = '0123456789abcdef0123456789abcdef.k1.' + 'A'.repeat(43);
    await ctx.addCookies([{ name: 'lr_dev', value: tampered, url: base, secure: true, httpOnly: true, sameSite: 'Lax' }]);
    const page = await open(ctx, '/login.html');
    await loginForm(page, 'typed', 'dina', 'right');
    const collect = page.rec.responses.find((r) => r.path === '/login-risk/collect');
    return { tampered, after: (await cookies(ctx)).lr_dev, collect_status: collect && collect.status };
  },

  // 5: one browser profile logs in twice, then clears its cookies; then a
  // browser on another machine (other screen, timezone, pixel ratio)
  async device_memory() {
    const how = opts.how || 'human';
    const ctx = await context();
    const jar = [];
    let page = await open(ctx, '/login.html');
    await loginForm(page, how, 'mia', 'right');
    jar.push(await cookies(ctx));
    await sync('login', { n: 1 });
    page = await open(ctx, '/login.html');
    await loginForm(page, how, 'mia', 'right');
    jar.push(await cookies(ctx));
    await sync('login', { n: 2 });
    await ctx.clearCookies();
    page = await open(ctx, '/login.html');
    await loginForm(page, how, 'mia', 'right');
    jar.push(await cookies(ctx));
    await sync('login', { n: 3 });
    const other = await context({
      viewport: { width: 1024, height: 700 },
      screen: { width: 1366, height: 768 },
      deviceScaleFactor: 2,
      timezoneId: 'America/Sao_Paulo',
    });
    page = await open(other, '/login.html');
    await loginForm(page, 'typed', 'mia', 'right'); // the last: not learnt from
    jar.push(await cookies(other));
    return { jar };
  },

  // 6: a normal form post, then a formaction button
  async form_post() {
    const ctx = await context();
    let page = await open(ctx, '/login.html');
    const login = await loginForm(page, 'typed', 'finn', 'right');
    page = await open(ctx, '/login.html');
    await typed(page, 'finn', 'wrong');
    const nav = page.waitForURL((u) => u.pathname === '/forgot', { timeout: 10000 });
    await page.click('button[name=forgot]');
    await nav;
    return { login, forgot: { url: new URL(page.url()).pathname } };
  },

  // 6: a single-page app that logs in with fetch
  async spa() {
    const ctx = await context();
    const page = await open(ctx, '/spa.html');
    await typed(page, 'sara', 'right');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.title.startsWith('done'), null, { timeout: 10000 });
    const login = await waitRequest(page, '/api/login');
    return { title: await page.title(), collects: page.rec.responses.filter((r) => r.path === '/login-risk/collect'), login_at: login.at, login_body: login.body };
  },

  // 6: a button whose click handler sends the login by XMLHttpRequest
  async xhr_button() {
    const ctx = await context();
    const page = await open(ctx, '/button.html');
    await typed(page, 'xena', 'right');
    await page.click('#go');
    await page.waitForFunction(() => document.title.startsWith('done'), null, { timeout: 10000 });
    const login = await waitRequest(page, '/api/session');
    return { title: await page.title(), collects: page.rec.responses.filter((r) => r.path === '/login-risk/collect'), login_at: login.at };
  },

  // 6: the collect does not answer in time (the test pauses Redis)
  async slow_collect() {
    const ctx = await context();
    const page = await open(ctx, '/login.html');
    await typed(page, 'sly', 'right');
    await sync('ready');
    const t = Date.now() - page.t0;
    const nav = page.waitForURL((u) => !u.pathname.endsWith('.html'), { timeout: 15000 });
    await page.click('button[name=go]');
    const login = await waitRequest(page, '/login', 15000);
    const collect = page.rec.requests.find((r) => r.path === '/login-risk/collect');
    await nav;
    return { clicked_at: t, collect_at: collect && collect.at, login_at: login.at, login_body: login.body, title: await page.title() };
  },
};

// ---- main ------------------------------------------------------------------

let code = 0;
try {
  await launch();
  const result = await scenarios[opts.scenario]();
  emit({ result: { ...result, pages: observed.pages } });
} catch (e) {
  emit({ error: String((e && e.stack) || e), pages: observed.pages });
  code = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
}
process.exit(code);

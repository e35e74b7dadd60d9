// The pure functions of src/features.js, on made-up records and fake windows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  round4,
  percentiles,
  straightness,
  speedVariation,
  countPauses,
  countBlind,
  hash32,
  classifyInputs,
  newRecord,
  buildBeh,
  trimTelemetry,
  encodeTelemetry,
  cut,
  markers,
  MAX_BYTES,
} from '../src/features.js';

const bytes = (s) => Buffer.byteLength(s, 'utf8');

test('round4 rounds to the nearest multiple of 4, never below 0', () => {
  assert.deepEqual(
    [0, 1, 2, 5, 6, 1001, 1002.5, -3].map(round4),
    [0, 0, 4, 4, 8, 1000, 1004, 0],
  );
});

test('percentiles interpolate between ranks and leave the input alone', () => {
  const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
  const p = percentiles(xs);
  assert.equal(p.length, 3);
  assert.ok(Math.abs(p[0] - 1.9) < 1e-9);
  assert.equal(p[1], 5.5);
  assert.ok(Math.abs(p[2] - 9.1) < 1e-9);
  assert.deepEqual(xs.slice(0, 2), [10, 1]);
  assert.deepEqual(percentiles([7]), [7, 7, 7]);
  assert.equal(percentiles([]), undefined);
});

// n points along f(i) -> [x, y], 10 ms apart.
const path = (n, f, t0 = 0) =>
  Array.from({ length: n }, (_, i) => [...f(i), t0 + i * 10]);

test('straightness: 1000 for a straight path, less for a curve', () => {
  assert.equal(straightness(path(20, (i) => [i * 5, i * 3])), 1000);
  // a half circle: diameter over half the circumference = 2/pi
  const arc = path(181, (i) => [
    100 * Math.cos((i * Math.PI) / 180),
    100 * Math.sin((i * Math.PI) / 180),
  ]);
  assert.ok(Math.abs(straightness(arc) - 637) <= 1, straightness(arc));
  const zigzag = path(20, (i) => [i * 10, (i % 2) * 40]);
  assert.ok(straightness(zigzag) < 300);
  assert.equal(straightness(path(5, () => [3, 3])), undefined);
  assert.equal(straightness([]), undefined);
});

test('straightness takes each stroke between pauses on its own', () => {
  const right = path(10, (i) => [i * 10, 0]);
  const upAfterPause = path(10, (i) => [90, i * 10], 90 + 500);
  const upNoPause = path(10, (i) => [90, i * 10], 90 + 10);
  assert.equal(straightness([...right, ...upAfterPause]), 1000);
  assert.ok(straightness([...right, ...upNoPause]) < 720);
});

test('speed variation: 0 at constant speed, high for varying speed', () => {
  assert.equal(speedVariation(path(30, (i) => [i * 7, i * 2])), 0);
  // speeds alternate 1 and 3 px/ms: sd 1 over mean 2
  let x = 0;
  const pts = [[0, 0, 0]];
  for (let i = 1; i <= 20; i++) pts.push([(x += i % 2 ? 10 : 30), 0, i * 10]);
  assert.equal(speedVariation(pts), 500);
  // the same timestamp twice is merged, not a speed of Infinity
  const dup = [[0, 0, 0], [10, 0, 10], [10, 0, 10], [20, 0, 20], [30, 0, 30]];
  assert.equal(speedVariation(dup), 0);
  // evenly spaced moves about 1 ms apart whose timestamps jitter by
  // 0.4 ms: timer noise, not a hand
  const jitter = path(200, (i) => [i * 2, 0]).map(([x, y], i) => [x, y, i + [0, 0.4, -0.4][i % 3]]);
  assert.ok(speedVariation(jitter) < 100, `${speedVariation(jitter)}`);
  assert.equal(speedVariation(path(2, (i) => [i, i])), undefined);
});

test('pauses: gaps over 200 ms between moves', () => {
  assert.equal(countPauses([0, 10, 250, 260, 460, 661, 700]), 2);
  assert.equal(countPauses([]), 0);
});

test('blind clicks: a mouse click with fewer than 3 moves in the second before', () => {
  const moves = [100, 200, 300, 2500, 2600, 2700, 2800];
  assert.equal(countBlind([[350, 'mouse']], moves), 0);
  assert.equal(countBlind([[1250, 'mouse']], moves), 1); // 100 is too old
  assert.equal(countBlind([[2650, 'mouse']], moves), 1); // only 2 before
  assert.equal(countBlind([[2750, 'mouse']], moves), 0);
  assert.equal(countBlind([[5000, 'mouse'], [5000, 'touch']], moves), 1);
  assert.equal(countBlind([[9000, 'pen']], []), 0);
});

test('hash32 is 32-bit FNV-1a as 8 hex digits', () => {
  assert.equal(hash32(''), '811c9dc5');
  assert.equal(hash32('a'), 'e40c292c');
  assert.equal(hash32('foobar'), 'bf9cf968');
  assert.match(hash32('data:image/png;base64,AAAA'), /^[0-9a-f]{8}$/);
  assert.notEqual(hash32('ab'), hash32('ba'));
});

test('inputs: keyed, scripted (nokey) and browser autofill', () => {
  const input = (o) => ({ t: 1000, f: 1, type: 'insertText', af: false, foc: true, k: 1e9, ...o });
  const c = (inputs) => classifyInputs(inputs);
  assert.deepEqual(c([input({ k: 12 })]), { nokey: 0, autofill: 0 });
  assert.deepEqual(c([input({ k: 51 })]), { nokey: 1, autofill: 0 });
  assert.deepEqual(c([input({})]), { nokey: 1, autofill: 0 });
  // Chrome/Safari autofill: no inputType, field marked autofilled
  assert.deepEqual(c([input({ type: undefined, af: true })]), { nokey: 0, autofill: 1 });
  // Firefox: insertReplacementText on an :autofill field
  assert.deepEqual(c([input({ type: 'insertReplacementText', af: true })]), { nokey: 0, autofill: 1 });
  // the same input type without the autofill mark is not autofill
  assert.deepEqual(c([input({ type: 'insertReplacementText' })]), { nokey: 1, autofill: 0 });
  // text typed in by script, marked autofill but with a typing inputType
  assert.deepEqual(c([input({ af: true })]), { nokey: 1, autofill: 0 });
  // two fields filled at once, the second without focus
  assert.deepEqual(
    c([input({ type: undefined, af: true }), input({ f: 2, t: 1003, type: undefined, foc: false })]),
    { nokey: 0, autofill: 2 },
  );
  // a field changed without focus, alone: script
  assert.deepEqual(c([input({ foc: false })]), { nokey: 1, autofill: 0 });
  // two fields far apart in time are not one fill
  assert.deepEqual(
    c([input({ foc: false }), input({ f: 2, t: 2000, foc: false })]),
    { nokey: 2, autofill: 0 },
  );
  // paste, drop and input-method composition are not counted
  assert.deepEqual(
    c(['insertFromPaste', 'insertFromDrop', 'Composition', 'insertCompositionText'].map((type) => input({ type }))),
    { nokey: 0, autofill: 0 },
  );
});

// A record as collector.js leaves it after a user typed "ab" into the
// user field, pasted, and submitted. Key names and values ride along in
// places they should never be read from.
function typedRecord() {
  const rec = newRecord();
  rec.n = 4;
  rec.first = 1501;
  rec.downs = [1501, 1620, 1700];
  rec.holds = [80, 95, 102];
  rec.count.overlap = 1;
  rec.count.bksp = 1;
  rec.count.tab = 1;
  rec.count.clickfocus = 1;
  rec.count.moves = 4;
  rec.inputs = [
    { t: 1510, f: 0, type: 'insertText', af: false, foc: true, k: 9, value: 'hunter2', key: 'KeyQ' },
    { t: 1625, f: 0, type: 'insertText', af: false, foc: true, k: 5, data: 'hunter2' },
    { t: 1900, f: 1, type: 'insertFromPaste', af: false, foc: true, k: 1e9 },
  ];
  rec.paste = ['password', 'hunter2'];
  rec.focus = 'upQ';
  rec.pts = [[0, 0, 1000], [10, 0, 1010], [20, 0, 1020], [30, 0, 1030]];
  rec.clicks = [[1040, 'mouse']];
  rec.ptr = 'mouse';
  rec.password = 'hunter2';
  rec.lastKey = 'KeyQ';
  return rec;
}

test('buildBeh turns a record into beh', () => {
  const beh = buildBeh(typedRecord(), 2500);
  assert.equal(beh.keys, 3);
  assert.equal(beh.t_first, 1501);
  assert.equal(beh.t_submit, 999);
  // hold [80, 95, 102]: p10 80 + 0.2 * 15, p50 95, p90 95 + 0.8 * 7
  beh.hold.forEach((v, i) => assert.ok(Math.abs(v - [83, 95, 100.6][i]) < 1e-9, `${v}`));
  // flight [119, 80]: 80 + 0.1 * 39, 99.5, 80 + 0.9 * 39
  beh.flight.forEach((v, i) => assert.ok(Math.abs(v - [83.9, 99.5, 115.1][i]) < 1e-9, `${v}`));
  assert.equal(beh.overlap, 1);
  assert.equal(beh.nokey, 0);
  assert.equal(beh.straight, 1000);
  assert.equal(beh.speedvar, 0);
  assert.equal(beh.clicks, 1);
  assert.equal(beh.blind, 0);
  assert.equal(beh.tap, undefined);
  const tapped = { ...newRecord(), taps: [120, 80, 95] };
  assert.equal(buildBeh(tapped, 0).tap, 95);
  assert.equal(buildBeh(tapped, 0).flight, undefined);
  assert.equal(buildBeh(tapped, 0).t_first, undefined);
});

test('nothing typed and no key name reaches the telemetry', () => {
  const json = encodeTelemetry({ ua: 'UA', beh: buildBeh(typedRecord(), 2500) });
  for (const secret of ['hunter2', 'KeyQ', 'Q', '"value"', '"key"', '"data"', '"password":', '"lastKey"']) {
    assert.ok(!json.includes(secret), `${secret} in ${json}`);
  }
  const beh = JSON.parse(json).beh;
  assert.deepEqual(beh.paste, ['password']);
  assert.equal(beh.focus, 'up');
  // timings went out as multiples of 4
  for (const v of [beh.t_first, beh.t_submit, ...beh.hold, ...beh.flight]) {
    assert.equal(v % 4, 0, `${v}`);
  }
  assert.deepEqual(beh.hold, [84, 96, 100]);
});

test('cut: at most max characters, no controls, no lone surrogates', () => {
  assert.equal(cut('abcdef', 4), 'abcd');
  assert.equal(cut('\u00e9\u00e9\u00e9', 2), '\u00e9\u00e9');
  assert.equal(cut('a\u{1f603}b', 2), 'a\u{1f603}'); // one character, two units
  assert.equal(cut('a\u{1f603}b', 1), 'a');
  assert.equal(cut('a\u0000b\nc\u007f', 10), 'abc');
  assert.equal(cut('x\ud800y\udfff', 10), 'x\ufffdy\ufffd');
  assert.equal(cut(42, 10), undefined);
});

test('trimTelemetry keeps the schema: types, ranges, lengths, known names', () => {
  const t = trimTelemetry({
    v: 7,
    ua: 'U'.repeat(600),
    uach: { brands: Array.from({ length: 10 }, (_, i) => 'B' + i + '/1'), mobile: 'no', platform: 'P'.repeat(40), extra: 1 },
    langs: Array.from({ length: 12 }, (_, i) => 'l' + i + '-'.repeat(40)),
    tz: 'Europe/Berlin',
    scr: [200000, -5],
    win: [1280, NaN],
    outer: [1280.4, 720],
    dpr: 1.100000023841858,
    depth: 300,
    cores: 8,
    mem: Infinity,
    touch: '5',
    gl: ['Vendor', 'R'.repeat(200)],
    canvas: 'DEADBEEF',
    audio: '0123abcd',
    plugins: 5,
    auto: ['webdriver', 'nonsense', 'webdriver', 'zero_outer'],
    secret: 'hunter2',
    beh: {
      t_first: 1234.7,
      t_submit: -20,
      keys: 12.6,
      hold: [81, 90, 130],
      flight: [1, 2],
      focus: 'upoupoupoupoupoupoXYZ',
      paste: ['user', 'clipboard'],
      ptr: 'trackball',
      straight: 1400,
      speedvar: 2e6,
      nokey: NaN,
      bogus: 3,
    },
  });
  assert.equal(t.v, 1);
  assert.equal(t.ua.length, 512);
  assert.deepEqual(t.uach.brands, ['B0/1', 'B1/1', 'B2/1', 'B3/1', 'B4/1', 'B5/1', 'B6/1', 'B7/1']);
  assert.equal(t.uach.mobile, undefined);
  assert.equal(t.uach.platform.length, 32);
  assert.equal(t.uach.extra, undefined);
  assert.equal(t.langs.length, 8);
  assert.ok(t.langs.every((l) => l.length <= 35));
  assert.deepEqual(t.scr, [100000, 0]);
  assert.equal(t.win, undefined);
  assert.deepEqual(t.outer, [1280, 720]);
  assert.equal(t.dpr, 1.1);
  assert.equal(t.depth, 256);
  assert.equal(t.cores, 8);
  assert.equal(t.mem, undefined);
  assert.equal(t.touch, undefined);
  assert.deepEqual(t.gl, ['Vendor', 'R'.repeat(128)]);
  assert.equal(t.canvas, undefined);
  assert.equal(t.audio, '0123abcd');
  assert.deepEqual(t.auto, ['webdriver', 'zero_outer']);
  assert.equal(t.secret, undefined);
  assert.deepEqual(t.beh, {
    t_first: 1236,
    t_submit: 0,
    keys: 13,
    hold: [80, 92, 132],
    paste: ['user'],
    focus: 'upoupoupoupoupou',
    straight: 1000,
    speedvar: 100000,
  });
});

test('encodeTelemetry stays within 8192 bytes whatever the strings hold', () => {
  const worst = '"\\\u{1f603}\u00e9'.repeat(300);
  const json = encodeTelemetry({
    ua: worst,
    uach: { brands: Array(8).fill(worst), platform: worst, mobile: true },
    langs: Array(8).fill(worst),
    tz: worst,
    gl: [worst, worst],
    beh: { keys: 3 },
  });
  assert.ok(bytes(json) <= MAX_BYTES, bytes(json));
  const t = JSON.parse(json);
  assert.equal(t.v, 1);
  assert.equal(t.beh.keys, 3);
  // an ordinary telemetry is sent whole
  const small = { ua: 'Mozilla/5.0', tz: 'UTC', beh: { keys: 1 } };
  assert.deepEqual(JSON.parse(encodeTelemetry(small)), { v: 1, ...small });
});

// ---- automation markers on fake windows ---------------------------------

// A native-looking function: bound functions print as [native code].
const nativeGetter = (v) => (() => v).bind(null);

function fakeWindow(over = {}) {
  const Navigator = function () {};
  for (const [p, v] of [['webdriver', false], ['languages', ['en']], ['plugins', []]]) {
    Object.defineProperty(Navigator.prototype, p, { get: nativeGetter(v), configurable: true });
  }
  const navigator = Object.create(Navigator.prototype);
  Object.defineProperty(navigator, 'userAgent', {
    value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    configurable: true,
  });
  return {
    Navigator,
    navigator,
    screen: { width: 1920, height: 1080 },
    innerWidth: 1280,
    innerHeight: 900,
    outerWidth: 1280,
    outerHeight: 1000,
    document: {},
    ...over,
  };
}

test('a plain browser shows no automation marker', () => {
  assert.deepEqual(markers(fakeWindow()), []);
});

test('each automation marker on its own', () => {
  const w1 = fakeWindow();
  Object.defineProperty(w1.navigator, 'webdriver', { value: true });
  // an own property on navigator shadows the prototype: patched as well
  assert.deepEqual(markers(w1), ['webdriver', 'patched_native']);

  const w1b = fakeWindow();
  Object.defineProperty(w1b.Navigator.prototype, 'webdriver', { get: nativeGetter(true) });
  assert.deepEqual(markers(w1b), ['webdriver']);

  for (const ua of ['Mozilla/5.0 HeadlessChrome/120.0', 'Mozilla/5.0 PhantomJS/2.1.1', 'Something Headless']) {
    const w = fakeWindow();
    Object.defineProperty(w.navigator, 'userAgent', { value: ua });
    assert.ok(markers(w).includes('headless_ua'), ua);
  }

  assert.deepEqual(markers(fakeWindow({ innerWidth: 1920, innerHeight: 1080 })), ['screen_is_viewport']);
  assert.deepEqual(markers(fakeWindow({ innerWidth: 1920, innerHeight: 1000 })), []);
  assert.deepEqual(markers(fakeWindow({ outerWidth: 0, outerHeight: 0 })), ['zero_outer']);
  assert.deepEqual(markers(fakeWindow({ outerWidth: 0, outerHeight: 10 })), []);

  for (const g of [
    '__playwright__binding__', '__pwInitScripts', '__puppeteer_evaluation_script__',
    'callPhantom', '_phantom', '__nightmare', 'domAutomation', 'domAutomationController',
    '__webdriver_evaluate', '__selenium_unwrapped', '__driver_evaluate',
    '__fxdriver_unwrapped', '_Selenium_IDE_Recorder', 'Cypress',
    'cdc_adoQpoasnfa76pfcZLmcfl_Array',
  ]) {
    assert.deepEqual(markers(fakeWindow({ [g]: {} })), ['automation_global'], g);
  }
  assert.deepEqual(
    markers(fakeWindow({ document: { $cdc_asdjflasutopfhvcZLmcfl_: {} } })),
    ['automation_global'],
  );
  // names that only look alike are no marker
  assert.deepEqual(markers(fakeWindow({ phantom: {}, cypressConfig: 1, pwd: 1, _pw: 1 })), []);
});

test('patched_native: a getter or Function.prototype.toString written in script', () => {
  for (const p of ['webdriver', 'languages', 'plugins']) {
    const w = fakeWindow();
    Object.defineProperty(w.Navigator.prototype, p, { get: () => undefined });
    assert.deepEqual(markers(w), ['patched_native'], p);
  }
  // a replacement that passes everything else to the original shows its
  // own source
  const original = Function.prototype.toString;
  const naive = function toString() {
    return original.call(this);
  };
  assert.deepEqual(markers(fakeWindow({ Function: { prototype: { toString: naive } } })), ['patched_native']);
  // one that calls everything native, itself included, but nameless
  const liar = function () {
    return 'function () { [native code] }';
  };
  assert.deepEqual(markers(fakeWindow({ Function: { prototype: { toString: liar } } })), ['patched_native']);
});

test('a throwing property costs only its own marker', () => {
  const boom = () => {
    throw new Error('boom');
  };
  const w = fakeWindow({ outerWidth: 0, outerHeight: 0, __nightmare: 1 });
  Object.defineProperty(w.navigator, 'userAgent', { get: boom });
  Object.defineProperty(w, 'screen', { get: boom });
  Object.defineProperty(w.Navigator.prototype, 'languages', { get: boom });
  assert.deepEqual(markers(w), ['zero_outer', 'automation_global', 'patched_native']);
  // a window whose every access throws
  const hostile = new Proxy({}, { get: boom, ownKeys: boom, has: boom, getOwnPropertyDescriptor: boom });
  assert.deepEqual(markers(hostile), []);
});

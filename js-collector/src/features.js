// Pure functions of the collector: they turn what the page recorded into
// the telemetry of TELEMETRY.md (schema version 1). Nothing here touches the
// DOM when imported, so node's test runner can exercise every rule with
// made-up events and fake window objects.

// Timings are sent in steps of 4 ms: finer steps would mostly carry timer
// jitter, and coarse steps are what the server is written against.
export const round4 = (ms) => Math.max(0, Math.round(ms / 4) * 4);

// [p10, p50, p90] by linear interpolation between the closest ranks;
// undefined for no values.
export function percentiles(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length - 1;
  if (n < 0) return;
  return [0.1, 0.5, 0.9].map((q) => {
    const i = q * n;
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, n)] - s[lo]) * (i - lo);
  });
}

// A pause is a gap of more than 200 ms between two pointer moves.
const PAUSE = 200;

export const countPauses = (times) =>
  times.filter((t, i) => i && t - times[i - 1] > PAUSE).length;

const dist = (a, b) => Math.hypot(b[0] - a[0], b[1] - a[1]);

// Pointer moves [x, y, t] cut into strokes at pauses: one stroke is one
// movement of the hand, so a path that stops at a field and then goes on
// elsewhere is not a curve.
function strokes(points) {
  const out = [];
  let cur = [];
  points.forEach((p, i) => {
    if (i && p[2] - points[i - 1][2] > PAUSE) out.push(cur), (cur = []);
    cur.push(p);
  });
  out.push(cur);
  return out.filter((s) => s.length > 1);
}

// Straight distance over path length, per mille, summed over strokes (long
// strokes weigh more). A script that glides from point to point scores
// 1000; a hand draws curves. undefined when the pointer did not travel.
export function straightness(points) {
  let chord = 0;
  let len = 0;
  for (const s of strokes(points)) {
    chord += dist(s[0], s[s.length - 1]);
    for (let i = 1; i < s.length; i++) len += dist(s[i - 1], s[i]);
  }
  if (len > 0) return Math.min(1000, Math.round((chord / len) * 1000));
}

// Coefficient of variation (standard deviation over mean) of the speed
// between moves, per mille. Hands speed up and slow down; scripted moves
// often keep one speed. Moves less than 8 ms apart are merged: over so
// short a time the speed is mostly timer jitter (and over 0 ms it means
// nothing). undefined for fewer than two speeds.
export function speedVariation(points) {
  const v = [];
  for (const s of strokes(points)) {
    let a = s[0];
    let d = 0;
    for (let i = 1; i < s.length; i++) {
      d += dist(s[i - 1], s[i]);
      if (s[i][2] - a[2] >= 8) v.push(d / (s[i][2] - a[2])), (a = s[i]), (d = 0);
    }
  }
  if (v.length < 2) return;
  const mean = v.reduce((x, y) => x + y) / v.length;
  if (!mean) return;
  const sd = Math.sqrt(v.reduce((x, y) => x + (y - mean) ** 2, 0) / v.length);
  return Math.min(100000, Math.round((sd / mean) * 1000));
}

// Mouse clicks with fewer than 3 pointer moves in the second before them: a
// human has to move the mouse onto a button, a script clicks where it is.
// clicks: [t, pointerType]; moveTimes: times of the moves.
export const countBlind = (clicks, moveTimes) =>
  clicks.filter(
    ([t, type]) =>
      type === 'mouse' &&
      moveTimes.filter((m) => m < t && m >= t - 1000).length < 3,
  ).length;

// 32-bit FNV-1a over the UTF-16 units, as 8 hex digits: small, fast and
// stable across browsers; it only has to tell renderings apart.
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

// Input types that change text without a key by design (a paste, a drop, an
// input method's composition): they are not counted as scripted input.
const NOT_TYPED = /Paste|Drop|Drag|Cut|Composition|history/;

// How many inputs came without a key event and were not browser autofill.
// inputs: {t, f: field id, type: inputType, af: field matched :autofill,
// foc: field had focus, k: ms since the last key event in that field}.
export function classifyInputs(inputs) {
  let nokey = 0;
  let autofill = 0;
  for (const i of inputs) {
    if (NOT_TYPED.test(i.type) || i.k <= 50) continue;
    // Autofill fires an input without inputType (Chrome, Safari) or with
    // insertReplacementText (Firefox) on a field that shows as autofilled,
    // or fills several fields at once without focusing them.
    const marked = (!i.type || i.type === 'insertReplacementText') && i.af;
    const several =
      !i.foc &&
      inputs.some((o) => o.f !== i.f && Math.abs(o.t - i.t) <= 50);
    if (marked || several) autofill++;
    else nokey++;
  }
  return { nokey, autofill };
}

// The recorder's state: what collector.js writes as events come and what
// buildBeh reads. Times are performance.now() milliseconds (0 is the start
// of the page's navigation).
export const newRecord = () => ({
  n: 0, // recorded inputs in the form, to know whether a collect is stale
  first: undefined, // time of the first key or input in the form
  // counters, under their names in beh
  count: { bksp: 0, overlap: 0, tab: 0, clickfocus: 0, blur: 0, moves: 0 },
  downs: [], // key-down times
  holds: [], // key hold times
  inputs: [], // see classifyInputs
  paste: [], // kinds of fields pasted into
  focus: '',
  pts: [], // recent pointer moves [x, y, t]
  clicks: [], // [t, pointerType]
  ptr: '',
  taps: [], // touch tap durations
});

// The beh object of TELEMETRY.md from a record, at time now (the submit).
// Only counts and timings are read from the record, so nothing else that
// it might hold can reach the telemetry.
export function buildBeh(rec, now) {
  const times = rec.pts.map((p) => p[2]);
  const beh = {
    ...rec.count,
    ...classifyInputs(rec.inputs),
    keys: rec.downs.length,
    paste: rec.paste,
    focus: rec.focus,
    straight: straightness(rec.pts),
    speedvar: speedVariation(rec.pts),
    pauses: countPauses(times),
    clicks: rec.clicks.length,
    blind: countBlind(rec.clicks, times),
    ptr: rec.ptr,
  };
  if (rec.first !== undefined) {
    beh.t_first = rec.first;
    beh.t_submit = now - rec.first;
  }
  if (rec.holds.length) beh.hold = percentiles(rec.holds);
  if (rec.downs.length > 1) {
    beh.flight = percentiles(rec.downs.slice(1).map((t, i) => t - rec.downs[i]));
  }
  if (rec.taps.length) beh.tap = percentiles(rec.taps)[1];
  return beh;
}

// ---- Schema limits ------------------------------------------------------

// The largest integer sent: a C int's, rounded down to a multiple of 4 so
// that a timing clamped to it is still one.
const MAX = 2147483644;

// A number rounded to a multiple of 1/k and clamped to 0..max, or undefined
// for anything that is not a finite number.
const num = (v, max = MAX, k = 1) =>
  typeof v === 'number' && isFinite(v)
    ? Math.min(max, Math.max(0, Math.round(v * k) / k))
    : undefined;

const time = (v) => num(v, MAX, 1 / 4);

// A string cut to max characters (code points, as the server counts them),
// without control characters (the server refuses \u0000) and with lone
// surrogates replaced (their \ud800 escapes are not valid UTF-8).
export function cut(v, max) {
  if (typeof v !== 'string') return;
  return [...v.replace(/[\0-\x1f\x7f]/g, '')]
    .slice(0, max)
    .map((c) => (/^[\ud800-\udfff]$/.test(c) ? '\ufffd' : c))
    .join('');
}

// An array of exactly len items each passing f, else undefined.
const tuple = (v, len, f, ...a) => {
  if (!Array.isArray(v) || v.length !== len) return;
  const out = v.map((x) => f(x, ...a));
  if (!out.includes(undefined)) return out;
};

// At most max distinct strings, each passing f (cut, or an allowed list).
const list = (v, max, f, ...a) =>
  Array.isArray(v)
    ? [...new Set(v.map((x) => f(x, ...a)).filter((x) => x !== undefined))]
        .slice(0, max)
    : undefined;

const oneOf = (v, names) => (names.includes(v) ? v : undefined);

export const MARKERS = [
  'webdriver',
  'headless_ua',
  'screen_is_viewport',
  'zero_outer',
  'automation_global',
  'patched_native',
];

// The schema as [names, check, ...arguments]: each of the space-separated
// names is kept if check(value, ...arguments) gives something back.
const TOP = [
  ['ua', cut, 512],
  ['uach', (v) => pick(v, UACH)],
  ['langs', list, 8, cut, 35],
  ['tz', cut, 64],
  ['scr win outer', tuple, 2, num, 100000],
  ['dpr', num, 100, 1000],
  ['mem', num, 4096, 1000],
  ['depth touch', num, 256],
  ['cores', num, 4096],
  ['plugins', num, 1000],
  ['gl', tuple, 2, cut, 128],
  ['canvas audio', (v) => (/^[0-9a-f]{8}$/.test(v) ? v : undefined)],
  ['auto', list, 8, oneOf, MARKERS],
  ['beh', (v) => pick(v, BEH)],
];
const UACH = [
  ['brands', list, 8, cut, 64],
  ['mobile', (v) => (typeof v === 'boolean' ? v : undefined)],
  ['platform', cut, 32],
];
const BEH = [
  ['t_first t_submit tap', time],
  ['hold flight', tuple, 3, time],
  [
    'keys bksp overlap nokey autofill tab clickfocus blur moves pauses clicks blind',
    num,
  ],
  ['straight', num, 1000],
  ['speedvar', num, 100000],
  ['paste', list, 3, oneOf, ['user', 'password', 'other']],
  ['focus', (v) => (typeof v === 'string' ? v.replace(/[^upo]/g, '').slice(0, 16) : undefined)],
  ['ptr', oneOf, ['mouse', 'touch', 'pen', '']],
];

// Only the fields of the table, each within its limits; a field that is
// missing, NaN or of the wrong type is left out. undefined if none is left.
function pick(src, table) {
  if (!src || typeof src !== 'object') return;
  const out = {};
  for (const [names, f, ...a] of table) {
    for (const name of names.split(' ')) {
      const v = f(src[name], ...a);
      if (v !== undefined) out[name] = v;
    }
  }
  if (Object.keys(out).length) return out;
}

// The telemetry object: v plus whatever of t fits the schema.
export const trimTelemetry = (t) => ({ v: 1, ...pick(t, TOP) });

export const MAX_BYTES = 8192;

// The JSON body, at most MAX_BYTES of UTF-8. Within the limits above it
// always fits; should it not, the longest free-text fields go first.
export function encodeTelemetry(t) {
  const o = trimTelemetry(t);
  const drop = ['ua', 'uach', 'gl', 'langs', 'tz', 'beh'];
  let json;
  while (
    new TextEncoder().encode((json = JSON.stringify(o))).length > MAX_BYTES &&
    drop.length
  ) {
    delete o[drop.shift()];
  }
  return json;
}

// ---- Automation markers -------------------------------------------------

// Globals that automation tools leave in the page: Playwright, Puppeteer,
// Selenium and its drivers (ChromeDriver's cdc_ keys), PhantomJS,
// Nightmare, Chrome's DOM automation, Cypress.
const AUTOMATION_NAME =
  /^(__playwright|__pw[A-Z_]|__puppeteer|__selenium|_selenium|calledSelenium|_Selenium_IDE|__webdriver|__driver_|__fxdriver|__lastWatir|_WEBDRIVER_ELEM_CACHE|__nightmare|callPhantom$|_phantom$|domAutomation|Cypress$|\$?cdc_|\$wdc_)/;

// Whether fn is a browser's own function, not one written in script.
const native = (fn, toString) =>
  typeof fn === 'function' &&
  /\{\s*\[native code\]\s*\}\s*$/.test(toString.call(fn));

// The markers seen in win (a window, or a fake one in tests). Every check
// runs on its own: a property that throws only loses its own marker.
export function markers(win) {
  const out = [];
  const check = (name, test) => {
    try {
      if (test() && !out.includes(name)) out.push(name);
    } catch (e) {
      // a hostile or broken property: no marker from it
    }
  };
  const nav = () => win.navigator;
  check('webdriver', () => nav().webdriver === true);
  check('headless_ua', () => /Headless|PhantomJS/i.test(nav().userAgent));
  check(
    'screen_is_viewport',
    () =>
      win.screen.width > 0 &&
      win.screen.width === win.innerWidth &&
      win.screen.height === win.innerHeight,
  );
  check('zero_outer', () => win.outerWidth === 0 && win.outerHeight === 0);
  check('automation_global', () =>
    Object.getOwnPropertyNames(win).some((k) => AUTOMATION_NAME.test(k)),
  );
  check('automation_global', () =>
    Object.getOwnPropertyNames(win.document).some((k) => AUTOMATION_NAME.test(k)),
  );
  // Stealth plugins hide navigator.webdriver and friends by replacing their
  // getters (or by shadowing them on the navigator object); a getter that is
  // not native code, or Function.prototype.toString itself replaced, tells.
  let toString = Function.prototype.toString;
  check('patched_native', () => {
    toString = (win.Function || Function).prototype.toString;
    // A replaced toString shows its own source, or, when it lies about
    // itself too, rarely keeps the name the browser prints.
    return !/toString\(\)\s*\{\s*\[native code\]\s*\}$/.test(toString.call(toString));
  });
  for (const p of ['webdriver', 'languages', 'plugins']) {
    check('patched_native', () => {
      const d = Object.getOwnPropertyDescriptor(win.Navigator.prototype, p);
      return d && d.get && !native(d.get, toString);
    });
    check('patched_native', () => Object.getOwnPropertyDescriptor(nav(), p));
  }
  return out;
}

// The browser entry, bundled as one IIFE (build.mjs). Loaded with
//   <script src="/login-risk/collector.<hash>.js" data-form="#login" defer>
// it records how the login form is operated, and when the form is submitted
// POSTs the telemetry to "collect" next to its own URL. The answer's token
// goes with the login: as a hidden field of a form that posts normally, and
// as the cookie that the collect response sets for logins sent by script.
//
// Rules: never read or send what is typed; never throw into the page; never
// hold a login back for more than CAP ms.

import { newRecord, buildBeh, encodeTelemetry, markers } from './features.js';
import { device, audioHash } from './device.js';

const CAP = 300; // ms a login may wait for the collect
const MAX_POINTS = 2000; // pointer moves kept for the path measures
const MAX_ITEMS = 500; // key, input, click and tap records kept

function main(W, D) {
  // Loaded twice (a copy in a bundle, a second tag): one is enough.
  const once = Symbol.for('login-risk.collector');
  if (W[once]) return;
  W[once] = 1;

  const script =
    D.currentScript || D.querySelector('script[src*="/collector."]');
  if (!script) return;
  const url = new URL('collect', script.src).href;
  const formSelector = script.getAttribute('data-form');

  const rec = newRecord();
  const perf = W.performance;
  const nativeFetch = W.fetch;

  // Event times where the browser's timestamp shares performance.now()'s
  // origin (all current browsers), else the time the handler runs.
  const now = (e) => {
    const p = perf.now();
    const t = e && e.timeStamp;
    return t > 0 && t <= p ? t : p;
  };
  const keep = (arr, v) => arr.length < MAX_ITEMS && arr.push(v);

  // The watched form: data-form, else the first form with a password field.
  // Looked up on each event, as single-page apps render the form late.
  const watched = () =>
    formSelector
      ? D.querySelector(formSelector)
      : [...D.forms].find((f) => f.querySelector('input[type=password]'));
  // Whether form f is the watched form (or inside the element data-form
  // names, for a page that wraps the form).
  const ours = (f) => {
    const w = watched();
    return !!w && w.contains(f);
  };

  // The field of the watched form that el is, else null.
  const field = (el) => {
    const f = watched();
    return f &&
      el !== f &&
      f.contains(el) &&
      /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) &&
      !/^(submit|button|image|reset|hidden)$/.test(el.type)
      ? f
      : null;
  };

  // u: the user field (autocomplete=username, else the first text-like
  // input), p: a password field, o: any other.
  const kind = (el, f) => {
    if (el.type === 'password') return 'p';
    const inputs = [...f.querySelectorAll('input')];
    const user =
      inputs.find((i) => /username/i.test(i.autocomplete)) ||
      inputs.find((i) => /^(text|email|tel|number)$/.test(i.type));
    return el === user ? 'u' : 'o';
  };

  const autofilled = (el) =>
    [':autofill', ':-webkit-autofill'].some((s) => {
      try {
        return el.matches(s);
      } catch (e) {
        return false; // selector unknown to this browser
      }
    });

  // Listeners never throw into the page.
  const on = (target, type, fn, capture = true) =>
    target.addEventListener(
      type,
      (e) => {
        try {
          fn(e);
        } catch (err) {
          // a broken measure must not break the login
        }
      },
      capture,
    );

  // ---- Keys and text ----------------------------------------------------

  const lastKey = new WeakMap(); // field -> time of its last key event
  let down = []; // key-down times not yet released, oldest first
  let lastTab = -1e9;
  let lastPointer = -1e9;
  let lastField = null;
  let activated = -1e9; // last click on a button in the form

  const touched = (t) => {
    rec.n++;
    if (rec.first === undefined) rec.first = t;
  };

  // Only trusted events count: a page script's fake KeyboardEvent is no key
  // press. The key's identity is read for three comparisons only (Tab,
  // Backspace/Delete, Enter) and never kept.
  on(D, 'keydown', (e) => {
    if (!e.isTrusted) return;
    const t = now(e);
    if (e.key === 'Tab') lastTab = t;
    const f = field(e.target);
    if (!f) return;
    lastKey.set(e.target, t);
    if (e.repeat) return; // a held key: one press
    touched(t);
    keep(rec.downs, t);
    if (down.length) rec.count.overlap++;
    down.push(t);
    if (e.key === 'Backspace' || e.key === 'Delete') rec.count.bksp++;
    if (e.key === 'Enter') activated = t;
  });

  // Key-ups are paired with key-downs first in, first out, so that no key
  // identity is needed even in memory; a down without its up (focus left
  // the page mid-press) is dropped after 2 s so it cannot shift the pairs.
  on(D, 'keyup', (e) => {
    if (!e.isTrusted || !field(e.target)) return;
    const t = now(e);
    down = down.filter((d) => t - d < 2000);
    if (down.length) keep(rec.holds, t - down.shift());
  });

  on(D, 'input', (e) => {
    const el = e.target;
    if (!field(el)) return;
    const t = now(e);
    const r = {
      t,
      f: el,
      type: e.isComposing ? 'Composition' : e.inputType,
      af: autofilled(el),
      foc: D.activeElement === el,
      k: lastKey.has(el) ? t - lastKey.get(el) : 1e9,
    };
    // A browser may mark the field autofilled only after the event.
    if (!r.af) setTimeout(() => (r.af = autofilled(el)));
    touched(t);
    keep(rec.inputs, r);
  });

  on(D, 'paste', (e) => {
    const f = field(e.target);
    if (!f) return;
    touched(now(e));
    const k = { u: 'user', p: 'password', o: 'other' }[kind(e.target, f)];
    if (!rec.paste.includes(k)) rec.paste.push(k);
  });

  // Focus order, and whether a Tab or a pointer moved the focus (a focus
  // that follows neither, as by script or autofocus, is neither).
  on(D, 'focusin', (e) => {
    const el = e.target;
    const f = field(el);
    if (!f || el === lastField) return;
    lastField = el;
    if (rec.focus.length < 16) rec.focus += kind(el, f);
    const t = now(e);
    const last = Math.max(lastTab, lastPointer);
    if (t - last < 1000) lastTab > lastPointer ? rec.count.tab++ : rec.count.clickfocus++;
  });

  on(W, 'blur', () => rec.count.blur++, false);

  // ---- Pointer -----------------------------------------------------------

  const tapStart = new Map();

  on(D, 'pointermove', (e) => {
    if (!e.isTrusted) return;
    rec.count.moves++;
    rec.ptr = e.pointerType;
    // Keep the recent moves only; what matters is the way to the form.
    if (rec.pts.length >= MAX_POINTS) rec.pts.splice(0, MAX_POINTS / 4);
    rec.pts.push([e.clientX, e.clientY, now(e)]);
  });

  on(D, 'pointerdown', (e) => {
    if (!e.isTrusted) return;
    const t = now(e);
    rec.ptr = e.pointerType;
    lastPointer = t;
    if (e.button === 0) keep(rec.clicks, [t, e.pointerType]);
    if (e.pointerType === 'touch') tapStart.set(e.pointerId, t);
  });

  on(D, 'pointerup', (e) => {
    const t0 = tapStart.get(e.pointerId);
    if (t0 === undefined) return;
    tapStart.delete(e.pointerId);
    keep(rec.taps, now(e) - t0);
  });

  on(D, 'click', (e) => {
    const f = watched();
    const b = e.target.closest && e.target.closest('button,[type=submit],[type=button],[role=button]');
    if (e.isTrusted && f && b && f.contains(b)) activated = now(e);
  });

  // ---- Device attributes -------------------------------------------------

  // Read once the page is idle, or at the submit if it comes first. The
  // audio rendering is asynchronous: it goes with the telemetry only if it
  // has finished by then.
  let dev;
  let audio;
  const attributes = () => dev || (dev = device(W));
  const prepare = () => {
    attributes();
    audioHash(W).then((h) => (audio = h));
  };
  if (W.requestIdleCallback) W.requestIdleCallback(prepare, { timeout: 2000 });
  else setTimeout(prepare, 500);

  // ---- Collect -----------------------------------------------------------

  let last = null; // the last collect: a promise of {token, field} or null
  let sentAt = -1; // rec.n when it started
  let inflight = null; // last, while it has not settled

  // Starts the collect, unless one already started since the last input
  // (then it is that one: one submit, one collect). The promise settles
  // within CAP ms and never rejects: any failure is null, a login without
  // token.
  const collect = () => {
    if (last && sentAt === rec.n) return last;
    sentAt = rec.n;
    let p;
    try {
      const t = { ...attributes(), audio, auto: markers(W) };
      t.beh = buildBeh(rec, now());
      p = nativeFetch
        .call(W, url, {
          method: 'POST',
          credentials: 'same-origin',
          keepalive: true, // the page may be leaving
          headers: { 'Content-Type': 'application/json' },
          body: encodeTelemetry(t),
        })
        .then((r) => (r.status === 200 ? r.json() : null))
        .then((j) =>
          j && typeof j.token === 'string'
            ? { token: j.token, field: String(j.field || 'lr_token') }
            : null,
        )
        .catch(() => null);
    } catch (e) {
      p = Promise.resolve(null);
    }
    const q = (last = inflight =
      Promise.race([p, new Promise((r) => setTimeout(r, CAP, null))]));
    q.then(() => inflight === q && (inflight = null));
    return q;
  };

  // Capture phase on the document: before the page's own submit handlers,
  // so the collect is under way when they send the login by script.
  on(D, 'submit', (e) => {
    if (ours(e.target)) collect();
  });

  // Bubble phase on the window: after the page's own handlers. A submit
  // that nobody prevented is a normal form post: hold it until the collect
  // answers (CAP at most), add the token as a hidden field, post again.
  // A prevented submit is the page's business (the fetch wrappers below).
  const holding = new WeakSet();
  on(
    W,
    'submit',
    (e) => {
      const f = e.target;
      const s = e.submitter;
      const formAttr = (n) => s && s.getAttribute('form' + n);
      const method = formAttr('method') || f.getAttribute('method');
      if (e.defaultPrevented || !ours(f) || /^dialog$/i.test(method)) return;
      e.preventDefault();
      if (holding.has(f)) return; // a second click while we wait: one post
      holding.add(f);
      collect().then((r) => {
        holding.delete(f);
        const undo = [];
        const add = (name, value) => {
          const i = D.createElement('input');
          i.type = 'hidden';
          i.name = name;
          i.value = value;
          f.appendChild(i);
          return i;
        };
        try {
          if (r) {
            const old = [...f.querySelectorAll('input[type=hidden]')].find(
              (i) => i.name === r.field,
            );
            old ? (old.value = r.token) : add(r.field, r.token);
          }
          // form.submit() sends no submitter: its name and value, and its
          // formaction and the like, go onto the form for this one post.
          if (s && s.name && s.type !== 'image') {
            const i = add(s.name, s.value);
            undo.push(() => i.remove());
          }
          for (const n of ['action', 'method', 'enctype', 'target']) {
            const v = formAttr(n);
            const was = f.getAttribute(n);
            if (v === null || v === undefined) continue;
            f.setAttribute(n, v);
            undo.push(() =>
              was === null ? f.removeAttribute(n) : f.setAttribute(n, was),
            );
          }
        } catch (err) {
          // post what we have
        }
        try {
          // HTMLFormElement.prototype: a field named "submit" hides the
          // form's own method.
          HTMLFormElement.prototype.submit.call(f);
          // The form data is taken synchronously: undo our changes for a
          // form that stays on the page (target=_blank).
          undo.forEach((u) => u());
        } catch (err) {
          // the form left the page meanwhile
        }
      });
    },
    false,
  );

  // ---- Logins sent by script ---------------------------------------------

  // Before a same-origin request that may carry the login goes out: if it
  // looks like the login (to the form's action, or just after a button of
  // the form was clicked) and the form was used since the last collect,
  // start a collect. Any request that is not a read waits for a pending
  // collect, CAP ms at most, so the collect's cookie is set before the
  // login arrives. Returns the promise to wait for, or null: go now.
  const gate = (method, target) => {
    try {
      if (/^(GET|HEAD|OPTIONS)$/i.test(method || 'GET')) return null;
      const u = new URL(target, D.baseURI);
      if (u.origin !== location.origin || u.href === url) return null;
      const f = watched();
      const action = new URL(
        (f && f.getAttribute('action')) || location.href,
        D.baseURI,
      );
      if (
        f &&
        rec.n &&
        sentAt !== rec.n &&
        (u.pathname === action.pathname || now() - activated < 1000)
      ) {
        collect();
      }
      return inflight;
    } catch (e) {
      return null;
    }
  };

  if (nativeFetch) {
    W.fetch = function (input, init) {
      const args = arguments;
      const p = gate(
        (init && init.method) || (input && input.method),
        (input && input.url) || input,
      );
      return p
        ? p.then(() => nativeFetch.apply(this, args))
        : nativeFetch.apply(this, args);
    };
  }

  const XHR = W.XMLHttpRequest && W.XMLHttpRequest.prototype;
  if (XHR) {
    const open = XHR.open;
    const send = XHR.send;
    XHR.open = function (method, target, async) {
      this[once] = arguments;
      return open.apply(this, arguments);
    };
    XHR.send = function () {
      const x = this;
      const args = arguments;
      const o = x[once];
      // A synchronous request cannot wait without freezing the page.
      const p = o && o[2] !== false && x.readyState === 1 && gate(o[0], o[1]);
      if (!p) return send.apply(x, args);
      p.then(() => {
        // Not if the page opened it anew in the meantime.
        if (x[once] === o && x.readyState === 1) send.apply(x, args);
      });
    };
  }
}

try {
  main(window, document);
} catch (e) {
  // a browser too old for the collector logs in without it
}

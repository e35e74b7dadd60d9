// Device attributes of TELEMETRY.md, read from a window. Each attribute is
// read on its own: a browser that lacks an API, blocks it or throws just
// leaves that field out (features.js trims whatever comes back).

import { hash32 } from './features.js';

export function device(win) {
  const d = {};
  const nav = win.navigator;
  const scr = win.screen;
  const doc = win.document;
  const read = (name, f) => {
    try {
      d[name] = f();
    } catch (e) {
      // not available here
    }
  };
  read('ua', () => nav.userAgent);
  read('scr', () => [scr.width, scr.height]);
  read('win', () => [win.innerWidth, win.innerHeight]);
  read('outer', () => [win.outerWidth, win.outerHeight]);
  read('dpr', () => win.devicePixelRatio);
  read('depth', () => scr.colorDepth);
  read('cores', () => nav.hardwareConcurrency);
  read('mem', () => nav.deviceMemory);
  read('touch', () => nav.maxTouchPoints);
  read('plugins', () => nav.plugins.length);
  // Low-entropy client hints only: they are there synchronously, and the
  // server compares them with the Sec-CH-UA header.
  read('uach', () => {
    const u = nav.userAgentData;
    return {
      brands: u.brands.map((b) => b.brand + '/' + b.version),
      mobile: u.mobile,
      platform: u.platform,
    };
  });
  read('langs', () => [...nav.languages]);
  read('tz', () => Intl.DateTimeFormat().resolvedOptions().timeZone);
  read('gl', () => {
    const c = doc.createElement('canvas');
    const g = c.getContext('webgl') || c.getContext('experimental-webgl');
    // The unmasked names tell the GPU; browsers that retired the extension
    // (Firefox) put the real, coarsened names in VENDOR and RENDERER.
    const x = g.getExtension('WEBGL_debug_renderer_info');
    const out = [
      g.getParameter(x ? x.UNMASKED_VENDOR_WEBGL : g.VENDOR),
      g.getParameter(x ? x.UNMASKED_RENDERER_WEBGL : g.RENDERER),
    ].map((s) => String(s || ''));
    // Give the context back now: browsers keep only a few alive per page.
    const lose = g.getExtension('WEBGL_lose_context');
    if (lose) lose.loseContext();
    return out;
  });
  read('canvas', () => {
    const c = doc.createElement('canvas');
    c.width = 220;
    c.height = 40;
    const x = c.getContext('2d');
    // Text with an emoji and overlapping translucent shapes: font
    // rendering, anti-aliasing and blending differ between systems.
    x.textBaseline = 'top';
    x.font = '15px Arial';
    x.fillStyle = '#069';
    x.fillText('Sphinx of black quartz \u{1f603}', 2, 6);
    x.fillStyle = 'rgba(102,204,0,.6)';
    x.beginPath();
    x.arc(60, 20, 18, 0, 7);
    x.fill();
    return hash32(c.toDataURL());
  });
  return d;
}

// Hash of an offline audio rendering (an oscillator through a compressor,
// whose floating-point output differs between platforms). Resolves to the
// hash, or undefined when the browser has no such API or refuses.
export function audioHash(win) {
  return new Promise((resolve) => {
    const A = win.OfflineAudioContext || win.webkitOfflineAudioContext;
    const ctx = new A(1, 5000, 44100);
    const osc = ctx.createOscillator();
    const comp = ctx.createDynamicsCompressor();
    // The compressor's defaults are enough to bring out the differences.
    osc.type = 'triangle';
    osc.frequency.value = 10000;
    osc.connect(comp);
    comp.connect(ctx.destination);
    osc.start(0);
    // Older Safari only reports through oncomplete; the others return a
    // promise. Whichever comes first wins.
    ctx.oncomplete = (e) => resolve(e.renderedBuffer);
    const p = ctx.startRendering();
    if (p && p.then) p.then(resolve, () => resolve());
  })
    .then((buf) => hash32(buf.getChannelData(0).slice(4500).join()))
    .catch(() => undefined);
}

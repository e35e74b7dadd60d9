// The bundle as the browser gets it: one self-contained script, small.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { bundle } from '../build.mjs';
import { LIMIT, gzippedSize } from '../check-size.mjs';

const code = await bundle();

test('the bundle is one self-contained script', () => {
  assert.ok(!/\brequire\(/.test(code), 'require( left in the bundle');
  assert.ok(!/(^|[;}\s])import\s*[\s({*"'a-zA-Z$_]/.test(code), 'import left');
  assert.ok(!/(^|[;}\s])export\s/.test(code), 'export left');
  assert.ok(!/\beval\(|new Function\(|\bWorker\(/.test(code), 'eval, Function or Worker');
  // a classic script: it parses outside a module
  assert.doesNotThrow(() => new vm.Script(code));
});

test(`the gzipped bundle is at most ${LIMIT} bytes`, () => {
  const size = gzippedSize(code);
  assert.ok(size <= LIMIT, `${size} bytes gzipped`);
});

test('the bundle does nothing and throws nothing outside a browser', () => {
  // no window, no document: the collector must step aside quietly
  assert.doesNotThrow(() => vm.runInNewContext(code, {}));
});

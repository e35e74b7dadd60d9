// Fails when the gzipped bundle outgrows its budget: the collector is on
// the login page of every customer, often on a phone.

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';

export const LIMIT = 6144;

export const gzippedSize = (code) => gzipSync(code, { level: 9 }).length;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = new URL('dist/collector.js', import.meta.url);
  let code;
  try {
    code = readFileSync(file);
  } catch (e) {
    console.error('check-size: dist/collector.js missing: run npm run build');
    process.exit(1);
  }
  const size = gzippedSize(code);
  if (size > LIMIT) {
    console.error(
      `check-size: dist/collector.js is ${size} bytes gzipped, over the ${LIMIT} byte limit`,
    );
    process.exit(1);
  }
  console.log(`dist/collector.js: ${code.length} bytes, ${size} bytes gzipped (limit ${LIMIT})`);
}

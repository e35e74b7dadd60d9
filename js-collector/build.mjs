// Bundles src/collector.js into dist/: collector.js, a copy named by the
// first 8 hex digits of its SHA-256 (served with a long cache lifetime), and
// manifest.json mapping one to the other. `node build.mjs` or `npm run build`.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = here + 'dist/';

// The minified IIFE as a string. es2019: what Chromium, Firefox and Safari
// of the last years all run (esbuild lowers ?. and ?? below it).
export async function bundle() {
  const out = await build({
    entryPoints: [here + 'src/collector.js'],
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2019',
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

async function main() {
  const code = await bundle();
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 8);
  const name = `collector.${hash}.js`;
  mkdirSync(dist, { recursive: true });
  // Older hashed copies would only pile up: nginx serves the current one.
  for (const f of readdirSync(dist)) {
    if (/^collector\.[0-9a-f]{8}\.js$/.test(f) && f !== name) rmSync(dist + f);
  }
  writeFileSync(dist + 'collector.js', code);
  writeFileSync(dist + name, code);
  writeFileSync(
    dist + 'manifest.json',
    JSON.stringify({ 'collector.js': name }) + '\n',
  );
  console.log(`dist/${name}: ${code.length} bytes`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();

// Builds the dashboard into dist/: src/main.ts bundled for the browser with esbuild (the @tickwire/client it
// imports is its build in libs/client/dist, so Nx builds that first: `^build`), plus index.html and styles.css.
// Types are checked by the typecheck target; esbuild only strips them.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const STATIC_FILES = ['index.html', 'styles.css'];

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const result = await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  tsconfig: join(here, 'tsconfig.lib.json'),
  metafile: true,
  logLevel: 'warning',
});
await Promise.all(STATIC_FILES.map((file) => copyFile(join(here, 'src', file), join(dist, file))));
const bytes = result.metafile.outputs[join('dist', 'main.js')]?.bytes ?? Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dashboard: dist/main.js ${(bytes / 1024).toFixed(1)} KiB, ${STATIC_FILES.join(', ')}`);

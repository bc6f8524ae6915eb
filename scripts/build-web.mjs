// Bundles the dashboard (src/web) into dist/web: one script, one stylesheet and
// the page, with no CDN and nothing fetched at run time.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src', 'web');
const out = path.join(root, 'dist', 'web');

export async function buildWeb({ quiet = false } = {}) {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(src, 'main.tsx'), styles: path.join(src, 'styles.css') },
    outdir: out,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2022', 'chrome120', 'firefox120', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'linked',
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
  });
  fs.copyFileSync(path.join(src, 'index.html'), path.join(out, 'index.html'));
  fs.copyFileSync(path.join(src, 'favicon.svg'), path.join(out, 'favicon.svg'));
  if (!quiet) {
    const sizes = Object.entries(result.metafile.outputs)
      .filter(([file]) => !file.endsWith('.map') && !file.endsWith('.txt'))
      .map(([file, o]) => `${path.basename(file)} ${(o.bytes / 1024).toFixed(1)} KiB`);
    process.stderr.write(`dashboard: ${sizes.join(', ')}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildWeb();

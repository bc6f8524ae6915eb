// Bundles each Lambda handler (src/serverless/handlers/<name>.ts) for the nodejs22.x runtime:
// dist/lambda/<name>/index.mjs plus the chunks it imports on demand (code splitting, so a cold
// start evaluates only the drivers and SDK clients the function's config uses). Prints the sizes:
// the entry, and the whole folder (what the function's zip holds).
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const handlers = path.join(root, 'src/serverless/handlers');
// Native or driver-only packages: loaded lazily by the drivers that need them, never by the aws driver in Lambda.
const external = ['@duckdb/node-api', 'better-sqlite3', 'pg', 'pg-native', 'nodemailer'];

const names = fs.readdirSync(handlers).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
const sizes = {};
for (const name of names) {
  const outdir = path.join(root, 'dist/lambda', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: path.join(handlers, `${name}.ts`) },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    external,
    // ESM builds of the SDK and friends: their dynamic imports keep named exports, and tree-shake.
    mainFields: ['module', 'main'],
    // CommonJS dependencies call require(); an ESM bundle has none of its own.
    banner: { js: "import { createRequire as __adpCreateRequire } from 'node:module'; const require = __adpCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const files = fs.readdirSync(outdir, { recursive: true }).map((f) => path.join(outdir, String(f))).filter((f) => fs.statSync(f).isFile());
  sizes[name] = { entry: fs.statSync(path.join(outdir, 'index.mjs')).size, total: files.reduce((n, f) => n + fs.statSync(f).size, 0) };
}
const kib = (n) => `${(n / 1024).toFixed(0).padStart(6)} KiB`;
for (const [name, { entry, total }] of Object.entries(sizes)) console.log(`${name.padEnd(16)} entry ${kib(entry)}  total ${kib(total)}  dist/lambda/${name}/`);

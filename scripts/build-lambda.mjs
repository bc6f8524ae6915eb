// Bundles each Lambda handler (src/serverless/handlers/<name>.ts) into one ESM file,
// dist/lambda/<name>/index.mjs, for the nodejs22.x runtime, and prints the sizes.
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
  const outfile = path.join(root, 'dist/lambda', name, 'index.mjs');
  await build({
    entryPoints: [path.join(handlers, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    external,
    // CommonJS dependencies call require(); an ESM bundle has none of its own.
    banner: { js: "import { createRequire as __adpCreateRequire } from 'node:module'; const require = __adpCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  sizes[name] = fs.statSync(outfile).size;
}
for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(20)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  dist/lambda/${name}/index.mjs`);

// Bundled into the CLI in place of `@duckdb/node-api` (see vendorDuckDbApi in scripts/build-cli.mjs): loads the
// package's own JavaScript from one CommonJS file beside the chunks, compiled from the V8 code cache written at
// build time (code-cache.cjs), so a command that opens DuckDB does not parse ~340 KiB of it again. A cache V8
// refuses (another node binary, other flags) or a missing one only costs that parse; the code is the same.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

// The chunk this ends up in lives in dist/cli/chunks/; the vendor folder is its sibling.
const file = fileURLToPath(new URL('../vendor/duckdb-node-api.cjs', import.meta.url));
let cachedData;
try {
  cachedData = fs.readFileSync(`${file}.v8cache`);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));

export const { DuckDBInstance, StatementType } = mod.exports;

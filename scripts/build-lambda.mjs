// Bundles each Lambda handler (src/serverless/handlers/<name>.ts) for the nodejs22.x runtime:
// dist/lambda/<name>/index.mjs plus the chunks it imports on demand (code splitting, so a cold
// start evaluates only the SDK clients the function's config uses). The handlers compose the aws
// driver alone (src/drivers/aws/lambda-*.ts), so no other driver's code is in a folder. Prints
// the sizes: the entry, the whole folder (what the function's zip holds), and, with `--analyze`,
// esbuild's breakdown of each folder by input file.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { analyzeMetafile, build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const handlers = path.join(root, 'src/serverless/handlers');
const analyze = process.argv.includes('--analyze');
/** A folder's budget: the goal for every function. */
const MAX_FOLDER_BYTES = 1024 * 1024;
// Native or driver-only packages no Lambda function loads (the aws driver uses none of them), and
// bowser, which the SDK imports only in a browser to parse the user agent.
const external = ['@duckdb/node-api', 'better-sqlite3', 'pg', 'pg-native', 'nodemailer', 'bowser'];

// isomorphic-git's package sends Node to its CommonJS build, one module esbuild cannot tree-shake;
// its ESM build is the same code (file system and HTTP client are passed in), and shakes down to
// the few commands src/adapters/git/isomorphic-git-api.ts names.
const isomorphicGitEsm = {
  name: 'isomorphic-git-esm',
  setup(b) {
    // The CommonJS entry (index.cjs) sits beside the ESM one (index.js).
    const file = createRequire(import.meta.url).resolve('isomorphic-git').replace(/index\.cjs$/, 'index.js');
    b.onResolve({ filter: /^isomorphic-git$/ }, () => ({ path: file }));
  },
};

// The SDK clients import their package.json for the version in the user agent; the rest of it
// (scripts, dependencies, exports) would be carried in every client's chunk.
const packageVersionsOnly = {
  name: 'package-versions-only',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/]@(aws-sdk|smithy)[\\/][^\\/]+[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(fs.readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

const names = fs.readdirSync(handlers).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
const sizes = {};
for (const name of names) {
  const outdir = path.join(root, 'dist/lambda', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const result = await build({
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
    plugins: [isomorphicGitEsm, packageVersionsOnly],
    metafile: true,
    // ESM builds of the SDK and friends: their dynamic imports keep named exports, and tree-shake.
    mainFields: ['module', 'main'],
    // CommonJS dependencies call require(); an ESM bundle has none of its own.
    banner: { js: "import { createRequire as __adpCreateRequire } from 'node:module'; const require = __adpCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  if (analyze) console.log(`\n${name}:${await analyzeMetafile(result.metafile, { verbose: false })}`);
  const files = fs.readdirSync(outdir, { recursive: true }).map((f) => path.join(outdir, String(f))).filter((f) => fs.statSync(f).isFile());
  sizes[name] = { entry: fs.statSync(path.join(outdir, 'index.mjs')).size, total: files.reduce((n, f) => n + fs.statSync(f).size, 0) };
}
const kib = (n) => `${(n / 1024).toFixed(0).padStart(6)} KiB`;
for (const [name, { entry, total }] of Object.entries(sizes)) {
  const over = total > MAX_FOLDER_BYTES ? `  over the ${kib(MAX_FOLDER_BYTES).trim()} goal` : '';
  console.log(`${name.padEnd(16)} entry ${kib(entry)}  total ${kib(total)}  dist/lambda/${name}/${over}`);
}

// Writes the V8 code cache of a vendored CommonJS bundle (argument: the bundle's path; the cache goes beside it
// as `<file>.v8cache`). Run as its own `node` with default flags, as `adp` runs: V8 accepts a cache only from the
// same node binary and flags. Before writing, it loads the bundle through the same wrapper as load-vendor.mjs
// and runs a query, so the functions a run calls are compiled into the cache too, not only the top level.
const fs = require('node:fs');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: code-cache.cjs <bundle.cjs>');
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, require('node:path').dirname(file));
  const { DuckDBInstance } = mod.exports;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET autoload_known_extensions = false; SET enable_external_access = false");
  const reader = await connection.runAndReadAll("SELECT 1 AS one, 'a' AS s, current_database() AS db");
  reader.getRowsJS();
  const extracted = await connection.extractStatements('SELECT 1');
  const prepared = await extracted.prepare(0);
  void prepared.statementType;
  await (await prepared.run()).getRows();
  connection.closeSync();
  instance.closeSync();
  fs.writeFileSync(`${file}.v8cache`, script.createCachedData());
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)\.js'/g;

/**
 * Writes the source modules reachable from `entries` (paths under `src/`,
 * e.g. `notify/dispatcher.ts`) as plain ESM JavaScript under `outDir/src`
 * (type-only transpilation, no type check), with `node_modules` linked, so a
 * test can run the current sources in a child process that it may kill.
 */
export function transpileSources(outDir: string, entries: readonly string[]): void {
  const compilerOptions: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  const todo = entries.map((e) => path.join(ROOT, 'src', e));
  const done = new Set<string>();
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(RELATIVE_IMPORT)) todo.push(path.resolve(path.dirname(file), `${m[1]}.ts`));
    const out = path.join(outDir, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, ts.transpileModule(text, { compilerOptions, fileName: file }).outputText);
  }
  fs.writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(ROOT, 'node_modules/.bin/depcruise');

/** Runs the project's layering rules over a small tree written to a temp folder. */
function cruise(files: Record<string, string>): { code: number; output: string } {
  const dir = tempDir('adp-layers-');
  dirs.push(dir);
  fs.copyFileSync(path.join(ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const r = spawnSync(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(cleanup));

describe('layering rules (npm run check:layers)', () => {
  const adapter = { 'src/adapters/sqlite/store.ts': 'export const store = 1;\n' };

  it('pass a tree where only a driver imports an adapter', () => {
    const r = cruise({ ...adapter, 'src/drivers/embedded/index.ts': "import { store } from '../../adapters/sqlite/store.js';\nexport const s = store;\n" });
    expect(r.output).toContain('no dependency violations');
    expect(r.code).toBe(0);
  });

  it('fail when core imports an adapter or a driver', () => {
    const r = cruise({
      ...adapter,
      'src/drivers/embedded/index.ts': 'export const d = 1;\n',
      'src/engine/step.ts': "import { store } from '../adapters/sqlite/store.js';\nexport const s = store;\n",
      'src/scheduler/x.ts': "import { d } from '../drivers/embedded/index.js';\nexport const x = d;\n",
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('core-imports-only-core-ports-domain: src/engine/step.ts');
    expect(r.output).toContain('core-imports-only-core-ports-domain: src/scheduler/x.ts');
  });

  it('fail when an interface layer imports an adapter', () => {
    const r = cruise({ ...adapter, 'src/cli/commands/x.ts': "import { store } from '../../adapters/sqlite/store.js';\nexport const s = store;\n" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('only-drivers-name-adapters: src/cli/commands/x.ts');
  });

});

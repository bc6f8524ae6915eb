import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../domain/errors.js';
import type { TableInfo } from '../../ports/catalog.js';
import { JsonCatalog } from './json-catalog.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adp-'));
  file = path.join(dir, 'catalog.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const bookings: TableInfo = {
  database: 'wildrydes',
  name: 'rydebookings',
  location: { bucket: 'wildrydes-data', prefix: 'rydebookings/' },
  format: 'json',
  hivePartitioning: true,
};

function writeCatalog(doc: unknown): void {
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
}

async function openError(doc: unknown): Promise<Error> {
  writeCatalog(doc);
  return JsonCatalog.open(file).then(
    () => expect.fail('expected the catalog to be refused'),
    (e: Error) => e,
  );
}

describe('JsonCatalog', () => {
  it('treats a missing file as an empty catalog and does not create it on open', async () => {
    const catalog = await JsonCatalog.open(file);
    expect(await catalog.listTables()).toEqual([]);
    expect(await catalog.hasDatabase('wildrydes')).toBe(false);
    expect(await catalog.getTable('wildrydes', 'rydebookings')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('writes the documented shape as pretty JSON and reads it back after reopening', async () => {
    const catalog = await JsonCatalog.open(file);
    await catalog.putTable(bookings);
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toEqual({
      databases: {
        wildrydes: {
          tables: { rydebookings: { location: 'wildrydes-data/rydebookings/', format: 'json', hivePartitioning: true } },
        },
      },
    });
    expect(text).toContain('\n  "databases"');
    expect(text.endsWith('}\n')).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['catalog.json']);

    const reopened = await JsonCatalog.open(file);
    expect(await reopened.getTable('wildrydes', 'rydebookings')).toEqual(bookings);
    expect(await reopened.hasDatabase('wildrydes')).toBe(true);
  });

  it('creates the parent folder of the file on the first put', async () => {
    const nested = path.join(dir, 'home', 'catalog.json');
    const catalog = await JsonCatalog.open(nested);
    await catalog.putTable(bookings);
    expect(fs.existsSync(nested)).toBe(true);
  });

  it('replaces a table instead of adding a second one, and sorts listings', async () => {
    const catalog = await JsonCatalog.open(file);
    await catalog.putTable({ ...bookings, name: 'zeta' });
    await catalog.putTable(bookings);
    await catalog.putTable({ ...bookings, database: 'wildrydes-external', name: 'ryders', hivePartitioning: false });
    await catalog.putTable({ ...bookings, format: 'parquet' });
    const names = (await catalog.listTables()).map((t) => `${t.database}.${t.name}:${t.format}`);
    expect(names).toEqual(['wildrydes.rydebookings:parquet', 'wildrydes.zeta:json', 'wildrydes-external.ryders:json']);
  });

  it('ignores case in names, as Glue does, and keeps the stored spelling', async () => {
    const catalog = await JsonCatalog.open(file);
    await catalog.putTable({ ...bookings, database: 'WildRydes', name: 'RydeBookings' });
    expect((await catalog.getTable('wildrydes', 'rydebookings'))?.name).toBe('RydeBookings');
    expect(await catalog.hasDatabase('WILDRYDES')).toBe(true);
    await catalog.putTable({ ...bookings, format: 'csv' });
    const all = await catalog.listTables();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ database: 'WildRydes', name: 'RydeBookings', format: 'csv' });
  });

  it('normalises prefixes to folders and allows a whole bucket', async () => {
    writeCatalog({
      databases: {
        d: { tables: { a: { location: 'bucket-a/some/folder', format: 'csv' }, b: { location: 'bucket-b', format: 'parquet' } } },
      },
    });
    const catalog = await JsonCatalog.open(file);
    expect(await catalog.getTable('d', 'a')).toEqual({
      database: 'd',
      name: 'a',
      location: { bucket: 'bucket-a', prefix: 'some/folder/' },
      format: 'csv',
      hivePartitioning: false,
    });
    expect((await catalog.getTable('d', 'b'))?.location).toEqual({ bucket: 'bucket-b', prefix: '' });
    await catalog.putTable({ ...bookings, location: { bucket: 'bucket-c', prefix: 'x/y' } });
    expect((await catalog.getTable('wildrydes', 'rydebookings'))?.location.prefix).toBe('x/y/');
  });

  it('sees a table another process added to the file', async () => {
    const first = await JsonCatalog.open(file);
    expect(await first.hasDatabase('wildrydes')).toBe(false);
    const second = await JsonCatalog.open(file);
    await second.putTable(bookings);
    expect(await first.getTable('wildrydes', 'rydebookings')).toEqual(bookings);
    await first.putTable({ ...bookings, name: 'other' });
    expect((await second.listTables()).map((t) => t.name)).toEqual(['other', 'rydebookings']);
  });

  it('keeps every table when many puts run at once', async () => {
    const catalog = await JsonCatalog.open(file);
    await Promise.all(Array.from({ length: 25 }, (_, i) => catalog.putTable({ ...bookings, name: `t${i}` })));
    expect(await (await JsonCatalog.open(file)).listTables()).toHaveLength(25);
  });

  describe('refuses a bad file with a ConfigError naming the file and the field', () => {
    const table = (over: Record<string, unknown>) => ({
      databases: { wildrydes: { tables: { rydebookings: { location: 'wildrydes-data/rydebookings/', format: 'json', ...over } } } },
    });

    it('bad format', async () => {
      const e = await openError(table({ format: 'xml' }));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toBe(
        `${file}: databases.wildrydes.tables.rydebookings.format: must be one of "json", "csv", "parquet", got "xml"`,
      );
    });

    it('unknown field', async () => {
      const e = await openError(table({ hivepartitioning: true }));
      expect(e.message).toContain(`${file}: databases.wildrydes.tables.rydebookings.hivepartitioning: unknown field`);
    });

    it('location escaping its bucket, or with a bad bucket name', async () => {
      for (const location of ['wildrydes-data/../x/', 'wildrydes-data//x', 'Bad_Bucket/x', '/abs/x', '']) {
        const e = await openError(table({ location }));
        expect(e, location).toBeInstanceOf(ConfigError);
        expect(e.message, location).toContain(`${file}: databases.wildrydes.tables.rydebookings.location: `);
      }
    });

    it('wrong types and missing fields', async () => {
      const e = await openError({ databases: { wildrydes: { tables: { t: { location: 'bucket-a/x', hivePartitioning: 'yes' } } } } });
      expect(e.message).toContain(`${file}: databases.wildrydes.tables.t.format: required`);
      expect(e.message).toContain(`${file}: databases.wildrydes.tables.t.hivePartitioning: must be a boolean, got string "yes"`);
    });

    it('bad names, names equal ignoring case, and "__proto__"', async () => {
      let e = await openError({ databases: { 'wild rydes': { tables: {} } } });
      expect(e.message).toContain(`${file}: databases["wild rydes"]: database name must be 1-255 characters`);
      e = await openError({ databases: { a: { tables: { t: table({}).databases.wildrydes.tables.rydebookings, T: table({}).databases.wildrydes.tables.rydebookings } } } });
      expect(e.message).toContain(`${file}: databases.a.tables.T: same table name as "t"`);
      e = await openError('{"databases": {"__proto__": {"tables": {}}}}');
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toContain('__proto__');
    });

    it('not JSON at all', async () => {
      const e = await openError('{"databases": ');
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    });

    it('and never overwrites a broken file on put', async () => {
      const catalog = await JsonCatalog.open(file);
      await catalog.putTable(bookings);
      writeCatalog('{ broken');
      await expect(catalog.putTable({ ...bookings, name: 'other' })).rejects.toBeInstanceOf(ConfigError);
      await expect(catalog.getTable('wildrydes', 'rydebookings')).rejects.toBeInstanceOf(ConfigError);
      expect(fs.readFileSync(file, 'utf8')).toBe('{ broken');
    });
  });

  it('refuses tables with bad names or locations with a ValidationError naming the field', async () => {
    const catalog = await JsonCatalog.open(file);
    const cases: Array<[Partial<TableInfo>, string]> = [
      [{ name: 'bad name' }, 'name'],
      [{ database: '__proto__' }, 'database'],
      [{ location: { bucket: '..', prefix: '' } }, 'location.bucket'],
      [{ location: { bucket: 'wildrydes-data', prefix: '../x/' } }, 'location.prefix'],
      [{ location: { bucket: 'wildrydes-data', prefix: '/abs/' } }, 'location.prefix'],
      [{ location: { bucket: 'wildrydes-data', prefix: 'a/../../x' } }, 'location.prefix'],
      [{ format: 'xml' as never }, 'format'],
    ];
    for (const [over, field] of cases) {
      const e = await catalog.putTable({ ...bookings, ...over }).catch((err: unknown) => err);
      expect(e, field).toBeInstanceOf(ValidationError);
      expect(new Set((e as ValidationError).issues.map((i) => i.path)), field).toEqual(new Set([field]));
    }
    expect(fs.existsSync(file)).toBe(false);
  });
});

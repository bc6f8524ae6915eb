import { describe, expect, it } from 'vitest';
import { parseCuration } from '../curation.js';
import { checkTemplate, pathText, renderTemplate, resolveParameters, sqlLiteral, TemplateError, type TemplateScope } from './index.js';

const scope = (params: TemplateScope['params'] = {}, timezone = 'UTC'): TemplateScope => ({
  variables: {
    scheduled_time: { type: 'timestamp', value: Date.parse('2027-01-04T10:00:00Z') },
    interval_start: { type: 'timestamp', value: Date.parse('2027-01-03T10:00:00Z') },
    interval_end: { type: 'timestamp', value: Date.parse('2027-01-04T10:00:00Z') },
    run_id: { type: 'string', value: '20270104100000ABCDEF_x' },
    curation_type: { type: 'string', value: 'x' },
  },
  params,
  timezone,
});

describe('templates', () => {
  it('renders variables as typed SQL literals, with filters', () => {
    const sql = renderTemplate(
      "select * from t where ts >= {{ interval_start }} and ts < {{interval_end}} and d = {{ scheduled_time | date }} and r = {{ params.region | upper }} and n > {{ params.n }} -- {{ not rendered }}",
      'sql',
      'sql',
      scope({ region: { type: 'string', value: "eu'x" }, n: { type: 'int', value: -3 } }),
    );
    expect(sql).toBe(
      "select * from t where ts >= TIMESTAMP '2027-01-03 10:00:00.000' and ts < TIMESTAMP '2027-01-04 10:00:00.000' and d = DATE '2027-01-04' and r = 'EU''X' and n > (-3) -- {{ not rendered }}",
    );
  });

  it('formats dates in the curation time zone, and paths are sanitised', () => {
    const s = scope({ p: { type: 'string', value: '../a/b' } }, 'Pacific/Auckland');
    expect(renderTemplate("dt={{ scheduled_time | date('YYYY-MM-DD[h]HH') }}/{{ params.p }}/", 'f', 'path', s)).toBe('dt=2027-01-04h23/__a_b/');
    expect(renderTemplate('{{ scheduled_time }}', 'f', 'path', s)).toBe('20270104100000');
  });

  it('refuses unknown variables, parameters and filters by name, and templates inside quotes', () => {
    const issues = checkTemplate("select {{ nope }}, {{ params.zz }}, {{ run_id | shout }}, '{{ run_id }}', {{ run_id | int | upper }}", 'sql', 'sql', {});
    const text = issues.map((i) => i.message).join('\n');
    expect(text).toMatch(/unknown variable 'nope'/);
    expect(text).toMatch(/unknown parameter 'params.zz'/);
    expect(text).toMatch(/unknown filter 'shout'/);
    expect(text).toMatch(/inside quotes/);
    expect(text).toMatch(/filter 'upper' does not apply to a int/);
    expect(checkTemplate('select {{ run_id ', 'sql', 'sql', {})[0]!.message).toMatch(/never closed/);
  });

  it('casts at render time and names the value that does not cast', () => {
    expect(() => renderTemplate('{{ params.s | int }}', 'sql', 'sql', scope({ s: { type: 'string', value: '12a' } }))).toThrow(TemplateError);
    expect(renderTemplate('{{ params.s | int }}', 'sql', 'sql', scope({ s: { type: 'string', value: '12' } }))).toBe('12');
  });

  it('resolves parameters: defaults, overrides, unknown and missing names, bad types', () => {
    const defs = { region: { type: 'string' as const, default: 'eu' }, day: { type: 'date' as const } };
    expect(resolveParameters(defs, { day: '2027-01-01' }, true).values).toEqual({ region: { type: 'string', value: 'eu' }, day: { type: 'date', value: '2027-01-01' } });
    const bad = resolveParameters(defs, { day: '2027-02-30', other: '1' }, true).issues.map((i) => i.path);
    expect(bad).toEqual(['parameters.other', 'parameters.day']);
    expect(resolveParameters(defs, {}, true).issues[0]!.message).toMatch(/required parameter 'day'/);
    expect(resolveParameters(defs, {}, false).issues).toEqual([]);
  });

  it('literal helpers', () => {
    expect(sqlLiteral({ type: 'boolean', value: true })).toBe('TRUE');
    expect(pathText({ type: 'string', value: '..' })).toBe('_');
    expect(pathText({ type: 'string', value: '' })).toBe('_');
  });

  it('the definition: templated folder and filename, parameters, static checks at parse', () => {
    const base = { curationType: 'x', sqlFilePath: 'x.sql', cronExpression: 'rate(1 day)', glueDetails: { database: 'd' } };
    const ok = parseCuration({
      ...base,
      parameters: { region: { type: 'string', default: 'eu' } },
      maxBytesScanned: 1000,
      outputDetails: { outputBucket: 'out-b', outputFolderPath: "r={{ params.region }}/dt={{ scheduled_time | date('YYYY-MM-DD') }}/", filename: 'f-{{ run_id }}' },
    });
    expect(ok.parameters?.region?.default).toBe('eu');
    expect(() => parseCuration({ ...base, outputDetails: { outputBucket: 'out-b', filename: '{{ params.region }}' } })).toThrow(/outputDetails.filename: unknown parameter 'params.region'/);
    expect(() => parseCuration({ ...base, outputDetails: { outputBucket: 'out-b', filename: 'a/{{ run_id }}' } })).toThrow(/outputDetails.filename/);
    expect(() => parseCuration({ ...base, parameters: { n: { type: 'int', default: 'x' } }, outputDetails: { outputBucket: 'out-b' } })).toThrow(/parameters.n.default/);
  });
});

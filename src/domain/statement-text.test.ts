import { describe, expect, it } from 'vitest';
import { scanStatement } from './statement-text.js';

describe('scanStatement', () => {
  it.each([
    ['select 1', 'SELECT'],
    ['  -- note\n/* a /* nested */ comment */ with x as (select 1) select * from x', 'WITH'],
    ['(select 1)', '('],
    ['attach \':memory:\' as m', 'ATTACH'],
    ['', undefined],
    ['-- only a comment', undefined],
  ])('finds the first token of %j', (sql, first) => {
    expect(scanStatement(sql).firstToken).toBe(first);
  });

  it('drops trailing semicolons and comments but keeps the statement', () => {
    expect(scanStatement('-- daily\nselect 1 ;; -- done\n/* end */').body).toBe('-- daily\nselect 1');
  });

  it('does not mistake quoted text for comments, semicolons or parentheses', () => {
    const sql = `select '--;)' as a, "x;)" , E'it\\'s)', $$ ) -- $$, $q$ ;) $q$ as b`;
    const text = scanStatement(`${sql};`);
    expect(text.body).toBe(sql);
    expect(text.closesUnopenedParen).toBe(false);
  });

  it('flags a parenthesis closed before it was opened', () => {
    expect(scanStatement("select 1) to '/tmp/x.csv' (format csv); --").closesUnopenedParen).toBe(true);
    expect(scanStatement('select (1) + (2)').closesUnopenedParen).toBe(false);
  });
});

describe('scanStatement top-level words', () => {
  it('lists words outside parentheses only', () => {
    const words = scanStatement("with x as (select 1 as id) insert into t select * from x where y = 'update'").topLevelWords;
    expect(words.has('INSERT')).toBe(true);
    expect(words.has('ID')).toBe(false);
    expect(words.has('UPDATE')).toBe(false);
  });
});

describe('scanStatement separators', () => {
  it('counts semicolons between statements, not trailing ones or quoted ones', () => {
    expect(scanStatement('select 1;; -- end').separators).toBe(0);
    expect(scanStatement("select ';' as a, \"b;\" -- ;\n").separators).toBe(0);
    expect(scanStatement('select 1; drop table t;').separators).toBe(1);
    expect(scanStatement('select 1;; select 2').separators).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { LogNotifier } from './log-notifier.js';

describe('log notifier', () => {
  it('writes one JSON line with the title, the delivery id and every fact', async () => {
    const lines: string[] = [];
    await new LogNotifier((l) => lines.push(l)).send({ id: 'evt-1', event: 'success', curationType: 'c', occurredAt: '2027-01-04T10:00:00.000Z', rowCount: 3 }, { id: 'ob-1', attempt: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({ notification: 'c succeeded', delivery: 'ob-1', id: 'evt-1', event: 'success', curationType: 'c', occurredAt: '2027-01-04T10:00:00.000Z', rowCount: 3 });
  });
});

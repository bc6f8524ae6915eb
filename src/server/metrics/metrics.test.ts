import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../adapters/sqlite/sqlite-state-store.js';
import { configSchema } from '../../domain/config.js';
import { alertPolicy } from '../../domain/notify/notifications-config.js';
import { runAlertPlanner } from '../../domain/notify/plan-run-alerts.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { createMetrics } from './metrics.js';

describe('metrics (real SQLite)', () => {
  it('adp_outbox_pending counts deliveries not yet made', async () => {
    const state = SqliteStateStore.open(':memory:');
    try {
      const metrics = createMetrics(state, new Date(0), { processMetrics: false });
      expect((await metrics.render()).body).toMatch(/^adp_outbox_pending 0$/m);
      const policy = alertPolicy(configSchema.parse({ sinks: [{ type: 'opensearch', node: 'http://127.0.0.1:9', index: 'h' }] }));
      await state.finishRun(historyRecordFixture({ curationExecutionName: 'e1' }), runAlertPlanner(policy, undefined));
      await state.finishRun(historyRecordFixture({ curationExecutionName: 'e2', timestamp: Date.now() + 1 }), runAlertPlanner(policy, undefined));
      expect((await metrics.render()).body).toMatch(/^adp_outbox_pending 2$/m);
    } finally {
      await state.close();
    }
  });
});

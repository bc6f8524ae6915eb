import { schedulingContract } from '../../src/ports/scheduling.contract.js';
import { usePostgresTestSchemas } from '../helpers/postgres.js';
import { backends } from './backends.js';

usePostgresTestSchemas();

for (const backend of backends) {
  schedulingContract(backend.name, async () => {
    const store = await backend.open();
    return { state: store, scheduling: store.scheduling, close: () => backend.close(store) };
  });
}

import { outboxStoreContract } from '../../src/ports/outbox-store.contract.js';
import { usePostgresTestSchemas } from '../helpers/postgres.js';
import { backends, type BackendStore } from './backends.js';

usePostgresTestSchemas();

for (const backend of backends) {
  outboxStoreContract(backend.name, () => backend.open(), (store) => backend.close(store as BackendStore));
}

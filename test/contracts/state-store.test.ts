import { stateStoreContract } from '../../src/ports/state-store.contract.js';
import { usePostgresTestSchemas } from '../helpers/postgres.js';
import { backends, type BackendStore } from './backends.js';

usePostgresTestSchemas();

for (const backend of backends) {
  stateStoreContract(backend.name, () => backend.open(), (store) => backend.close(store as BackendStore));
}

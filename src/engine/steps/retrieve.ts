import { NotFoundError } from '../../domain/errors.js';
import { sha256Hex } from '../../domain/sha256.js';
import type { Step } from './step.js';

/** Loads the definition and the SQL at the head of the scripts branch, recording the commit. */
export const retrieve: Step = async (deps, run) => {
  const stored = await deps.state.getCuration(run.curationType);
  if (!stored) throw new NotFoundError('curation', run.curationType, 'register it with `adp curation put`');
  const definition = stored.definition;
  const script = await deps.scripts.readAtHead(definition.sqlFilePath);
  return {
    context: {
      ...run.context,
      definition,
      sql: script.text,
      sqlSha256: sha256Hex(script.text),
      scriptFileCommitId: script.commitId,
    },
  };
};

import { NotFoundError } from '../../domain/errors.js';
import { sha256Hex } from '../../domain/sha256.js';
import { renderRun, templateScope } from '../run-template.js';
import type { Step } from './step.js';

/**
 * Loads the definition and the SQL at the head of the scripts branch,
 * recording the commit, and renders the `{{ … }}` templates of the SQL,
 * folder and filename (a missing or bad parameter fails the run here).
 */
export const retrieve: Step = async (deps, run) => {
  const stored = await deps.state.getCuration(run.curationType);
  if (!stored) throw new NotFoundError('curation', run.curationType, 'register it with `adp curation put`');
  const definition = stored.definition;
  const script = await deps.scripts.readAtHead(definition.sqlFilePath);
  const rendered = renderRun(definition, script.text, templateScope(stored, run));
  return {
    context: {
      ...run.context,
      definition,
      sql: rendered.sql,
      sqlSha256: sha256Hex(rendered.sql),
      ...(rendered.renderedOutput ? { renderedOutput: rendered.renderedOutput } : {}),
      scriptFileCommitId: script.commitId,
    },
  };
};

import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useLive } from '../live.js';
import { announce } from '../notices.js';
import type { FieldIssue } from '../types.js';
import { initialParameterTexts, ParameterFields, parameterPaths, parameterValues, type ParameterDefinitions } from './parameter-fields.js';
import { startRun } from './run-now-button.js';

/**
 * Run now, for a curation with parameters: an input per parameter, then the
 * button. The API's refusal of a value is shown at its field. Named by the
 * heading `#run-now-h` of the section it is in.
 */
export function RunNowForm({ curationType, parameters }: { curationType: string; parameters: ParameterDefinitions }) {
  const [texts, setTexts] = useState(() => initialParameterTexts(parameters));
  const [issues, setIssues] = useState<readonly FieldIssue[]>([]);
  const [busy, setBusy] = useState(false);
  const live = useLive();

  const submit = async () => {
    setBusy(true);
    setIssues([]);
    try {
      await startRun(curationType, parameterValues(parameters, texts), live.poke);
    } catch (e) {
      const paths = parameterPaths(parameters);
      const atFields = e instanceof ApiError ? e.issues.filter((i) => paths.includes(i.path)) : [];
      setIssues(atFields);
      if (atFields.length === 0 || (e instanceof ApiError && atFields.length < e.issues.length)) {
        announce(`Could not start ${curationType}: ${e instanceof ApiError ? e.message : String(e)}`, 'error');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="backfill"
      aria-labelledby="run-now-h"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p class="muted small" style={{ marginTop: 0 }}>Starts a run now with these parameter values; a field left at its default lets the default apply.</p>
      <div class="form-row">
        <ParameterFields defs={parameters} texts={texts} onChange={(name, text) => setTexts((t) => ({ ...t, [name]: text }))} issues={issues} idPrefix="run-param" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            <span aria-hidden="true">▶</span> {busy ? 'Starting…' : 'Run now'}
          </button>
        </div>
      </div>
    </form>
  );
}

import type { HistoryRecord } from '../types.js';

type Results = NonNullable<HistoryRecord['qualityChecks']>;

/** A run's quality check results: one row per check, failed ones first said so in words (not colour alone). */
export function QualityChecks({ checks }: { checks: Results }) {
  return (
    <table class="data" data-testid="quality-checks">
      <caption class="visually-hidden">Quality checks</caption>
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Severity</th>
          <th scope="col">Result</th>
          <th scope="col" class="num">
            Observed
          </th>
          <th scope="col">Expected</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={c.name}>
            <th scope="row">
              <code>{c.name}</code>
            </th>
            <td>{c.severity}</td>
            <td>
              <span class={`badge ${c.passed ? 'badge-succeeded' : c.severity === 'block' ? 'badge-failed' : 'badge-timed-out'}`}>
                {c.passed ? 'passed' : c.severity === 'block' ? 'failed' : 'warning'}
              </span>
            </td>
            <td class="num">{c.observed ?? '—'}</td>
            <td>{c.error ? <span class="break">{c.error}</span> : c.expected}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

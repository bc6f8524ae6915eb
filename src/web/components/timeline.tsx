import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { formatDuration, formatShort } from '../format.js';
import { href } from '../router.js';
import type { HistoryRecord, TerminalStatus } from '../types.js';
import { statusLabel } from './status-badge.js';

const STATUSES: readonly TerminalStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'];

export interface TimeRange {
  /** Epoch ms. */
  readonly from: number;
  readonly to: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** What the x axis means: when each run started, or the time it was scheduled for (a backfill's runs spread over their days). */
export type TimeAxis = 'started' | 'scheduled';

/** Where a run sits on the x axis (epoch ms): a run without a scheduled time (started by hand) sits at its start. */
export function placedAt(r: HistoryRecord, by: TimeAxis): number {
  return by === 'scheduled' && r.scheduledTime ? Date.parse(r.scheduledTime) : Date.parse(r.startedAt);
}

/** The x range drawn: the window asked for, widened by scheduled time to every run's place. */
function drawnRange(records: readonly HistoryRecord[], range: TimeRange, by: TimeAxis): TimeRange {
  if (by === 'started' || records.length === 0) return range;
  let from = range.from;
  let to = range.to;
  for (const r of records) {
    const at = placedAt(r, by);
    if (at < from) from = at;
    if (at > to) to = at;
  }
  return { from, to };
}

/** uPlot's columns: x = the run's time (s), one y column per status (duration in s, null elsewhere). */
function toColumns(records: readonly HistoryRecord[], by: TimeAxis): { data: uPlot.AlignedData; sorted: HistoryRecord[] } {
  const sorted = [...records].sort((a, b) => placedAt(a, by) - placedAt(b, by));
  const xs = sorted.map((r) => placedAt(r, by) / 1000);
  const ys = STATUSES.map((s) => sorted.map((r) => (r.status === s ? Math.max(r.durationMs / 1000, 0.001) : null)));
  return { data: [xs, ...ys] as uPlot.AlignedData, sorted };
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayOnly = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Axis labels in the viewer's locale and zone: the time, with the date under the first tick of each day. */
function timeLabels(splits: number[], incrSeconds: number): string[] {
  let lastDay = '';
  return splits.map((v) => {
    const d = new Date(v * 1000);
    const day = dayOnly.format(d);
    if (incrSeconds >= 86_400) return day;
    const label = day !== lastDay ? `${timeOnly.format(d)}\n${day}` : timeOnly.format(d);
    lastDay = day;
    return label;
  });
}

/** Powers of ten from below `min` to above `max` (seconds). */
function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(Math.max(min, 1e-3))); e <= Math.ceil(Math.log10(Math.max(max, 1e-3))); e++) out.push(10 ** e);
  return out.filter((v) => v >= min * 0.999 && v <= max * 1.001);
}

/** The run drawn nearest to a point of the plot, within 14 px. */
function nearest(u: uPlot, sorted: readonly HistoryRecord[], left: number, top: number, by: TimeAxis): { record: HistoryRecord; x: number; y: number } | undefined {
  let best: { record: HistoryRecord; x: number; y: number; d: number } | undefined;
  for (const r of sorted) {
    const x = u.valToPos(placedAt(r, by) / 1000, 'x');
    const y = u.valToPos(Math.max(r.durationMs / 1000, 0.001), 'y');
    const d = Math.hypot(x - left, y - top);
    if (d < 14 && (!best || d < best.d)) best = { record: r, x, y, d };
  }
  return best;
}

/**
 * Runs as points in time (x: when each started, y: how long it took, log
 * scale), coloured by status. Drag across the chart to zoom into a time
 * range; double-click or "Reset zoom" to go back. Clicking a point opens
 * the run. The runs table beside it holds the same data for keyboards and
 * screen readers.
 */
export function Timeline({ records, range, label }: { records: readonly HistoryRecord[]; range: TimeRange; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const sortedRef = useRef<HistoryRecord[]>([]);
  const [hover, setHover] = useState<{ record: HistoryRecord; x: number; y: number }>();
  const [zoomed, setZoomed] = useState(false);
  const [by, setBy] = useState<TimeAxis>('started');
  // The plot's handlers are made once; they read the axis through this.
  const byRef = useRef(by);
  byRef.current = by;

  useEffect(() => {
    const el = host.current!;
    const colors = STATUSES.map((s) => cssVar(`--status-${s.replace('_', '-')}`));
    const axisColor = cssVar('--text-muted');
    const gridColor = cssVar('--grid');
    const opts: uPlot.Options = {
      width: el.clientWidth || 800,
      height: 260,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false }, y: false },
      scales: {
        x: { time: true, auto: false, range: () => [range.from / 1000, range.to / 1000] },
        // Whole decades, so the first and last labels sit on the frame.
        y: {
          distr: 3,
          log: 10,
          range: (_u, min, max) => [10 ** Math.floor(Math.log10(Math.min(min ?? 0.01, 0.01))), 10 ** Math.ceil(Math.log10(Math.max(max ?? 1, 1)))],
        },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          space: 70,
          values: (_u, splits, _axis, _space, incr) => timeLabels(splits, incr),
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor },
          size: 64,
          // One label per decade (10 ms, 100 ms, 1 s, …): log axes are unreadable with more.
          splits: (_u, _axis, min, max) => decades(min, max),
          values: (_u, splits) => splits.map((v) => formatDuration(v * 1000)),
          label: 'duration',
          labelSize: 16,
        },
      ],
      series: [
        {},
        ...STATUSES.map((s, i) => ({
          label: statusLabel(s),
          stroke: colors[i],
          fill: colors[i],
          paths: () => null,
          points: { show: true, size: 9, width: 1.5, stroke: colors[i], fill: `${colors[i]}cc` },
        })),
      ],
      hooks: {
        setSelect: [() => setZoomed(true)],
        setCursor: [
          (u) => {
            const { left, top } = u.cursor;
            const hit = left === undefined || top === undefined || left < 0 ? undefined : nearest(u, sortedRef.current, left, top, byRef.current);
            if (!hit || !frame.current) return setHover(undefined);
            // Tip coordinates are relative to the frame; the plot area sits inside it after the axes.
            const over = u.over.getBoundingClientRect();
            const box = frame.current.getBoundingClientRect();
            setHover({ record: hit.record, x: hit.x + over.left - box.left, y: hit.y + over.top - box.top });
          },
        ],
      },
    };
    const { data, sorted } = toColumns([], byRef.current);
    sortedRef.current = sorted;
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const onClick = (e: MouseEvent) => {
      const rect = u.over.getBoundingClientRect();
      const hit = nearest(u, sortedRef.current, e.clientX - rect.left, e.clientY - rect.top, byRef.current);
      if (hit) location.hash = href.run(hit.record.curationExecutionName);
    };
    const onDblClick = () => setZoomed(false);
    u.over.addEventListener('click', onClick);
    u.over.addEventListener('dblclick', onDblClick);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
    // The range closure is refreshed by the effect below; the plot is built once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const drawn = drawnRange(records, range, by);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const { data, sorted } = toColumns(records, by);
    sortedRef.current = sorted;
    u.scales.x!.range = () => [drawn.from / 1000, drawn.to / 1000];
    u.setData(data, !zoomed);
    if (!zoomed) u.setScale('x', { min: drawn.from / 1000, max: drawn.to / 1000 });
  }, [records, drawn.from, drawn.to, zoomed, by]);

  // A new span (1h → 24h) or axis drops the zoom; the window sliding forward on a refresh keeps it.
  useEffect(() => setZoomed(false), [range.to - range.from, by]);

  const resetZoom = () => {
    setZoomed(false);
    plot.current?.setScale('x', { min: drawn.from / 1000, max: drawn.to / 1000 });
  };
  const unscheduled = by === 'scheduled' ? records.filter((r) => !r.scheduledTime).length : 0;

  const counts = STATUSES.map((s) => [s, records.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  return (
    <figure class="timeline" data-by={by} data-x-from={drawn.from} data-x-to={drawn.to}>
      <div class="timeline-bar">
        <div class="range-picker" role="group" aria-label="Place runs by">
          <button type="button" class="btn btn-small" aria-pressed={by === 'started'} onClick={() => setBy('started')}>
            Start time
          </button>
          <button type="button" class="btn btn-small" aria-pressed={by === 'scheduled'} onClick={() => setBy('scheduled')}>
            Scheduled time
          </button>
        </div>
        <ul class="legend" aria-label="Legend">
          {STATUSES.map((s) => (
            <li key={s}>
              <span class={`swatch swatch-${s.replace('_', '-')}`} aria-hidden="true" />
              {statusLabel(s)}
            </li>
          ))}
        </ul>
        {zoomed && (
          <button type="button" class="btn btn-small" onClick={resetZoom}>
            Reset zoom
          </button>
        )}
      </div>
      <div
        class="timeline-plot"
        ref={frame}
        role="img"
        aria-label={`${label}: ${records.length} runs${counts.length ? ` (${counts.map(([s, n]) => `${n} ${statusLabel(s).toLowerCase()}`).join(', ')})` : ''}. Drag across the chart to zoom; the table below lists the same runs.`}
      >
        <div ref={host} />
        {hover && (
          <div class="timeline-tip" style={{ left: `${hover.x}px`, top: `${hover.y}px` }}>
            <strong>{statusLabel(hover.record.status)}</strong> · {hover.record.curationType}
            <br />
            {by === 'scheduled' && hover.record.scheduledTime ? `scheduled for ${formatShort(hover.record.scheduledTime)}` : formatShort(hover.record.startedAt)} ·{' '}
            {formatDuration(hover.record.durationMs)}
            {by === 'scheduled' && !hover.record.scheduledTime && (
              <>
                <br />
                no scheduled time (started by hand): drawn at its start
              </>
            )}
          </div>
        )}
      </div>
      <figcaption class="muted small">
        Each dot is a run: {by === 'scheduled' ? 'the time it was scheduled for' : 'when it started'} (across) and how long it took (up, log scale).
        {unscheduled > 0 && ` ${unscheduled} run${unscheduled === 1 ? '' : 's'} without a scheduled time (started by hand) sit at their start.`} Drag to
        zoom, double-click to reset, click a dot to open the run.
      </figcaption>
    </figure>
  );
}

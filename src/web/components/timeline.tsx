import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { formatDuration, formatShort } from '../format.js';
import { usePolling } from '../poll.js';
import { href } from '../router.js';
import type { RunFilters } from '../run-filters.js';
import { cellRadius, columnsOf, countsByStatus, drawnRange, loadTimeline, marksOf, STATUSES, unscheduledCount, type Mark } from '../timeline-data.js';
import type { TerminalStatus, TimeAxis } from '../types.js';
import { statusLabel } from './status-badge.js';

export interface TimeRange {
  /** Epoch ms. */
  readonly from: number;
  readonly to: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
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

const POINT_RADIUS = 4.5;
const radiusOf = (m: Mark) => (m.kind === 'cell' ? cellRadius(m.cell.count) : POINT_RADIUS);

/** The mark drawn nearest to a point of the plot (CSS px), within its radius plus 8 px. */
function nearest(u: uPlot, marks: readonly Mark[], left: number, top: number): { mark: Mark; x: number; y: number } | undefined {
  let best: { mark: Mark; x: number; y: number; d: number } | undefined;
  for (const m of marks) {
    const x = u.valToPos(m.x / 1000, 'x');
    const y = u.valToPos(m.y / 1000, 'y');
    const d = Math.hypot(x - left, y - top);
    if (d < radiusOf(m) + 8 && (!best || d < best.d)) best = { mark: m, x, y, d };
  }
  return best;
}

/** Discs for every mark: a run is a dot, a bucket a disc sized by its count (drawn here: uPlot's points have one size per series). */
function drawMarks(u: uPlot, marks: readonly Mark[], colors: ReadonlyMap<TerminalStatus, string>): void {
  const ctx = u.ctx;
  const ratio = uPlot.pxRatio;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  ctx.lineWidth = 1.5 * ratio;
  for (const m of marks) {
    const x = u.valToPos(m.x / 1000, 'x', true);
    const y = u.valToPos(m.y / 1000, 'y', true);
    const color = colors.get(m.status) ?? '#888';
    ctx.beginPath();
    ctx.arc(x, y, radiusOf(m) * ratio, 0, 2 * Math.PI);
    ctx.fillStyle = m.kind === 'cell' ? `${color}99` : `${color}cc`;
    ctx.strokeStyle = color;
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/** A bucket width in words: "5 min", "2 h", "1 day". */
function bucketWidth(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) return `${minutes / 60} h`;
  return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
}

function bucketText(m: Extract<Mark, { kind: 'cell' }>): string {
  return `${formatShort(new Date(m.cell.minute * 60_000).toISOString())} + ${bucketWidth(m.minutes)}`;
}

/**
 * Runs as marks in time (x: when each started, or the time it was scheduled
 * for; y: how long it took, log scale), coloured by status. Loads GET
 * /timeline: each run while there are few, else counts per bucket drawn as
 * discs sized by count. Status toggles, a name search and (on the overview) a
 * curation filter narrow it; they are the page's `filters`, so the table of
 * runs under the chart narrows with it. Drag to zoom (by start time the zoomed window is
 * loaded again, so buckets resolve into runs); double-click or "Reset zoom"
 * to go back; click a run to open it, a bucket to zoom into it.
 */
export function Timeline({
  span,
  label,
  curationType,
  curations,
  filters: f,
  refreshKey,
}: {
  /** The window: the last `span` ms. */
  span: number;
  label: string;
  /** Only this curation's runs (its own page). */
  curationType?: string;
  /** Offer a curation filter over these (the overview). */
  curations?: readonly string[];
  filters: RunFilters;
  refreshKey?: unknown;
}) {
  const host = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();
  const marksRef = useRef<Mark[]>([]);
  const [hover, setHover] = useState<{ mark: Mark; x: number; y: number }>();
  const [zoom, setZoom] = useState<TimeRange>();
  const [by, setBy] = useState<TimeAxis>('started');
  const filters = { by, statuses: f.statuses, search: f.query, curationType: curationType ?? (f.curationType || undefined) };
  // Zoomed by start time, the zoomed window is what is loaded; by scheduled time the zoom only narrows the view.
  const loadWindow = by === 'started' ? zoom : undefined;
  const timeline = usePolling(
    async (signal) => {
      const to = Date.now();
      const range = loadWindow ?? { from: to - span, to };
      return { by, range: loadWindow ? range : { from: to - span, to }, data: await loadTimeline(range, filters, host.current?.clientWidth ?? 900, signal) };
    },
    30_000,
    [span, by, f.key, loadWindow?.from, loadWindow?.to, refreshKey],
  );
  const range = timeline.data?.range ?? { from: Date.now() - span, to: Date.now() };
  const data = timeline.data?.data;
  // The axis of what is on screen: after a toggle the last data stays drawn until the new axis has loaded.
  const drawnBy = timeline.data?.by ?? by;

  useEffect(() => {
    const el = host.current!;
    const colors = new Map(STATUSES.map((s) => [s, cssVar(`--status-${s.replace('_', '-')}`)] as const));
    const axisColor = cssVar('--text-muted');
    const gridColor = cssVar('--grid');
    const opts: uPlot.Options = {
      width: el.clientWidth || 800,
      height: 260,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false }, y: false },
      scales: {
        x: { time: true, auto: false },
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
      series: [{}, ...STATUSES.map((s) => ({ label: statusLabel(s), paths: () => null, points: { show: false } }))],
      hooks: {
        draw: [(u) => drawMarks(u, marksRef.current, colors)],
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            setZoom({ from: Math.floor(from), to: Math.ceil(to) });
          },
        ],
        setCursor: [
          (u) => {
            const { left, top } = u.cursor;
            const hit = left === undefined || top === undefined || left < 0 ? undefined : nearest(u, marksRef.current, left, top);
            if (!hit || !frame.current) return setHover(undefined);
            // Tip coordinates are relative to the frame; the plot area sits inside it after the axes.
            const over = u.over.getBoundingClientRect();
            const box = frame.current.getBoundingClientRect();
            setHover({ mark: hit.mark, x: hit.x + over.left - box.left, y: hit.y + over.top - box.top });
          },
        ],
      },
    };
    const u = new uPlot(opts, columnsOf([]).data, el);
    plot.current = u;
    const onClick = (e: MouseEvent) => {
      const rect = u.over.getBoundingClientRect();
      const hit = nearest(u, marksRef.current, e.clientX - rect.left, e.clientY - rect.top);
      if (!hit) return;
      if (hit.mark.kind === 'point') location.hash = href.run(hit.mark.point.name);
      else setZoom({ from: hit.mark.cell.minute * 60_000, to: (hit.mark.cell.minute + hit.mark.minutes) * 60_000 - 1 });
    };
    const onDblClick = () => setZoom(undefined);
    u.over.addEventListener('click', onClick);
    u.over.addEventListener('dblclick', onDblClick);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, []);

  const marks = marksOf(data);
  const drawn = zoom ?? drawnRange(marks, range);
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const { data: columns, sorted } = columnsOf(marks);
    marksRef.current = sorted;
    u.setData(columns, false);
    u.setScale('x', { min: drawn.from / 1000, max: drawn.to / 1000 });
    setHover(undefined);
  }, [data, drawn.from, drawn.to]);

  // A new span (1h → 24h), axis or filter drops the zoom.
  useEffect(() => setZoom(undefined), [span, by, f.key]);
  const counts = countsByStatus(data);
  const unscheduled = drawnBy === 'scheduled' ? unscheduledCount(data) : 0;
  const total = data?.total ?? 0;
  const mode = data ? (data.points ? 'points' : 'buckets') : 'loading';
  const countsText = STATUSES.filter((s) => (counts.get(s) ?? 0) > 0)
    .map((s) => `${(counts.get(s) ?? 0).toLocaleString()} ${statusLabel(s).toLowerCase()}`)
    .join(', ');
  const hm = hover?.mark;
  return (
    <figure class="timeline" data-by={drawnBy} data-x-from={drawn.from} data-x-to={drawn.to} data-mode={mode} data-total={total}>
      <div class="timeline-bar">
        <div class="range-picker" role="group" aria-label="Place runs by">
          <button type="button" class="btn btn-small" aria-pressed={by === 'started'} onClick={() => setBy('started')}>
            Start time
          </button>
          <button type="button" class="btn btn-small" aria-pressed={by === 'scheduled'} onClick={() => setBy('scheduled')}>
            Scheduled time
          </button>
        </div>
        <div class="legend" role="group" aria-label="Show statuses">
          {STATUSES.map((s) => (
            <button key={s} type="button" class="legend-toggle" aria-pressed={f.statuses.has(s)} onClick={() => f.toggleStatus(s)} title={`Show or hide ${statusLabel(s).toLowerCase()} runs`}>
              <span class={`swatch swatch-${s.replace('_', '-')}`} aria-hidden="true" />
              {statusLabel(s)}
            </button>
          ))}
        </div>
        <div class="timeline-filters">
          {curations && curations.length > 1 && (
            <select aria-label="Curation" value={f.curationType} onChange={(e) => f.setCurationType((e.target as HTMLSelectElement).value)}>
              <option value="">All curations</option>
              {curations.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
          <input type="search" placeholder="Search by name" aria-label="Search runs by name" value={f.search} onInput={(e) => f.setSearch((e.target as HTMLInputElement).value)} />
          {zoom && (
            <button type="button" class="btn btn-small" onClick={() => setZoom(undefined)}>
              Reset zoom
            </button>
          )}
        </div>
      </div>
      {timeline.error && <p class="notice notice-error">Could not load the timeline: {timeline.error.message}</p>}
      <div
        class="timeline-plot"
        ref={frame}
        role="img"
        aria-label={`${label}: ${total.toLocaleString()} runs${countsText ? ` (${countsText})` : ''}. Drag across the chart to zoom; the table below lists recent runs.`}
      >
        <div ref={host} />
        {hm && hover && (
          <div class="timeline-tip" style={{ left: `${hover.x}px`, top: `${hover.y}px` }}>
            {hm.kind === 'point' ? (
              <>
                <strong>{statusLabel(hm.status)}</strong> · {hm.point.curationType}
                <br />
                {drawnBy === 'scheduled' && hm.point.scheduled ? `scheduled for ${formatShort(new Date(hm.point.at).toISOString())}` : formatShort(new Date(hm.point.startedAt).toISOString())} ·{' '}
                {formatDuration(hm.point.durationMs)}
                {drawnBy === 'scheduled' && !hm.point.scheduled && (
                  <>
                    <br />
                    no scheduled time (started by hand): drawn at its start
                  </>
                )}
              </>
            ) : (
              <>
                <strong>
                  {hm.cell.count.toLocaleString()} {statusLabel(hm.status).toLowerCase()}
                </strong>{' '}
                {hm.cell.count === 1 ? 'run' : 'runs'} · {bucketText(hm)}
                <br />
                {hm.cell.minDurationMs === hm.cell.maxDurationMs ? formatDuration(hm.cell.minDurationMs) : `${formatDuration(hm.cell.minDurationMs)} – ${formatDuration(hm.cell.maxDurationMs)}`} · click to zoom in
              </>
            )}
          </div>
        )}
      </div>
      <figcaption class="muted small">
        {mode === 'buckets'
          ? `${total.toLocaleString()} runs, counted per ${bucketWidth(data?.bucketMinutes ?? 1)}: a disc's size grows with its count. `
          : 'Each dot is a run. '}
        Placed by {drawnBy === 'scheduled' ? 'the time it was scheduled for' : 'when it started'} (across) and how long it took (up, log scale).
        {unscheduled > 0 && ` ${unscheduled.toLocaleString()} run${unscheduled === 1 ? '' : 's'} without a scheduled time (started by hand) sit at their start.`} Drag to zoom,
        double-click to reset, click a {mode === 'buckets' ? 'disc to zoom into it' : 'dot to open the run'}.
      </figcaption>
    </figure>
  );
}

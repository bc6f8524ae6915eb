// A small dependency-free SVG: runs/s (no-op engine) and trigger lag p50/p99 against the
// number of curations, log-scaled on x.
export function scalingChart(points) {
  const W = 640;
  const H = 360;
  const m = { l: 50, r: 50, t: 44, b: 50 };
  const xs = points.map((p) => Math.log10(p.curations));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = (v) => m.l + ((Math.log10(v) - x0) / Math.max(1e-9, x1 - x0)) * (W - m.l - m.r);
  const maxLag = Math.max(1, ...points.map((p) => p.lagP99Ms)) * 1.15;
  const maxRate = Math.max(1, ...points.map((p) => p.runsPerSecondWithNoopEngine)) * 1.15;
  const yLag = (v) => H - m.b - (v / maxLag) * (H - m.t - m.b);
  const yRate = (v) => H - m.b - (v / maxRate) * (H - m.t - m.b);
  const line = (f, key, colour, dash = '') =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" ${dash && `stroke-dasharray="${dash}"`} points="${points.map((p) => `${x(p.curations).toFixed(1)},${f(p[key]).toFixed(1)}`).join(' ')}"/>` +
    points.map((p) => `<circle cx="${x(p.curations).toFixed(1)}" cy="${f(p[key]).toFixed(1)}" r="3.5" fill="${colour}"/>`).join('');
  const ticks = points.map((p) => `<text x="${x(p.curations).toFixed(1)}" y="${H - m.b + 18}" text-anchor="middle">${p.curations.toLocaleString('en-US')}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">Scheduler lag and runs/s vs number of curations (rate(1 minute), no-op engine)</text>
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#999"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#999"/>
<line x1="${W - m.r}" y1="${m.t}" x2="${W - m.r}" y2="${H - m.b}" stroke="#999"/>
${ticks}
<text x="${W / 2}" y="${H - 12}" text-anchor="middle">curations</text>
<text x="4" y="${m.t - 8}" fill="#1f77b4">lag (ms)</text>
<text x="${W - 4}" y="${m.t - 8}" text-anchor="end" fill="#2ca02c">runs/s</text>
${[0, 0.5, 1].map((f) => `<text x="${m.l - 6}" y="${(yLag(f * maxLag) + 4).toFixed(1)}" text-anchor="end" fill="#1f77b4">${Math.round(f * maxLag)}</text><text x="${W - m.r + 6}" y="${(yRate(f * maxRate) + 4).toFixed(1)}" fill="#2ca02c">${Math.round(f * maxRate)}</text>`).join('')}
${line(yLag, 'lagP50Ms', '#1f77b4')}
${line(yLag, 'lagP99Ms', '#1f77b4', '6 4')}
${line(yRate, 'runsPerSecondWithNoopEngine', '#2ca02c')}
<text x="${m.l + 10}" y="${m.t + 14}" fill="#1f77b4">— lag p50   - - lag p99</text>
<text x="${m.l + 10}" y="${m.t + 30}" fill="#2ca02c">— runs/s</text>
</svg>
`;
}

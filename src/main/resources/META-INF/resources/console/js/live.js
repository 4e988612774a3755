// The live panel: this instance's meters every 2 seconds (throughput, latency, lag, contention, stalls) and
// its capture health (what the capture health check says: UP, or DOWN naming the failing checks).
import { get } from './api.js';
import { h, $, clear, say, table, problemText } from './dom.js';
import { start, ready } from './nav.js';

await start('live.html');
const SVG = 'http://www.w3.org/2000/svg';

function number(v, digits = 0) {
  return Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function tile(id, label, value) {
  return h('div', { class: 'tile', id }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value));
}

function chart(points) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.processedPerSecond));
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-label', `trades a second, peak ${number(max)}`);
  const line = document.createElementNS(SVG, 'polyline');
  const step = points.length > 1 ? width / (points.length - 1) : width;
  line.setAttribute('points', points.map((p, i) => `${(i * step).toFixed(1)},${(height - (p.processedPerSecond / max) * (height - 10)).toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#1f5fa8');
  line.setAttribute('stroke-width', '2');
  svg.appendChild(line);
  return svg;
}

async function refresh() {
  try {
    const s = await get('/api/v1/live');
    clear($('#tiles')).append(
      tile('throughput', 'Trades a second', number(s.processedPerSecond, 1)),
      tile('captured', 'Captured a second', number(s.capturedPerSecond, 1)),
      tile('rejected', 'Rejected a second', number(s.rejectedPerSecond, 1)),
      tile('p99', 'p99 capture latency', `${number(s.p99LatencyMs)} ms`),
      tile('lag', 'Consumer lag', number(s.consumerLag)),
      tile('contention', 'Lock contention', `${number(s.lockContentionRatio * 100, 1)} %`),
      tile('stalled', 'Stalled partitions', number(s.stalledPartitions.length)),
      tile('capture', 'Capture health', s.capture.status === 'UP' ? 'UP'
        : `DOWN: ${s.capture.failing.join(', ')}`));
    clear($('#chart')).appendChild(chart(s.history));
    const stalls = clear($('#stalls'));
    stalls.appendChild(s.stalledPartitions.length
      ? table([['Partition', (x) => x.partition], ['Offset', (x) => x.offset], ['Age (s)', (x) => x.ageSeconds],
        ['Cause', (x) => x.cause ?? '']], s.stalledPartitions)
      : h('p', {}, 'None.'));
    $('#main').setAttribute('data-updated', s.at);
  } catch (e) {
    say(problemText(e), 'error');
  }
}

await refresh();
setInterval(refresh, 2000);
ready();

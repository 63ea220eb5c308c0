import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  durationClock,
  notebookProgress,
  NOTEBOOK_PROGRESS_INTERVAL_MS,
  Progress,
  type ProgressSink,
} from 'spikesplit';

/** A clock the test moves by hand, and a sink that records every line it is given. */
function harness(sinkIntervalMs?: number) {
  let nowMs = 10_000;
  const lines: { line: string; final: boolean }[] = [];
  const record = (line: string, final: boolean) => void lines.push({ line, final });
  const sink: ProgressSink =
    sinkIntervalMs === undefined ? record : Object.assign(record, { intervalMs: sinkIntervalMs });
  return { lines, sink, now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
}

test('the line: count of total with percent, rate and ETA at the average rate; the final line: count, time, rate', () => {
  const h = harness();
  const p = new Progress(200, { label: 'epoch 1/2', unit: 'images', sink: h.sink, intervalMs: 500, now: h.now });
  h.advance(400);
  p.tick(50); // 400 ms since the start: within the interval, no line
  assert.deepEqual(h.lines, []);
  h.advance(600);
  p.tick(50); // 100 images in 1 s: 100 images/s, 100 left, 1 s
  h.advance(2000);
  p.tick(25); // 125 in 3 s: 41.67 images/s, 75 left, 1.8 s
  h.advance(1000);
  p.tick(75);
  p.done();
  p.done(); // a no-op
  assert.deepEqual(h.lines, [
    { line: 'epoch 1/2  100/200 images (50%)  100 images/s  ETA 0:01', final: false },
    { line: 'epoch 1/2  125/200 images (62%)  42 images/s  ETA 0:02', final: false },
    { line: 'epoch 1/2  200/200 images (100%)  50 images/s  ETA 0:00', final: false },
    { line: 'epoch 1/2  200 images in 4.0 s  50 images/s', final: true },
  ]);
  assert.throws(() => p.tick(), /Progress 'epoch 1\/2': tick\(\) after done\(\)/);
});

test('bytes are shown in MB; an unknown total has no percent and no ETA', () => {
  const h = harness();
  const bytes = new Progress(5e6, { label: 'download', unit: 'bytes', sink: h.sink, intervalMs: 0, now: h.now });
  h.advance(2000);
  bytes.tick(3e6); // 1.5 MB/s, 2 MB left: 1.33 s
  assert.equal(h.lines.at(-1)?.line, 'download  3.0/5.0 MB (60%)  1.5 MB/s  ETA 0:01');
  const open = new Progress(undefined, { unit: 'requests', sink: h.sink, intervalMs: 0, now: h.now });
  h.advance(4000);
  open.tick(10);
  assert.equal(h.lines.at(-1)?.line, '10 requests  3 requests/s');
  assert.equal(open.etaSeconds, undefined);
});

test('the interval: the Progress its own, else the sink its own, else 5 s off a terminal', () => {
  for (const [sinkMs, optionMs, expected] of [
    [undefined, undefined, 5000],
    [300, undefined, 300],
    [300, 1000, 1000],
  ] as const) {
    const h = harness(sinkMs);
    const p = new Progress(10, { sink: h.sink, intervalMs: optionMs, now: h.now });
    h.advance(expected - 1);
    p.tick();
    assert.equal(h.lines.length, 0, `no line ${expected - 1} ms after the start (sink ${sinkMs}, option ${optionMs})`);
    h.advance(1);
    p.tick();
    assert.equal(h.lines.length, 1, `a line ${expected} ms after the start (sink ${sinkMs}, option ${optionMs})`);
  }
});

test('durationClock: m:ss, and h:mm:ss from an hour', () => {
  assert.equal(durationClock(0), '0:00');
  assert.equal(durationClock(59.6), '1:00');
  assert.equal(durationClock(754), '12:34');
  assert.equal(durationClock(3725), '1:02:05');
});

test('notebookProgress: one display per loop, each line replacing the last, a new display after the final line', () => {
  const displays: string[][] = []; // the texts each display was given, in order
  const sink = notebookProgress(() => {
    const texts: string[] = [];
    displays.push(texts);
    return { text: (t: string) => void texts.push(t) };
  });
  assert.equal(sink.intervalMs, NOTEBOOK_PROGRESS_INTERVAL_MS);
  let nowMs = 0;
  const now = () => nowMs;
  for (const epoch of [1, 2]) {
    const p = new Progress(4, { label: `epoch ${epoch}/2`, sink, now });
    for (let i = 0; i < 4; i++) {
      nowMs += NOTEBOOK_PROGRESS_INTERVAL_MS; // 2 items/s
      p.tick();
    }
    p.done();
  }
  const epoch = (e: number) => [
    `epoch ${e}/2  1/4 items (25%)  2 items/s  ETA 0:02`,
    `epoch ${e}/2  2/4 items (50%)  2 items/s  ETA 0:01`,
    `epoch ${e}/2  3/4 items (75%)  2 items/s  ETA 0:01`,
    `epoch ${e}/2  4/4 items (100%)  2 items/s  ETA 0:00`,
    `epoch ${e}/2  4 items in 2.0 s  2 items/s`,
  ];
  assert.deepEqual(displays, [epoch(1), epoch(2)]);
});

// The queue end to end with a real Redis and real worker processes: a sweep drained by two workers gives the rows
// of a local run; a worker SIGKILLed mid-row loses nothing (another resumes the row from its checkpoint); Redis
// restarted empty while rows run; SIGTERM returns a running row to the queue; a row failing 3 times is marked
// failed without blocking the others.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  collectResults,
  followExperiment,
  initBackend,
  openQueue,
  parseQueueUrl,
  PRESETS,
  rowJobId,
  runSweep,
  sweepConfigs,
  type JobData,
  type Preset,
  type PresetName,
  type SweepRow,
  setRunsRoot,
} from 'spikesplit';
import { startRedis } from './redis-server';
import { WorkerProcess } from './worker-process';

// Test only (derived from tiny, named apart): tiny's model on half its images (50 training, 30 test), one split
// point (2 rows), each row fine-tuned for 2 epochs on 30 images, so that a row has a checkpoint between its start
// and its end.
const PRESET: Preset = {
  ...PRESETS.tiny,
  name: 'tiny-queue-test' as PresetName,
  description: 'test only: tiny on 50/30 images, one split point, 2 fine-tuning epochs on 30 images',
  data: { ...PRESETS.tiny.data, trainPerClass: 5, testPerClass: 3, finetunePerClass: 3 },
  finetune: { ...PRESETS.tiny.finetune, epochs: 2 },
  sweep: { ...PRESETS.tiny.sweep, splitPoints: ['RB16'] },
};
const IDS = sweepConfigs(PRESET).map((c) => c.id);
const jobId = (row: string) => rowJobId(PRESET.name, 'sweep', row);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spikesplit-scaleout-'));
after(() => {
  setRunsRoot(undefined);
  fs.rmSync(root, { recursive: true, force: true });
});
/** A store under the test's root, made the runs root of this process (where the follower reads rows). */
function useStoreDir(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  setRunsRoot(dir);
  return dir;
}
const rowDir = (store: string, row: string) => path.join(store, PRESET.name, 'sweep', row);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { log: () => {}, status: () => {}, pollMs: 200, retryDelayMs: 100 };

/** What must not depend on where a row ran: ids, accuracies, bits, firing rates, every epoch's losses. */
function comparable(rows: SweepRow[]) {
  return rows.map((r) => ({
    id: r.id,
    accuracy: r.accuracy,
    baselineAccuracy: r.baselineAccuracy,
    bits: r.bits,
    firingRates: r.firingRates,
    history: r.history.map((h) => [h.epoch, h.trainLoss, h.trainAccuracy, h.testLoss, h.testAccuracy]),
  }));
}

let local: SweepRow[] = [];
const redisHandle = startRedis();

test('a local run of the test preset (the truth the queued runs are compared with)', { timeout: 120_000 }, async () => {
  await initBackend('wasm', () => {});
  useStoreDir('local');
  await runSweep(PRESET, { log: () => {}, progress: () => {} });
  local = collectResults(PRESET).rows;
  assert.deepEqual(
    local.map((r) => r.id),
    IDS,
  );
  assert.ok(local.every((r) => r.history.length === 2));
});

test(
  'two workers drain the sweep; one SIGKILLed mid-row, the other resumes that row from its epoch-1 checkpoint; rows equal the local run',
  { timeout: 120_000 },
  async (t) => {
    const url = `${redisHandle.server.url}/1`;
    const store = useStoreDir('killed');
    const address = parseQueueUrl(url);
    const workers = [new WorkerProcess(url, store), new WorkerProcess(url, store)];
    let settled = false;
    const statusLines: Array<[string, boolean]> = [];
    const following = followExperiment(address, 'sweep', PRESET, {
      ...quiet,
      status: (line, final) => statusLines.push([line, final]),
      signal: t.signal,
    }).finally(() => (settled = true));

    // Catch a row between its first checkpoint and its end: freeze its worker, check, then SIGKILL it.
    let killed: { row: string; victim: WorkerProcess } | null = null;
    while (!killed && !settled) {
      for (const row of IDS) {
        const latest = path.join(rowDir(store, row), 'checkpoint', 'latest.json');
        const victim = workers.find((w) => w.running(jobId(row)));
        if (!victim || !fs.existsSync(latest)) continue;
        victim.proc.kill('SIGSTOP');
        if (
          (JSON.parse(fs.readFileSync(latest, 'utf8')) as { epochs: number }).epochs === 1 &&
          !fs.existsSync(path.join(rowDir(store, row), 'row.json'))
        ) {
          victim.proc.kill('SIGKILL');
          await victim.exited;
          killed = { row, victim };
          break;
        }
        victim.proc.kill('SIGCONT');
      }
      await sleep(50);
    }
    const status = await following;
    assert.ok(killed, 'no row was caught between its first checkpoint and its end');
    assert.equal(status.counts.finished, IDS.length, JSON.stringify(status));
    assert.deepEqual(comparable(collectResults(PRESET).rows), comparable(local));
    // One status line, rewritten as the counts change (in place on a terminal), final once the sweep settles.
    assert.deepEqual(
      statusLines.map(([, final]) => final),
      [...statusLines.slice(1).map(() => false), true],
    );
    assert.match(
      statusLines.at(-1)![0],
      new RegExp(`^${PRESET.name} sweep: ${IDS.length}/${IDS.length} rows finished, 0 running, 0 waiting, 0 failed`),
    );
    assert.ok(
      statusLines.some(([line]) => / waiting, /.test(line) && !line.startsWith(`${PRESET.name} sweep: ${IDS.length}/`)),
      'a line before the end',
    );

    const survivor = workers.find((w) => w !== killed!.victim)!;
    const job = jobId(killed.row);
    // a job thread's lines reach the worker's stderr after the store has its row: wait for the survivor's
    for (const row of IDS)
      if (!killed.victim.log.includes(`job ${jobId(row)}: finished`))
        await survivor.waitFor(`job ${jobId(row)}: finished`);
    const resumed = survivor.log.slice(survivor.log.indexOf(`job ${job}: started`));
    assert.ok(survivor.log.includes(`job ${job}: started`), survivor.log);
    assert.match(
      resumed,
      new RegExp(`job ${job}: resumed \\S+ after epoch 1\\n`),
      'the survivor resumed from the checkpoint',
    );
    assert.doesNotMatch(resumed, new RegExp(`job ${job}: epoch 1/2 `), 'the survivor did not train epoch 1 again');
    assert.match(resumed, new RegExp(`job ${job}: epoch 2/2 `));
    for (const row of IDS) {
      const finishes = workers.map((w) => w.log.split(`job ${jobId(row)}: finished`).length - 1);
      assert.equal(finishes[0] + finishes[1], 1, `${row} finished once: ${finishes}`);
    }
    const queue = openQueue(address);
    try {
      assert.equal(((await queue.getJob(job))!.returnvalue as { worker: string }).worker, survivor.id);
    } finally {
      await queue.close();
    }
    survivor.proc.kill('SIGTERM');
    assert.deepEqual(await survivor.exited, { code: 0, signal: null });
    assert.match(survivor.log, new RegExp(`worker ${survivor.id}: stopped\n`));
  },
);

/** A store whose backbone is the killed run's (so only rows train), with the given rows' folders. */
function storeWithBackbone(name: string): string {
  const store = useStoreDir(name);
  fs.cpSync(path.join(root, 'killed', PRESET.name, 'backbone'), path.join(store, PRESET.name, 'backbone'), {
    recursive: true,
  });
  return store;
}

// While Redis is down each row reports progress, so that the update meets the empty Redis as the worker
// reconnects: the job is gone, and the row's thread must neither lose its row nor hand its result to the next job
// it is given (issue 15).
test(
  'Redis restarted empty while both workers run rows: the workers wait and reconnect, the sweep completes with the local rows',
  { timeout: 120_000 },
  async (t) => {
    const redis = redisHandle.server;
    const url = `${redis.url}/2`;
    const store = storeWithBackbone('restart');
    const address = parseQueueUrl(url);
    const workers = [new WorkerProcess(url, store), new WorkerProcess(url, store)];
    const lines: string[] = [];
    let settled = false;
    const following = followExperiment(address, 'sweep', PRESET, {
      ...quiet,
      log: (l) => lines.push(l),
      signal: t.signal,
    }).finally(() => (settled = true));
    while (!settled && !IDS.every((row) => workers.some((w) => w.running(jobId(row))))) await sleep(50);
    assert.ok(!settled, 'both rows were running before Redis restarted');
    await redis.restart(async () => {
      const marks = workers.map((w) => w.log.length);
      while (!workers.every((w, i) => / epoch \d+\/\d+ /.test(w.log.slice(marks[i])))) await sleep(50);
    });
    const status = await following;
    assert.equal(status.counts.finished, IDS.length, JSON.stringify(status));
    assert.ok(
      lines.some((l) => l.startsWith('the queue holds no job for')),
      `the follower saw the empty Redis and enqueued again:\n${lines.join('\n')}`,
    );
    assert.ok(
      workers.every((w) => w.alive),
      'no worker crashed',
    );
    assert.deepEqual(comparable(collectResults(PRESET).rows), comparable(local));
    // A thread handed to the next job while it still ran a gone one refuses that job (a failed attempt) or gives it
    // the gone job's result: every job on the queue completed at its first attempt (BullMQ counts the completing
    // one) with a result of its own.
    const queue = openQueue(address);
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
      assert.ok(
        jobs.some((j) => j.data.kind === 'backbone') && jobs.some((j) => j.data.kind === 'rows'),
        'the follower enqueued the flow again',
      );
      for (const j of jobs) {
        const d = j.data as JobData;
        const v = j.returnvalue as Record<string, unknown>;
        assert.equal(await j.getState(), 'completed', j.id);
        assert.equal(
          j.attemptsMade,
          1,
          `${j.id} failed an attempt: ${(j.stacktrace ?? []).map((e) => e.split('\n')[0]).join('; ')}`,
        );
        const own =
          d.kind === 'row'
            ? v.id === d.id
            : d.kind === 'backbone'
              ? 'accuracyByT' in v
              : typeof v.enqueued === 'number';
        assert.ok(own, `${j.id} (${d.kind}) returned ${JSON.stringify(v)}`);
      }
    } finally {
      await queue.close();
    }
  },
);

test(
  'SIGTERM returns the running row to the queue; a row failing 3 times is marked failed with its error and does not block the other',
  { timeout: 120_000 },
  async (t) => {
    const url = `${redisHandle.server.url}/3`;
    const store = storeWithBackbone('faults');
    const [good, bad] = IDS;
    // The bad row's checkpoint names a format the trainer does not read: every attempt fails at once.
    fs.mkdirSync(path.join(rowDir(store, bad), 'checkpoint'), { recursive: true });
    fs.writeFileSync(
      path.join(rowDir(store, bad), 'checkpoint', 'latest.json'),
      JSON.stringify({ format: 'not-a-checkpoint' }),
    );
    const address = parseQueueUrl(url);
    const queue = openQueue(address);
    t.after(() => queue.close());
    const first = new WorkerProcess(url, store);
    const following = followExperiment(address, 'sweep', PRESET, { ...quiet, signal: t.signal });
    await first.waitFor(`job ${jobId(good)}: epoch 1/2 `); // training
    first.proc.kill('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null });
    assert.match(
      first.log,
      new RegExp(`job ${jobId(good)}: stopped \\(the worker is stopping\\); back in the queue\\n`),
    );
    assert.equal(await queue.getJobState(jobId(good)), 'waiting');

    const second = new WorkerProcess(url, store);
    const status = await following;
    const rows = Object.fromEntries(status.rows.map((r) => [r.id, r]));
    assert.equal(rows[good].state, 'finished');
    assert.equal(rows[bad].state, 'failed');
    assert.equal(rows[bad].attempts, 3);
    assert.match(rows[bad].note, /latest\.json: format 'not-a-checkpoint', expected 'spikesplit-checkpoint'/);
    await second.waitFor(`job ${jobId(bad)}: failed (attempt 3/3)`);
    assert.equal(second.log.split(`job ${jobId(bad)}: failed (attempt`).length - 1, 3, second.log);
    assert.deepEqual(collectResults(PRESET).missing, [bad]);
    assert.deepEqual(comparable(collectResults(PRESET).rows), comparable(local.filter((r) => r.id === good)));
  },
);

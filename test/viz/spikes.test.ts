import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  framePanels,
  membraneTraceFigure,
  rectangularSurrogate,
  sigmoidSurrogate,
  spikeRaster,
  surrogateFigure,
} from 'spikesplit';

const label = { preset: 'tiny', backend: 'cpu' };

test('spikeRaster puts one tick at (step, neuron) for every spike, steps counted from 1', () => {
  // 3 steps x 4 neurons, time-major: step 1 fires neurons 0 and 3, step 2 none, step 3 neuron 1.
  const values = [1, 0, 0, 1, /**/ 0, 0, 0, 0, /**/ 0, 1, 0, 0];
  const fig = spikeRaster({ steps: 3, neurons: 4, values }, { title: 'Raster', ...label });
  assert.equal(fig.data.length, 1);
  assert.deepEqual(fig.data[0].x, [1, 1, 3]);
  assert.deepEqual(fig.data[0].y, [0, 3, 1]);
  assert.equal(fig.layout.title.text, 'Raster (preset tiny, backend cpu)');
  assert.deepEqual(fig.layout.yaxis?.range, [3.5, -0.5], 'neuron 0 at the top');
});

test('spikeRaster rejects values that are not spikes, and a size that does not match', () => {
  assert.throws(
    () => spikeRaster({ steps: 2, neurons: 2, values: [0, 1, 0.5, 0] }, { title: 't', ...label }),
    /value 2 \(step 2, neuron 0\) is 0.5/,
  );
  assert.throws(
    () => spikeRaster({ steps: 2, neurons: 2, values: [0, 1, 0] }, { title: 't', ...label }),
    /need 4 values; got 3/,
  );
});

test('membraneTraceFigure draws the reset as a drop at the firing step, and marks the spikes on the threshold', () => {
  // decay 0.5, Vth 1, hard reset, x = 0.6 each step: h = 0.6, 0.9, 1.05 (fires, u = 0), 0.6.
  const trace = {
    input: [0.6, 0.6, 0.6, 0.6],
    membrane: [0.6, 0.9, 1.05, 0.6],
    spikes: [0, 0, 1, 0],
    afterReset: [0.6, 0.9, 0, 0.6],
    threshold: 1,
  };
  const fig = membraneTraceFigure(trace, { title: 'LIF', ...label });
  const byName = (prefix: string) => fig.data.find((t) => String(t.name).startsWith(prefix))!;
  assert.deepEqual(byName('membrane').x, [1, 2, 3, 3, 4]);
  assert.deepEqual(byName('membrane').y, [0.6, 0.9, 1.05, 0, 0.6]);
  assert.deepEqual(byName('spike').x, [3]);
  assert.deepEqual(byName('spike').y, [1]);
  assert.deepEqual(byName('threshold').y, [1, 1]);
  assert.throws(
    () => membraneTraceFigure({ ...trace, spikes: [0, 1] }, { title: 'x', ...label }),
    /'spikes' has 2 steps, 'input' 4/,
  );
});

test("surrogateFigure samples each surrogate's derivative or primitive, with the Heaviside step beside the primitives", () => {
  const rect = rectangularSurrogate({ a: 1 });
  const d = surrogateFigure([rect, sigmoidSurrogate({ alpha: 4 })], {
    title: 'd',
    ...label,
    curve: 'derivative',
    range: [-1, 1],
    points: 5,
  });
  assert.equal(d.data.length, 2);
  assert.deepEqual(d.data[0].x, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(d.data[0].y, [0, 0, 1, 0, 0], 'the window of width 1 holds 1/a inside |x| < 1/2 only');
  assert.equal((d.data[1].y as number[])[2], 1, "sigmoid alpha 4: g'(0) = alpha / 4");
  assert.equal(d.data[0].name, 'rectangular (a = 1)');
  const p = surrogateFigure([rect], { title: 'p', ...label, curve: 'primitive', range: [-1, 1], points: 5 });
  assert.deepEqual(p.data[0].x, [-1, 0, 0, 1]);
  assert.deepEqual(p.data[0].y, [0, 0, 1, 1]);
  assert.deepEqual(p.data[1].y, [0, 0, 0.5, 1, 1]);
});

test('framePanels lays the maps side by side on one colour scale, each on its own axes', () => {
  const fig = framePanels(
    [
      {
        name: 'image',
        z: [
          [0, 0.5],
          [1, 0.25],
        ],
      },
      {
        name: 't = 1',
        z: [
          [0, 1],
          [1, 0],
        ],
      },
    ],
    { title: 'Frames', ...label, zmin: 0, zmax: 1 },
  );
  assert.deepEqual(
    fig.data.map((t) => [t.xaxis, t.yaxis, t.showscale]),
    [
      ['x', 'y', false],
      ['x2', 'y2', true],
    ],
  );
  assert.deepEqual(fig.data[1].z, [
    [0, 1],
    [1, 0],
  ]);
  const x1 = fig.layout.xaxis!.domain as number[];
  const x2 = fig.layout.xaxis2 as { domain: number[]; title: { text: string } };
  assert.ok(x1[1] < x2.domain[0] && x2.domain[1] <= 1, `panels do not overlap: ${x1} then ${x2.domain}`);
  assert.equal(x2.title.text, 't = 1');
  assert.throws(
    () =>
      framePanels(
        [
          { name: 'a', z: [[0]] },
          { name: 'b', z: [[0, 1]] },
        ],
        { title: 'x', ...label, zmin: 0, zmax: 1 },
      ),
    /'b' is 1 x 2/,
  );
});

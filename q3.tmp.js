const { KernelPool } = require('./dist/lib/engine/pool');
const p = KernelPool.create(+process.argv[2]);
const N=128,H=32,W=32,C=64,Co=64,k=3;
const n = N*H*W;
const x = p.alloc(n*C*4); const xs = p.f32(x, n*C); for (let i=0;i<n*C;i++) xs[i] = Math.random()<0.1?1:0;
const bits = p.alloc(n*2*4), bad = p.alloc(64), ones = p.alloc(64);
const w = p.alloc(k*k*C*Co*4); p.f32(w, k*k*C*Co).fill(0.01);
const out = p.alloc(n*Co*4), acs = p.alloc(64);
for (let r = 0; r < 3; r++) {
  let t0 = performance.now();
  p.run('pack', [x, n, C, 2, bits, bad, ones]);
  let t1 = performance.now();
  p.run('convForward', [bits, N, H, W, C, 2, k, 1, 1, H, W, Co, 0, w, out, acs]);
  let t2 = performance.now();
  const dy = out;
  const part = p.alloc(p.threads*k*k*C*Co*4);
  p.run('filterGrad', [bits, N, H, W, C, 2, k, 1, 1, H, W, Co, 0, dy, part, acs]);
  let t3 = performance.now();
  const copy = new Float32Array(n*Co); copy.set(p.f32(out, n*Co));
  let t4 = performance.now();
  console.log('pack', (t1-t0).toFixed(1), 'fwd', (t2-t1).toFixed(1), 'fgrad', (t3-t2).toFixed(1), 'copy33MB', (t4-t3).toFixed(1));
}
process.exit(0);

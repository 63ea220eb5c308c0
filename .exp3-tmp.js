const s = require('/work/main/dist/lib/index.js');
const tf = require('@tensorflow/tfjs-core');
(async () => {
  await s.initBackend('wasm', () => {});
  const B = Number(process.argv[2] || 32), T = 4;
  const model = s.spikingResNet18({ width: 1, T, classes: 10, seed: 5 });
  const x = tf.randomUniform([B, 32, 32, 3], 0, 1, 'float32', 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({length: B}, (_, i) => i % 10), 'int32'), 10);
  const vars = model.trainableVariables();
  const step = () => { const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.forward(x, { training: true })), vars);
    tf.tidy(() => { for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01))); }); value.dataSync(); tf.dispose([value, grads]); };
  for (let i = 0; i < 2; i++) { const t0 = Date.now(); step(); console.log('step ms', Date.now()-t0, 'rss MB', (process.resourceUsage().maxRSS/1024).toFixed(0), 'wasm heap MB', (tf.backend().wasm.HEAPU8.length/1e6).toFixed(0)); }
})();

const tf = require('@tensorflow/tfjs-core');
const s = require('spikesplit');
(async () => {
  await s.initBackend('wasm', () => {});
  const threads = +process.argv[2];
  s.useEngineThreads(threads);
  const wt = tf.randomNormal([3,3,64,64],0,0.1,'float32',2);
  for (const rate of [0.05, 0.1, 0.2, 0.4]) {
    const x = tf.cast(tf.less(tf.randomUniform([128,32,32,64],0,1,'float32',1), rate), 'float32');
    const t = (f) => { f(); const ts=[]; for (let i=0;i<3;i++){ const t0=performance.now(); f(); ts.push(performance.now()-t0);} return Math.min(...ts); };
    const dense = t(() => tf.tidy(() => tf.conv2d(x, wt, 1, 1).dataSync()));
    const sp = t(() => tf.tidy(() => s.spikeConv2d(x, wt, {stride:1,pad:1,name:'b'}).dataSync()));
    const dy = tf.randomNormal([128,32,32,64]);
    const fg = t(() => tf.tidy(() => { const g = tf.grad((w) => tf.sum(tf.mul(s.spikeConv2d(x, w, {stride:1,pad:1,name:'b'}), dy))); g(wt).dataSync(); }));
    console.log(threads, rate, 'dense', dense.toFixed(0), 'spike', sp.toFixed(0), 'spike fwd+bwd(dx,dw)', fg.toFixed(0));
    x.dispose(); dy.dispose();
  }
  process.exit(0);
})();

const tf = require('@tensorflow/tfjs-core');
const s = require('spikesplit');
(async () => {
  await s.initBackend('wasm', () => {});
  s.useEngineThreads(+process.argv[2]);
  const wt = tf.randomNormal([3,3,64,64],0,0.1,'float32',2);
  const x = tf.cast(tf.less(tf.randomUniform([128,32,32,64],0,1,'float32',1), 0.1), 'float32');
  x.dataSync();
  for (let i = 0; i < 3; i++) {
    let t0 = performance.now(); const y = tf.conv2d(x, wt, 1, 1); const t1 = performance.now(); y.dataSync(); const t2 = performance.now(); y.dispose();
    const z = s.spikeConv2d(x, wt, {stride:1,pad:1,name:'b'}); const t3 = performance.now(); z.dataSync(); const t4 = performance.now(); z.dispose();
    console.log('dense', (t1-t0).toFixed(0), 'read', (t2-t1).toFixed(0), 'spike', (t3-t2).toFixed(0), 'read', (t4-t3).toFixed(0));
  }
  process.exit(0);
})();

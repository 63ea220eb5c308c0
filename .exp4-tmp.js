const s = require('/work/main/dist/lib/index.js');
const tf = require('@tensorflow/tfjs-core');
(async () => {
  await s.initBackend('wasm', () => {});
  const model = s.spikingResNet18({ width: 1/8, T: 2, classes: 10, seed: 5 });
  const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 1);
  const mon = new s.FiringRateMonitor();
  const y = model.forward(x, { training: true, observer: mon });
  console.log(mon.read().map(r => r.name + ' ' + r.rate.toFixed(3)).join(', '));
  y.print();
  const d = s.dnnResNet50({ width: 1/16, classes: 10, seed: 5 });
  const labels = tf.oneHot(tf.tensor1d([0,1,2,3,4,5,6,7], 'int32'), 10);
  for (const [name, model] of [['dnn50', d], ['snn50', s.spikingResNet50({ width: 1/16, T: 2, classes: 10, seed: 5 })]]) {
  const vars = model.trainableVariables(); const losses = [];
  for (let step = 0; step < 20; step++) {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.forward(x, { training: true })), vars);
    losses.push(value.dataSync()[0].toFixed(3));
    tf.tidy(() => { vars.forEach((v) => v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1)))); });
    tf.dispose([value, grads]);
  }
  console.log(name, losses.join(' '));
  }
})();

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dvs128Orientation, readAedat2, readAedat2Header, Rng, writeAedat2 } from 'spikesplit';
import { sampleBytes, samplesSkip } from './event-samples';

function bytesOf(text: string, ...body: number[]): Uint8Array {
  return Uint8Array.from([...Array.from(text, (c) => c.charCodeAt(0)), ...body]);
}

// Hand-assembled from the spec: header with one CRLF and one LF line, then 5 big-endian (address, timestamp) records.
const handFile = bytesOf(
  '#!AER-DAT2.0\r\n# hand\n',
  ...[0x00, 0x00, 0x43, 0x90, 0x00, 0x00, 0x00, 0x00], // raw x 72, raw y 67, bit0 0 = ON, t 0
  ...[0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2a], // raw x 0, raw y 0, bit0 1 = OFF, t 42
  ...[0x00, 0x00, 0x80, 0x02, 0x00, 0x00, 0x00, 0x2b], // bit 15: external event, dropped
  ...[0x00, 0x00, 0x7f, 0xff, 0x01, 0x02, 0x03, 0x04], // raw x 127, raw y 127, OFF, t 0x01020304
  ...[0x00, 0x00, 0x01, 0xfe, 0xff, 0xff, 0xff, 0xff], // raw x 127, raw y 1, ON, t 2^32 - 1
);

test('readAedat2 decodes hand-written DVS128 records in every orientation', () => {
  const raw = readAedat2(handFile, { orientation: 'raw' });
  assert.deepEqual(Array.from(raw.x), [72, 0, 127, 127]);
  assert.deepEqual(Array.from(raw.y), [67, 0, 127, 1]);
  assert.deepEqual(Array.from(raw.p), [1, 0, 0, 1]);
  assert.deepEqual(Array.from(raw.t), [0, 42, 16909060, 4294967295]);
  assert.equal(raw.externalEventCount, 1);
  assert.deepEqual([raw.width, raw.height], [128, 128]);
  assert.deepEqual(raw.header.lines, ['#!AER-DAT2.0', '# hand']);
  assert.equal(raw.header.byteLength, 21);
  assert.equal(raw.header.version, '2.0');

  const jelly = readAedat2(handFile); // default: SpikingJelly's x = 127 - raw y, y = 127 - raw x
  assert.deepEqual(Array.from(jelly.x), [60, 127, 0, 126]);
  assert.deepEqual(Array.from(jelly.y), [55, 127, 0, 0]);
  assert.deepEqual(Array.from(jelly.p), [1, 0, 0, 1]);

  const dat2mat = readAedat2(handFile, { orientation: 'dat2mat' }); // x = 127 - raw x, y = raw y
  assert.deepEqual(Array.from(dat2mat.x), [55, 127, 0, 0]);
  assert.deepEqual(Array.from(dat2mat.y), [67, 0, 127, 1]);
});

test('writeAedat2 writes the bytes of the spec', () => {
  const bytes = writeAedat2({
    x: Uint16Array.of(60),
    y: Uint16Array.of(55),
    p: Uint8Array.of(1),
    t: Float64Array.of(258),
    width: 128,
    height: 128,
  });
  const header = readAedat2Header(bytes);
  assert.equal(header.lines[0], '#!AER-DAT2.0');
  assert.deepEqual(Array.from(bytes.subarray(0, 14)), Array.from(bytesOf('#!AER-DAT2.0\r\n')));
  assert.deepEqual(Array.from(bytes.subarray(header.byteLength)), [0x00, 0x00, 0x43, 0x90, 0x00, 0x00, 0x01, 0x02]);
});

test('writeAedat2 then readAedat2 returns the events, in every orientation', () => {
  const rng = new Rng(7);
  const n = 500;
  const stream = {
    x: Uint16Array.from({ length: n }, () => rng.int(128)),
    y: Uint16Array.from({ length: n }, () => rng.int(128)),
    p: Uint8Array.from({ length: n }, () => rng.int(2)),
    t: Float64Array.from({ length: n }, (_, i) => i * 1000 + rng.int(1000)),
    width: 128,
    height: 128,
  };
  for (const orientation of ['spikingjelly', 'dat2mat', 'raw'] as Dvs128Orientation[]) {
    const back = readAedat2(writeAedat2(stream, { orientation }), { orientation });
    assert.deepEqual([back.x, back.y, back.p, back.t], [stream.x, stream.y, stream.p, stream.t], orientation);
    assert.equal(back.externalEventCount, 0);
  }
  const headerLines = [
    '#!AER-DAT2.0',
    '# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128',
    '# Creation time: System.currentTimeMillis() 12345',
  ];
  const back = readAedat2(writeAedat2(stream, { headerLines }));
  assert.deepEqual(back.header.lines, headerLines);
  assert.equal(back.header.chipClass, 'ch.unizh.ini.jaer.chip.retina.DVS128');
  assert.equal(back.header.creationTimeMs, 12345);
  assert.deepEqual(back.x, stream.x);
});

test('readAedat2 names what is wrong with malformed files', () => {
  assert.throws(
    () => readAedat2(bytesOf('#!AER-DAT2.0\r\n', 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4)),
    /truncated event \(4 trailing bytes\)/,
  );
  assert.throws(
    () => readAedat2(bytesOf('# no version line\r\n')),
    /expected a first line '#!AER-DAT2\.0', found '# no version line'/,
  );
  assert.throws(
    () => readAedat2(bytesOf('', 0, 0, 0, 2, 0, 0, 0, 1)),
    /expected a first line '#!AER-DAT2\.0', found byte 0x0/,
  );
  assert.throws(() => readAedat2(new Uint8Array(0)), /found an empty file/);
  assert.throws(() => readAedat2(bytesOf('#!AER-DAT2.0\r\n# cut')), /header line 2 \(from byte 14\) has no line end/);
  assert.throws(() => readAedat2(bytesOf('#!AER-DAT3.1\r\n')), /AEDAT version 3\.1; expected 2\.0/);
  assert.throws(
    () => readAedat2(bytesOf('#!AER-DAT2.0\r\n# AEChip: eu.seebetter.ini.chips.davis.DAVIS240C\r\n')),
    /chip eu\.seebetter\.ini\.chips\.davis\.DAVIS240C; expected a DVS128/,
  );
  assert.throws(
    () => readAedat2(handFile, { orientation: 'upside' as Dvs128Orientation }),
    /orientation 'upside' is unknown/,
  );
});

test('writeAedat2 refuses events and headers it cannot store', () => {
  const one = (x: number, t: number) => ({
    x: Uint16Array.of(x),
    y: Uint16Array.of(0),
    p: Uint8Array.of(0),
    t: Float64Array.of(t),
    width: 256,
    height: 128,
  });
  assert.throws(() => writeAedat2(one(128, 0), { orientation: 'raw' }), /event 0 at \(x 128, y 0\) is off the DVS128/);
  assert.throws(() => writeAedat2(one(1, 0.5)), /timestamp 0\.5; expected whole microseconds/);
  assert.throws(() => writeAedat2(one(1, 2 ** 32)), /timestamp 4294967296/);
  assert.throws(
    () => writeAedat2(one(1, 0), { headerLines: ['#!AER-DAT2.0', 'no hash'] }),
    /header line 2 'no hash' is invalid/,
  );
  assert.throws(
    () => writeAedat2(one(1, 0), { headerLines: ['#!AER-DAT3.1'] }),
    /header line 1 is '#!AER-DAT3\.1'; expected '#!AER-DAT2\.0'/,
  );
});

test(
  'real MNIST-DVS AEDAT 2.0 recording (CIFAR10-DVS container) parses to the README oracles',
  { skip: samplesSkip },
  () => {
    const bytes = sampleBytes('mnistdvs_mnist_0_scale04_0001.aedat');
    const raw = readAedat2(bytes, { orientation: 'raw' });
    assert.equal(raw.header.lines.length, 5);
    assert.equal(raw.header.byteLength, 216);
    assert.equal(raw.header.chipClass, undefined);
    assert.equal(raw.x.length, (bytes.length - 216) / 8);
    assert.equal(raw.x.length, 15744);
    assert.equal(raw.externalEventCount, 0);
    assert.deepEqual(
      [Math.min(...raw.x), Math.max(...raw.x), Math.min(...raw.y), Math.max(...raw.y)],
      [0, 126, 1, 127],
    );
    assert.equal(raw.p.filter((p) => p === 1).length, 7870); // bit0 == 0 is ON
    assert.equal(raw.p.filter((p) => p === 0).length, 7874);
    assert.deepEqual([raw.t[0], raw.t[raw.t.length - 1]], [0, 2210588]);
    assert.ok(
      raw.t.every((t, i) => i === 0 || t >= raw.t[i - 1]),
      'timestamps never decrease',
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => [raw.x[i], raw.y[i], raw.t[i]]),
      [
        [72, 67, 0],
        [66, 59, 85],
        [77, 58, 140],
      ],
    );
    assert.equal(raw.p[0], 1);

    const jelly = readAedat2(bytes);
    assert.deepEqual([jelly.x[0], jelly.y[0], jelly.p[0]], [127 - 67, 127 - 72, 1]);
    assert.ok(jelly.x.every((x, i) => x === 127 - raw.y[i]) && jelly.y.every((y, i) => y === 127 - raw.x[i]));
  },
);

test(
  'real header-only DAVIS346 AEDAT 2.0 file: LF header parsed, DVS128 decoding refused',
  { skip: samplesSkip },
  () => {
    const bytes = sampleBytes('aedat2_header_only_davis346_tonic.aedat');
    const header = readAedat2Header(bytes);
    assert.equal(header.version, '2.0');
    assert.equal(header.creationTimeMs, 1695355587880); // tonic's test expects this creation time
    assert.equal(header.chipClass, 'eu.seebetter.ini.chips.davis.Davis346red');
    assert.equal(header.lines.length, 12);
    assert.equal(header.byteLength, bytes.length);
    assert.throws(() => readAedat2(bytes), /chip eu\.seebetter\.ini\.chips\.davis\.Davis346red; expected a DVS128/);
  },
);

test('real AEDAT 4.0 file is refused with its version named', { skip: samplesSkip }, () => {
  const bytes = sampleBytes('dvxplorer_sample_tonic.aedat4');
  assert.equal(readAedat2Header(bytes).version, '4.0');
  assert.throws(() => readAedat2(bytes), /AEDAT version 4\.0; expected 2\.0/);
});

/**
 * CRC-32 as in IEEE 802.3, zlib, PNG and gzip: reflected polynomial 0xEDB88320, initial value and final
 * XOR 0xFFFFFFFF. Table-driven, a byte at a time. crc32("123456789") = 0xCBF43926.
 */

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * The CRC-32 of `bytes` as an unsigned 32-bit number. Pass the CRC of earlier bytes as `previous` to
 * continue it: crc32(b, crc32(a)) equals the CRC-32 of a followed by b (as zlib's crc32(data, value)).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * NUT's checksum: CRC-32 with generator polynomial 0x04C11DB7, initial value 0, MSB-first
 * (not bit-reflected), no final xor, stored big-endian. This is what libavformat computes with
 * `ff_crc04C11DB7_update` (an `AV_CRC_32_IEEE` table, which av_crc keeps byte-swapped and the
 * muxer writes little-endian, i.e. the true value big-endian). Because there is no final xor,
 * the CRC of a packet body followed by its stored checksum is 0. Pure.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let j = 0; j < 8; j++) c = c & 0x80000000 ? (c << 1) ^ 0x04C11DB7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Updates a NUT CRC-32 (see above) with `data`; start with `crc = 0`. */
export function nutCrc32(data: Uint8Array, crc = 0): number {
  let c = crc >>> 0;
  for (let i = 0; i < data.length; i++) {
    c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ data[i]) & 0xff]) >>> 0;
  }
  return c;
}

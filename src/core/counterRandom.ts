import { createHash } from "node:crypto";

/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011). Each 128-bit counter under a 64-bit key gives four
 * independent 32-bit words, so a stream is a pure function of (key, position): any element can be
 * computed without the ones before it, and two streams with different keys never overlap. That is
 * what makes sampling noise, mismatch draws and sweep jobs reproducible under any batching, worker
 * count or executor.
 *
 * Streams are named by a seed and a path of labels (`randomStream(seed, "x_T")`,
 * `randomStream(seed, "mismatch", layer, "A")`): the key is the first 8 bytes of SHA-256 of the
 * seed and labels, so every distinct path is its own stream.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High and low 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulhilo(a: number, b: number, out: Uint32Array, at: number): void {
  const lo = Math.imul(a, b) >>> 0;
  const aH = a >>> 16;
  const aL = a & 0xffff;
  const bH = b >>> 16;
  const bL = b & 0xffff;
  const mid1 = aH * bL;
  const mid2 = aL * bH;
  // hi = aH·bH + floor((aL·bL + ((mid1 + mid2) mod 2^48 shifted)) / 2^32), computed exactly in doubles.
  const hi = aH * bH + Math.floor((mid1 + mid2 + Math.floor((aL * bL) / 65536)) / 65536);
  out[at] = hi >>> 0;
  out[at + 1] = lo;
}

const scratch = new Uint32Array(4);

/** One Philox4x32-10 block: 4 words of output for counter (c0..c3) and key (k0, k1). */
export function philox4x32(
  counter: ArrayLike<number>,
  key: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    mulhilo(M0, c0, scratch, 0); // hi0, lo0
    mulhilo(M1, c2, scratch, 2); // hi1, lo1
    const n0 = (scratch[2] ^ c1 ^ k0) >>> 0;
    const n1 = scratch[3];
    const n2 = (scratch[0] ^ c3 ^ k1) >>> 0;
    const n3 = scratch[1];
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** The 64-bit Philox key of a named stream: SHA-256 of the seed and labels, first 8 bytes. */
export function streamKey(seed: number | string, ...labels: (string | number)[]): [number, number] {
  const text = [String(seed), ...labels.map(String)].join("\u0000");
  const digest = createHash("sha256").update(text).digest();
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)];
}

/**
 * A stream of numbers under one key: element i of the stream is a pure function of (key, i).
 * uniform(i) uses the counter (i, 0, 0, 0) and gives a double in [0, 1) from 53 random bits;
 * normal(i) is a standard normal by the Box–Muller transform of the counter's four words.
 */
export class RandomStream {
  readonly key: [number, number];
  private readonly block = new Uint32Array(4);
  private readonly counter = new Uint32Array(4);

  constructor(key: [number, number]) {
    this.key = key;
  }

  private words(i: number, lane: number): Uint32Array {
    if (!(Number.isInteger(i) && i >= 0 && i < 2 ** 52))
      throw new RangeError(`random stream index ${i}: must be an integer in [0, 2^52)`);
    this.counter[0] = i % 4294967296;
    this.counter[1] = Math.floor(i / 4294967296);
    this.counter[2] = lane;
    this.counter[3] = 0;
    return philox4x32(this.counter, this.key, this.block);
  }

  /** Element i as a uniform double in [0, 1). */
  uniform(i: number): number {
    const w = this.words(i, 0);
    return ((w[0] >>> 5) * 67108864 + (w[1] >>> 6)) / 9007199254740992;
  }

  /** Element i as a standard normal: Box–Muller, u1 ∈ (0, 1] so the logarithm is finite. */
  normal(i: number): number {
    const w = this.words(i, 1);
    const u1 = ((w[0] >>> 5) * 67108864 + (w[1] >>> 6) + 1) / 9007199254740992;
    const u2 = ((w[2] >>> 5) * 67108864 + (w[3] >>> 6)) / 9007199254740992;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** out[k] = normal(start + k): a block of standard normals. */
  fillNormal(out: Float64Array, start = 0): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = this.normal(start + k);
    return out;
  }

  /** out[k] = uniform(start + k). */
  fillUniform(out: Float64Array, start = 0): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = this.uniform(start + k);
    return out;
  }
}

/** The stream named by a seed and labels (see the module comment). */
export function randomStream(seed: number | string, ...labels: (string | number)[]): RandomStream {
  return new RandomStream(streamKey(seed, ...labels));
}

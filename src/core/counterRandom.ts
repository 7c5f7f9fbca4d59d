import { createHash } from "node:crypto";
import { PHILOX_BLOCKS, philoxBlocks } from "./philoxWasm.js";

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
const M0L = M0 & 0xffff;
const M0H = M0 >>> 16;
const M1L = M1 & 0xffff;
const M1H = M1 >>> 16;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/**
 * The high 32 bits of the 64-bit product a·(mH·2^16 + mL) of unsigned 32-bit integers, from
 * 16-bit halves: every partial sum stays below 2^32, so it is exact in doubles.
 */
function mulhi(a: number, mL: number, mH: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const mid = aH * mL + ((aL * mL) >>> 16);
  const mid2 = aL * mH + (mid & 0xffff);
  return (aH * mH + (mid >>> 16) + (mid2 >>> 16)) >>> 0;
}

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
    const hi0 = mulhi(c0, M0L, M0H);
    const lo0 = Math.imul(c0, M0) >>> 0;
    const hi1 = mulhi(c2, M1L, M1H);
    const lo1 = Math.imul(c2, M1) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** 2^-53: a 53-bit integer times this is a double in [0, 1). */
const ULP53 = 1 / 9007199254740992;

/** The uniform double of words w0, w1 (their top 27 and 26 bits), in [0, 1). */
const uniformOf = (w0: number, w1: number) => ((w0 >>> 5) * 67108864 + (w1 >>> 6)) * ULP53;

/** Box–Muller of two words pairs: u1 ∈ (0, 1] from (w0, w1), so the logarithm is finite. */
const normalOf = (w0: number, w1: number, w2: number, w3: number) =>
  Math.sqrt(-2 * Math.log(((w0 >>> 5) * 67108864 + (w1 >>> 6) + 1) * ULP53)) *
  Math.cos(2 * Math.PI * uniformOf(w2, w3));

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
    return uniformOf(w[0], w[1]);
  }

  /** Element i as a standard normal: Box–Muller, u1 ∈ (0, 1] so the logarithm is finite. */
  normal(i: number): number {
    const w = this.words(i, 1);
    return normalOf(w[0], w[1], w[2], w[3]);
  }

  /**
   * out[k] = normal(start + k): a block of standard normals. With `need`, only where need[k] is
   * not 0 (elsewhere out[k] = 0): the Box–Muller transform is most of a normal's cost.
   */
  fillNormal(out: Float64Array, start = 0, need?: Uint8Array): Float64Array {
    if (need !== undefined && need.length !== out.length)
      throw new RangeError(`fillNormal: need has ${need.length} entries for ${out.length} normals`);
    const direct = this.inBlocks(start, out.length, 1, (w, k, m) => {
      // The loops are written out per transform (not one taking it as a function): V8 inlines them.
      if (need === undefined)
        for (let j = 0, q = 0; j < m; j++, q += 4)
          out[k + j] = normalOf(w[q], w[q + 1], w[q + 2], w[q + 3]);
      else
        for (let j = 0, q = 0; j < m; j++, q += 4)
          out[k + j] = need[k + j] !== 0 ? normalOf(w[q], w[q + 1], w[q + 2], w[q + 3]) : 0;
    });
    if (!direct)
      for (let k = 0; k < out.length; k++)
        out[k] = need === undefined || need[k] !== 0 ? this.normal(start + k) : 0;
    return out;
  }

  /** out[k] = uniform(start + k). */
  fillUniform(out: Float64Array, start = 0): Float64Array {
    const direct = this.inBlocks(start, out.length, 0, (w, k, m) => {
      for (let j = 0, q = 0; j < m; j++, q += 4) out[k + j] = uniformOf(w[q], w[q + 1]);
    });
    if (!direct) for (let k = 0; k < out.length; k++) out[k] = this.uniform(start + k);
    return out;
  }

  /**
   * Elements start … start + n − 1 of lane `lane` from the WebAssembly block kernel (the same
   * words as philox4x32, test/core/counterRandom.test.ts), after checking the range is inside
   * the stream: each(words, k, m) for the m elements from start + k, block i at words 4i … 4i + 3,
   * in chunks of at most PHILOX_BLOCKS that never carry into the counter's second word. False
   * (and nothing done) where there is no WebAssembly: the caller goes element by element.
   */
  private inBlocks(
    start: number,
    n: number,
    lane: number,
    each: (words: Uint32Array, k: number, m: number) => void,
  ): boolean {
    if (n > 0) {
      this.words(start, lane);
      this.words(start + n - 1, lane);
    }
    const blocks = philoxBlocks();
    if (blocks === null) return false;
    const [k0, k1] = this.key;
    for (let k = 0; k < n; ) {
      const i = start + k;
      const c0 = i % 4294967296;
      const m = Math.min(n - k, PHILOX_BLOCKS, 4294967296 - c0);
      each(blocks(k0, k1, c0, Math.floor(i / 4294967296), lane, m), k, m);
      k += m;
    }
    return true;
  }
}

/** The stream named by a seed and labels (see the module comment). */
export function randomStream(seed: number | string, ...labels: (string | number)[]): RandomStream {
  return new RandomStream(streamKey(seed, ...labels));
}

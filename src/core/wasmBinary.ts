/**
 * A minimal WebAssembly binary writer: just what cellspice's kernels need (src/kernels' SIMD
 * correlations, core's Philox; one function type per signature, functions with i32 (and f64) parameters, one
 * exported memory). It lives in core so that core's random streams can use it. The kernels are generated as
 * bytes at load time from TypeScript, so there is no .wasm file to build or keep in step with
 * its source, and nothing beyond Node is needed (WebAssembly core spec 2.0, binary format §5;
 * fixed-width SIMD opcodes from the SIMD proposal, merged into 2.0).
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (ch) => ch.charCodeAt(0)),
];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** The 8 little-endian bytes of a float64. */
function f64Bytes(x: number): number[] {
  return Array.from(new Uint8Array(Float64Array.of(x).buffer));
}

/** Opcodes used by the kernels (core and 0xfd-prefixed SIMD). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32And: [0x71],
  i32Or: [0x72],
  i32ShrS: [0x75],
  i32ShrU: [0x76],
  drop: [0x1a],
  i32Xor: [0x73],
  i32GeU: [0x4f],
  /** i32.store with a 4-byte alignment hint. */
  i32Store: (offset: number) => [0x36, 2, ...uleb(offset)],
  /** i32.load with a 4-byte alignment hint. */
  i32Load: (offset: number) => [0x28, 2, ...uleb(offset)],
  /** A call of the module's function `index` (its place in wasmModule's list: no imports). */
  call: (index: number) => [0x10, ...uleb(index)],
  f64: (x: number) => [0x44, ...f64Bytes(x)],
  f64Load: (offset: number) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f32Store: (offset: number) => [0x38, 2, ...uleb(offset)],
  f32Load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Min: [0xa4],
  f64Max: [0xa5],
  f32DemoteF64: [0xb6],
  f64PromoteF32: [0xbb],
  i64Mul: [0x7e],
  i64ShrU: [0x88],
  /** i64.const of a non-negative integer below 2^31 (what the kernels need). */
  i64: (n: number) => [0x42, ...sleb(n)],
  i64ExtendI32U: [0xad],
  i32WrapI64: [0xa7],
  /** v128.load with an 8-byte alignment hint (unaligned addresses are allowed). */
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 3, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 3, ...uleb(offset)],
  v128Load64Splat: (offset: number) => [0xfd, ...uleb(0x0a), 3, ...uleb(offset)],
  /** Loads 8 bytes into lanes 0–1 of an f32x4 (the rest zero). */
  v128Load64Zero: (offset: number) => [0xfd, ...uleb(0x5d), 3, ...uleb(offset)],
  v128Load32Splat: (offset: number) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  /** Stores lane `lane` of an f32x4 (4 bytes). */
  v128Store32Lane: (offset: number, lane: number) => [
    0xfd,
    ...uleb(0x5a),
    2,
    ...uleb(offset),
    lane,
  ],
  /** Stores lane `lane` of an f64x2 (8 bytes). */
  v128Store64Lane: (offset: number, lane: number) => [
    0xfd,
    ...uleb(0x5b),
    3,
    ...uleb(offset),
    lane,
  ],
  f64x2Splat: [0xfd, ...uleb(0x14)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Sub: [0xfd, ...uleb(0xf1)],
  /** IEEE min/max: NaN if either lane is NaN, −0 below +0 (as f64.min, f64.max). */
  f64x2Min: [0xfd, ...uleb(0xf4)],
  f64x2Max: [0xfd, ...uleb(0xf5)],
  /**
   * Pseudo-min/max: pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a (one x86 instruction
   * each, where min/max take several for their NaN and −0 rules).
   */
  f64x2Pmin: [0xfd, ...uleb(0xf6)],
  f64x2Pmax: [0xfd, ...uleb(0xf7)],
  /** Both f64 lanes rounded to float32 into lanes 0–1 (lanes 2–3 zero). */
  f32x4DemoteF64x2Zero: [0xfd, ...uleb(0x5e)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  /** The two low f32 lanes widened to an f64x2. */
  f64x2PromoteLowF32x4: [0xfd, ...uleb(0x5f)],
  f64x2Div: [0xfd, ...uleb(0xf3)],
  f64x2Sqrt: [0xfd, ...uleb(0xef)],
  f64x2Abs: [0xfd, ...uleb(0xec)],
  f64x2Neg: [0xfd, ...uleb(0xed)],
  /** Lane-wise comparisons: all ones where true, zero where false (NaN compares false but ne). */
  f64x2Ne: [0xfd, ...uleb(0x48)],
  f64x2Lt: [0xfd, ...uleb(0x49)],
  f64x2Gt: [0xfd, ...uleb(0x4a)],
  /** bitselect(a, b, mask): a's bits where mask is 1, b's where it is 0. */
  v128Bitselect: [0xfd, ...uleb(0x52)],
  i64x2Add: [0xfd, ...uleb(0xce)],
  /** i64x2.shl by an i32 count (modulo 64). */
  i64x2Shl: [0xfd, ...uleb(0xcb)],
  /** v128.const with both f64 lanes x. */
  f64x2Const: (x: number) => [0xfd, ...uleb(0x0c), ...f64Bytes(x), ...f64Bytes(x)],
  /** v128.const with both i64 lanes n (an integer of at most 53 bits). */
  i64x2Const: (n: number) => {
    const lane = Array.from(new Uint8Array(BigInt64Array.of(BigInt(n)).buffer));
    return [0xfd, ...uleb(0x0c), ...lane, ...lane];
  },
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  /** i8x16.shuffle of the two vectors below it: byte m of the result is byte lanes[m] of a‖b. */
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  /**
   * f32x4.relaxed_madd (relaxed SIMD): a·b + c of the three vectors below it (a deepest), fused
   * or not as the CPU has it (src/core/fusedMultiplyAdd.ts decides whether a module may use it).
   */
  f32x4RelaxedMadd: [0xfd, ...uleb(0x105)],
} as const;

export interface WasmFunction {
  readonly name: string;
  /** Number of i32 parameters (every function here returns nothing). */
  readonly params: number;
  /** Types of further parameters after the i32 ones (I32, F64, …); none if absent. */
  readonly extraParams?: readonly number[];
  /** Local declarations after the parameters: [count, type] pairs. */
  readonly locals: ReadonlyArray<readonly [number, number]>;
  /** The body's instructions, without the final `end`. */
  readonly body: number[];
}

/** A function's parameter types: its i32 parameters, then extraParams. */
const paramTypes = (f: WasmFunction): number[] => [
  ...Array.from({ length: f.params }, () => I32),
  ...(f.extraParams ?? []),
];

/**
 * A module of functions (i32 parameters, then any extraParams; no results), with one memory (`initialPages` of 64 KiB,
 * growable) exported as "memory" and each function exported under its name.
 */
export function wasmModule(
  functions: readonly WasmFunction[],
  initialPages: number,
): Uint8Array<ArrayBuffer> {
  const signatures = [...new Set(functions.map((f) => paramTypes(f).join(",")))];
  const types = signatures.map((key) => {
    const params = key === "" ? [] : key.split(",").map((t) => [Number(t)]);
    return [0x60, ...vec(params), 0];
  });
  const funcs = functions.map((f) => uleb(signatures.indexOf(paramTypes(f).join(","))));
  const exports = [
    [...utf8("memory"), 0x02, ...uleb(0)],
    ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]),
  ];
  const codes = functions.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(3, vec(funcs)),
    ...section(5, vec([[0x00, ...uleb(initialPages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
    // The "name" custom section, function names (subsection 1): CPU profiles and stack traces
    // then show `variant4` rather than `wasm-function[1]`.
    ...section(0, [
      ...utf8("name"),
      ...section(1, vec(functions.map((f, i) => [...uleb(i), ...utf8(f.name)]))),
    ]),
  ]);
}

/** The module of `bytes`, or null where this JavaScript engine cannot validate it (no SIMD). */
export function compileModule(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  return typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)
    ? null
    : new WebAssembly.Module(bytes);
}

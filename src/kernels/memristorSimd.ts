import { I32, op, V128, type WasmFunction } from "../core/wasmBinary.js";
import { pairLoop, seq } from "./cellStepSimd.js";

/**
 * The memristor pass of an M-CellNN right-hand side for `strachan-taox-smooth-v1` (the model the
 * trained M-CellNN layers use) in WebAssembly SIMD, two cells per f64x2 vector and two vectors
 * side by side (fourCells): for each cell, from its state v and memristor state w,
 *
 *   u = V_s·(y or v),  y = α·v + β·clamp(v, −1, 1)      (the layer senses y or x)
 *   current[cell]    = (R/V_s)·i(w, u)
 *   out[n + cell]    = τ_array·(τ·dw/dt(w, u) / τ_model)
 *
 * with i and τ·dw/dt by the operations of smoothV1Eval.ts (smoothV1CurrentAndRate, the fused
 * TypeScript loop's model call), in the same order, except for three things:
 *
 *   - e^x is this file's own (WebAssembly has no exp): Cody–Waite reduction x = k·ln 2 + r,
 *     |r| ≲ ln 2 / 2, a Chebyshev polynomial of degree 11 by Estrin's scheme (EXP_COEFFICIENTS,
 *     1.7e-17 relative), and 2^k built in the exponent bits. x is clamped to [−708, 709] first,
 *     so e^x never overflows and never goes subnormal: where Math.exp would give 0 or ∞ this gives e^−708 ≈ 3e-308 or
 *     e^709 ≈ 8e307, which changes nothing but the last places of results that are below 1e-307
 *     or above 1e307 (a rate term F = 1/(e^{−E}·q + 1/C) of about 6e-309 instead of 0).
 *   - tanh(ρu/2) as 1 − 2/(e^{ρ|u|} + 1) times |u| (u·tanh(ρu/2) is even in u): within about
 *     1e-16 absolutely of Math.tanh, which inside √(u·tanh + ε) is far below ε.
 *   - both rate branches are always evaluated; the TypeScript model leaves out the one that v's
 *     sign switches off where it cannot change the sum's bits (smoothV1Eval.ts's header).
 *
 * So the results differ from the model's in the last bits only (test/kernels/memristorSimd.test.ts
 * holds them to model.currentAndRate: the current within 1e-15 relative, the rate within 1e-15 of
 * its rounding scale, plus 1e-300 absolute where a term is tiny; e^x within 2 ulp of Math.exp),
 * and the fused path that uses it agrees with the reference solve to a stated tolerance, not to
 * the bit (test/unet/fusedFixedStep.test.ts: 1e-13 of each field's largest value).
 *
 * smoothV1(state, out, current, n, constants): byte addresses; state holds v[0..n) then w[0..n),
 * out the rates at out + 8n; constants is the block smoothV1SimdConstants writes
 * (SMOOTH_V1_SIMD_SLOTS float64). smoothV1Devices(…, devices) takes the model's parameters of
 * each cell from a device block instead (device-to-device variation: smoothV1DeviceBlock).
 */

/** The constants block's layout, in float64 slots. */
const SLOTS = [
  "G_m",
  "a",
  "b",
  "eps",
  "beta",
  "k",
  "wMin",
  "halfRho",
  "xOff",
  "invXOn",
  "invSigmaP",
  "invSigmaOff",
  "invSigmaOn",
  "logOff",
  "logOn",
  "invC",
  "modelTau",
  "arrayTau",
  "currentScale",
  "Vs",
  "alpha",
  "beta_out",
  "senseY",
] as const;

/** Number of float64 values of the constants block. */
export const SMOOTH_V1_SIMD_SLOTS = SLOTS.length;

/**
 * The slots that are the device's own (the model's parameters, G_m … invC, and its τ): the first
 * SMOOTH_V1_DEVICE_SLOTS of the block. The rest are the array's (scales, output slopes).
 */
export const SMOOTH_V1_DEVICE_SLOTS = SLOTS.indexOf("modelTau") + 1;

/**
 * The device block of `smoothV1Devices`: for each pair of cells (2p, 2p + 1) its
 * SMOOTH_V1_DEVICE_SLOTS vectors [K_s(2p), K_s(2p + 1)], s in slot order, pair after pair (an
 * odd last cell's second lane 0). `blocks[k]` is cell k's constants block (smoothV1SimdConstants),
 * of which the device slots are taken; `into` holds 2·⌈n/2⌉·SMOOTH_V1_DEVICE_SLOTS values.
 */
export function smoothV1DeviceBlock(
  blocks: ReadonlyArray<ArrayLike<number>>,
  into: Float64Array,
): void {
  const D = SMOOTH_V1_DEVICE_SLOTS;
  into.fill(0, 0, 2 * Math.ceil(blocks.length / 2) * D);
  blocks.forEach((block, k) => {
    const pair = k >> 1;
    for (let slot = 0; slot < D; slot++) into[(pair * D + slot) * 2 + (k & 1)] = block[slot];
  });
}

/** What one array's pass needs besides the model's constants. */
export interface SmoothV1SimdSettings {
  /** The model's τ (its rates are per second; smoothV1Eval's are per τ). */
  readonly modelTau: number;
  /** The array's τ, V_s and R/V_s (array.scales). */
  readonly arrayTau: number;
  readonly Vs: number;
  readonly currentScale: number;
  /** The output function's slopes (y = α·v + β·clamp(v)) and whether u senses y. */
  readonly alpha: number;
  readonly beta: number;
  readonly senseY: boolean;
}

/**
 * The model's parameter-only constants the pass reads (devices/smoothV1Eval.ts's
 * SmoothV1Constants has them; declared here so that kernels/ depends on core/ alone).
 */
export interface SmoothV1KernelConstants {
  readonly G_m: number;
  readonly a: number;
  readonly b: number;
  readonly eps: number;
  readonly beta: number;
  readonly k: number;
  readonly wMin: number;
  readonly halfRho: number;
  readonly xOff: number;
  readonly invXOn: number;
  readonly invSigmaP: number;
  readonly invSigmaOff: number;
  readonly invSigmaOn: number;
  readonly logOff: number;
  readonly logOn: number;
  readonly invC: number;
}

/** Writes the constants block for `K` and `settings` into `into` (SMOOTH_V1_SIMD_SLOTS values). */
export function smoothV1SimdConstants(
  K: SmoothV1KernelConstants,
  settings: SmoothV1SimdSettings,
  into: Float64Array,
): void {
  const values: Record<(typeof SLOTS)[number], number> = {
    G_m: K.G_m,
    a: K.a,
    b: K.b,
    eps: K.eps,
    beta: K.beta,
    k: K.k,
    wMin: K.wMin,
    halfRho: K.halfRho,
    xOff: K.xOff,
    invXOn: K.invXOn,
    invSigmaP: K.invSigmaP,
    invSigmaOff: K.invSigmaOff,
    invSigmaOn: K.invSigmaOn,
    logOff: K.logOff,
    logOn: K.logOn,
    invC: K.invC,
    modelTau: settings.modelTau,
    arrayTau: settings.arrayTau,
    currentScale: settings.currentScale,
    Vs: settings.Vs,
    alpha: settings.alpha,
    beta_out: settings.beta,
    senseY: settings.senseY ? 1 : 0,
  };
  SLOTS.forEach((name, i) => {
    into[i] = values[name];
  });
}

/** The exported function's signature (byte addresses in the module's memory). */
export type SmoothV1Simd = (
  state: number,
  out: number,
  current: number,
  n: number,
  constants: number,
) => void;

/**
 * smoothV1Devices: the same pass with every cell's device its own parameters, from the device
 * block at `devices` (smoothV1DeviceBlock); the array's slots from `constants` as before.
 */
export type SmoothV1DevicesSimd = (
  state: number,
  out: number,
  current: number,
  n: number,
  constants: number,
  devices: number,
) => void;

/** Where a term is clamped (smoothV1Eval.ts's BIG). */
const BIG = 1e300;
/** 1.5·2^52: x + MAGIC rounds x to an integer held in the low mantissa bits. */
const MAGIC = 6755399441055744;
/** ln 2 split for the reduction: the high part has trailing zero bits, so k·LN2_HI is exact. */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
/**
 * e^r ≈ Σ_{j ≤ 11} c_j·r^j on [−ln 2 / 2, ln 2 / 2]: the Chebyshev fit of degree 11, computed
 * at 40 digits and rounded to float64 (`python3 -c "import mpmath as mp; mp.mp.dps = 40;
 * print(mp.chebyfit(mp.exp, [-mp.log(2)/2, mp.log(2)/2], 12))"`, highest degree first there).
 * Relative error 1.7e-17 with these rounded coefficients (0.15 ulp), evaluated at 40 digits on
 * 2,001 points; Taylor's series needs degree 13 for the same.
 */
const EXP_COEFFICIENTS = [
  1.0, 1.0, 0.5000000000000019, 0.1666666666666668, 0.0416666666664881, 0.008333333333319601,
  0.0013888888952314775, 0.00019841269890047113, 2.4801485482328494e-5, 2.755724091857897e-6,
  2.763263963904103e-7, 2.5110037605963777e-8,
];

// Expression helpers: each returns the instructions that leave one f64x2 on the stack.
type Code = number[];
const g = (local: number): Code => op.get(local);
const binary =
  (code: readonly number[]) =>
  (a: Code, b: Code): Code =>
    seq(a, b, code);
const add = binary(op.f64x2Add);
const sub = binary(op.f64x2Sub);
const mul = binary(op.f64x2Mul);
const div = binary(op.f64x2Div);
/** pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a: a NaN a passes through. */
const pmin = binary(op.f64x2Pmin);
const pmax = binary(op.f64x2Pmax);
const lt = binary(op.f64x2Lt);
const gt = binary(op.f64x2Gt);
const neg = (a: Code): Code => seq(a, op.f64x2Neg);
const abs = (a: Code): Code => seq(a, op.f64x2Abs);
const sqrt = (a: Code): Code => seq(a, op.f64x2Sqrt);
/** where ? a : b, lane by lane (where: a comparison's mask). */
const select = (where: Code, a: Code, b: Code): Code => seq(a, b, where, op.v128Bitselect);
const assign = (local: number, value: Code): Code => seq(value, op.set(local));

/** The function's locals: i32 parameters, then i32 and v128 locals by name. */
const PARAMS = { state: 0, out: 1, current: 2, n: 3, constants: 4, devices: 5 } as const;
const I32_LOCALS = ["end", "wOffset", "rest"] as const;
/** Each cell vector's temporaries, twice: two vectors are worked on side by side (cells). */
const TEMPS = [
  "v",
  "w",
  "wc",
  "u",
  "au",
  "G",
  "i",
  "vr",
  "pc",
  "kv",
  "q",
  "lOff",
  "lOn",
  "sOff",
  "sOn",
  "t1",
  "t2",
  "t3",
  "x",
  "t",
  "kf",
  "r",
  "r2",
  "r4",
  "r8",
  "rOff",
  "rOn",
] as const;
type V128Name = (typeof SLOTS)[number] | (typeof TEMPS)[number];
const I32_BASE = Object.keys(PARAMS).length;
const V128_BASE = I32_BASE + I32_LOCALS.length;
/** v128 locals: the constants block's, then bank 0's and bank 1's temporaries, then the pool. */
const V128_LOCAL_COUNT = SLOTS.length + 2 * TEMPS.length;
/** Which copy of the temporaries the code being generated uses (0 or 1). */
let bank = 0;
const L = (name: V128Name): number => {
  const slot = (SLOTS as readonly string[]).indexOf(name);
  if (slot >= 0) return V128_BASE + slot;
  return (
    V128_BASE + SLOTS.length + bank * TEMPS.length + (TEMPS as readonly string[]).indexOf(name)
  );
};
const I = (name: (typeof I32_LOCALS)[number]): number => I32_BASE + I32_LOCALS.indexOf(name);
/**
 * Where the device slots come from while a function is generated: null, the constants' locals
 * (one device for every cell); else the device block, at the vector's byte offset from the
 * state pointer (the block advances SMOOTH_V1_DEVICE_SLOTS times as fast) and as one cell
 * (splat) or two.
 */
let deviceAt: { offset: number; scalar: boolean } | null = null;
const v = (name: V128Name): Code => {
  const slot = (SLOTS as readonly string[]).indexOf(name);
  if (deviceAt === null || slot < 0 || slot >= SMOOTH_V1_DEVICE_SLOTS) return g(L(name));
  const at = deviceAt.offset * SMOOTH_V1_DEVICE_SLOTS + 16 * slot;
  return seq(g(PARAMS.devices), deviceAt.scalar ? op.v128Load64Splat(at) : op.v128Load(at));
};

/**
 * The constants the body uses, each in a local set once before the loop (V8 builds a v128.const
 * from immediates at every use; a local is one register or one stack load). Keyed by the
 * constant's instructions; filled while the body is generated (smoothV1Function).
 */
const constantLocals = new Map<string, { local: number; code: Code }>();
const pooled = (code: Code): Code => {
  const key = code.join(",");
  let entry = constantLocals.get(key);
  if (entry === undefined) {
    entry = { local: V128_BASE + V128_LOCAL_COUNT + constantLocals.size, code };
    constantLocals.set(key, entry);
  }
  return g(entry.local);
};
const k2 = (x: number): Code => pooled(op.f64x2Const(x));

/** e^x of an expression that has no exp inside it (uses the locals x, t, kf, r). */
function exp(x: Code): Code {
  // Estrin's scheme: pairs c_j + c_{j+1}·r, then r², r⁴, r⁸ (a short dependency chain, where
  // Horner's would be 11 multiply-adds long).
  const c = EXP_COEFFICIENTS;
  const pair = (j: number) => add(k2(c[j]), mul(k2(c[j + 1]), v("r")));
  const q = (j: number) => add(pair(j), mul(pair(j + 2), v("r2")));
  const p = add(add(q(0), mul(q(4), v("r4"))), mul(q(8), v("r8")));
  return seq(
    assign(L("x"), pmax(pmin(x, k2(709)), k2(-708))),
    assign(L("t"), add(mul(v("x"), k2(Math.LOG2E)), k2(MAGIC))),
    assign(L("kf"), sub(v("t"), k2(MAGIC))),
    assign(L("r"), sub(sub(v("x"), mul(v("kf"), k2(LN2_HI))), mul(v("kf"), k2(LN2_LO)))),
    assign(L("r2"), mul(v("r"), v("r"))),
    assign(L("r4"), mul(v("r2"), v("r2"))),
    assign(L("r8"), mul(v("r4"), v("r4"))),
    p,
    // 2^k: the rounded k sits in t's low bits; (k + 1023) shifted into the exponent field.
    v("t"),
    pooled(op.i64x2Const(1023)),
    op.i64x2Add,
    op.i32(52),
    op.i64x2Shl,
    op.f64x2Mul,
  );
}

/** a < BIG ? a : BIG (a NaN gives BIG, as in the TypeScript). */
const capBig = (a: Code): Code => select(lt(a, k2(BIG)), a, k2(BIG));

/** R(L, s) = ½(1/(e^{−(L+s)}·q + 1/C) − 1/(e^{s−L}·q + 1/C)) (smoothV1Eval's cappedSinh). */
function cappedSinh(l: V128Name, s: V128Name): Code {
  const F = (e: Code) => div(k2(1), add(mul(exp(e), v("q")), v("invC")));
  return mul(k2(0.5), sub(F(neg(add(v(l), v(s)))), F(sub(v(s), v(l)))));
}

/**
 * One vector of two cells as a list of statements, in the current bank's temporaries, its
 * operands `offset` bytes after the pointers (load splats the odd last cell, store writes
 * lane 0 of it).
 */
function cellStatements(
  load: (offset: number) => Code,
  store: (offset: number) => Code,
  offset: number,
  scalar = false,
): Code[] {
  if (perDevice) deviceAt = { offset, scalar };
  const one = k2(1);
  const zero = k2(0);
  const wAddress = seq(g(PARAMS.state), g(I("wOffset")), op.i32Add);
  const y = add(mul(v("alpha"), v("v")), mul(v("beta_out"), pmax(pmin(v("v"), one), k2(-1))));
  const lOff = add(sub(v("logOff"), capBig(v("t1"))), div(one, add(one, mul(v("beta"), v("pc")))));
  const lOn = add(sub(v("logOn"), capBig(v("t2"))), capBig(v("t3")));
  return [
    assign(L("v"), seq(g(PARAMS.state), load(offset))),
    assign(L("w"), seq(wAddress, load(offset))),
    // ŵ = w < w_min ? w_min : w > 1 ? 1 : w
    assign(L("wc"), select(lt(v("w"), v("wMin")), v("wMin"), select(gt(v("w"), one), one, v("w")))),
    assign(L("u"), mul(v("Vs"), select(v("senseY"), y, v("v")))),
    // G = G_m·ŵ + a·(1 − ŵ)·e^{b·√(|u|·tanh(ρ|u|/2) + ε)},  i = G·u
    assign(L("au"), abs(v("u"))),
    assign(L("t1"), sub(one, div(k2(2), add(exp(mul(k2(2), mul(v("halfRho"), v("au")))), one)))),
    assign(L("t1"), sqrt(add(mul(v("au"), v("t1")), v("eps")))),
    assign(
      L("G"),
      add(mul(v("G_m"), v("wc")), mul(mul(v("a"), sub(one, v("wc"))), exp(mul(v("b"), v("t1"))))),
    ),
    assign(L("i"), mul(v("G"), v("u"))),
    // the rate at p = i·u (smoothV1Eval's rateAt)
    assign(
      L("vr"),
      select(gt(v("u"), k2(BIG)), k2(BIG), select(lt(v("u"), k2(-BIG)), k2(-BIG), v("u"))),
    ),
    assign(L("pc"), capBig(mul(v("i"), v("u")))),
    assign(L("kv"), mul(v("k"), v("vr"))),
    assign(L("q"), add(one, exp(neg(abs(v("kv")))))),
    assign(L("t1"), div(v("xOff"), v("wc"))),
    assign(L("t1"), mul(v("t1"), v("t1"))),
    assign(L("t2"), mul(v("wc"), v("invXOn"))),
    assign(L("t2"), mul(v("t2"), v("t2"))),
    assign(L("t3"), mul(v("pc"), v("invSigmaP"))),
    assign(L("lOff"), sub(lOff, select(gt(v("kv"), zero), v("kv"), zero))),
    assign(L("lOn"), add(lOn, select(lt(v("kv"), zero), v("kv"), zero))),
    assign(L("sOff"), mul(v("vr"), v("invSigmaOff"))),
    assign(L("sOn"), mul(v("vr"), v("invSigmaOn"))),
    seq(g(PARAMS.current), mul(v("currentScale"), v("i")), store(offset)),
    assign(L("rOff"), cappedSinh("lOff", "sOff")),
    assign(L("rOn"), cappedSinh("lOn", "sOn")),
    seq(
      g(PARAMS.out),
      g(I("wOffset")),
      op.i32Add,
      mul(v("arrayTau"), div(add(v("rOff"), v("rOn")), v("modelTau"))),
      store(offset),
    ),
  ];
}

/**
 * Two vectors (four cells) with their statements interleaved, bank 0 for the first and bank 1
 * for the second: their dependency chains (each e^x waits on the one before) are independent,
 * so the processor overlaps them — one vector alone runs at the speed of its chain, not of its
 * operation count.
 */
function fourCells(): Code {
  const load = (offset: number) => op.v128Load(offset);
  const store = (offset: number) => op.v128Store(offset);
  bank = 0;
  const first = cellStatements(load, store, 0);
  bank = 1;
  const second = cellStatements(load, store, 16);
  bank = 0;
  return seq(...first.flatMap((statement, k) => [statement, second[k]]));
}

/** One vector (two cells), or the odd last cell (scalar: splat in, lane 0 out). */
function twoCells(scalar: boolean): Code {
  bank = 0;
  return seq(
    ...cellStatements(
      scalar ? (o) => op.v128Load64Splat(o) : (o) => op.v128Load(o),
      scalar ? (o) => op.v128Store64Lane(o, 0) : (o) => op.v128Store(o),
      0,
      scalar,
    ),
  );
}

/** Whether the function being generated reads the device slots from the device block. */
let perDevice = false;

/**
 * The `smoothV1` function (see the header), or with `devices` the `smoothV1Devices` one: every
 * cell's device slots from the device block, in the same operations, so a block of one device
 * repeated gives smoothV1's bits.
 */
export function smoothV1Function(devices = false): WasmFunction {
  constantLocals.clear();
  perDevice = devices;
  deviceAt = null;
  const shared = devices ? SLOTS.slice(SMOOTH_V1_DEVICE_SLOTS) : SLOTS;
  const loadConstants = seq(
    ...shared.map((name) =>
      assign(L(name), seq(g(PARAMS.constants), op.v128Load64Splat(8 * SLOTS.indexOf(name)))),
    ),
    // senseY becomes a mask: all ones where u senses y.
    assign(L("senseY"), seq(v("senseY"), k2(0), op.f64x2Ne)),
    seq(g(PARAMS.n), op.i32(8), op.i32Mul, op.set(I("wOffset"))),
  );
  const pointers: { local: number; scale: number }[] = [
    PARAMS.state,
    PARAMS.out,
    PARAMS.current,
  ].map((local) => ({ local, scale: 1 }));
  if (devices) pointers.push({ local: PARAMS.devices, scale: SMOOTH_V1_DEVICE_SLOTS });
  const advance = (bytes: number) =>
    seq(
      ...pointers.map((p) => seq(g(p.local), op.i32(bytes * p.scale), op.i32Add, op.set(p.local))),
    );
  // Four cells at a time while four remain, then pairLoop's two and one on the rest.
  const loop = seq(
    seq(g(PARAMS.state), g(PARAMS.n), op.i32(8), op.i32Mul, op.i32Add, op.set(I("end"))),
    op.block,
    op.loop,
    seq(g(PARAMS.state), op.i32(32), op.i32Add, g(I("end")), op.i32GtS, op.brIf(1)),
    fourCells(),
    advance(32),
    op.br(0),
    op.end,
    op.end,
    seq(g(I("end")), g(PARAMS.state), op.i32Sub, op.i32(3), op.i32ShrU, op.set(I("rest"))),
    pairLoop(pointers, I("rest"), I("end"), twoCells(false), twoCells(true)),
  );
  perDevice = false;
  deviceAt = null;
  const pool = [...constantLocals.values()];
  return {
    name: devices ? "smoothV1Devices" : "smoothV1",
    params: devices ? 6 : 5,
    // Without the devices parameter, an unused i32 local in its place keeps the indices.
    locals: [
      [I32_LOCALS.length + (devices ? 0 : 1), I32],
      [V128_LOCAL_COUNT + pool.length, V128],
    ],
    body: seq(...pool.map((entry) => assign(entry.local, entry.code)), loadConstants, loop),
  };
}

/**
 * expArray(from, to, n): to[m] = the pass's e^{from[m]} (float64 arrays at byte addresses). Not
 * in the kernels' module: its tests compile it on its own to measure e^x against Math.exp.
 */
export function expArrayFunction(): WasmFunction {
  const [from, to, n, end] = [0, 1, 2, 3];
  constantLocals.clear();
  // The pass's v128 locals are reused: i32 locals fill the indices up to V128_BASE.
  const body = pairLoop(
    [
      { local: from, scale: 1 },
      { local: to, scale: 1 },
    ],
    n,
    end,
    seq(g(to), exp(seq(g(from), op.v128Load(0))), op.v128Store(0)),
    seq(g(to), exp(seq(g(from), op.v128Load64Splat(0))), op.v128Store64Lane(0, 0)),
  );
  const pool = [...constantLocals.values()];
  return {
    name: "expArray",
    params: 3,
    locals: [
      [V128_BASE - 3, I32],
      [V128_LOCAL_COUNT + pool.length, V128],
    ],
    body: seq(...pool.map((entry) => assign(entry.local, entry.code)), body),
  };
}

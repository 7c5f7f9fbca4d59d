import { ValidationError } from "../core/errors.js";
import { geluInPlace } from "./gelu.js";
import { linear } from "./linear.js";
import { checkParam } from "./tensor.js";

/**
 * The weights of the UNet's EmbedFC(d, e) = Linear(d, e) → GELU → Linear(e, e): `w0` e×d, `b0` e
 * (the export's net.0), `w2` e×e, `b2` e (net.2).
 */
export interface EmbedFCParams {
  readonly w0: Float64Array;
  readonly b0: Float64Array;
  readonly w2: Float64Array;
  readonly b2: Float64Array;
}

/**
 * The time and class embeddings of the UNet (training/unet.py EmbedFC):
 * y = W₂·GELU(W₀·x + b₀) + b₂ for each of the n rows of x (n×d); y is n×e. The sizes d and e
 * come from the weights (e = |b₀|, d = |W₀|/e).
 */
export function embedFC(x: Float64Array, params: EmbedFCParams): Float64Array {
  const op = "embedFC";
  if (!(params.b0 instanceof Float64Array) || params.b0.length < 1)
    throw new ValidationError(`${op}.b0`, "missing or empty", "a Float64Array of e ≥ 1 values");
  const e = params.b0.length;
  const d = params.w0 instanceof Float64Array ? params.w0.length / e : Number.NaN;
  if (!(Number.isInteger(d) && d >= 1))
    throw new ValidationError(
      `${op}.w0`,
      `${params.w0?.length} values for e = ${e} rows`,
      "a Float64Array of e×d values",
    );
  const n = x.length / d;
  if (!(x instanceof Float64Array) || !(Number.isInteger(n) && n >= 1))
    throw new ValidationError(
      `${op}.x`,
      `${x.length} values for d = ${d}`,
      "a Float64Array of n×d values, n ≥ 1",
    );
  if (!(params.b2 instanceof Float64Array) || params.b2.length < 1)
    throw new ValidationError(`${op}.b2`, "missing or empty", "a Float64Array of e ≥ 1 values");
  const eOut = params.b2.length;
  checkParam(op, "w2", params.w2, eOut * e, `|b₂|×|b₀| = ${eOut}×${e}`);
  const hidden = linear(x, params.w0, params.b0, { n, in: d, out: e });
  geluInPlace(hidden);
  return linear(hidden, params.w2, params.b2, { n, in: e, out: eOut });
}

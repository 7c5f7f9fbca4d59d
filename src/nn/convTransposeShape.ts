/** The sizes of a transposed convolution with stride = kernel = k: input N×C_in×H×W → N×C_out×Hk×Wk. */
export interface ConvTransposeShape {
  readonly n: number;
  readonly cIn: number;
  readonly h: number;
  readonly w: number;
  readonly cOut: number;
  readonly k: number;
}

/** The sizes of a stride-1 convolution: input N×C_in×H×W, kernel k, zero padding p. */
export interface ConvShape {
  readonly n: number;
  readonly cIn: number;
  readonly h: number;
  readonly w: number;
  readonly cOut: number;
  readonly k: number;
  readonly p: number;
}

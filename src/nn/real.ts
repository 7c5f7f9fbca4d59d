/**
 * The storage the convolution kernels accept. The ops of src/nn store float64 (Tensor4); the
 * kernels also take float32 so that the precision/speed trade-off can be measured
 * (docs/nn.md) and a float32 mode added without a second copy of them.
 */
export type Real = Float32Array | Float64Array;

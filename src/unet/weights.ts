import type { Tensor } from "../trained/safetensors.js";
import type { Unet } from "./unet.js";

/** A weight of the UNet by its PyTorch name (present and of the right shape: loadUnet checked). */
export function weight(unet: Unet, name: string): Float64Array {
  return (unet.tensors.get(name) as Tensor).data;
}

/** The four tensors of an EmbedFC (`<name>.net.0`, `<name>.net.2`) as src/nn's embedFC takes them. */
export function embedParams(unet: Unet, name: string) {
  return {
    w0: weight(unet, `${name}.net.0.weight`),
    b0: weight(unet, `${name}.net.0.bias`),
    w2: weight(unet, `${name}.net.2.weight`),
    b2: weight(unet, `${name}.net.2.bias`),
  };
}

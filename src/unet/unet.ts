import type { Tensor } from "../trained/safetensors.js";
import type { UnetManifest } from "../trained/unetExport.js";
import type { TrainedCellLayer } from "./layerEngine.js";

/** The diffusion settings of an export (manifest `diffusion`, docs/export-format.md). */
export interface UnetDiffusion {
  readonly n_T: number;
  readonly betas: readonly [number, number];
  readonly p_drop?: number;
}

/**
 * A trained diffusion UNet read from an export directory, checked and ready to run
 * (`loadUnet`). Weights are float64 copies of the stored float32 values.
 */
export interface Unet {
  /** The directory it was read from. */
  readonly dir: string;
  readonly manifest: UnetManifest & { readonly diffusion: UnetDiffusion };
  readonly backbone: "conv" | "cellnn" | "mcellnn";
  /** F: channels of the first feature maps. */
  readonly nFeat: number;
  readonly inChannels: number;
  /** H = W of the images. */
  readonly imageSize: number;
  readonly nClasses: number;
  /** n_T: the number of diffusion steps of the schedule. */
  readonly nT: number;
  /** [β_1, β_2] of the linear schedule β_t = β_1 + (β_2 − β_1)·t/n_T. */
  readonly betas: readonly [number, number];
  /** The 7 cellular layers in forward order ([] for the conv backbone). */
  readonly cellLayers: readonly TrainedCellLayer[];
  /** Every weight by its PyTorch name (model.safetensors). */
  readonly tensors: ReadonlyMap<string, Tensor>;
  /** golden.safetensors, when the export has one and it was asked for. */
  readonly golden?: ReadonlyMap<string, Tensor>;
  /** SHA-256 (hex) of model.safetensors: which trained weights these are. */
  readonly weightsSha256: string;
}

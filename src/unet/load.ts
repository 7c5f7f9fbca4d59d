import { ValidationError } from "../core/errors.js";
import { checkUnetTensors } from "../trained/checkTensors.js";
import { loadExport } from "../trained/exportDir.js";
import type { Tensor } from "../trained/safetensors.js";
import type { UnetManifest } from "../trained/unetExport.js";
import type { TrainedCellLayer } from "./layerEngine.js";
import type { Unet, UnetDiffusion } from "./unet.js";

function diffusionOf(manifest: UnetManifest, source: string): UnetDiffusion {
  const d = (manifest as { diffusion?: Partial<UnetDiffusion> }).diffusion;
  const nT = d?.n_T;
  if (!(Number.isInteger(nT) && (nT as number) > 0))
    throw new ValidationError(
      `${source}:diffusion.n_T`,
      `got ${JSON.stringify(nT)}`,
      "a positive integer",
    );
  const b = d?.betas;
  if (!(Array.isArray(b) && b.length === 2 && 0 < b[0] && b[0] < b[1] && b[1] < 1))
    throw new ValidationError(
      `${source}:diffusion.betas`,
      `got ${JSON.stringify(b)}`,
      "[beta1, beta2] with 0 < beta1 < beta2 < 1",
    );
  return { n_T: nT as number, betas: [b[0], b[1]], p_drop: d?.p_drop };
}

/**
 * Reads an export directory (docs/export-format.md) and checks, before any compute, every tensor
 * the forward needs for the manifest's backbone: a missing or misshapen one is a ValidationError
 * with field `tensors.<name>`; an unreadable file one naming the file. Golden data are read too
 * unless `golden: false`.
 */
export function loadUnet(dir: string, options: { golden?: boolean } = {}): Unet {
  const exp = loadExport(dir, options);
  const { manifest, tensors } = exp;
  checkUnetTensors(manifest, tensors);
  const diffusion = diffusionOf(manifest, `${dir}/manifest.json`);
  const get = (name: string): Tensor => tensors.get(name) as Tensor;
  const cellLayers: TrainedCellLayer[] = manifest.cell_layers.map((spec) => ({
    spec,
    A: get(spec.templates.A).data,
    B: get(spec.templates.B).data,
    z: get(spec.templates.z).data,
  }));
  const arch = manifest.architecture;
  return {
    dir,
    manifest: { ...manifest, diffusion },
    backbone: arch.backbone,
    nFeat: arch.n_feat,
    inChannels: arch.in_channels,
    imageSize: arch.image_size,
    nClasses: arch.n_classes,
    nT: diffusion.n_T,
    betas: diffusion.betas,
    cellLayers,
    tensors,
    golden: exp.golden,
    weightsSha256: exp.weightsSha256,
  };
}

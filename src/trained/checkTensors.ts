import { ValidationError } from "../core/errors.js";
import type { Tensor } from "./safetensors.js";
import type { UnetManifest } from "./unetExport.js";

/** A tensor the UNet forward needs: its name in model.safetensors and its shape. */
export interface ExpectedTensor {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The 7 blocks a cellular backbone replaces, in forward order (training/unet.py CELL_LAYER_NAMES). */
export const UNET_BLOCK_NAMES = [
  "init_conv",
  "down1.block",
  "down2.block",
  "up1.block1",
  "up1.block2",
  "up2.block1",
  "up2.block2",
] as const;

/** One block's channels and the side of the square array it runs on, for n_feat F, C inputs, image H. */
export interface BlockShape {
  readonly name: string;
  readonly cIn: number;
  readonly cOut: number;
  readonly size: number;
}

export function unetBlockShapes(arch: UnetManifest["architecture"]): BlockShape[] {
  const F = arch.n_feat;
  const C = arch.in_channels;
  const H = arch.image_size;
  return [
    { name: "init_conv", cIn: C, cOut: F, size: H },
    { name: "down1.block", cIn: F, cOut: F, size: H },
    { name: "down2.block", cIn: F, cOut: 2 * F, size: H / 2 },
    { name: "up1.block1", cIn: F, cOut: F, size: H / 2 },
    { name: "up1.block2", cIn: F, cOut: F, size: H / 2 },
    { name: "up2.block1", cIn: F, cOut: F, size: H },
    { name: "up2.block2", cIn: F, cOut: F, size: H },
  ];
}

function blockTensors(backbone: string, b: BlockShape): ExpectedTensor[] {
  const { name, cIn, cOut } = b;
  if (backbone !== "conv") {
    return [
      { name: `${name}.A`, shape: [cOut, cOut, 3, 3] },
      { name: `${name}.B`, shape: [cOut, cIn, 3, 3] },
      { name: `${name}.z`, shape: [cOut] },
    ];
  }
  // ResidualConvBlock: conv{1,2}.0 Conv2d, conv{1,2}.1 BatchNorm2d.
  const out: ExpectedTensor[] = [];
  for (const [conv, cin] of [
    ["conv1", cIn],
    ["conv2", cOut],
  ] as const) {
    out.push({ name: `${name}.${conv}.0.weight`, shape: [cOut, cin, 3, 3] });
    out.push({ name: `${name}.${conv}.0.bias`, shape: [cOut] });
    for (const p of ["weight", "bias", "running_mean", "running_var"])
      out.push({ name: `${name}.${conv}.1.${p}`, shape: [cOut] });
  }
  return out;
}

function embedTensors(name: string, d: number, e: number): ExpectedTensor[] {
  return [
    { name: `${name}.net.0.weight`, shape: [e, d] },
    { name: `${name}.net.0.bias`, shape: [e] },
    { name: `${name}.net.2.weight`, shape: [e, e] },
    { name: `${name}.net.2.bias`, shape: [e] },
  ];
}

/**
 * Every tensor the forward of docs/export-format.md needs for the manifest's backbone, with its
 * shape (training/unet.py ContextUnet; pool = image_size/4).
 */
export function expectedUnetTensors(arch: UnetManifest["architecture"]): ExpectedTensor[] {
  const F = arch.n_feat;
  const C = arch.in_channels;
  const pool = arch.image_size / 4;
  const out = unetBlockShapes(arch).flatMap((b) => blockTensors(arch.backbone, b));
  out.push(
    ...embedTensors("timeembed1", 1, 2 * F),
    ...embedTensors("timeembed2", 1, F),
    ...embedTensors("contextembed1", arch.n_classes, 2 * F),
    ...embedTensors("contextembed2", arch.n_classes, F),
    { name: "up0.0.weight", shape: [2 * F, 2 * F, pool, pool] },
    { name: "up0.0.bias", shape: [2 * F] },
    { name: "up0.1.weight", shape: [2 * F] },
    { name: "up0.1.bias", shape: [2 * F] },
    { name: "up1.upsample.weight", shape: [4 * F, F, 2, 2] },
    { name: "up1.upsample.bias", shape: [F] },
    { name: "up2.upsample.weight", shape: [2 * F, F, 2, 2] },
    { name: "up2.upsample.bias", shape: [F] },
    { name: "out.0.weight", shape: [F, 2 * F, 3, 3] },
    { name: "out.0.bias", shape: [F] },
    { name: "out.1.weight", shape: [F] },
    { name: "out.1.bias", shape: [F] },
    { name: "out.3.weight", shape: [C, F, 3, 3] },
    { name: "out.3.bias", shape: [C] },
  );
  return out;
}

const positiveInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/**
 * Checks, before any compute, that the manifest's architecture is one the forward can run and
 * that every tensor it needs is present with its shape. Throws ValidationError naming the field:
 * `architecture.<key>`, `cell_layers[i]...`, or `tensors.<name>` for a missing or misshapen tensor.
 */
export function checkUnetTensors(manifest: UnetManifest, tensors: Map<string, Tensor>): void {
  const arch = manifest.architecture;
  if (!["conv", "cellnn", "mcellnn"].includes(arch?.backbone)) {
    throw new ValidationError(
      "architecture.backbone",
      `got ${JSON.stringify(arch?.backbone)}`,
      '"conv", "cellnn" or "mcellnn"',
    );
  }
  for (const key of ["n_feat", "in_channels", "image_size", "n_classes"] as const) {
    if (!positiveInt(arch[key]))
      throw new ValidationError(
        `architecture.${key}`,
        `got ${JSON.stringify(arch[key])}`,
        "a positive integer",
      );
  }
  if (arch.image_size % 4 !== 0)
    throw new ValidationError(
      "architecture.image_size",
      `got ${arch.image_size}`,
      "a multiple of 4 (two 2×2 poolings)",
    );
  if (arch.n_feat % 8 !== 0)
    throw new ValidationError(
      "architecture.n_feat",
      `got ${arch.n_feat}`,
      "a multiple of 8 (GroupNorm(8))",
    );
  checkCellLayers(manifest);
  for (const e of expectedUnetTensors(arch)) {
    const t = tensors.get(e.name);
    if (!t)
      throw new ValidationError(
        `tensors.${e.name}`,
        "missing from the tensors file",
        `a tensor of shape [${e.shape}] (${arch.backbone} backbone, n_feat ${arch.n_feat})`,
      );
    if (t.shape.join() !== e.shape.join())
      throw new ValidationError(`tensors.${e.name}`, `has shape [${t.shape}]`, `[${e.shape}]`);
  }
}

/** The manifest's cellular layers: the 7 blocks in order, with the channels and sizes the UNet gives them. */
function checkCellLayers(manifest: UnetManifest): void {
  const arch = manifest.architecture;
  const layers = manifest.cell_layers ?? [];
  if (arch.backbone === "conv") {
    if (layers.length !== 0)
      throw new ValidationError(
        "cell_layers",
        `has ${layers.length} entries`,
        "[] for the conv backbone",
      );
    return;
  }
  const shapes = unetBlockShapes(arch);
  if (layers.length !== shapes.length)
    throw new ValidationError(
      "cell_layers",
      `has ${layers.length} entries`,
      `the 7 blocks ${UNET_BLOCK_NAMES.join(", ")}`,
    );
  shapes.forEach((b, i) => {
    const l = layers[i];
    const at = `cell_layers[${i}]`;
    if (l.name !== b.name)
      throw new ValidationError(
        `${at}.name`,
        `got ${JSON.stringify(l.name)}`,
        JSON.stringify(b.name),
      );
    if (l.c_in !== b.cIn || l.c_out !== b.cOut)
      throw new ValidationError(
        `${at}.c_in/c_out`,
        `got ${l.c_in}/${l.c_out}`,
        `${b.cIn}/${b.cOut} (n_feat ${arch.n_feat}, in_channels ${arch.in_channels})`,
      );
    for (const side of ["height", "width"] as const) {
      if (l[side] !== undefined && l[side] !== b.size)
        throw new ValidationError(`${at}.${side}`, `got ${l[side]}`, `${b.size}`);
    }
    const t = l.templates;
    const names = { A: `${b.name}.A`, B: `${b.name}.B`, z: `${b.name}.z` };
    for (const k of ["A", "B", "z"] as const) {
      if (t?.[k] !== names[k])
        throw new ValidationError(
          `${at}.templates.${k}`,
          `got ${JSON.stringify(t?.[k])}`,
          JSON.stringify(names[k]),
        );
    }
    const s = l.cell.solver;
    if (!(positiveInt(s.steps) && l.cell.T > 0 && Number.isFinite(l.cell.T)))
      throw new ValidationError(
        `${at}.cell.solver.steps`,
        `got steps ${JSON.stringify(s.steps)}, T ${JSON.stringify(l.cell.T)}`,
        "a positive integer number of steps over T > 0",
      );
    const memristive = Boolean(l.cell.memristor && l.cell.memristor.enabled !== false);
    if (memristive !== (arch.backbone === "mcellnn"))
      throw new ValidationError(
        `${at}.cell.memristor`,
        memristive ? "is set" : "is missing",
        arch.backbone === "mcellnn" ? "a memristor for mcellnn" : "null for cellnn",
      );
  });
}

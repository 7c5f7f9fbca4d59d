import type { Command } from "commander";
import { checkProfileLayers, profileDocument } from "../../hardware/profile.js";
import { ACE16K, hardwareResources } from "../../hardware/resources.js";
import { loadHardwareProfile } from "../../report/hardwareProfile.js";
import { loadUnet } from "../../unet/load.js";
import { act } from "../action.js";
import { UsageError } from "../exitCodes.js";
import { fmt, formatTable } from "../table.js";

/** `cellspice hardware check|resources`: hardware profiles (docs/hardware.md). */
export function registerHardware(program: Command): void {
  const hw = program
    .command("hardware")
    .description(
      "hardware profiles: check one, or the resources, latency and energy of a mapped network",
    );
  hw.command("check")
    .description(
      "validate a hardware profile (and its layer names against a model) and print it with every default",
    )
    .argument("<profile.json>", "hardware profile (cellspice-hardware format, docs/hardware.md)")
    .option("--model <dir>", "check the analog layer names against this export directory")
    .action(
      act<{ model?: string }>(async ([file], flags, ctx) => {
        const profile = loadHardwareProfile(file);
        if (flags.model) {
          const unet = loadUnet(flags.model, { golden: false });
          checkProfileLayers(
            profile,
            unet.cellLayers.map((l) => l.spec.name),
            file,
          );
        }
        ctx.out(JSON.stringify(profileDocument(profile), null, 2));
      }),
    );
  hw.command("resources")
    .description(
      "cells, transconductors, memristors, area, settling time and energy of the analog layers",
    )
    .argument("<model-dir>", "export directory of a trained UNet")
    .requiredOption("--hardware <profile.json>", "hardware profile")
    .option("--steps <n>", "sampler steps per image (DDIM)", "25")
    .option("--w <w>", "guidance weight (w > 0: two forwards per step)", "2")
    .option("--json", "print as JSON")
    .action(
      act<{ hardware: string; steps: string; w: string; json?: boolean }>(
        async ([dir], flags, ctx) => {
          const steps = Number(flags.steps);
          const w = Number(flags.w);
          if (!(Number.isInteger(steps) && steps >= 1))
            throw new UsageError(`--steps: got ${flags.steps}; a positive integer`);
          if (!(Number.isFinite(w) && w >= 0))
            throw new UsageError(`--w: got ${flags.w}; a number >= 0`);
          const profile = loadHardwareProfile(flags.hardware);
          const unet = loadUnet(dir, { golden: false });
          checkProfileLayers(
            profile,
            unet.cellLayers.map((l) => l.spec.name),
            flags.hardware,
          );
          const r = hardwareResources(unet.cellLayers, profile, {
            imageSize: unet.imageSize,
            nFeat: unet.nFeat,
            forwardsPerImage: steps * (w > 0 ? 2 : 1),
          });
          if (flags.json) {
            ctx.out(JSON.stringify({ ...r, ace16k: ACE16K }, null, 2));
            return;
          }
          const rows = r.layers.map((l) => [
            l.name,
            `${l.channels}x${l.rows}x${l.cols}`,
            String(l.cells),
            String(l.transconductors),
            String(l.memristors),
            fmt(l.capacitance),
            fmt(l.capacitorArea * 1e6),
            fmt(l.settlingTime),
            fmt((l.staticEnergy + l.dynamicEnergy) * 1e9),
          ]);
          const t = r.totals;
          ctx.out(
            [
              formatTable(
                [
                  "layer",
                  "CxHxW",
                  "cells",
                  "transconductors",
                  "memristors",
                  "C [F]",
                  "cap area [mm2]",
                  "settle [s]",
                  "energy [nJ]",
                ],
                rows,
              ),
              "",
              `per forward: ${fmt(t.settlingPerForward)} s, ${fmt(t.energyPerForward)} J, ${fmt(t.opsPerForward)} ops; per image (${t.forwardsPerImage} forwards): ${fmt(t.settlingPerImage)} s, ${fmt(t.energyPerImage)} J`,
              `area ${fmt(t.area * 1e6)} mm2; ${fmt(t.gops)} GOPS, ${fmt(t.gopsPerWatt)} GOPS/W, ${fmt(t.pJPerOp)} pJ/op (ACE16k: ${ACE16K.gops} GOPS, ${ACE16K.gopsPerWatt} GOPS/W, ${fmt(ACE16K.pJPerOp)} pJ/op)`,
              `per-cell mismatch storage in the circuit engine: ${fmt(t.mismatchBytes / 2 ** 20)} MiB (at n_feat 128: ${fmt(t.mismatchBytesAtNFeat128 / 2 ** 30)} GiB)`,
            ].join("\n"),
          );
        },
      ),
    );
}

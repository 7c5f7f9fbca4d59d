import { join } from "node:path";
import { type Command, Option } from "commander";
import { CellspiceError } from "../../core/errors.js";
import { driveWaveforms, memristorDriveSystem, sinusoid } from "../../devices/drive.js";
import { hysteresisLoopArea } from "../../devices/loopArea.js";
import { createMemristor, memristorModelNames } from "../../devices/registry.js";
import type { MemristorModel } from "../../devices/types.js";
import { plotIvLoop } from "../../plot/ivLoop.js";
import { plotWaveforms } from "../../plot/waveforms.js";
import { writeFigures } from "../../report/writeFigures.js";
import { solve } from "../../solvers/solve.js";
import { memristorDriveNetlist } from "../../spice/netlist/memristorDrive.js";
import { renderNetlist } from "../../spice/netlist/model.js";
import { runNgspice } from "../../spice/runner.js";
import { act } from "../action.js";
import { writeOutput } from "../files.js";
import { interruptible } from "../interrupt.js";
import { paramPair, positiveInteger, positiveNumber, positiveQuantity } from "../options.js";
import { writeOutputDirectory } from "../outputPath.js";
import { fmt, formatTable } from "../table.js";
import { toCsv, toJson, type WaveformTable } from "../waveformFile.js";

interface Flags {
  model: string;
  param?: Record<string, number>;
  amplitude: number;
  frequency: number;
  duration: number;
  w0: number;
  points: number;
  engine: "ts" | "ngspice" | "both";
  outDir: string;
  timeout?: number;
}

/** One engine's drive result: times [s], drive v [V], device current i [A], state w. */
interface DriveRun {
  engine: "cellspice" | "ngspice";
  t: Float64Array;
  v: Float64Array;
  i: Float64Array;
  w: Float64Array;
  wallTimeMs: number;
  info: Record<string, unknown>;
}

/** `cellspice memristor`: the i–v sweep of one memristor under a sinusoidal drive. */
export function registerMemristor(program: Command): void {
  program
    .command("memristor")
    .description(
      "drive one memristor with v = amplitude·sin(2π·frequency·t) and write its i–v loop (CSV, JSON, SVG)",
    )
    .addOption(
      new Option("--model <name>", "memristor model")
        .choices(memristorModelNames())
        .default("strachan-taox-smooth"),
    )
    .option(
      "--param <name=value>",
      "parameter override in SI units, repeatable (see `cellspice models`)",
      paramPair,
    )
    .option("--amplitude <V>", "drive amplitude in volts (a unit may be given: 450mV)", "0.45 V")
    .option("--frequency <Hz>", "drive frequency in hertz (a unit may be given: 3Hz, 1kHz)", "3 Hz")
    .option("--duration <s>", "drive duration in seconds (a unit may be given: 500ms)", "1 s")
    .option("--w0 <w>", "initial state w(0)", positiveNumber, 0.1)
    .option(
      "--points <n>",
      "report points (cellspice; ngspice's .tran print step)",
      positiveInteger,
      1000,
    )
    .addOption(
      new Option("--engine <engine>", "which engine runs the drive")
        .choices(["ts", "ngspice", "both"])
        .default("both"),
    )
    .option("--out-dir <dir>", "output directory", join("out", "memristor"))
    .option("--timeout <s>", "kill ngspice after this many seconds (default 120)", positiveNumber)
    .addHelpText(
      "after",
      `
Writes into --out-dir: drive-<engine>.csv and .json (columns t [s], v [V], i [A], w),
iv-<engine>.svg (the i–v loop coloured by time, with w(t)), and with --engine both also
w.svg (w(t) of both engines) and memristor.json (final states, loop areas, agreement).
With both engines, cellspice is evaluated at ngspice's time points.

Example (the published test drive of the TaOx device, DESIGN.md 2.1):
  cellspice memristor --model strachan-taox-smooth --amplitude 0.45 --frequency 3 --duration 1 --out-dir out/taox`,
    )
    .action(
      act<
        Omit<Flags, "amplitude" | "frequency" | "duration"> &
          Record<"amplitude" | "frequency" | "duration", string>
      >(async (_args, raw, ctx) => {
        const f: Flags = {
          ...raw,
          amplitude: await positiveQuantity(raw.amplitude, "V", "--amplitude"),
          frequency: await positiveQuantity(raw.frequency, "Hz", "--frequency"),
          duration: await positiveQuantity(raw.duration, "s", "--duration"),
        };
        const model = createMemristor(f.model, f.param);
        const netlistOptions = {
          amplitude: f.amplitude,
          frequency: f.frequency,
          duration: f.duration,
          w0: f.w0,
          points: f.points,
        };
        const netlist = memristorDriveNetlist(model, netlistOptions); // validates the drive for both engines
        const runs: DriveRun[] = [];
        if (f.engine !== "ts") {
          runs.push(
            await ctx.timed(`running ngspice (${model.name}, ${f.duration} s)`, () =>
              interruptible((signal) => runNgspiceDrive(netlist, f.duration, signal, f.timeout)),
            ),
          );
        }
        if (f.engine !== "ngspice") {
          const tEval =
            runs[0]?.t ??
            Float64Array.from({ length: f.points + 1 }, (_, k) =>
              k === f.points ? f.duration : (f.duration * k) / f.points,
            );
          runs.push(
            await ctx.timed(`running cellspice implicit (${model.name}, ${f.duration} s)`, () =>
              runTypescriptDrive(model, f, tEval),
            ),
          );
        }
        for (const run of runs) checkFiniteDrive(run);
        // Everything goes into a temporary sibling first, then into --out-dir at once.
        const lines = await writeOutputDirectory(f.outDir, [], (tmp) =>
          writeRuns(runs, model, f, tmp),
        );
        ctx.out(lines.join("\n"));
      }),
    );
}

async function runNgspiceDrive(
  netlist: ReturnType<typeof memristorDriveNetlist>,
  duration: number,
  signal: AbortSignal,
  timeoutSeconds: number | undefined,
): Promise<DriveRun> {
  const r = await runNgspice(renderNetlist(netlist), {
    expectVectors: ["v(p)", "v(w)", "i(vd)"],
    tstop: duration,
    signal,
    timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
  });
  const branch = r.plot.vector("i(vd)");
  return {
    engine: "ngspice",
    t: Float64Array.from(r.plot.vector("time")),
    v: Float64Array.from(r.plot.vector("v(p)")),
    i: branch.map((x) => -x), // the source's branch current is minus the device current
    w: Float64Array.from(r.plot.vector("v(w)")),
    wallTimeMs: r.wallTimeMs,
    info: { ngspiceVersion: r.version, warnings: r.warnings },
  };
}

function runTypescriptDrive(model: MemristorModel, f: Flags, tEval: Float64Array): DriveRun {
  const drive = sinusoid(f.amplitude, f.frequency);
  const start = performance.now();
  // The largest step is a fiftieth of a period: without it an adaptive step can jump over a
  // voltage peak, where all the switching happens (src/devices/drive.ts).
  const r = solve(memristorDriveSystem(model, drive), {
    method: "implicit",
    t0: 0,
    t1: f.duration,
    y0: Float64Array.of(f.w0),
    tEval,
    rtol: 1e-8,
    atol: 1e-10,
    hMax: 1 / (50 * f.frequency),
  });
  const { v, i } = driveWaveforms(model, drive, r.t, r.y);
  return {
    engine: "cellspice",
    t: r.t,
    v,
    i,
    w: r.y,
    wallTimeMs: performance.now() - start,
    info: { method: r.method, settings: r.settings, stats: r.stats },
  };
}

/** A drive result holding NaN or ±Infinity is a failure (exit 4), never written. */
function checkFiniteDrive(run: DriveRun): void {
  for (const [name, data] of [
    ["v", run.v],
    ["i", run.i],
    ["w", run.w],
  ] as const) {
    const k = data.findIndex((x) => !Number.isFinite(x));
    if (k >= 0) {
      throw new CellspiceError(
        "non-finite-result",
        `${run.engine}'s drive result holds ${data[k]} in ${name} at t = ${run.t[k]} s: nothing was written`,
        { engine: run.engine, signal: name, t: run.t[k], value: data[k] },
      );
    }
  }
}

/** Writes the drive's files into `dir` (a temporary directory); returns the summary lines. */
async function writeRuns(
  runs: DriveRun[],
  model: MemristorModel,
  f: Flags,
  dir: string,
): Promise<string[]> {
  const drive = { amplitude: f.amplitude, frequency: f.frequency, duration: f.duration, w0: f.w0 };
  const summary: Record<string, unknown> = {
    model: model.name,
    params: model.params,
    drive,
    engines: {},
  };
  const figures = [];
  const rows: string[][] = [];
  const warnings: string[] = [];
  summary.warnings = warnings;
  for (const run of runs) {
    const table: WaveformTable = {
      kind: "memristor-drive",
      engine: run.engine,
      timeUnit: "s",
      t: run.t,
      signals: new Map([
        ["v", run.v],
        ["i", run.i],
        ["w", run.w],
      ]),
      meta: {
        model: model.name,
        params: model.params,
        drive,
        info: run.info,
        wallTimeMs: run.wallTimeMs,
      },
    };
    await writeOutput(join(dir, `drive-${run.engine}.csv`), toCsv(table));
    await writeOutput(join(dir, `drive-${run.engine}.json`), toJson(table));
    const area = hysteresisLoopArea(run.v, run.i);
    const wMin = run.w.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const wMax = run.w.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    if (wMin < model.wMin - 1e-6 || wMax > model.wMax + 1e-6) {
      warnings.push(
        `${run.engine}: w reached ${fmt(wMin)}…${fmt(wMax)}, outside the model's [${model.wMin}, ${model.wMax}]: ` +
          `${model.name} is driven beyond its validity (a lower --amplitude${model.name === "strachan-taox" ? ", or strachan-taox-smooth" : ""}), so the results and the engines' agreement are not trustworthy`,
      );
    }
    (summary.engines as Record<string, unknown>)[run.engine] = {
      points: run.t.length,
      wFinal: run.w[run.w.length - 1],
      wMin,
      wMax,
      iMaxAbs: run.i.reduce((a, b) => Math.max(a, Math.abs(b)), 0),
      loopArea: area,
      wallTimeMs: run.wallTimeMs,
      ...run.info,
    };
    rows.push([
      run.engine,
      String(run.t.length),
      fmt(run.w[run.w.length - 1]),
      `${fmt(wMin)}…${fmt(wMax)}`,
      fmt(area.absolute),
      `${(run.wallTimeMs / 1000).toFixed(2)} s`,
    ]);
    figures.push({
      file: `iv-${run.engine}.svg`,
      title: "",
      caption: "",
      svg: plotIvLoop({
        title: `${model.name}: ${f.amplitude} V, ${f.frequency} Hz (${run.engine})`,
        v: run.v,
        i: run.i,
        w: run.w,
        t: run.t,
        timeUnit: "s",
      }),
    });
  }
  const lines = [
    `${model.name} driven by ${f.amplitude} V·sin(2π·${f.frequency} Hz·t) for ${f.duration} s from w(0) = ${f.w0}`,
    formatTable(["engine", "points", "w(end)", "w range", "loop area [W]", "time"], rows),
  ];
  if (runs.length === 2) {
    const [ng, cs] = runs;
    let dw = 0;
    let di = 0;
    let iScale = 0;
    for (let k = 0; k < ng.t.length; k++) {
      dw = Math.max(dw, Math.abs(ng.w[k] - cs.w[k]));
      di = Math.max(di, Math.abs(ng.i[k] - cs.i[k]));
      iScale = Math.max(iScale, Math.abs(cs.i[k]));
    }
    summary.agreement = {
      maxAbsW: dw,
      maxAbsI: di,
      maxAbsIRelative: iScale > 0 ? di / iScale : di,
    };
    lines.push(
      `agreement (ngspice − cellspice on ngspice's ${ng.t.length} points): max |Δw| = ${fmt(dw)}, max |Δi| = ${fmt(di)} A (${fmt(iScale > 0 ? di / iScale : di)} of max |i|)`,
    );
    figures.push({
      file: "w.svg",
      title: "",
      caption: "",
      svg: plotWaveforms({
        title: `${model.name}: memristor state w(t)`,
        xLabel: "time t",
        yLabel: "memristor state w",
        xUnit: "s",
        yUnit: "",
        series: [
          { label: "cellspice", t: cs.t, y: cs.w },
          { label: "ngspice", t: ng.t, y: ng.w, style: "dashed" },
        ],
        difference: { label: "Δw", t: ng.t, y: ng.w.map((v, k) => v - cs.w[k]) },
      }),
    });
  }
  const written = await writeFigures(dir, figures);
  await writeOutput(join(dir, "memristor.json"), `${JSON.stringify(summary, null, 2)}\n`);
  lines.push(...warnings.map((w) => `warning: ${w}`));
  lines.push(
    `wrote ${f.outDir}: memristor.json, ${runs.map((r) => `drive-${r.engine}.csv/.json`).join(", ")}, ${written.length} SVG figure(s)`,
  );
  return lines;
}

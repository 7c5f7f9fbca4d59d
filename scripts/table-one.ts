/**
 * Table I at this scale (issue 13, docs/reproduction.md): FID, KID and classifier agreement of
 * each fixture, over several sampling seeds, each from `cellspice sample … --fid` as a user runs
 * it (the built CLI, a child process). Resumable: a (case, seed) already in the rows file for
 * the same weights (the sha256 of the fixture's model.safetensors) is skipped, so an interrupted
 * run goes on where it stopped and a retrained fixture is run again, not mistaken for the old.
 *
 *     npm run build
 *     npx tsx scripts/table-one.ts run [--cases conv-mnist:trained:float32,…] [--seeds 0,1,2] \
 *         [--per-class 100] [--steps 25] [--w 2] [--rows docs/reproduction/table-one.jsonl] \
 *         [--rtol 1e-4 --atol 1e-6] [--threads 2]
 *     npx tsx scripts/table-one.ts table [--rows …]
 *
 * A case is FIXTURE:ENGINE:PRECISION, FIXTURE a directory under test/fixtures/models (or a path),
 * ENGINE `trained` or `cell`. `--rtol`/`--atol` (cell cases only; the CLI's defaults 1e-6 / 1e-8
 * otherwise) are part of what a row is: a row at other tolerances is not the same run, and
 * `table` gives it a line of its own. `--threads` only changes the time. Each run writes its outputs under out/table-one/ and appends one
 * JSON row (the case, seed, n, agreement, FID, KID, timing, commit, command) to the rows file.
 * `table` prints the Markdown table: per case and weights the mean over seeds with its 95 %
 * Student-t interval (hardwareStats.meanInterval).
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { benchEnvironment, loadAverage } from "../src/bench/environment.js";
import { meanInterval } from "../src/report/hardwareStats.js";
import { exportWeightsSha256 } from "../src/trained/exportDir.js";

const root = join(import.meta.dirname, "..");
const cli = join(root, "dist/src/cli/main.js");
const DEFAULT_ROWS = "docs/reproduction/table-one.jsonl";

interface Row {
  readonly case: string;
  readonly fixture: string;
  readonly nFeat: number;
  /** sha256 of the fixture's model.safetensors: which weights the row was drawn from. */
  readonly weightsSha256: string;
  readonly engine: string;
  readonly precision: string;
  /** The cell engine's tolerances (null for the trained engine; absent in rows written before). */
  readonly rtol?: number | null;
  readonly atol?: number | null;
  readonly seed: number;
  readonly n: number;
  readonly steps: number;
  readonly w: number;
  readonly agreement: number;
  readonly fid: number;
  readonly kid: number;
  readonly kidSd: number;
  readonly msPerImageForward: number;
  readonly sampleS: number;
}

function readRows(path: string): Row[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Row);
}

/** Rows written before tolerances were recorded ran the cell engine at the CLI's defaults. */
function defaultRtol(engine: string): number | null {
  return engine === "cell" ? 1e-6 : null;
}

function defaultAtol(engine: string): number | null {
  return engine === "cell" ? 1e-8 : null;
}

function engineLabel(r: Row): string {
  const rtol = r.rtol ?? defaultRtol(r.engine);
  return rtol === null
    ? r.engine
    : `${r.engine} (rtol ${rtol.toExponential()}, atol ${(r.atol ?? defaultAtol(r.engine) ?? 0).toExponential()})`;
}

function parseCase(text: string): { fixture: string; engine: string; precision: string } {
  const [fixture, engine = "trained", precision = "float32"] = text.split(":");
  if (
    !fixture ||
    !["trained", "cell"].includes(engine) ||
    !["float32", "float64"].includes(precision)
  )
    throw new Error(
      `--cases: "${text}" is not FIXTURE:ENGINE:PRECISION (ENGINE trained | cell, PRECISION float32 | float64)`,
    );
  return { fixture, engine, precision };
}

/** Runs the CLI; a signal to this script stops the child too, and nothing is left running. */
function runCli(args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    const stop = (signal: NodeJS.Signals) => {
      child.kill(signal);
      process.exitCode = 130;
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      if (code === 0) resolvePromise();
      else reject(new Error(`cellspice ${args.join(" ")}: exit ${code ?? signal}`));
    });
  });
}

const program = new Command("table-one");

program
  .command("run")
  .option(
    "--cases <list>",
    "FIXTURE:ENGINE:PRECISION, comma-separated",
    "conv-mnist:trained:float32,cellnn-mnist:trained:float32",
  )
  .option("--seeds <list>", "sampling seeds", "0,1,2")
  .option("--per-class <n>", "samples per class (10 classes)", "100")
  .option("--steps <n>", "DDIM steps", "25")
  .option("--w <w>", "guidance weight", "2")
  .option("--batch <n>", "samples per network batch", "50")
  .option("--data <dir>", "MNIST directory", join(root, "../shared/datasets/mnist"))
  .option("--rows <file>", "rows file (JSONL)", DEFAULT_ROWS)
  .option("--rtol <r>", "cell cases: relative tolerance (default: the CLI's, 1e-6)")
  .option("--atol <a>", "cell cases: absolute tolerance (default: the CLI's, 1e-8)")
  .option("--threads <n>", "worker threads for each sample run (the CLI's --threads)")
  .action(
    async (o: {
      cases: string;
      seeds: string;
      perClass: string;
      steps: string;
      w: string;
      batch: string;
      data: string;
      rows: string;
      rtol?: string;
      atol?: string;
      threads?: string;
    }) => {
      if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
      const env = benchEnvironment(
        `npx tsx scripts/table-one.ts run ${process.argv.slice(3).join(" ")}`,
      );
      const seeds = o.seeds.split(",").map(Number);
      const perClass = Number(o.perClass);
      const steps = Number(o.steps);
      const w = Number(o.w);
      const cellRtol = o.rtol === undefined ? 1e-6 : Number(o.rtol);
      const cellAtol = o.atol === undefined ? 1e-8 : Number(o.atol);
      if (!(cellRtol > 0 && cellRtol < 1) || !(cellAtol > 0))
        throw new Error(
          `--rtol ${o.rtol} / --atol ${o.atol}: give numbers, 0 < rtol < 1, atol > 0`,
        );
      for (const text of o.cases.split(",")) {
        const { fixture, engine, precision } = parseCase(text);
        const rtol = engine === "cell" ? cellRtol : null;
        const atol = engine === "cell" ? cellAtol : null;
        const modelDir = existsSync(fixture)
          ? fixture
          : join(root, "test/fixtures/models", fixture);
        const weightsSha256 = exportWeightsSha256(modelDir);
        for (const seed of seeds) {
          const done = readRows(o.rows).some(
            (r) =>
              r.case === text &&
              r.weightsSha256 === weightsSha256 &&
              r.seed === seed &&
              r.n === 10 * perClass &&
              r.steps === steps &&
              r.w === w &&
              (r.rtol ?? defaultRtol(r.engine)) === rtol &&
              (r.atol ?? defaultAtol(r.engine)) === atol,
          );
          if (done) continue;
          const tolTag = rtol === null ? "" : `-rtol${rtol}`;
          const outDir = join(
            root,
            "out/table-one",
            `${text.replaceAll(":", "-")}${tolTag}-s${seed}`,
          );
          const started = new Date().toISOString();
          const load0 = loadAverage();
          await runCli([
            "sample",
            modelDir,
            "--classes",
            "0-9",
            "--per-class",
            String(perClass),
            "--steps",
            String(steps),
            "--w",
            String(w),
            "--engine",
            engine,
            "--precision",
            precision,
            "--seed",
            String(seed),
            "--batch",
            o.batch,
            "--fid",
            "--data",
            o.data,
            "--out-dir",
            outDir,
            ...(rtol === null ? [] : ["--rtol", String(rtol), "--atol", String(atol)]),
            ...(o.threads === undefined ? [] : ["--threads", o.threads]),
          ]);
          const summary = JSON.parse(readFileSync(join(outDir, "summary.json"), "utf8"));
          const set = summary.sets[0];
          const row = {
            case: text,
            fixture,
            backbone: summary.model.backbone,
            nFeat: summary.model.nFeat,
            weightsSha256,
            engine,
            precision,
            rtol,
            atol,
            seed,
            n: summary.settings.n,
            steps,
            w,
            agreement: set.scores.agreement.fraction,
            fid: set.scores.fid,
            kid: set.scores.kid.mean,
            kidSd: set.scores.kid.std,
            msPerImageForward: set.timing.msPerImageForward,
            sampleS: set.timing.sampleS,
            fidReference: summary.fidReference,
            started,
            load: [load0, loadAverage()],
            ...env,
          };
          appendFileSync(o.rows, `${JSON.stringify(row)}\n`);
          process.stdout.write(
            `${text} seed ${seed}: agreement ${(100 * row.agreement).toFixed(1)} %, FID ${row.fid.toFixed(2)}, KID ${row.kid.toFixed(4)}\n`,
          );
        }
      }
    },
  );

program
  .command("table")
  .option("--rows <file>", "rows file (JSONL)", DEFAULT_ROWS)
  .action((o: { rows: string }) => {
    const rows = readRows(o.rows);
    const key = (r: Row) =>
      `${r.case} ${r.weightsSha256} ${r.rtol ?? defaultRtol(r.engine)} ${r.atol ?? defaultAtol(r.engine)}`;
    const cases = [...new Set(rows.map(key))];
    const show = (values: number[], digits: number, scale = 1) => {
      const { mean, lo, hi } = meanInterval(values.map((v) => v * scale));
      return Number.isFinite(lo)
        ? `${mean.toFixed(digits)} [${lo.toFixed(digits)}, ${hi.toFixed(digits)}]`
        : mean.toFixed(digits);
    };
    process.stdout.write(
      "| fixture | n_feat | weights sha256 | engine | precision | samples × seeds | FID | KID (LeNet-5 feature units) | agreement [%] | ms / image-forward |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (const c of cases) {
      const rs = rows.filter((r) => key(r) === c);
      const r0 = rs[0];
      process.stdout.write(
        `| ${r0.fixture} | ${r0.nFeat} | ${r0.weightsSha256.slice(0, 8)}… | ${engineLabel(r0)} | ${r0.precision} | ${r0.n} × ${rs.length} (seeds ${rs.map((r) => r.seed).join(", ")}) | ${show(
          rs.map((r) => r.fid),
          2,
        )} | ${show(
          rs.map((r) => r.kid),
          2,
        )} | ${show(
          rs.map((r) => r.agreement),
          1,
          100,
        )} | ${show(
          rs.map((r) => r.msPerImageForward),
          1,
        )} |\n`,
      );
    }
  });

await program.parseAsync();

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArrayJson } from "../../src/cells/io.js";
import { buildOnce, cli, MAIN, ROOT } from "./cli.js";

const SQUARE = ["......", ".####.", ".####.", ".####.", ".####.", "......"].join("\n");
let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cellspice-cli-"));
  writeFileSync(at("square.txt"), `${SQUARE}\n`);
  await buildOnce();
  const r = await cli([
    "templates",
    "edge",
    "--image",
    at("square.txt"),
    "--T",
    "2",
    "-o",
    at("edge.json"),
  ]);
  expect(r.code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("cellspice --help, --version and usage errors", () => {
  it("--help lists every command and the exit codes", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of [
      "netlist",
      "simulate",
      "cosim",
      "plot",
      "templates",
      "models",
      "memristor",
      "demo",
    ]) {
      expect(r.stdout).toContain(c);
    }
    expect(r.stdout).toContain("Exit codes");
  });

  it("<command> --help explains its options with units and the global flags", async () => {
    for (const c of [
      "netlist",
      "simulate",
      "cosim",
      "plot",
      "templates",
      "models",
      "memristor",
      "demo",
    ]) {
      const r = await cli([c, "--help"]);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Usage: cellspice ${c}`);
      expect(r.stdout, c).toContain("--quiet");
    }
    const cosim = await cli(["cosim", "--help"]);
    expect(cosim.stdout).toMatch(/--T <tau>\s+transient length in units of τ/);
    expect(cosim.stdout).toMatch(
      /--max-step <tau>\s+ngspice's largest internal time step in units of τ/,
    );
  });

  it("docs/cli.md has a section for every command and mentions each of its options", async () => {
    const doc = readFileSync(join(ROOT, "docs/cli.md"), "utf8");
    for (const c of [
      "netlist",
      "simulate",
      "cosim",
      "plot",
      "templates",
      "models",
      "memristor",
      "demo",
    ]) {
      expect(doc, c).toContain(`## \`cellspice ${c}\``);
      const help = (await cli([c, "--help"])).stdout;
      for (const option of new Set(help.match(/--[a-z][a-z-]*|--T\b|--D\b/g))) {
        expect(doc, `${c} ${option}`).toContain(option);
      }
    }
  });

  it("--version prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const r = await cli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("wrong arguments print usage help on stderr and exit 2", async () => {
    const cases = [
      [],
      ["bogus"],
      ["cosim"],
      ["simulate", at("edge.json"), "--engine", "spectre"],
      ["simulate", at("edge.json"), "--T", "abc"],
      ["plot", at("edge.json")],
      ["simulate", at("edge.json"), "--method", "rk4"],
      ["simulate", at("edge.json"), "--precision", "float16"],
      ["simulate", at("edge.json"), "--engine", "ngspice", "--precision", "float32"],
    ];
    for (const args of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain("Usage: cellspice");
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });

  it("refuses to overwrite the input file (exit 2) and leaves it unchanged", async () => {
    const before = readFileSync(at("edge.json"), "utf8");
    const r = await cli(["netlist", at("edge.json"), "-o", at("edge.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to overwrite the input file");
    expect(readFileSync(at("edge.json"), "utf8")).toBe(before);
  });
});

describe("cellspice invalid input and failures", () => {
  it("an invalid array file exits 3 naming the field and what is valid, without a stack trace", async () => {
    const doc = JSON.parse(readFileSync(at("edge.json"), "utf8"));
    doc.templates.B = [
      [1, 2],
      [3, 4],
    ];
    writeFileSync(at("bad.json"), JSON.stringify(doc));
    const r = await cli(["cosim", at("bad.json")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("field: templates.B");
    expect(r.stderr).toContain("valid: an odd size");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const debug = await cli(["simulate", at("bad.json"), "--debug"]);
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("a missing file or malformed JSON exits 3", async () => {
    expect((await cli(["simulate", at("missing.json")])).code).toBe(3);
    writeFileSync(at("broken.json"), '{"rows": 3');
    const r = await cli(["netlist", at("broken.json")]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("malformed JSON");
  });

  it("simulate --precision float32: the same waveforms to float32's accuracy, recorded as float32", async () => {
    const run = async (extra: string[], out: string) => {
      const r = await cli(["simulate", at("edge.json"), "--points", "20", "-o", at(out), ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(readFileSync(at(out), "utf8"));
    };
    const f64 = await run([], "edge64.json");
    const f32 = await run(["--precision", "float32"], "edge32.json");
    expect(f32.info.precision).toBe("float32");
    expect(f64.info.precision).toBe("float64");
    let apart = 0;
    for (const [name, v] of Object.entries(f64.signals as Record<string, number[]>))
      for (let k = 0; k < v.length; k++)
        apart = Math.max(apart, Math.abs(v[k] - f32.signals[name][k]));
    expect(apart).toBeGreaterThan(0);
    expect(apart).toBeLessThan(1e-5);
  });

  it("a solver failure exits 4 with its class and details", async () => {
    const r = await cli([
      "simulate",
      at("edge.json"),
      "--method",
      "euler",
      "--dt",
      "10",
      "--T",
      "5000",
      "-o",
      at("never.csv"),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("SolverError");
    expect(r.stderr).toContain("non-finite-state");
    expect(existsSync(at("never.csv"))).toBe(false);
  });

  it("SIGINT during an ngspice run stops ngspice and exits 130", async () => {
    const child = spawn(
      process.execPath,
      [MAIN, "cosim", at("edge.json"), "--T", "1000", "--out-dir", at("never")],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    const code = await new Promise<number | null>((done) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("running ngspice")) setTimeout(() => child.kill("SIGINT"), 500);
      });
      child.on("close", (c) => done(c));
    });
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted by SIGINT");
    expect(existsSync(at("never/report.html"))).toBe(false);
  });

  it("without ngspice, an ngspice command exits 5 with an install hint", async () => {
    const r = await cli(["simulate", at("edge.json"), "--engine", "ngspice"], {
      env: { CELLSPICE_NGSPICE: join(dir, "no-ngspice") },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("apt-get install ngspice");
  });
});

describe("cellspice templates, models, netlist", () => {
  it("templates lists the classic library as a table and as JSON", async () => {
    const text = await cli(["templates"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/edge\s+Edge detection\s+fixed y=0 u=-1\s+zero\s+5 τ/);
    const json = await cli(["templates", "--json"]);
    const list = JSON.parse(json.stdout) as { name: string; settleTime: number; source: string }[];
    expect(list.map((t) => t.name)).toContain("hole-fill");
    expect(list.every((t) => t.settleTime > 0 && t.source.length > 0)).toBe(true);
  });

  it("templates <name> --image writes an array file that loads, from text and PBM images", async () => {
    const { array, simulation } = parseArrayJson(readFileSync(at("edge.json"), "utf8"));
    expect([array.rows, array.cols, array.name]).toEqual([6, 6, "edge"]);
    expect(array.input[7]).toBe(1);
    expect(array.input[0]).toBe(-1);
    expect(simulation.T).toBe(2);
    writeFileSync(
      at("square.pbm"),
      "P1\n# square\n6 6\n000000\n011110\n011110\n011110\n011110\n000000\n",
    );
    const r = await cli([
      "templates",
      "corner",
      "--image",
      at("square.pbm"),
      "--memristor",
      "strachan-taox",
      "--vs",
      "200mV",
      "-o",
      at("corner.json"),
    ]);
    expect(r.code).toBe(0);
    const m = parseArrayJson(readFileSync(at("corner.json"), "utf8")).array;
    expect(Array.from(m.input)).toEqual(Array.from(array.input));
    expect(m.memristor?.model.name).toBe("strachan-taox");
    expect(m.scales.Vs).toBe(0.2);
  });

  it("models lists each model's parameters with unit, default and range", async () => {
    const r = await cli(["models"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("strachan-taox-smooth");
    expect(r.stdout).toMatch(/G_m\s+S\s+0\.025\s+\(0, 1\] S/);
    const json = JSON.parse((await cli(["models", "--json"])).stdout) as {
      name: string;
      params: { name: string }[];
    }[];
    expect(json[0].params.map((p) => p.name)).toContain("sigma_p");
  });

  it("netlist writes the array's netlist to stdout or a file", async () => {
    const r = await cli(["netlist", at("edge.json"), "--max-step", "1e-2", "--T", "3"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("cx_0_0_0 x_0_0_0 0");
    expect(r.stdout).toMatch(/^\.tran 3e-5 3e-3 0 1e-5 uic$/m);
    const f = await cli([
      "netlist",
      at("edge.json"),
      "--template-form",
      "behavioral",
      "-o",
      at("out/edge.cir"),
    ]);
    expect(f.code).toBe(0);
    expect(readFileSync(at("out/edge.cir"), "utf8")).toContain("bx_0_2_2 0 x_0_2_2 i=");
  });
});

describe("cellspice simulate and plot", () => {
  it("simulate --engine ts writes CSV with a t,x_… header and JSON", async () => {
    const r = await cli(["simulate", at("edge.json"), "--points", "20", "-o", at("edge.csv")]);
    expect(r.code).toBe(0);
    const lines = readFileSync(at("edge.csv"), "utf8").trim().split("\n");
    expect(lines[0].startsWith("t,x_0_0_0,x_0_0_1,")).toBe(true);
    expect(lines[0].split(",")).toHaveLength(37);
    expect(lines).toHaveLength(22);
    expect(Number(lines[21].split(",")[0])).toBe(2);
    const j = await cli([
      "simulate",
      at("edge.json"),
      "--method",
      "rk4",
      "--dt",
      "0.01",
      "--format",
      "json",
      "-q",
    ]);
    expect(j.stderr).toBe("");
    const doc = JSON.parse(j.stdout) as {
      format: string;
      t: number[];
      signals: Record<string, number[]>;
    };
    expect(doc.format).toBe("cellspice-waveforms");
    expect(doc.signals.x_0_5_5).toHaveLength(doc.t.length);
  });

  it("simulate --engine ngspice agrees with the ts engine at T and reports progress on stderr", async () => {
    const r = await cli([
      "simulate",
      at("edge.json"),
      "--engine",
      "ngspice",
      "-o",
      at("edge-ng.json"),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("running ngspice (36 cells");
    const ng = JSON.parse(readFileSync(at("edge-ng.json"), "utf8")) as {
      t: number[];
      signals: Record<string, number[]>;
    };
    const ts = readFileSync(at("edge.csv"), "utf8").trim().split("\n");
    const last = ts[ts.length - 1].split(",").map(Number);
    expect(ng.t[ng.t.length - 1]).toBeCloseTo(2, 9);
    const x = ng.signals.x_0_1_1;
    expect(Math.abs(x[x.length - 1] - last[1 + 7])).toBeLessThan(1e-4);
  });

  it("plot draws chosen cells of a waveform file as SVG", async () => {
    const r = await cli(["plot", at("edge.csv"), "--cells", "0,7,14", "-o", at("edge.svg")]);
    expect(r.code).toBe(0);
    const svg = readFileSync(at("edge.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/class="series"/g)).toHaveLength(3);
    expect(svg).toContain('data-label="x_0_1_1"');
    const bad = await cli(["plot", at("edge.csv"), "--cells", "99", "-o", at("never.svg")]);
    expect(bad.code).toBe(3);
  });
});

describe("cellspice cosim, memristor, demo", () => {
  it("cosim on a classic template passes (exit 0) and writes report.html, cosim.json and figures", async () => {
    const out = at("cosim-edge");
    const r = await cli(["cosim", at("edge.json"), "--out-dir", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/edge: 1×6×6 cells, T = 2 τ, \d+ time points: PASS/);
    const summary = JSON.parse(readFileSync(join(out, "cosim.json"), "utf8")) as {
      verdict: { pass: boolean };
    };
    expect(summary.verdict.pass).toBe(true);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("PASS");
    for (const f of ["circuit.cir", "waveforms.svg", "images.svg", "error-map.svg"])
      expect(existsSync(join(out, f)), f).toBe(true);
  });

  it("cosim exits 1 when a tolerance fails", async () => {
    const r = await cli([
      "cosim",
      at("edge.json"),
      "--T",
      "0.5",
      "--max-abs",
      "1e-12",
      "--out-dir",
      at("cosim-tight"),
      "-q",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/max \|Δx\|\s+\S+\s+1\.00e-12\s+FAIL/);
    expect(r.stderr).toBe("");
  });

  it("memristor runs the i–v sweep in both engines and writes CSV, JSON and SVG", async () => {
    const out = at("mem");
    const r = await cli([
      "memristor",
      "--model",
      "strachan-taox-smooth",
      "--amplitude",
      "0.45",
      "--frequency",
      "3",
      "--duration",
      "0.4",
      "--engine",
      "both",
      "--out-dir",
      out,
    ]);
    expect(r.code).toBe(0);
    const s = JSON.parse(readFileSync(join(out, "memristor.json"), "utf8")) as {
      engines: Record<string, { wMax: number }>;
      agreement: { maxAbsW: number };
    };
    expect(s.engines.cellspice.wMax).toBeGreaterThan(0.3); // the ON switch at the first positive peak
    expect(s.agreement.maxAbsW).toBeLessThan(1e-2);
    const csv = readFileSync(join(out, "drive-cellspice.csv"), "utf8");
    expect(csv.startsWith("t,v,i,w\n")).toBe(true);
    for (const f of ["drive-ngspice.json", "iv-cellspice.svg", "iv-ngspice.svg", "w.svg"])
      expect(existsSync(join(out, f)), f).toBe(true);
    const p = await cli(["plot", join(out, "drive-ngspice.json"), "-o", at("iv.svg")]);
    expect(p.code).toBe(0);
    expect(readFileSync(at("iv.svg"), "utf8")).toContain('class="iv-segment"');
  });

  it("demo co-simulates a CellNN and an M-CellNN end to end and writes both reports", async () => {
    const out = at("demo");
    const r = await cli(["demo", "--out-dir", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/: PASS/g)).toHaveLength(2);
    expect(r.stderr).toContain("running ngspice (256 cells)");
    for (const d of ["edge", "m-cellnn"]) {
      for (const f of ["array.json", "cosim.json", "report.html", "circuit.cir", "waveforms.svg"]) {
        expect(existsSync(join(out, d, f)), `${d}/${f}`).toBe(true);
      }
    }
    expect(existsSync(join(out, "m-cellnn", "memristor-iv.svg"))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as {
      pass: boolean;
      cases: unknown[];
    };
    expect(summary.pass).toBe(true);
    expect(summary.cases).toHaveLength(2);
  });
});

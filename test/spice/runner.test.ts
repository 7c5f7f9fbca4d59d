import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConvergenceError,
  IncompleteRunError,
  InvalidResultError,
  MissingVectorError,
  NetlistSyntaxError,
  NgspiceError,
  NgspiceNotFoundError,
  RawFileError,
  SingularMatrixError,
  SpiceAbortedError,
  SpiceKilledError,
  SpiceTimeoutError,
} from "../../src/spice/errors.js";
import { runNgspice } from "../../src/spice/runner.js";
import { ngspiceVersion } from "../../src/spice/version.js";
import { BLOW_UP, LONG_RUN, rcNetlist } from "./netlists.js";

/** Runs `run` and returns what it threw, checking the class. */
async function failure<E extends Error>(
  kind: abstract new (...args: never[]) => E,
  run: Promise<unknown>,
): Promise<E> {
  try {
    await run;
  } catch (e) {
    expect(e).toBeInstanceOf(kind);
    expect(e).toBeInstanceOf(NgspiceError);
    return e as E;
  }
  throw new Error(`expected a ${kind.name}`);
}

async function gone(path: string): Promise<boolean> {
  return access(path).then(
    () => false,
    () => true,
  );
}

/** Whether any process's command line mentions `text` (pgrep -f exits 1 when none does). */
async function processesMentioning(text: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)("pgrep", ["-f", text]);
    return stdout.trim();
  } catch {
    return "";
  }
}

describe("runNgspice(netlist, options) on good netlists", () => {
  it("runNgspice(rc) returns the checked transient, version and timing; its directory is removed", async () => {
    let workDir = "";
    const result = await runNgspice(rcNetlist(), {
      expectVectors: ["time", "v(x)", "in", "i(v1)"],
      tstop: 5e-3,
      onSpawn: (info) => {
        workDir = info.workDir;
      },
    });
    expect(result.version).toMatch(/^\d+/);
    expect(result.version).toBe(await ngspiceVersion());
    expect(result.wallTimeMs).toBeGreaterThan(0);
    expect(result.plot.plotname).toBe("Transient Analysis");
    expect(result.raw.plots.length).toBe(2);
    expect(result.warnings).toEqual([]);
    expect(result.rawPath).toBeUndefined();
    const v = result.plot.vector("x");
    const t = result.plot.time!;
    const k = t.findIndex((x) => x >= 1e-3);
    expect(v[k]).toBeCloseTo(1 - Math.exp(-t[k] / 1e-3), 5);
    expect(workDir).toMatch(/cellspice-ngspice-/);
    expect(await gone(workDir)).toBe(true);
  });

  it("runNgspice(netlist, {plot}) checks the named plot", async () => {
    const result = await runNgspice(rcNetlist(), { plot: "operating", expectVectors: ["v(x)"] });
    expect(result.plot.plotname).toBe("Operating Point");
    expect(result.plot.points).toBe(1);
  });

  it("4 runNgspice calls in parallel each return their own results", async () => {
    const resistances = [1e3, 2e3, 4e3, 8e3];
    const results = await Promise.all(
      resistances.map((r) => runNgspice(rcNetlist({ r, title: `rc ${r}` }), { tstop: 5e-3 })),
    );
    results.forEach((result, k) => {
      const tau = resistances[k] * 1e-6;
      expect(result.raw.plots[0].title).toBe(`rc ${resistances[k]}`);
      const t = result.plot.time!;
      const v = result.plot.vector("x");
      let worst = 0;
      for (let p = 0; p < t.length; p++) {
        worst = Math.max(worst, Math.abs(v[p] - (1 - Math.exp(-t[p] / tau))));
      }
      expect(worst).toBeLessThan(1e-5);
    });
  });

  it("runNgspice(netlist, {maxOutputBytes}) keeps only the last bytes of stdout", async () => {
    const result = await runNgspice(rcNetlist(), { maxOutputBytes: 64 });
    expect(result.stdout.length).toBeLessThanOrEqual(64);
    expect(result.stdout.length).toBeGreaterThan(0);
  });
});

describe("runNgspice(netlist, options) classifies failures", () => {
  it("an element without a model → NetlistSyntaxError with ngspice's message and the line", async () => {
    const netlist = [
      "bad element",
      "V1 in 0 DC 1",
      "R1 in x 1k",
      "Q1 x",
      ".tran 1e-5 1e-3",
      ".end",
    ];
    const e = await failure(NetlistSyntaxError, runNgspice(netlist.join("\n")));
    expect(e.ngspiceMessage).toBe("could not find a valid modelname");
    expect(e.line).toBe(4);
    expect(e.lineText).toBe("Q1 x");
  });

  it("an unknown subcircuit → NetlistSyntaxError naming its line", async () => {
    const netlist = ["bad subckt", "V1 in 0 DC 1", "R1 in x 1k", "X1 x 0 nosuch", ".op", ".end"];
    const e = await failure(NetlistSyntaxError, runNgspice(netlist.join("\n")));
    expect(e.ngspiceMessage).toMatch(/unknown subckt: x1 x 0 nosuch/);
    expect(e.line).toBe(4);
  });

  it("a broken B-source expression → NetlistSyntaxError", async () => {
    const netlist = ["bad expr", "V1 in 0 DC 1", "R1 in x 1k", "B1 x 0 V=v(in)*(", ".op", ".end"];
    const e = await failure(NetlistSyntaxError, runNgspice(netlist.join("\n")));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/syntax error/);
  });

  it("a solution that blows up at t = 1 → ConvergenceError with the time reached", async () => {
    const e = await failure(ConvergenceError, runNgspice(BLOW_UP, { tstop: 2 }));
    expect(e.time).toBeGreaterThan(0.99);
    expect(e.time).toBeLessThan(1);
    expect(e.node).toBe("x");
    expect(e.message).toMatch(/Timestep too small/);
  });

  it("sqrt of a negative voltage → ConvergenceError at t = 0 naming the cause", async () => {
    const netlist = ["sqrt", "C1 x 0 1", "R1 x 0 1", "B1 0 x I=sqrt(v(x)-2)", ".tran 1e-3 1 uic"];
    const e = await failure(ConvergenceError, runNgspice(netlist.join("\n")));
    expect(e.time).toBe(0);
    expect(e.details.causes).toEqual(["Error: -2 out of range for sqrt"]);
  });

  it("a capacitor-only node → SingularMatrixError although ngspice exits 0", async () => {
    const netlist = ["cap only", "V1 in 0 DC 1", "C1 in x 1u", "C2 x 0 1u", ".tran 1e-5 1e-3"];
    const e = await failure(SingularMatrixError, runNgspice(netlist.join("\n")));
    expect(e.nodes).toEqual(["x"]);
    expect(e.details.exitCode).toBe(0);
  });

  it("a resistor-only island → SingularMatrixError", async () => {
    const netlist = ["island", "V1 in 0 DC 1", "R1 in 0 1k", "R2 a b 1k", ".op"];
    const e = await failure(SingularMatrixError, runNgspice(netlist.join("\n")));
    expect(e.nodes).toEqual(["a"]);
  });

  it("a .save of an unknown vector → MissingVectorError when it is expected", async () => {
    const netlist = rcNetlist().replace(".save v(x)", ".save v(x) v(nothere)");
    const e = await failure(
      MissingVectorError,
      runNgspice(netlist, { expectVectors: ["v(x)", "v(nothere)"] }),
    );
    expect(e.missing).toEqual(["v(nothere)"]);
    expect(e.message).toMatch(/silently drops/);
  });

  it("results that end before the expected tstop → IncompleteRunError", async () => {
    const e = await failure(IncompleteRunError, runNgspice(rcNetlist(), { tstop: 6e-3 }));
    expect(e.tEnd).toBe(5e-3);
  });

  it("a netlist without an analysis → RawFileError (ngspice exits 0 and writes nothing)", async () => {
    const e = await failure(RawFileError, runNgspice("no analysis\nV1 a 0 1\nR1 a 0 1k\n.end"));
    expect(e.problem).toMatch(/no raw file/);
  });
});

describe("runNgspice(netlist, options) ends runs it does not want", () => {
  let workDir = "";
  const onSpawn = (info: { workDir: string }) => {
    workDir = info.workDir;
  };

  afterEach(async () => {
    expect(workDir).not.toBe("");
    expect(await processesMentioning(workDir)).toBe("");
    expect(await gone(workDir)).toBe(true);
    workDir = "";
  });

  it("a run past its timeout → SpiceTimeoutError; no ngspice left, directory removed", async () => {
    const e = await failure(SpiceTimeoutError, runNgspice(LONG_RUN, { timeoutMs: 300, onSpawn }));
    expect(e.timeoutMs).toBe(300);
  });

  it("an aborted AbortSignal → SpiceAbortedError; no ngspice left", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("test abort"), 300);
    const e = await failure(
      SpiceAbortedError,
      runNgspice(LONG_RUN, { signal: controller.signal, onSpawn }),
    );
    expect(e.message).toMatch(/test abort/);
  });

  it("ngspice killed by someone else → SpiceKilledError with the signal", async () => {
    const run = runNgspice(LONG_RUN, {
      onSpawn: (info) => {
        onSpawn(info);
        setTimeout(() => process.kill(info.pid, "SIGTERM"), 300);
      },
    });
    const e = await failure(SpiceKilledError, run);
    expect(e.signal).toBe("SIGTERM");
  });
});

describe("runNgspice(netlist, options) without ngspice", () => {
  const saved = process.env.CELLSPICE_NGSPICE;
  afterEach(() => {
    if (saved === undefined) delete process.env.CELLSPICE_NGSPICE;
    else process.env.CELLSPICE_NGSPICE = saved;
  });

  it("CELLSPICE_NGSPICE=/nonexistent → NgspiceNotFoundError with the install hint", async () => {
    process.env.CELLSPICE_NGSPICE = "/nonexistent";
    const e = await failure(NgspiceNotFoundError, runNgspice(rcNetlist()));
    expect(e.executable).toBe("/nonexistent");
    expect(e.message).toMatch(/sudo apt-get install ngspice/);
    expect(e.message).toMatch(/brew install ngspice/);
    expect(e.message).toMatch(/CELLSPICE_NGSPICE=/);
  });
});

describe("runNgspice(netlist, options) checks the values", () => {
  it("exp() past its overflow (ngspice silently writes 1e99) → InvalidResultError", async () => {
    const netlist = [
      "overflow",
      "V1 in 0 PWL(0 0 1 300)",
      "B1 y 0 V=exp(v(in))",
      "R1 y 0 1k",
      ".tran 1e-2 1",
    ];
    const e = await failure(InvalidResultError, runNgspice(netlist.join("\n")));
    expect(e.vector).toBe("v(y)");
    expect(e.value).toBeGreaterThanOrEqual(1e90);
    expect(e.time).toBeGreaterThan(0.65);
  });

  it("an AbortSignal aborted before the run → SpiceAbortedError, nothing started", async () => {
    let started = false;
    const e = await failure(
      SpiceAbortedError,
      runNgspice(rcNetlist(), {
        signal: AbortSignal.abort("early"),
        onSpawn: () => {
          started = true;
        },
      }),
    );
    expect(e.message).toMatch(/early/);
    expect(started).toBe(false);
  });
});

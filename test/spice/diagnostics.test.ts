import { describe, expect, it } from "vitest";
import {
  diagnose,
  failureOf,
  NGSPICE_MESSAGE_RULES,
  warningsOf,
} from "../../src/spice/diagnostics.js";
import {
  ConvergenceError,
  NetlistSyntaxError,
  NgspiceFailedError,
  SingularMatrixError,
} from "../../src/spice/errors.js";
import { runNgspice } from "../../src/spice/runner.js";

const NETLIST = ["title", "V1 in 0 DC 1", "R1 in x 1k", "Q1 x", "B1 y 0 V=v(x)*(", ".end"].join(
  "\n",
);

/** stderr recorded from ngspice 39 (batch mode) for each failure class, and what it must give. */
const RECORDED: {
  name: string;
  stderr: string;
  exitCode: number;
  kind: abstract new (...args: never[]) => Error;
  fields: Record<string, unknown>;
}[] = [
  {
    name: "element without model",
    stderr:
      "Error on line 4 or its substitute:\n  q1 x\ncould not find a valid modelname\n" +
      "    Simulation interrupted due to error!\n\nError: circuit not parsed.\n",
    exitCode: 1,
    kind: NetlistSyntaxError,
    fields: { line: 4, lineText: "Q1 x", ngspiceMessage: "could not find a valid modelname" },
  },
  {
    name: "bad expression",
    stderr:
      "\nPTerror: syntax error, parsing stopped at\n    \n\nError on line 5 or its substitute:\n" +
      "  b1 y 0 v= v(x) * (\nparameter value out of range or the wrong type\n",
    exitCode: 1,
    kind: NetlistSyntaxError,
    fields: { line: 5, lineText: "B1 y 0 V=v(x)*(" },
  },
  {
    name: "unknown dot card",
    stderr:
      "Error on line 9 or its substitute:\n  .frobnicate 3\n unimplemented control card - error \n",
    exitCode: 1,
    kind: NetlistSyntaxError,
    fields: {
      line: undefined,
      lineText: ".frobnicate 3",
      ngspiceMessage: "unimplemented control card - error",
    },
  },
  {
    name: "timestep too small",
    stderr:
      'doAnalyses: TRAN:  Timestep too small; time = 0.999708, timestep = 8.48752e-15: trouble with node "x"\n\n\nrun simulation(s) aborted\n',
    exitCode: 1,
    kind: ConvergenceError,
    fields: { time: 0.999708, node: "x" },
  },
  {
    name: "initial timepoint",
    stderr:
      "Error: Transient op failed, timestep too small\n\ndoAnalyses: TRAN:  Timestep too small; initial timepoint: cause unrecorded.\n",
    exitCode: 1,
    kind: ConvergenceError,
    fields: { time: 0 },
  },
  {
    name: "operating point",
    stderr:
      "doAnalyses: OP:  Timestep too small; cause unrecorded.\n\n\nrun simulation(s) aborted\n",
    exitCode: 1,
    kind: ConvergenceError,
    fields: { time: undefined },
  },
  {
    name: "singular matrix (exit 0)",
    stderr:
      "Warning: singular matrix:  check node x\n\nNote: Starting dynamic gmin stepping\n" +
      "Trying gmin =   1.0000E-03 Warning: singular matrix:  check node x\n",
    exitCode: 0,
    kind: SingularMatrixError,
    fields: { nodes: ["x"] },
  },
  {
    name: "voltage-source loop (singular, then aborted)",
    stderr:
      "Warning: singular matrix:  check node v1#branch\n" +
      "doAnalyses: OP:  Timestep too small; cause unrecorded.\nrun simulation(s) aborted\n",
    exitCode: 1,
    kind: SingularMatrixError,
    fields: { nodes: ["v1#branch"] },
  },
  {
    name: "unrecognised non-zero exit",
    stderr: "something odd\n",
    exitCode: 3,
    kind: NgspiceFailedError,
    fields: {},
  },
  {
    name: "error line with exit 0",
    stderr: "Error: something we have not seen\n",
    exitCode: 0,
    kind: NgspiceFailedError,
    fields: {},
  },
];

describe("failureOf(diagnose(stdout, stderr), exitCode, netlist) on recorded ngspice output", () => {
  for (const c of RECORDED) {
    it(`failureOf(…) classifies "${c.name}" as ${c.kind.name}`, () => {
      const e = failureOf(diagnose("", c.stderr), c.exitCode, NETLIST, {});
      expect(e).toBeInstanceOf(c.kind);
      for (const [key, value] of Object.entries(c.fields)) {
        expect((e as unknown as Record<string, unknown>)[key]).toEqual(value);
      }
    });
  }

  it("failureOf(…) does not take the title line for the element ngspice names", () => {
    const netlist = "q1 x as a title\nV1 in 0 1\nQ1 x\n.end";
    const stderr =
      "Error on line 99 or its substitute:\n  q1 x\ncould not find a valid modelname\n";
    const e = failureOf(diagnose("", stderr), 1, netlist, {}) as NetlistSyntaxError;
    expect(e.line).toBe(3);
  });

  it("failureOf(…) finds nothing in a clean run's output", () => {
    const stdout = "Note: No compatibility mode selected!\nCircuit: rc\nNo. of Data Rows : 511\n";
    expect(failureOf(diagnose(stdout, ""), 0, NETLIST, {})).toBeUndefined();
  });

  it("NGSPICE_MESSAGE_RULES gives every rule a distinct name", () => {
    const names = NGSPICE_MESSAGE_RULES.map((r) => r.rule);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("warningsOf(diagnostics)", () => {
  it("warningsOf(…) keeps ngspice's warnings without the gmin-stepping noise", () => {
    const stderr =
      "Warning: r1: resistance to low, set to 1 mOhm\nWarning: Dynamic gmin stepping failed\n" +
      "Trying gmin =   9.9105E-03 Warning: Further gmin increment\n";
    expect(warningsOf(diagnose("", stderr))).toEqual([
      "Warning: r1: resistance to low, set to 1 mOhm",
    ]);
  });

  it("runNgspice(netlist) reports a resistor without value as a warning (ngspice exits 0)", async () => {
    const netlist = ["no value", "V1 in 0 DC 1", "R1 in x", "C1 x 0 1u", ".tran 1e-5 1e-4"];
    const result = await runNgspice(netlist.join("\n"));
    expect(result.warnings).toEqual(["Warning: r1: resistance to low, set to 1 mOhm"]);
  });
});

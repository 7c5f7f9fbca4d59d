import { describe, expect, it } from "vitest";
import { classicArray, classicTemplate } from "../../src/cells/library.js";
import { parseTextImage } from "../../src/cli/images.js";
import { readableJson } from "../../src/cli/json.js";
import {
  arrayTable,
  parseWaveformFile,
  stateColumn,
  toCsv,
  toJson,
} from "../../src/cli/waveformFile.js";
import { simulateTypescript } from "../../src/engines/typescript.js";

describe("waveform files", () => {
  const array = classicArray(classicTemplate("edge"), parseTextImage("....\n.##.\n.##.\n....\n"));
  const tr = simulateTypescript(array, { T: 1, points: 10 });
  const table = arrayTable(array, tr);

  it("arrayTable(array, tr) names the columns x_<c>_<i>_<j> in cell order", () => {
    expect([...table.signals.keys()].slice(0, 3)).toEqual(["x_0_0_0", "x_0_0_1", "x_0_0_2"]);
    expect(stateColumn(array, 5)).toBe("x_0_1_1");
    expect(table.signals.get("x_0_1_1")![10]).toBe(tr.x[10 * 16 + 5]);
  });

  it("toCsv and toJson read back exactly with parseWaveformFile", () => {
    for (const text of [toCsv(table), toJson(table)]) {
      const back = parseWaveformFile(text, "f");
      expect(back.kind).toBe("array");
      expect(back.timeUnit).toBe("tau");
      expect(Array.from(back.t)).toEqual(Array.from(tr.t));
      expect(Array.from(back.signals.get("x_0_3_3")!)).toEqual(
        Array.from(table.signals.get("x_0_3_3")!),
      );
    }
    expect(toCsv(table).split("\n")[0]).toBe(`t,${[...table.signals.keys()].join(",")}`);
  });

  it("parseWaveformFile names the line and column of a bad value", () => {
    expect(() => parseWaveformFile("t,x_0_0_0\n0,1\n1,abc\n", "w.csv")).toThrow(
      /w\.csv line 3, column x_0_0_0/,
    );
    expect(() => parseWaveformFile("time,x\n", "w.csv")).toThrow(/header/);
    expect(parseWaveformFile("t,v,i,w\n0,0,0,0.1\n", "d.csv").kind).toBe("memristor-drive");
  });

  it("readableJson keeps number rows on one line and parses back to the same value", () => {
    const v = {
      a: [
        [1, 2],
        [3, 4],
      ],
      b: { c: "x", d: [] },
      e: null,
    };
    const text = readableJson(v);
    expect(text).toContain("[1, 2]");
    expect(JSON.parse(text)).toEqual(v);
  });
});

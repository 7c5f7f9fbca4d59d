import { describe, expect, it } from "vitest";
import { sleb, uleb, wasmModule } from "../../src/core/wasmBinary.js";
import { taps3x3SimdModule } from "../../src/kernels/taps3x3Simd.js";

describe("wasmBinary", () => {
  it("uleb and sleb: the LEB128 examples of the DWARF standard (§7.6) and the limits", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(12857)).toEqual([0xb9, 0x64]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(sleb(2)).toEqual([0x02]);
    expect(sleb(-2)).toEqual([0x7e]);
    expect(sleb(127)).toEqual([0xff, 0x00]);
    expect(sleb(-127)).toEqual([0x81, 0x7f]);
    expect(sleb(128)).toEqual([0x80, 0x01]);
    expect(sleb(-128)).toEqual([0x80, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it("wasmModule(): an empty function module validates; a broken body does not", () => {
    const ok = wasmModule([{ name: "f", params: 2, locals: [], body: [] }], 1);
    expect(WebAssembly.validate(ok)).toBe(true);
    const bad = wasmModule([{ name: "f", params: 0, locals: [], body: [0x20, 0x05] }], 1);
    expect(WebAssembly.validate(bad)).toBe(false);
  });

  it("wasmModule(): the functions carry their names (a name section), so stack traces and CPU profiles show them", () => {
    // `unreachable` traps: the trap's stack frame is "at trapsHere (wasm://…)"; without the name
    // section it is "at wasm://…:wasm-function[1]", the export name notwithstanding.
    const bytes = wasmModule(
      [
        { name: "first", params: 0, locals: [], body: [] },
        { name: "trapsHere", params: 0, locals: [], body: [0x00] },
      ],
      1,
    );
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.customSections(module, "name")).toHaveLength(1);
    const { trapsHere } = new WebAssembly.Instance(module).exports as { trapsHere: () => void };
    let stack = "";
    try {
      trapsHere();
    } catch (e) {
      stack = (e as Error).stack ?? "";
    }
    expect(stack).toMatch(/at trapsHere \(wasm:/);
  });

  it("taps3x3SimdModule() validates where Node has WebAssembly SIMD (Node 20 does)", () => {
    expect(WebAssembly.validate(taps3x3SimdModule())).toBe(true);
  });
});

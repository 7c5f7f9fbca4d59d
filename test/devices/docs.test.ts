import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { paramTableMarkdown } from "../../src/core/params.js";
import { SMOOTHING_PARAMS, STRACHAN_PARAMS } from "../../src/devices/strachanParams.js";

describe("docs/memristor.md", () => {
  const doc = readFileSync("docs/memristor.md", "utf8");

  it("holds the parameter tables exactly as generated from the declarations", () => {
    expect(doc).toContain(paramTableMarkdown(STRACHAN_PARAMS));
    expect(doc).toContain(paramTableMarkdown(SMOOTHING_PARAMS));
  });

  it("paramTableMarkdown(table) writes one escaped row per parameter", () => {
    const md = paramTableMarkdown(STRACHAN_PARAMS).split("\n");
    expect(md).toHaveLength(STRACHAN_PARAMS.length + 2);
    expect(md[2]).toBe(
      "| `G_m` | S | 0.025 | (0, 1] | ON-state (metallic channel) conductance per unit of w |",
    );
    expect(md[4]).toContain("sqrt\\|v\\|");
  });
});

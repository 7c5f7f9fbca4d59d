import { describe, expect, it } from "vitest";
import { parseImage, parseTextImage } from "../../src/cli/images.js";
import { ValidationError } from "../../src/core/errors.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("parseImage(bytes, source)", () => {
  const expected = [1, -1, -1, 1, 1, -1];

  it("reads text rows of '#' and '.' (black = +1, white = −1)", () => {
    const im = parseImage(bytes("#..\n##.\n"), "t");
    expect([im.rows, im.cols, Array.from(im.data)]).toEqual([2, 3, expected]);
  });

  it("reads plain PBM with comments and unseparated bits, binary PBM, plain PGM and JSON", () => {
    const p1 = parseImage(bytes("P1\n# c\n3 2\n100\n1 1 0\n"), "p1");
    expect(Array.from(p1.data)).toEqual(expected);
    const p4 = parseImage(Uint8Array.of(...bytes("P4\n3 2\n"), 0b10000000, 0b11000000), "p4");
    expect([p4.rows, p4.cols, Array.from(p4.data)]).toEqual([2, 3, expected]);
    const p2 = parseImage(bytes("P2\n2 1\n4\n0 2\n"), "p2");
    expect(Array.from(p2.data)).toEqual([1, 0]);
    expect(Array.from(parseImage(bytes("[[1, -1, -1], [1, 1, -1]]"), "j").data)).toEqual(expected);
    expect(
      parseImage(bytes('{"rows": 2, "cols": 3, "data": [1, -1, -1, 1, 1, -1]}'), "j").cols,
    ).toBe(3);
  });

  it("names the row and column of a bad character and refuses ragged rows", () => {
    expect(() => parseTextImage("#.\n#x\n", "img")).toThrow(/img row 2, column 2/);
    expect(() => parseTextImage("#.\n#\n", "img")).toThrow(ValidationError);
    expect(() => parseImage(bytes("P1\n3 2\n10\n"), "p")).toThrow(/6 digits/);
  });
});

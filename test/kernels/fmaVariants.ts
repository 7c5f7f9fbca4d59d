import { fmaAvailable, useFma } from "../../src/core/fusedMultiplyAdd.js";

/**
 * A float32 kernel instance made twice: with separate multiplies and adds, and with fused
 * multiply-add (src/core/fusedMultiplyAdd.ts) where this engine has it, so that a test checks
 * both forms of the module. The choice is restored to CELLSPICE_FMA's afterwards.
 */
export function fmaVariants<T>(make: () => T): Array<[string, T]> {
  const variants: Array<[string, T]> = [];
  try {
    useFma(false);
    variants.push(["multiply, add", make()]);
    if (fmaAvailable()) {
      useFma(true);
      variants.push(["fused multiply-add", make()]);
    }
  } finally {
    useFma(undefined);
  }
  return variants;
}

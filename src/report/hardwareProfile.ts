import { readFileSync } from "node:fs";
import { ValidationError } from "../core/errors.js";
import { type HardwareProfile, parseHardwareProfile } from "../hardware/profile.js";

/**
 * Reads and validates a hardware profile file (docs/hardware.md); errors name the file and the
 * field. It lives here rather than in src/hardware because src/hardware does not touch files
 * (test/architecture.test.ts).
 */
export function loadHardwareProfile(path: string): HardwareProfile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ValidationError(
      path,
      `cannot read the hardware profile (${code})`,
      "a readable JSON file (docs/hardware.md)",
    );
  }
  return parseHardwareProfile(text, path);
}

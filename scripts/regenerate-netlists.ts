/** Rewrites the example netlists (netlists/) and memristor libraries (models/): `npm run netlists`. */
import { writeFileSync } from "node:fs";
import { exampleFiles } from "./netlistExamples.js";

for (const [path, text] of Object.entries(exampleFiles())) {
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}

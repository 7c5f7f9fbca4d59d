#!/usr/bin/env node
/** The `cellspice` executable (package.json "bin"): see docs/cli.md. */
import { run } from "./program.js";

// A closed pipe (`cellspice simulate … | head`) ends the output quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await run(process.argv);

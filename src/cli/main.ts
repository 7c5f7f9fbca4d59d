#!/usr/bin/env node
/**
 * The `cellspice` executable (package.json "bin"): see docs/cli.md. The command runs in a
 * worker thread under a supervisor that handles SIGINT, SIGTERM and SIGHUP at once
 * (src/cli/interrupt.ts).
 */
import { supervise } from "./supervisor.js";

// A closed pipe (`cellspice simulate … | head`) ends the output quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await supervise(process.argv);

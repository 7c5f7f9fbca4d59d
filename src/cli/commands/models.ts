import type { Command } from "commander";
import { describeRange, formatValue } from "../../core/params.js";
import { MEMRISTOR_MODELS } from "../../devices/registry.js";
import { act } from "../action.js";
import { formatTable } from "../table.js";

/** `cellspice models`: the memristor models and their declared parameters. */
export function registerModels(program: Command): void {
  program
    .command("models")
    .description("list the memristor models and their parameters (unit, valid range, default)")
    .option("--json", "print as JSON")
    .addHelpText(
      "after",
      '\nParameters are in SI units; override them with --param name=value (memristor, templates) or\n"params" in an array file\'s memristor object.',
    )
    .action(
      act<{ json?: boolean }>(async (_args, flags, ctx) => {
        if (flags.json) {
          ctx.out(
            JSON.stringify(
              MEMRISTOR_MODELS.map((m) => ({
                name: m.name,
                description: m.description,
                params: m.params,
              })),
              null,
              2,
            ),
          );
          return;
        }
        const parts = MEMRISTOR_MODELS.map((m) => {
          const rows = m.params.map((p) => [
            p.name,
            p.unit || "-",
            formatValue(p.default),
            describeRange(p).replace(/^a finite number in /, ""),
            p.description,
          ]);
          return `${m.name}: ${m.description}\n${formatTable(["param", "unit", "default", "range", "description"], rows)}`;
        });
        ctx.out(parts.join("\n\n"));
      }),
    );
}

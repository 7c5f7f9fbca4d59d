import { formatValue } from "../core/params.js";
import { PROFILE_FIELDS, PROFILE_SECTIONS, type ProfileField } from "./profileFields.js";

function validText(f: ProfileField): string {
  switch (f.kind) {
    case "number": {
      const lo = f.minExclusive ? "(" : "[";
      const hi = f.maxExclusive ? ")" : "]";
      const range = `${lo}${formatValue(f.min)}, ${formatValue(f.max)}${hi}`;
      return `${f.integer ? "integer " : ""}${range}${f.nullMeans ? " or null" : ""}`;
    }
    case "choice":
      return f.choices.map((c) => `\`${c}\``).join(", ");
    case "layers":
      return '`"cellular"` or a list of names';
    case "sigma-map":
      return `{name: [0, ${f.max}]}`;
  }
}

function defaultText(f: ProfileField): string {
  switch (f.kind) {
    case "number":
      return f.default === null ? `null (${f.nullMeans})` : formatValue(f.default);
    case "choice":
      return `\`${f.default}\``;
    case "layers":
      return '`"cellular"`';
    case "sigma-map":
      return "{} (none)";
  }
}

/**
 * The Markdown table of every profile field, section by section, from the declaration: what
 * docs/hardware.md holds between its generated-table markers (a test keeps them equal).
 */
export function profileTableMarkdown(): string {
  const rows = ["| field | unit | default | valid | description |", "|---|---|---|---|---|"];
  for (const [section, title] of PROFILE_SECTIONS) {
    rows.push(`| **${section}** | | | | ${title} |`);
    for (const f of PROFILE_FIELDS.filter((p) => p.path.startsWith(`${section}.`))) {
      const unit = f.kind === "number" && f.unit !== "" ? f.unit : "–";
      rows.push(
        `| \`${f.path}\` | ${unit} | ${defaultText(f)} | ${validText(f)} | ${f.description.replaceAll("|", "\\|")} |`,
      );
    }
  }
  return rows.join("\n");
}

export const PROFILE_TABLE_BEGIN =
  "<!-- profile-table:begin (generated from src/hardware/profileFields.ts) -->";
export const PROFILE_TABLE_END = "<!-- profile-table:end -->";

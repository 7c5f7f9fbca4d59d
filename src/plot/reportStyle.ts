import { FONT_FAMILY } from "./theme.js";

/** The report page's stylesheet (inlined; no web fonts, no network). */
export const REPORT_STYLE = `
:root { --ink: #222222; --muted: #5a5a5a; --rule: #dddddd; --pass: #007a57; --fail: #c24a00; --sel: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f6f4; color: var(--ink); font-family: ${FONT_FAMILY}; font-size: 14px; line-height: 1.45; }
main { max-width: 1360px; margin: 0 auto; padding: 24px 28px 40px; }
header { display: flex; gap: 20px; align-items: flex-start; border-bottom: 1px solid var(--rule); padding-bottom: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 17px; margin: 26px 0 8px; font-weight: 650; }
h3 { font-size: 14px; margin: 8px 0; font-weight: 600; }
.description { margin: 4px 0; max-width: 860px; }
.subtitle, .note, figcaption, .hint, footer { color: var(--muted); font-size: 13px; }
.verdict { flex: none; font-weight: 700; font-size: 20px; letter-spacing: 0.06em; color: #fff; padding: 10px 18px; border-radius: 6px; margin-top: 4px; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; margin-top: 18px; }
.card, figure { background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px; margin: 0; }
.card h2 { margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 10px 4px 0; border-bottom: 1px solid #eeeeee; vertical-align: top; }
thead th { border-bottom: 1px solid #bbbbbb; font-weight: 600; }
table.kv th, table.metrics tbody th { font-weight: 500; color: var(--muted); width: 42%; }
table.worst { width: auto; background: #fff; border: 1px solid var(--rule); }
table.worst td, table.worst th { padding: 4px 16px; }
tr[data-cell] { cursor: pointer; }
tr[data-cell]:hover { background: #eef5fb; }
tr.selected { background: #dcebf7; }
.ok { color: var(--pass); font-weight: 700; }
.bad { color: var(--fail); font-weight: 700; }
.side { flex: 1 1 300px; }
.figrow { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.figrow > figure { flex: none; }
.figrow > figure > figcaption { width: 0; min-width: 100%; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 6px; max-width: 760px; }
rect.cell { cursor: pointer; }
rect.cell:hover { stroke: #000; stroke-width: 1; }
.cs-highlight { fill: none; stroke: #000; stroke-width: 2.5; pointer-events: none; }
.picker { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
.picker select { font: inherit; padding: 2px 4px; margin-left: 4px; }
button.save { font: inherit; font-size: 12px; margin-left: 8px; padding: 1px 8px; border: 1px solid #bbb; border-radius: 4px; background: #fafafa; cursor: pointer; }
footer { margin-top: 32px; border-top: 1px solid var(--rule); padding-top: 10px; }
@media print { body { background: #fff; } button.save, .hint { display: none; } }
`;

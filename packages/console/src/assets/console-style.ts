/**
 * The console's style sheet, served as `assets/console.css`. Status is always written in words and symbols, colour
 * only repeats it; focus is always visible; tables scroll sideways on narrow screens.
 */
export const CONSOLE_STYLE = `:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de;
  --bad: #b3261e; --warn: #8a5a00; --good: #1a7f37; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d;
  --bad: #ff7b72; --warn: #e3b341; --good: #56d364; --accent: #79c0ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 4px 8px; }
header { display: flex; flex-wrap: wrap; gap: 4px 24px; align-items: baseline; padding: 8px 16px; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; margin: 0; }
nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header .mode { margin: 0 0 0 auto; color: var(--muted); font-size: 13px; }
main { padding: 8px 16px 32px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 24px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; min-width: 60%; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted, .remedy { color: var(--muted); font-size: 13px; }
.health-failing, .alert-error, .alert-critical, .status-open { color: var(--bad); }
.health-parked, .health-throttled, .alert-warning { color: var(--warn); }
.health-ok, .status-replayed { color: var(--good); }
.spark { color: var(--accent); vertical-align: middle; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin: 8px 0 16px; }
.filters label { display: flex; flex-direction: column; font-size: 13px; }
.letter { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; margin: 12px 0; }
.letter h2 { margin: 4px 0; font-size: 16px; }
.letter dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
.letter dt { font-weight: 600; } .letter dd { margin: 0; overflow-wrap: anywhere; }
pre.preview { max-height: 24em; overflow: auto; background: color-mix(in srgb, var(--fg) 6%, transparent); padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; }
.actions form { display: flex; gap: 8px; align-items: end; }
button { font: inherit; padding: 4px 12px; cursor: pointer; }
.notice { border: 2px solid var(--line); border-radius: 6px; padding: 4px 12px; margin: 12px 0; }
.notice.ok { border-color: var(--good); } .notice.error { border-color: var(--bad); }
.alerts li { margin-bottom: 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

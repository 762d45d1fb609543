"""The static site's only style sheet (no web fonts, no images: works offline)."""

CSS = """\
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 1rem; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; overflow-wrap: anywhere; }
nav { font-size: 0.9rem; margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
ul.pages { list-style: none; padding: 0; }
ul.pages li { padding: 0.2rem 0; }
time, .muted { color: var(--muted); }
pre { overflow-x: auto; padding: 0.5rem; border: 1px solid var(--line); }
code { font-size: 0.9em; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 0.2rem 0.5rem; }
"""

import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineChart, svgToPng } from '../report/chart';
import type { SuiteReport } from './suite';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function numbersTable(numbers: Record<string, unknown>): string {
  const rows = Object.entries(numbers).map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(JSON.stringify(v, (_k, x) => (typeof x === 'number' ? Number(x.toPrecision(4)) : x)))}</code></td></tr>`);
  return `<table class="numbers">${rows.join('')}</table>`;
}

/** Writes report.html (self-contained: inline SVG, inline CSS, no script, no network), claims.json and each figure as SVG and PNG. */
export function writeReport(dir: string, suite: SuiteReport): { html: string; json: string; figures: string[] } {
  fs.mkdirSync(path.join(dir, 'figures'), { recursive: true });
  const figureFiles: string[] = [];
  const sections = suite.claims.map((c) => {
    const figures = c.figures.map((spec, k) => {
      const svg = lineChart(spec);
      const base = path.join(dir, 'figures', `claim-${c.id}-${k + 1}`);
      fs.writeFileSync(`${base}.svg`, svg);
      figureFiles.push(`${base}.svg`);
      const png = svgToPng(svg);
      if (png) {
        fs.writeFileSync(`${base}.png`, png);
        figureFiles.push(`${base}.png`);
      }
      return `<figure>${svg}<figcaption>Figure ${c.id}.${k + 1}: ${esc(spec.title)} (mean ± std band). <a href="figures/claim-${c.id}-${k + 1}.svg">SVG</a>${png ? ` · <a href="figures/claim-${c.id}-${k + 1}.png">PNG</a>` : ''}</figcaption></figure>`;
    });
    const verdict = c.supported ? 'supported' : 'not supported';
    const settings = Object.entries(c.settings)
      .map(([key, s]) => `<details><summary>${esc(s.label)} <code>${esc(key)}</code></summary><pre>${esc(JSON.stringify(s.config, null, 2))}</pre></details>`)
      .join('');
    return `<section id="claim-${c.id}">
<h2>Claim ${c.id}. ${esc(c.title)} <span class="verdict ${c.supported ? 'yes' : 'no'}">${verdict}${c.asserted ? '' : ' (reported, not asserted)'}</span></h2>
<p class="statement">${esc(c.statement)}</p>
<h3>Criterion</h3><p>${esc(c.criterion)}</p>
<h3>Verdict</h3><p>${esc(c.explanation)}</p>
<div class="figures">${figures.join('\n')}</div>
<h3>Numbers</h3>${numbersTable(c.numbers)}
<h3>Settings</h3>${settings}
<p class="sessions">Sessions: ${c.sessions.map((s) => `<code>${esc(s)}</code>`).join(', ')} · ${c.seconds.toFixed(1)} s</p>
</section>`;
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MTRL Lab — paper reproduction report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1180px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-top: 1px solid #ddd; padding-top: 1em; }
.verdict { font-size: 0.7em; padding: 0.15em 0.6em; border-radius: 1em; vertical-align: middle; }
.verdict.yes { background: #d8f5d8; color: #145214; } .verdict.no { background: #fbe0e0; color: #7a1010; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; } figure { margin: 0; } figcaption { font-size: 0.85em; color: #555; max-width: 560px; }
table.numbers th { text-align: left; padding-right: 1em; vertical-align: top; } code { font-size: 0.85em; word-break: break-all; }
pre { background: #f6f6f6; padding: 0.6em; max-height: 24em; overflow: auto; font-size: 0.8em; }
@media (prefers-color-scheme: dark) { body { background: #151515; color: #ddd; } pre { background: #222; } }
</style></head><body>
<h1>Provable multi-task representation learning — reproduction report</h1>
<p>Collins, Hassani, Soltanolkotabi, Mokhtari, Shakkottai, <em>Provable Multi-Task Representation Learning by Two-Layer ReLU Neural Networks</em>, ICML 2024.
${suite.quick ? 'Quick' : 'Full'} mode, started ${esc(suite.started)}, ${suite.seconds.toFixed(1)} s on backend <code>${esc(suite.backend.name)}</code>${suite.status === 'cancelled' ? ' — <strong>cancelled before every claim ran</strong>' : ''}.
${suite.claims.filter((c) => c.asserted && c.supported).length} of ${suite.claims.filter((c) => c.asserted).length} claims of the paper supported${suite.claims.some((c) => !c.asserted) ? `; beyond the paper, ${suite.claims.filter((c) => !c.asserted && c.supported).length} of ${suite.claims.filter((c) => !c.asserted).length} reported claims supported` : ''}.</p>
<ul>${suite.claims.map((c) => `<li><a href="#claim-${c.id}">Claim ${c.id}: ${esc(c.title)}</a> — ${c.supported ? 'supported' : 'not supported'}</li>`).join('')}</ul>
${sections.join('\n')}
</body></html>
`;
  const htmlFile = path.join(dir, 'report.html');
  fs.writeFileSync(htmlFile, html);
  const json = {
    quick: suite.quick,
    started: suite.started,
    seconds: suite.seconds,
    backend: suite.backend.name,
    status: suite.status,
    claims: suite.claims.map((c) => ({ id: c.id, title: c.title, asserted: c.asserted, supported: c.supported, criterion: c.criterion, explanation: c.explanation, numbers: c.numbers, sessions: c.sessions })),
  };
  const jsonFile = path.join(dir, 'claims.json');
  fs.writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
  return { html: htmlFile, json: jsonFile, figures: figureFiles };
}

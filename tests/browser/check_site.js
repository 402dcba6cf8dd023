// Open every page of the built site in headless Chromium and report, as JSON on stdout:
// requests to any other host than the site itself, raw TeX left on the page, figures that did
// not load. Usage: node check_site.js SITE_DIR SCREENSHOT_DIR
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

async function main() {
  const [site, shots] = process.argv.slice(2);
  const pages = ['intro.html', ...fs.readdirSync(path.join(site, 'chapters'))
    .filter((f) => f.endsWith('.html')).sort().map((f) => `chapters/${f}`)];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
                                          args: ['--no-sandbox'] });
  const report = [];
  for (const page of pages) {
    const tab = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
    const outside = [];
    const failed = [];
    tab.on('request', (r) => { if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) outside.push(r.url()); });
    tab.on('requestfailed', (r) => failed.push(r.url()));
    await tab.goto('file://' + path.resolve(site, page), { waitUntil: 'load' });
    // MathJax typesets after the page has loaded: wait (at most 120 s) until every formula it
    // found is rendered, or, on a page it has not touched, until no TeX delimiter is left
    await tab.waitForFunction(() => {
      const main = document.querySelector('main') || document.body;
      if (main === null) return false;
      const found = document.querySelectorAll('script[type^="math/tex"]').length;
      if (found > 0) return document.querySelectorAll('.MathJax_CHTML').length >= found;
      return !/\\\(|\\\[/.test(main.innerText);
    }, null, { timeout: 120000, polling: 500 }).catch(() => {});
    const found = await tab.evaluate(() => {
      // the prose only: code and what it printed may hold TeX on purpose (matplotlib labels)
      const prose = (document.querySelector('main') || document.body).cloneNode(true);
      prose.querySelectorAll('pre, code, .highlight, .cell_output, script, style, .MathJax_Preview, .MathJax_CHTML')
        .forEach((node) => node.remove());
      const text = prose.textContent;
      const images = [...document.querySelectorAll('main img')];
      return {
        rawMath: (text.match(/\$[^$\n]{1,80}\$|\\\(|\\\[|\\frac|\\sum/g) || []).slice(0, 5),
        images: images.length,
        brokenImages: images.filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.src.slice(0, 80)),
        typeset: document.querySelectorAll('.MathJax_CHTML, mjx-container').length,
        title: document.title,
      };
    });
    if (shots) await tab.screenshot({ path: path.join(shots, page.replace(/[\/]/g, '_') + '.png') });
    report.push({ page, outside, failed, ...found });
    await tab.close();
  }
  await browser.close();
  process.stdout.write(JSON.stringify(report, null, 1));
}

main().catch((error) => { console.error(error); process.exit(2); });

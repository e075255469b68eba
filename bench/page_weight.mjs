// bench/page_weight.mjs — the first-visit transfer size of every lesson page (empty cache:
// a fresh browser context per page, HTML + CSS + scripts + everything else the page loads,
// compressed as sent, headers included), in English and Chinese, through Debian's chromium;
// prints each page and the heaviest against the 150 KB target. A figure, not a test.
// Needs build/tcplab (or TCPLAB_BIN) and node_modules/playwright-core.
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../tests/api/helpers.mjs';
import { launchBrowser, newPage, repoRoot } from '../tests/browser/helpers.mjs';

const TARGET_KB = 150;
process.env.TCPLAB_BIN = process.env.TCPLAB_BIN || 'build/tcplab';
const slugs = fs.readdirSync(path.join(repoRoot, 'lessons'))
  .filter((f) => f.endsWith('.md') && !f.includes('.zh-CN.'))
  .map((f) => f.slice(0, -3))
  .sort();

const srv = await startServer({ args: ['--static', 'static', '--lessons', 'lessons'] });
const browser = await launchBrowser();
let heaviest = { kb: 0, what: '' };
try {
  for (const lang of ['en', 'zh-CN']) {
    for (const slug of slugs) {
      const { context, page, log } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
      await page.goto(`${srv.base}/lessons/${slug}?lang=${lang}`, { waitUntil: 'networkidle' });
      const kb = log.bytes() / 1024;
      console.log(`page weight  /lessons/${slug}?lang=${lang}  ${kb.toFixed(1)} KB in ${log.transfers.length} requests`);
      if (kb > heaviest.kb) heaviest = { kb, what: `/lessons/${slug}?lang=${lang}` };
      await context.close();
    }
  }
} finally {
  await browser.close();
  await srv.stop();
}
console.log(`page weight: heaviest lesson page, first visit: ${heaviest.kb.toFixed(1)} KB (${heaviest.what}); target <= ${TARGET_KB} KB: ${heaviest.kb <= TARGET_KB ? 'ok' : 'OVER'}`);

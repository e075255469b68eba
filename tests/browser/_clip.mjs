import { chromium } from 'playwright-core';
const [,, lang, scheme, width, prefix] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--headless','--disable-gpu'] });
const page = await (await b.newContext({ viewport: { width: Number(width), height: 844 }, colorScheme: scheme })).newPage();
await page.goto(`http://127.0.0.1:18731/playground?lang=${lang}`);
await page.locator('html[data-tl-playground="ready"]').waitFor({state:'attached'});
await page.locator('#pg-scenario').selectOption('lost-fin');
await page.waitForTimeout(400);
await page.locator('.tl-pg-predict input').check();
await page.locator('form.tl-playground button[type=submit]').click();
await page.locator('figure.tl-scenario.tl-js').waitFor();
const H = await page.evaluate(() => document.documentElement.scrollHeight);
let i = 0;
for (let y = 0; y < H && i < 8; y += 840, i++) {
  await page.screenshot({ path: `/tmp/sbx/${prefix}-${i}.png`, clip: { x: 0, y, width: Number(width), height: Math.min(840, H - y) }, fullPage: true });
}
console.log(H, i);
await b.close();

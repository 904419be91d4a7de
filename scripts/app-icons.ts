/**
 * Renders app/icons/icon.svg to the PNG icons the web app manifest and iOS ask for (180, 192, 512 px), with the
 * same headless Chromium the browser tests use: `npx ts-node --transpile-only scripts/app-icons.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

async function main(): Promise<void> {
  const dir = join(__dirname, '..', 'app', 'icons');
  const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    for (const size of [180, 192, 512]) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(`<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
      writeFileSync(join(dir, `icon-${size}.png`), await page.screenshot({ type: 'png' }));
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

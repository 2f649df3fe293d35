#!/usr/bin/env node
// Measures the browser app's first load against a running server: the time from navigation to
// a usable conversation list (the first row on screen) and the bytes on the wire, with a cold
// cache and a warm one, on this machine's loopback and over an emulated network.
//
//   URL=http://127.0.0.1:8080 node tests/e2e/bench-first-load.mjs
//
//   URL       the server (default http://127.0.0.1:8080), a demo workspace (`serve --demo`)
//   RUNS      loads per case (default 7); the median is printed
//   EMAIL     who signs in (default the demo owner); PASSWORD likewise
//   CHROMIUM  the browser (default /usr/bin/chromium)

import { chromium } from 'playwright-core';

const url = process.env.URL ?? 'http://127.0.0.1:8080';
const runs = Number(process.env.RUNS ?? 7);
const email = process.env.EMAIL ?? 'owner@demo.textdesk.local';
const password = process.env.PASSWORD ?? 'textdesk-demo';

/** 20 Mbit/s down, 5 up, 40 ms round trip: a decent office or home line. */
const LINE = { offline: false, latency: 40, downloadThroughput: (20e6 / 8), uploadThroughput: (5e6 / 8) };
const LOOPBACK = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

// Records when the first conversation row is on screen, measured from navigation start.
const USABLE = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('.conversation-row')) {
      window.__usable = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function load(page, cdp, cold) {
  if (cold) await cdp.send('Network.clearBrowserCache');
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.__usable !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => ({
    usable: window.__usable,
    bytes: performance
      .getEntriesByType('resource')
      .concat(performance.getEntriesByType('navigation'))
      .filter((entry) => !entry.name.includes('/api/'))
      .reduce((sum, entry) => sum + entry.transferSize, 0),
  }));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.locator('.conversation-row').first().waitFor({ timeout: 60_000 });
  await context.addInitScript(USABLE);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  for (const [network, conditions] of [['loopback', LOOPBACK], ['20 Mbit/s, 40 ms', LINE]]) {
    await cdp.send('Network.emulateNetworkConditions', conditions);
    for (const cold of [true, false]) {
      const loads = [];
      for (let i = 0; i < runs; i++) loads.push(await load(page, cdp, cold));
      const usable = median(loads.map((l) => l.usable)).toFixed(0);
      const bytes = median(loads.map((l) => l.bytes));
      console.log(`${network.padEnd(17)} ${cold ? 'cold' : 'warm'} cache: usable list after ${usable} ms (median of ${runs}), ${bytes} bytes of app files on the wire`);
    }
  }
} finally {
  await browser.close();
}

import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser.js';

// What the page functions below (run in the browser by page.waitForFunction) use of its
// document: typed here, as this file is Node code without the DOM's types.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

/** Opening the console page in headless Chromium: the test's and the screenshot's steps. */

/** Open the console and wait until it has drawn the topology and its first live reading. */
export async function openConsole(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
}

/**
 * Trace `id` in the page until its hops include every kind in `until` (a young order's hops
 * arrive over a few seconds), or the deadline passes. Returns the kinds shown.
 */
export async function traceInPage(
  page: Page,
  id: string,
  { until = [] as readonly string[], timeoutMs = 30_000 } = {},
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let kinds: string[] = [];
  while (Date.now() < deadline) {
    await page.fill('#trace-id', id);
    await page.click('#trace-form button[type="submit"]');
    await page.waitForFunction(
      () => !document.querySelector('#trace-status')?.textContent?.startsWith('Tracing'),
    );
    kinds = await page.$$eval('#trace-result table.hops tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    if (kinds.length > 0 && until.every((k) => kinds.includes(k))) return kinds;
    await page.waitForTimeout(1000);
  }
  return kinds;
}

/** A full-page screenshot of the console with the trace of `orderId` shown. */
export async function screenshotConsole(url: string, orderId: string, file: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1.25 });
    await openConsole(page, url);
    await traceInPage(page, orderId, {
      until: ['saga-step', 'consumer', 'kafka-consume'],
      timeoutMs: 60_000,
    });
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}

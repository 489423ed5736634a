import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, findChromium, startConsoleDemo } from './browser-harness.js';

const executablePath = findChromium();
if (!executablePath)
  console.warn('SKIP console browser tests: no Chromium (install Debian chromium or set MLC_CHROMIUM)');

const SIX_STREAMS = [
  'glAccounts',
  'glEntryLines',
  'suppliers',
  'purchaseOrders',
  'salesInvoices',
  'products',
];

/** The little of the DOM the tests use inside the page (the project compiles without the DOM library). */
interface PageElement {
  method: string;
  action: string;
  name: string;
  value: string;
  textContent: string | null;
  append(child: PageElement): void;
  submit(): void;
}
interface PageDocument {
  activeElement: PageElement | null;
  body: PageElement;
  createElement(tag: string): PageElement;
}

interface Planted {
  key: string;
  deadLetterId: string;
  lines: number;
  rowsInPowerBI: number;
}

describe.skipIf(!executablePath)(
  'operator console in a real Chromium, against npm run demo -- --console',
  () => {
    let demo: RunningDemo;
    let browser: Browser;
    const dialogs: string[] = [];

    const planted = async (): Promise<Planted> =>
      (await fetch(`${demo.origin}/demo/planted`)).json() as Promise<Planted>;

    /** A fresh browser context (its own cookies) with hostile-script and dialog tracking. */
    async function newPage(): Promise<Page> {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.accept();
      });
      return page;
    }

    beforeAll(async () => {
      demo = await startConsoleDemo();
      browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    });

    afterAll(async () => {
      await browser?.close();
      await demo?.stop();
    });

    it('lists the six streams, shows the planted dead letter with hostile values as text, and refuses an action', async () => {
      const page = await newPage();
      await page.goto(`${demo.origin}/console/`);
      expect(await page.locator('#streams tbody tr th a').allTextContents()).toEqual(SIX_STREAMS);
      await expect.poll(() => page.locator('header .mode').textContent()).toContain('Read-only');
      // Keyboard: the first Tab reaches the skip link.
      await page.keyboard.press('Tab');
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { textContent: string } | null } })
              .document.activeElement?.textContent,
        ),
      ).toBe('Skip to content');
      // The progressive script runs under the Content-Security-Policy: its auto-refresh pause button works.
      const toggle = page.getByRole('button', { name: 'Pause auto-refresh' });
      await toggle.click();
      expect(await page.locator('#refresh-toggle').getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('#refresh-state').textContent()).toBe('auto-refresh paused');

      const { deadLetterId, rowsInPowerBI } = await planted();
      expect(rowsInPowerBI).toBe(0);
      await page.goto(`${demo.origin}/console/dead-letters`);
      const letter = page.locator(`article[data-id="${deadLetterId}"]`);
      await letter.locator('summary').click();
      const preview = (await letter.locator('pre.preview').textContent()) ?? '';
      // The rows show as JSON: quotes JSON-escaped, the markup as text.
      expect(preview).toContain(
        String.raw`<script>window.__mlcPwned=1</script>\"'><img src=x onerror=\"window.__mlcPwned=2\">`,
      );
      expect(preview).toContain('[U+202E]exe.gpj Traders a[U+200B]b');
      expect(await page.evaluate(() => (globalThis as { __mlcPwned?: number }).__mlcPwned)).toBeUndefined();
      expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
      expect(await letter.getByRole('button', { name: /Replay/ }).count()).toBe(0);

      // A forged form submitted from the page (no authorization, no token): refused, nothing posted. (The console's
      // Content-Security-Policy would not even let a script on the page fetch() it.)
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/console/actions/replay')),
        page.evaluate((id) => {
          const doc = (globalThis as unknown as { document: PageDocument }).document;
          const form = doc.createElement('form');
          form.method = 'post';
          form.action = '/console/actions/replay';
          for (const [name, value] of [
            ['id', id],
            ['_csrf', 'forged'],
          ]) {
            const input = doc.createElement('input');
            input.name = name as string;
            input.value = value as string;
            form.append(input);
          }
          doc.body.append(form);
          form.submit();
        }, deadLetterId),
      ]);
      expect(refused.status()).toBe(403);
      await expect
        .poll(() => page.locator('main [role="alert"]').textContent())
        .toContain('read-only for you');
      expect((await planted()).rowsInPowerBI).toBe(0);
      expect(dialogs).toEqual([]);
    });

    it('the signed-in operator replays the dead letter, and its rows reach Power BI exactly once', async () => {
      const page = await newPage();
      await page.goto(`${demo.origin}/demo/sign-in`);
      await expect.poll(() => page.locator('header .mode').textContent()).toContain('Actions allowed');
      const before = await planted();
      await page.goto(`${demo.origin}/console/dead-letters`);
      const letter = page.locator(`article[data-id="${before.deadLetterId}"]`);
      // The confirm dialog is accepted by the handler in newPage().
      await letter.getByRole('button', { name: /Replay/ }).click();
      await expect
        .poll(() => page.locator('main [role="status"]').textContent())
        .toContain('Replayed dead letter');
      expect(dialogs).toEqual([`Replay dead letter ${before.deadLetterId}?`]);
      const after = await planted();
      expect(after.lines).toBeGreaterThan(0);
      expect(after.rowsInPowerBI).toBe(after.lines);

      await page.goto(`${demo.origin}/console/dead-letters?status=all`);
      const settled = page.locator(`article[data-id="${before.deadLetterId}"]`);
      expect(await settled.locator('dd.status-replayed').textContent()).toContain('replayed');
      expect(await settled.getByRole('button', { name: /Replay/ }).count()).toBe(0);
      // "Run now" on the stream (confirmed): the run completes and posts nothing more for the invoice.
      await page.goto(`${demo.origin}/console/`);
      const row = page.locator('#streams tbody tr[data-stream="salesInvoices"]');
      await row.getByRole('button', { name: /Run now/ }).click();
      await expect
        .poll(() => page.locator('main [role="status"]').textContent())
        .toContain('Started a run of stream salesInvoices');
      expect(dialogs.at(-1)).toBe('Run stream salesInvoices now?');
      await expect
        .poll(
          async () => {
            await page.goto(`${demo.origin}/console/`);
            return row.locator('td.health').textContent();
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toContain('✔ ok');
      expect(await page.locator('#streams tbody tr').count()).toBe(6);
      expect((await planted()).rowsInPowerBI).toBe(after.lines);

      const shot = process.env.MLC_CONSOLE_SCREENSHOT;
      if (shot) {
        mkdirSync(dirname(shot), { recursive: true });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.screenshot({ path: shot, fullPage: true });
      }
    });
  },
);

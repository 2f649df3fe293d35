// Importing contacts from a CSV file (seed 003 "Upload Mobile Users"): the sample file, a file
// with mistakes checked and every problem shown before anything is imported, the import run
// and followed live, and its report naming each row not imported; without a file, and at
// 375 px.

import { readFile } from 'node:fs/promises';

import { TIMEOUT_MS, api, check, eventually, expectNoSidewaysScroll, expectPath, expectText } from './lib.mjs';

const FILE = [
  'Phone,First name,Last name,E-mail,Favourite colour',
  '(303) 555-0101,Ada,Lovelace,ada@example.com,green',
  '303-555-0100,Grace,Hopper,,blue',
  '555-12,Bad,Number,,red',
  '303 555 0102,Joan,Clarke,not-an-email,',
  '303.555.0103,"Alan, Jr",Turing,,',
].join('\r\n');

async function downloaded(page, click) {
  const download = page.waitForEvent('download', { timeout: TIMEOUT_MS });
  await click();
  const file = await download;
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

export async function importChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let importUrl;

  await check('an admin opens the import from the Contacts page and downloads the sample file', page, async () => {
    await page.goto(`${server.url}/contacts`);
    await page.click('#contacts-import');
    await expectPath(page, '/contacts/import');
    await expectText(page.locator('h1'), /Import contacts/);
    const sample = await downloaded(page, () => page.click('#import-sample'));
    if (!sample.name.endsWith('.csv') || !sample.text.startsWith('number,first_name,last_name')) {
      throw new Error(`got ${sample.name}: ${sample.text.slice(0, 80)}`);
    }
  });

  await check('without a file, the form says so next to the file field', page, async () => {
    await page.click('#import-check');
    await expectText(page.locator('#import-file-error'), /Choose a CSV file first/);
    if ((await page.getAttribute('#import-file', 'aria-invalid')) !== 'true') throw new Error('the file field is not marked invalid');
  });

  await check('a file with mistakes is checked: its columns, first rows and every problem, and nothing imported yet', page, async () => {
    await api(page, 'POST', '/contacts', { phone_number: '+13035550100', first_name: 'Old', last_name: 'Name' });
    await page.setInputFiles('#import-file', { name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
    // By keyboard: the box, then the button.
    await page.focus('#import-us');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#import-summary'), /customers\.csv: 5 rows\. 3 can be imported \(1 number already has a contact\)/);
    importUrl = page.url();
    await page.screenshot({ path: '/tmp/textdesk-import-checked.png', fullPage: true });
    if (!importUrl.includes('/contacts/import?id=')) throw new Error(`the address is ${importUrl}`);
    await expectText(page.locator('#import-failed-warning'), /2 rows cannot be imported/);
    await expectText(page.locator('#import-columns'), /Favourite colour\s*→\s*Ignored/);
    await eventually('three rows in the preview', async () => (await page.locator('#import-preview tbody tr').count()) === 3);
    await expectText(page.locator('#import-preview'), /Alan, Jr/);
    await expectText(page.locator('#import-issues'), /555-12.*not a valid phone number/s);
    await expectText(page.locator('#import-issues'), /E-mail.*email address/s);
    const found = await api(page, 'GET', '/contacts?q=3035550101');
    if (found.items.length !== 0) throw new Error('checking the file imported a contact');
  });

  await check('the import runs and its outcome arrives live; the report names every row not imported', page, async () => {
    await page.check('#import-existing-skip');
    await page.click('#import-start');
    await expectText(page.locator('#import-result'), /2 contacts added, 0 updated, 1 skipped, 2 rows not imported/);
    await eventually('the report lists the skipped row too', async () => (await page.locator('#import-issues tbody tr').count()) === 3);
    await expectText(page.locator('#import-issues'), /Skipped/);
    const report = await downloaded(page, () => page.click('#import-report'));
    if (!report.text.startsWith('row,number,column,outcome,problem') || !report.text.includes('failed')) {
      throw new Error(`report: ${report.text.slice(0, 200)}`);
    }
    const ada = await api(page, 'GET', '/contacts?q=3035550101');
    if (ada.items[0]?.first_name !== 'Ada') throw new Error('Ada was not imported');
    const kept = await api(page, 'GET', '/contacts?q=3035550100');
    if (kept.items[0]?.first_name !== 'Old') throw new Error('a skipped contact was changed');
    await expectText(page.locator('#import-recent'), /customers\.csv.*Done/s);
    await page.click('#import-see-contacts');
    await expectPath(page, '/contacts');
    await page.locator('#contacts-q').fill('Turing');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#contacts'), /Alan, Jr Turing/);
  });

  await check('at 375 px the form, a checked file and the report do not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.goto(`${server.url}/contacts/import`);
      await page.setInputFiles('#import-file', { name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
      await page.check('#import-us');
      await page.click('#import-check');
      await page.locator('#import-preview tbody tr').first().waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'a checked file');
      await page.screenshot({ path: '/tmp/textdesk-import-checked-375.png', fullPage: true });
      await page.goto(importUrl);
      await page.locator('#import-issues tbody tr').first().waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'the import report');
      await page.screenshot({ path: '/tmp/textdesk-import-375.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.screenshot({ path: '/tmp/textdesk-import.png', fullPage: true });
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });
  await page.close();
}

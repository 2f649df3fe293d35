// Settings, for owners and admins: an API key created (its secret shown once), used by a
// script to push a note, by the contact's phone number and with its source, that appears live
// in the conversation an agent has open, then revoked; at 375 px.

import { TIMEOUT_MS, api, check, expectNoSidewaysScroll, expectPath, expectText, textAsCustomer } from './lib.mjs';

const CUSTOMER = '+12025550633';

export async function settingsChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => dialog.accept());
  let secret;

  await check('an admin opens Settings and creates an API key, whose secret is shown once', page, async () => {
    await page.goto(`${server.url}/`);
    await page.click('nav >> text=Settings');
    await expectPath(page, '/settings');
    await page.click('#api-key-create');
    await expectText(page.locator('#api-key-form .field-error').first(), /label|empty/i);
    await page.locator('#api-key-label').fill('Voicemail service');
    await page.check('#api-key-scope-notes-write');
    await page.check('#api-key-scope-conversations-read');
    await page.locator('#api-key-rate').fill('120');
    await page.click('#api-key-create');
    await expectText(page.locator('#api-key-secret'), /^tdk_/);
    secret = (await page.locator('#api-key-secret').textContent()).trim();
    await expectText(page.locator('#api-keys'), new RegExp(`Voicemail service.*${secret.slice(0, 8)}.*notes:write.*120`, 's'));
    await page.click('#api-key-done');
    if (await page.locator('#api-key-secret').count()) throw new Error('the secret stayed on the page');
    if ((await page.content()).includes(secret.slice(8))) throw new Error('the secret is still in the page');
  });

  await check("a script's note, sent with the key, appears live in the open conversation", page, async () => {
    await textAsCustomer(page, CUSTOMER, 'Did you get my voicemail?');
    const list = await api(page, 'GET', '/conversations?view=all&limit=100');
    const conversation = list.items.find((c) => c.contact_phone_number === CUSTOMER && c.status === 'open');
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await expectText(page.locator('.thread'), /Did you get my voicemail\?/);
    // As a voicemail service would: to the contact's conversation, by their number as it has it.
    const response = await fetch(`${server.url}/api/v1/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        phone_number: '(202) 555-0633',
        source: 'Voicemail transcription',
        body: 'Voicemail: please call me back about the crown.',
      }),
    });
    if (response.status !== 201) throw new Error(`the key's note got ${response.status}: ${await response.text()}`);
    const note = page.locator('.message', { hasText: 'please call me back about the crown' });
    await expectText(note, /Note · Voicemail transcription/);
    await expectText(note, /Voicemail service \(API\)/);
  });

  await check('revoking the key stops it at once', page, async () => {
    await page.goto(`${server.url}/settings`);
    await page.click('button[aria-label="Revoke Voicemail service"]');
    await expectText(page.locator('#api-keys'), /Revoked/);
    const response = await fetch(`${server.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${secret}` } });
    if (response.status !== 401) throw new Error(`a revoked key got ${response.status}`);
  });

  await check('at 375 px Settings does not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.goto(`${server.url}/settings`);
      await page.locator('#api-keys').waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'Settings');
      await page.screenshot({ path: '/tmp/textdesk-settings-375.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.screenshot({ path: '/tmp/textdesk-settings.png', fullPage: true });
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });
  await page.close();
}

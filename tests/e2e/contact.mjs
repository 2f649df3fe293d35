// The Contact tab of an open conversation: "Add contact" names an unknown number (a field the
// server refuses is named beside it), the name replaces the number in the list at once, labels
// added and removed, the opted-out checkbox with its reason in the history, the contact's
// conversations, the tabs by keyboard, and 375 px.

import {
  DEMO_OWNER,
  DEMO_PASSWORD,
  TIMEOUT_MS,
  api,
  check,
  eventually,
  expectNoSidewaysScroll,
  expectPath,
  expectText,
  signIn,
  textAsCustomer,
} from './lib.mjs';

const CUSTOMER = '+12025550588';

export async function contactChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let conversation;

  await check('"Add contact" opens the Contact tab on the first name; a bad email is named there', page, async () => {
    await page.goto(`${server.url}/`);
    await page.locator('.conversation-row, #email').first().waitFor({ timeout: TIMEOUT_MS });
    if (await page.locator('#email').isVisible()) await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
    await expectPath(page, '/');
    await textAsCustomer(page, CUSTOMER, 'Hi, is my table booked?');
    const list = await api(page, 'GET', '/conversations?view=all&limit=100');
    conversation = list.items.find((c) => c.contact_phone_number === CUSTOMER && c.status === 'open');
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await page.locator('#add-contact').click();
    await expectText(page.locator('#tab-contact'), /Contact/);
    if ((await page.getAttribute('#tab-contact', 'aria-selected')) !== 'true') throw new Error('the Contact tab is not selected');
    await eventually('the first name has the focus', async () =>
      (await page.evaluate(() => document.activeElement?.id)) === 'contact-first-name');
    await page.keyboard.type('Grace');
    await page.locator('#contact-last-name').fill('Hopper');
    await page.locator('#contact-company').fill('Navy Yard');
    // The browser takes an address without a dot in its domain; the server does not.
    await page.locator('#contact-email').fill('grace@navy');
    await page.keyboard.press('Enter');
    await expectText(page.locator('.contact-details .has-error .field-error'), /email address/);
    const unchanged = await api(page, 'GET', `/contacts/${conversation.contact_id}`);
    if (unchanged.first_name !== '') throw new Error('a refused save kept part of the fields');
  });

  await check('a saved name replaces the number in the header, the tab and the list at once', page, async () => {
    await page.locator('#contact-email').fill('grace@navy.example');
    await page.click('#contact-save');
    await expectText(page.locator('#contact-status'), /Saved/);
    await expectText(page.locator('#conversation-contact'), /^Grace Hopper$/);
    await expectText(page.locator(`a.conversation-row[href^="/conversations/${conversation.id}"] .conversation-who`), /^Grace Hopper$/);
    if (await page.locator('#add-contact').count()) throw new Error('"Add contact" stayed for a named contact');
    const saved = await api(page, 'GET', `/contacts/${conversation.contact_id}`);
    if (saved.last_name !== 'Hopper' || saved.company !== 'Navy Yard' || saved.email !== 'grace@navy.example') {
      throw new Error(`saved ${JSON.stringify(saved)}`);
    }
  });

  await check('labels are added with Enter and removed with their button, then saved', page, async () => {
    await page.locator('#contact-label-new').fill('vip');
    await page.keyboard.press('Enter');
    await page.locator('#contact-label-new').fill('catering');
    await page.click('#contact-label-add');
    await expectText(page.locator('#contact-labels'), /vip.*catering/s);
    await page.click('button[aria-label="Remove label vip"]');
    await page.click('#contact-save');
    await expectText(page.locator('#contact-status'), /Saved/);
    const saved = await api(page, 'GET', `/contacts/${conversation.contact_id}`);
    if (JSON.stringify(saved.labels) !== '["catering"]') throw new Error(`labels ${JSON.stringify(saved.labels)}`);
  });

  await check('the opted-out checkbox asks for a reason and keeps it in the history', page, async () => {
    await page.locator('#contact-opted-out').check();
    await eventually('the reason has the focus', async () =>
      (await page.evaluate(() => document.activeElement?.id)) === 'contact-opt-reason');
    await page.keyboard.type('Asked by phone not to be texted');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#consent-history'), /Opted out · by .+ · “Asked by phone not to be texted”/);
    await expectText(page.locator('.conversation-title'), /Opted out/);
    if (!(await api(page, 'GET', `/contacts/${conversation.contact_id}`)).opted_out) throw new Error('not opted out');
    await page.locator('#contact-opted-out').uncheck();
    await page.click('#contact-opt-apply');
    await expectText(page.locator('#consent-history li').first(), /Opted back in · by /);
    if ((await api(page, 'GET', `/contacts/${conversation.contact_id}`)).opted_out) throw new Error('still opted out');
    await expectText(page.locator('#contact-consent'), /.+/);
  });

  await check("the contact's conversations are listed, this one marked; the tabs answer the arrow keys", page, async () => {
    await expectText(page.locator('#contact-conversations'), new RegExp(`#${conversation.number} · Open`));
    const current = page.locator('#contact-conversations a[aria-current="page"]');
    await expectText(current, new RegExp(`^#${conversation.number}$`));
    await page.locator('#tab-contact').focus();
    await page.keyboard.press('ArrowLeft');
    if ((await page.getAttribute('#tab-messages', 'aria-selected')) !== 'true') throw new Error('ArrowLeft did not choose Messages');
    await page.locator('#composer-text').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'tab-messages') throw new Error(`focus went to ${focused}`);
    await page.keyboard.press('ArrowRight');
    await page.locator('#contact-panel').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await page.screenshot({ path: '/tmp/textdesk-contact-1280.png' });
  });

  await check('the Contacts page finds the contact by a number as typed, a name and a label', page, async () => {
    await page.click('nav >> text=Contacts');
    await expectPath(page, '/contacts');
    await page.locator('#contacts-q').fill('(202) 555-0588');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#contacts'), /^Grace Hopper/);
    if ((await page.locator('#contacts .contact-row').count()) !== 1) throw new Error('the number found more than one contact');
    await page.locator('#contacts-q').fill('hopper');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#contacts .contact-row').first(), /Grace Hopper.*Navy Yard · grace@navy\.example.*catering/s);
    await page.click('#contacts .contact-row a.chip:has-text("catering")');
    await expectText(page.locator('#contacts-label'), /Label: catering/);
    await expectText(page.locator('#contacts'), /Grace Hopper/);
    await page.locator('#contacts-q').fill('nobody-at-all');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#contacts-none'), /No contact matches/);
  });

  await check("a name saved elsewhere reaches the Contacts page live; the contact's page starts a conversation", page, async () => {
    await page.goto(`${server.url}/contacts?q=hopper`);
    await expectText(page.locator('#contacts'), /Grace Hopper/);
    await api(page, 'PATCH', `/contacts/${conversation.contact_id}`, { first_name: 'Amazing Grace' });
    await expectText(page.locator('#contacts'), /Amazing Grace Hopper/);
    await page.click('#contacts a.contact-name');
    await expectText(page.locator('#contact-page-name'), /^Amazing Grace Hopper$/);
    await expectText(page.locator('#contact-conversations'), new RegExp(`#${conversation.number} · Open`));
    await expectNoSidewaysScroll(page, 'the contact page');
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await expectNoSidewaysScroll(page, 'the contact page at 375 px');
      await page.screenshot({ path: '/tmp/textdesk-contact-page-375.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.locator('#start-body').fill('Your table is booked for 8.');
    await page.click('#start-conversation');
    await expectPath(page, `/conversations/${conversation.id}`);
    await expectText(page.locator('.message-outbound').last(), /Your table is booked for 8\./);
  });

  await check('an admin defines typed custom fields on the Contacts page; the contact card edits them by type', page, async () => {
    await page.goto(`${server.url}/contacts`);
    for (const [name, kind] of [['visits', 'number'], ['renewal', 'date']]) {
      await page.locator('#custom-field-name').fill(name);
      await page.selectOption('#custom-field-kind', kind);
      await page.click('#custom-field-add');
      await expectText(page.locator('#custom-fields'), new RegExp(name));
    }
    await page.locator('#custom-field-name').fill('visits');
    await page.click('#custom-field-add');
    await expectText(page.locator('.custom-fields-admin .field-error'), /exists/);
    await page.goto(`${server.url}/contacts/${conversation.contact_id}`);
    const visits = page.locator('input[data-field="visits"]');
    const renewal = page.locator('input[data-field="renewal"]');
    if ((await visits.getAttribute('type')) !== 'number') throw new Error('visits is not a number input');
    if ((await renewal.getAttribute('type')) !== 'date') throw new Error('renewal is not a date input');
    await visits.fill('12');
    await renewal.fill('2027-01-31');
    await page.click('#contact-save');
    await expectText(page.locator('#contact-status'), /Saved/);
    const saved = await api(page, 'GET', `/contacts/${conversation.contact_id}`);
    if (saved.custom_fields.visits !== '12' || saved.custom_fields.renewal !== '2027-01-31') {
      throw new Error(`saved ${JSON.stringify(saved.custom_fields)}`);
    }
    // The organization's labels are offered as one is typed.
    await page.locator('#organization-labels option[value="catering"]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
    await page.goto(`${server.url}/contacts`);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('button[aria-label="Remove renewal"]');
    await eventually('the field is gone', async () => !(await page.locator('#custom-fields').textContent()).includes('renewal'));
  });

  await check("exports download with progress: a conversation's last week, a thread as a page, chosen conversations", page, async () => {
    const downloaded = async (click) => {
      const download = page.waitForEvent('download', { timeout: TIMEOUT_MS });
      await click();
      const file = await download;
      const { readFile } = await import('node:fs/promises');
      return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
    };
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await page.click('#export-conversation-open');
    const csv = await downloaded(() => page.click('#export-conversation'));
    if (!csv.name.endsWith('.csv') || !csv.text.startsWith('Message ID,Thread ID,Conversation')) throw new Error(`got ${csv.name}: ${csv.text.slice(0, 80)}`);
    if (!csv.text.includes('Hi, is my table booked?')) throw new Error('the text is missing from the export');
    await expectText(page.locator('#export-conversation-status'), /Downloaded/);
    await page.locator('#export-from').fill('2020-01-01');
    await page.click('#export-conversation');
    await expectText(page.locator('#export-conversation-status'), /7 days/);
    await page.goto(`${server.url}/contacts/${conversation.contact_id}`);
    const html = await downloaded(() => page.click('#export-thread-html'));
    if (!html.name.endsWith('.html') || !html.text.startsWith('<!doctype html>')) throw new Error(`got ${html.name}`);
    await page.goto(`${server.url}/?view=all`);
    await page.locator(`a.conversation-row[href^="/conversations/${conversation.id}"] + input.row-select`).check();
    const chosen = await downloaded(() => page.click('#bulk-export'));
    if (!chosen.text.includes('Your table is booked for 8.')) throw new Error('the chosen conversation is missing');
    if (chosen.text.includes('Do you have my order?')) throw new Error('a conversation not chosen was exported');
    await page.click('#select-view');
    const whole = await downloaded(() => page.click('#bulk-export'));
    if (!whole.text.includes('Your table is booked for 8.') || !whole.text.includes('Do you have my order?')) {
      throw new Error('"Select all in view" did not export the whole view');
    }
    await page.click('.bulk-bar >> text=Clear');
  });

  await check('at 375 px the Contact tab does not scroll sideways', page, async () => {
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await page.locator('#tab-contact').click();
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.locator('#contact-panel').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'the Contact tab');
      await page.screenshot({ path: '/tmp/textdesk-contact-375.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });
  await page.close();
}

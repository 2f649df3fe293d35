// The composer's quick replies and merge fields: a shared quick reply put into the draft with
// the keyboard (never sent by itself), the merged length for this contact, a missing field
// flagged before sending, a reply retried after a lost answer sent once, "+" saving the draft,
// and 375 px.

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

const CUSTOMER = '+12025550477';

export async function composerChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let conversation;

  await check('a quick reply is picked with the keyboard and fills the draft without sending', page, async () => {
    await page.goto(`${server.url}/`);
    await page.locator('.conversation-row, #email').first().waitFor({ timeout: TIMEOUT_MS });
    if (await page.locator('#email').isVisible()) await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
    await expectPath(page, '/');
    await textAsCustomer(page, CUSTOMER, 'Do you have my order?');
    const list = await api(page, 'GET', '/conversations?view=all&limit=100');
    conversation = list.items.find((c) => c.contact_phone_number === CUSTOMER && c.status === 'open');
    await api(page, 'PATCH', `/contacts/${conversation.contact_id}`, { first_name: 'Ada' });
    await api(page, 'POST', '/quick-replies', {
      title: 'Order on its way',
      body: 'Hi {{First Name}}, your order is on its way.',
      shared: true,
    });
    await api(page, 'POST', '/quick-replies', { title: 'Opening hours', body: 'We are open 9 to 5.', shared: false });
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await page.locator('#composer-text').focus();
    await page.keyboard.type('Hello! ');
    await page.keyboard.press('Control+/');
    await page.locator('#quick-reply-search').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
    await page.keyboard.type('order');
    await expectText(page.locator('#quick-reply-list'), /Order on its way/);
    const titles = await page.locator('#quick-reply-list .quick-reply-title').allTextContents();
    if (titles.includes('Opening hours')) throw new Error(`the search kept ${titles.join(', ')}`);
    await page.keyboard.press('Enter');
    await eventually('the draft holds the quick reply after what was typed', async () =>
      (await page.inputValue('#composer-text')) === 'Hello! Hi {{First Name}}, your order is on its way.');
    if (!(await page.locator('#quick-reply-picker').isHidden())) throw new Error('the picker stayed open');
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'composer-text') throw new Error(`focus went to ${focused}, not the draft`);
    const shown = await api(page, 'GET', `/conversations/${conversation.id}`);
    if (JSON.stringify(shown).includes('your order is on its way')) throw new Error('the quick reply was sent by itself');
  });

  await check('the counter counts the text as the contact gets it; a missing field stops sending', page, async () => {
    // "Hello! Hi Ada, your order is on its way." is 40 characters; the draft itself is longer.
    await expectText(page.locator('#composer-merged'), /40 characters/);
    await expectText(page.locator('#composer-remaining'), /^120 left$/);
    await page.locator('#composer-text').fill('Hi {{First Name}} {{Last Name}}');
    await expectText(page.locator('#composer-missing'), /\{\{Last Name\}\}/);
    if (!(await page.locator('#send').isDisabled())) throw new Error('Send stayed enabled with a missing field');
    await page.locator('#composer-text').fill('Hi {{First Name}}, thanks!');
    await expectText(page.locator('#composer-missing'), /^$/);
    await page.click('#send');
    await expectText(page.locator('.message-outbound').last(), /Hi Ada, thanks!/);
  });

  await check('a reply whose answer was lost on the way is sent once when sent again', page, async () => {
    const path = `**/api/v1/conversations/${conversation.id}/messages`;
    let keys = [];
    // The server gets the first try and acts on it; the app never hears back.
    await page.route(path, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await route.fetch();
      await route.abort('connectionfailed');
    }, { times: 1 });
    await page.locator('#composer-text').fill('Your parcel left this morning.');
    await page.click('#send');
    await expectText(page.locator('#composer-problem'), /Check your connection/);
    await page.route(path, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await route.continue();
    }, { times: 1 });
    await page.click('#send');
    await expectText(page.locator('.message-outbound').last(), /Your parcel left this morning\./);
    await eventually('the draft is cleared once the reply is known to be sent', async () =>
      (await page.inputValue('#composer-text')) === '');
    if (keys.length !== 2 || !keys[0] || keys[0] !== keys[1]) throw new Error(`keys sent: ${JSON.stringify(keys)}`);
    const shown = await api(page, 'GET', `/conversations/${conversation.id}`);
    const sent = shown.messages.filter((m) => m.body === 'Your parcel left this morning.');
    if (sent.length !== 1) throw new Error(`the reply was sent ${sent.length} times`);
  });

  await check('"+" saves the draft as a quick reply, which the picker then offers', page, async () => {
    await page.locator('#composer-text').fill('Your refund was sent today.');
    await page.click('#save-quick-reply');
    await page.locator('#quick-reply-title').fill('Refund sent');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#quick-reply-status'), /Saved “Refund sent”/);
    const mine = await api(page, 'GET', '/quick-replies?q=refund');
    if (!mine.some((reply) => reply.title === 'Refund sent' && reply.body === 'Your refund was sent today.')) {
      throw new Error(`not saved: ${JSON.stringify(mine)}`);
    }
    await page.click('#quick-replies');
    await expectText(page.locator('#quick-reply-list'), /Refund sent/);
    await page.keyboard.press('Escape');
    await page.locator('#quick-reply-picker').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
  });

  await check('"{ }" puts a merge field where the cursor is', page, async () => {
    await page.locator('#composer-text').fill('Hi , see you soon');
    await page.locator('#composer-text').evaluate((field) => field.setSelectionRange(3, 3));
    await page.click('#merge-fields');
    await page.click('#merge-field-list button:has-text("{{Company Name}}")');
    await eventually('the field is in the draft at the cursor', async () =>
      (await page.inputValue('#composer-text')) === 'Hi {{Company Name}}, see you soon');
    if (!(await page.locator('#merge-field-list').isHidden())) throw new Error('the menu stayed open');
    await expectText(page.locator('#composer-missing'), /\{\{Company Name\}\}/);
    await page.locator('#composer-text').fill('');
  });

  await check("with the organization's switch on, a first message starts with the name tags the contact has", page, async () => {
    await api(page, 'PATCH', '/organization', { name_tags_in_first_message: true });
    try {
      await textAsCustomer(page, '+12025550478', 'Is the shop open?');
      const list = await api(page, 'GET', '/conversations?view=all&limit=100');
      const first = list.items.find((c) => c.contact_phone_number === '+12025550478' && c.status === 'open');
      await api(page, 'PATCH', `/contacts/${first.contact_id}`, { first_name: 'Lin' });
      await page.goto(`${server.url}/conversations/${first.id}`);
      await eventually('the draft starts with {{First Name}}', async () =>
        (await page.inputValue('#composer-text')) === '{{First Name}} ');
      await page.locator('#composer-text').press('End');
      await page.keyboard.type('we open at 9.');
      await page.click('#send');
      await expectText(page.locator('.message-outbound .message-body').last(), /^Lin we open at 9\.$/);
      await page.reload();
      await page.locator('#composer-text').waitFor({ timeout: TIMEOUT_MS });
      if ((await page.inputValue('#composer-text')) !== '') throw new Error('the second message started with the tags too');
    } finally {
      await api(page, 'PATCH', '/organization', { name_tags_in_first_message: false });
      await page.goto(`${server.url}/conversations/${conversation.id}`);
      await page.locator('#composer-text').waitFor({ timeout: TIMEOUT_MS });
    }
  });

  await check('a picture is attached, previewed and sent as MMS without text; a PDF is refused with what is allowed', page, async () => {
    // A real 1×1 PNG: the server reads the type from the bytes.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.locator('#composer-text').fill('');
    await page.setInputFiles('#composer-file', { name: 'smile.png', mimeType: 'image/png', buffer: png });
    await expectText(page.locator('#composer-attachments'), /smile\.png/);
    await page.locator('#composer-attachments img.attachment-preview').waitFor({ timeout: TIMEOUT_MS });
    await expectText(page.locator('#composer-encoding'), /^(GSM-7|MMS)$/);
    if (await page.locator('#send').isDisabled()) throw new Error('Send stayed disabled with a picture and no text');
    await page.setInputFiles('#composer-file', { name: 'menu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 menu') });
    await expectText(page.locator('#composer-media-problem'), /menu\.pdf: MMS can carry JPEG, PNG or GIF images and MP4 or 3GP video/);
    if ((await page.locator('#composer-attachments .attachment').count()) !== 1) throw new Error('the PDF was attached');
    await page.click('#send');
    await page.locator('.message-outbound').last().locator('.media').waitFor({ timeout: TIMEOUT_MS });
    await eventually('the attachments are cleared once sent', async () => page.locator('#composer-attachments').isHidden());
    const detail = await api(page, 'GET', `/conversations/${conversation.id}`);
    const sent = detail.messages.filter((message) => message.direction === 'outbound').pop();
    if (sent.media.length !== 1 || sent.media[0].content_type !== 'image/png') throw new Error(`sent ${JSON.stringify(sent.media)}`);
  });

  await check('a large picture is warned about and can be removed; one over 5 MB is refused', page, async () => {
    const jpeg = (bytes) => {
      const buffer = Buffer.alloc(bytes);
      buffer.set([0xff, 0xd8, 0xff, 0xe0]);
      return buffer;
    };
    await page.setInputFiles('#composer-file', { name: 'big.jpg', mimeType: 'image/jpeg', buffer: jpeg(1_600_000) });
    await expectText(page.locator('#composer-media-warning'), /1\.6 MB; above 1\.5 MB some carriers/);
    await page.click('button[aria-label="Remove big.jpg"]');
    await page.locator('#composer-attachments').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
    await expectText(page.locator('#composer-media-warning'), /^$/);
    await page.setInputFiles('#composer-file', { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: jpeg(5 * 1024 * 1024 + 1) });
    await expectText(page.locator('#composer-media-problem'), /huge\.jpg: MMS media must be at most 5 MB/);
    // The camera button opens the file picker.
    const chooser = page.waitForEvent('filechooser', { timeout: TIMEOUT_MS });
    await page.click('#attach-media');
    const picker = await chooser;
    if (!picker.isMultiple()) throw new Error('the picker takes one file at a time');
    await picker.setFiles([]);
  });

  await check('at 375 px the composer and its picker do not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.click('#quick-replies');
      await page.locator('#quick-reply-search').waitFor({ state: 'visible', timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'the composer with its quick replies');
      await page.screenshot({ path: '/tmp/textdesk-composer-375.png' });
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });
  await page.close();
}

// Settings, for owners and admins: a Twilio number connected (its token never shown again) and
// a simulator number whose new conversations go to a group, which a customer's text then
// proves; an API key created (its secret shown once), used by a
// script to push a note, by the contact's phone number and with its source, that appears live
// in the conversation an agent has open, then revoked; a webhook endpoint registered by
// keyboard, whose deliveries a receiver verifies with the published Standard Webhooks library,
// and its delivery log; an agent kept out; at 375 px.

import { createServer } from 'node:http';

import { Webhook } from 'standardwebhooks';

import {
  DEMO_AGENT,
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

const CUSTOMER = '+12025550633';
const WEBHOOK_CUSTOMER = '+12025550644';
const NUMBER_CUSTOMER = '+12025550655';
const OPT_OUT_CUSTOMERS = ['+12025550661', '+12025550662', '+12025550663'];

export async function settingsChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => dialog.accept());
  let secret;

  await check('an admin connects a Twilio number, and gives a number\'s new conversations to a group', page, async () => {
    await page.goto(`${server.url}/`);
    await page.click('nav >> text=Settings');
    await expectPath(page, '/settings');
    await page.click('.settings-nav >> text=Numbers');
    await page.locator('#number-new-phone').fill('(202) 555-0177');
    await page.locator('#number-new-label').fill('Support line');
    await page.locator('#number-new-sid').fill('AC0123456789abcdef0123456789abcdef');
    await page.locator('#number-new-token').fill('secret-twilio-token-0123456789');
    await page.locator('#number-new-token').press('Enter');
    const twilio = page.locator('.settings-item', { hasText: 'Support line' });
    await expectText(twilio, /\+12025550177[\s\S]*Twilio · AC0123456789abcdef0123456789abcdef/);
    if ((await page.content()).includes('secret-twilio-token')) throw new Error('the auth token is shown');
    const stored = (await api(page, 'GET', '/numbers')).find((number) => number.phone_number === '+12025550177');
    if (!stored.has_auth_token || JSON.stringify(stored).includes('secret-twilio-token')) {
      throw new Error(`stored: ${JSON.stringify(stored)}`);
    }

    // A simulator number, by keyboard, whose new conversations go to Billing.
    await page.selectOption('#number-new-provider', 'simulator');
    await page.locator('#number-new-phone').fill('+12025550188');
    await page.locator('#number-new-label').fill('Invoices line');
    await page.locator('#number-new-label').press('Enter');
    const line = page.locator('.settings-item', { hasText: 'Invoices line' });
    await expectText(line, /New conversations: Nobody/);
    await line.locator('button', { hasText: 'Change' }).click();
    const simulator = (await api(page, 'GET', '/numbers')).find((number) => number.phone_number === '+12025550188');
    const groups = await api(page, 'GET', '/groups');
    const billing = groups.items.find((group) => group.name === 'Billing');
    await page.selectOption(`#number-${simulator.id}-owner`, `group:${billing.id}`);
    await page.locator(`#number-${simulator.id}-label`).press('Enter');
    await expectText(line, /New conversations: Billing/);

    await textAsCustomer(page, NUMBER_CUSTOMER, 'Question about my invoice', simulator.id);
    const list = await api(page, 'GET', '/conversations?view=all&limit=100');
    const conversation = list.items.find((c) => c.contact_phone_number === NUMBER_CUSTOMER && c.status === 'open');
    if (conversation.owner_group_id !== billing.id) throw new Error(`owned by ${JSON.stringify(conversation)}`);
  });

  await check('keyword rules are added and removed in Settings', page, async () => {
    await page.locator('#rule-new-pattern').fill('refund*');
    await page.selectOption('#rule-new-owner', { label: 'Billing' });
    await page.locator('#rule-new-pattern').press('Enter');
    await expectText(page.locator('#assignment-rules-table'), /refund\*[\s\S]*Any number[\s\S]*Billing/);
    await page.click('button[aria-label="Delete the rule refund*"]');
    await page.locator('#assignment-rules-table').waitFor({ state: 'detached', timeout: TIMEOUT_MS });
  });

  await check('an admin adds opt-out keywords, and customers\' variants of them opt out', page, async () => {
    await page.click('.settings-nav >> text=Organization');
    await page.locator('#compliance-opt-out').waitFor({ timeout: TIMEOUT_MS });
    const before = await page.inputValue('#compliance-opt-out');
    await page.locator('#compliance-opt-out').fill(`${before}, arret, remove me`);
    await page.locator('#compliance-opt-out').press('Enter');
    await expectText(page.locator('#compliance-form [role=status]'), /Saved/);
    if (!(await page.inputValue('#compliance-opt-out')).endsWith('ARRET, REMOVE ME')) {
      throw new Error(`the list reads ${await page.inputValue('#compliance-opt-out')}`);
    }
    for (const [phone, text] of [[OPT_OUT_CUSTOMERS[0], 'Arret!'], [OPT_OUT_CUSTOMERS[1], '  remove-me. ']]) {
      await textAsCustomer(page, phone, text);
      await eventually(`${phone} is opted out by “${text}”`, async () => {
        const found = await api(page, 'GET', `/contacts?q=${encodeURIComponent(phone)}`);
        return found.items.some((contact) => contact.phone_number === phone && contact.opted_out);
      });
    }
    // A sentence that only contains a keyword is conversation.
    await textAsCustomer(page, OPT_OUT_CUSTOMERS[2], 'Please do not remove me from the list');
    const kept = await api(page, 'GET', `/contacts?q=${encodeURIComponent(OPT_OUT_CUSTOMERS[2])}`);
    if (kept.items[0].opted_out) throw new Error('a sentence opted a customer out');
  });

  await check('an admin opens Settings and creates an API key, whose secret is shown once', page, async () => {
    await page.click('.settings-nav >> text=API keys');
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
    await page.goto(`${server.url}/settings?section=api-keys`);
    await page.click('button[aria-label="Revoke Voicemail service"]');
    await expectText(page.locator('#api-keys'), /Revoked/);
    const response = await fetch(`${server.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${secret}` } });
    if (response.status !== 401) throw new Error(`a revoked key got ${response.status}`);
  });

  await check('an admin registers a webhook by keyboard; every delivery verifies with the Standard Webhooks library and shows in the log', page, async () => {
    const received = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204);
        response.end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`${server.url}/settings?section=webhooks`);
      await page.locator('#webhook-new-url').focus();
      await page.keyboard.type(`http://127.0.0.1:${receiver.address().port}/hooks/textdesk`);
      await page.keyboard.press('Tab');
      await page.keyboard.type('CRM');
      await page.check('#webhook-new-event-conversation-opened');
      await page.locator('#webhook-new-event-message-received').focus();
      await page.keyboard.press('Space');
      await page.locator('#webhook-new-url').press('Enter');
      await expectText(page.locator('#webhook-secret'), /^whsec_/);
      const secret = (await page.locator('#webhook-secret').textContent()).trim();
      await page.click('#webhook-done');
      await expectText(page.locator('.webhook-endpoint'), /CRM[\s\S]*message\.received, conversation\.opened/);

      await textAsCustomer(page, WEBHOOK_CUSTOMER, 'Is my parcel on its way?');
      await eventually('the receiver got the text', async () =>
        received.some((delivery) => JSON.parse(delivery.body).type === 'message.received'));
      const verifier = new Webhook(secret);
      for (const delivery of received) {
        const event = verifier.verify(delivery.body, delivery.headers);
        if (!['conversation.opened', 'message.received'].includes(event.type)) throw new Error(`unexpected ${event.type}`);
      }
      const text = received.find((delivery) => JSON.parse(delivery.body).type === 'message.received');
      let forgedRefused = false;
      try {
        verifier.verify(text.body.replace('parcel', 'pizza'), text.headers);
      } catch {
        forgedRefused = true;
      }
      if (!forgedRefused) throw new Error('a changed body verified');

      await page.reload();
      await page.locator('.webhook-endpoint button', { hasText: 'Delivery log' }).click();
      await expectText(page.locator('.webhook-deliveries'), /message\.received[\s\S]*delivered[\s\S]*HTTP 204/);
      await page.locator('.webhook-deliveries button', { hasText: 'Details' }).first().click();
      await expectText(page.locator('.delivery-body'), /"type": "message\.received"/);
    } finally {
      receiver.close();
    }
  });

  await check('the audit log is searched by action family, by who acted and by day', page, async () => {
    await page.click('.settings-nav >> text=Audit log');
    await page.locator('#audit-entries').waitFor({ timeout: TIMEOUT_MS });
    await page.locator('#audit-action').fill('webhook.');
    await page.locator('#audit-action').press('Enter');
    await expectText(page.locator('#audit-entries'), /webhook\.created/);
    const actions = await page.locator('#audit-entries tbody td[data-label=Action]').allTextContents();
    if (!actions.every((action) => action.startsWith('webhook.'))) throw new Error(`found ${actions.join(', ')}`);
    const me = await api(page, 'GET', '/me');
    await page.selectOption('#audit-actor', me.id);
    await page.locator('#audit-action').fill('api_key.');
    await page.click('#audit-search');
    await expectText(page.locator('#audit-entries'), /api_key\.revoked[\s\S]*api_key\.created/);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#audit-from').fill(tomorrow);
    await page.click('#audit-search');
    await expectText(page.locator('#audit-none'), /Nothing matches/);
  });

  await check('an agent sees no Settings, and the page says it is for admins', page, async () => {
    const agentContext = await context.browser().newContext({ viewport: { width: 1280, height: 800 } });
    const agentPage = await agentContext.newPage();
    try {
      await agentPage.goto(`${server.url}/login`);
      await signIn(agentPage, DEMO_AGENT, DEMO_PASSWORD);
      await agentPage.locator('nav.main-nav').waitFor({ timeout: TIMEOUT_MS });
      if (await agentPage.locator('nav.main-nav >> text=Settings').count()) throw new Error('an agent sees Settings');
      await agentPage.goto(`${server.url}/settings`);
      await expectText(agentPage.locator('#settings-admins-only'), /owners and admins/);
      const status = await agentPage.evaluate(async () => {
        const session = JSON.parse(localStorage.getItem('textdesk.session'));
        const response = await fetch('/api/v1/webhook-endpoints', {
          headers: { authorization: `Bearer ${session.access_token}` },
        });
        return response.status;
      });
      if (status !== 403) throw new Error(`the API answered an agent ${status}`);
    } finally {
      await agentContext.close();
    }
  });

  await check('at 375 px Settings does not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      const sections = [
        ['organization', '#compliance-form'],
        ['numbers', '#number-new-form'],
        ['api-keys', '#api-keys'],
        ['webhooks', '.webhook-endpoint'],
        ['audit-log', '#audit-filters'],
      ];
      for (const [section, ready] of sections) {
        await page.goto(`${server.url}/settings?section=${section}`);
        await page.locator(ready).first().waitFor({ timeout: TIMEOUT_MS });
        await expectNoSidewaysScroll(page, `Settings, ${section}`);
        await page.screenshot({ path: `/tmp/textdesk-settings-${section}-375.png`, fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.screenshot({ path: '/tmp/textdesk-settings.png', fullPage: true });
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });
  await page.close();
}

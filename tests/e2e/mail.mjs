// Mail without an SMTP server: "Forgot password?" through the Mail outbox to a new password,
// and a notification answered from the Mail outbox arriving as a text in the phone simulator;
// the outbox at 375 px. Runs last on the demo server: it changes the demo agent's password.

import {
  DEMO_AGENT,
  TIMEOUT_MS,
  api,
  check,
  eventually,
  expectNoSidewaysScroll,
  expectText,
  signIn,
  textAsCustomer,
} from './lib.mjs';

const CUSTOMER = '+12025550871';
// A notification is written once a burst of texts has been quiet for 30 seconds.
const NOTIFICATION_MS = 60_000;

export async function mailChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const stranger = await context.browser().newContext({ viewport: { width: 1280, height: 800 } });
  const signedOut = await stranger.newPage();

  await check('an agent who forgot their password resets it through the Mail outbox', signedOut, async () => {
    await signedOut.goto(`${server.url}/login`);
    await signedOut.click('#forgot-password');
    await expectText(signedOut.locator('h1'), /Reset your password/);
    await signedOut.locator('#email').fill(DEMO_AGENT);
    await signedOut.keyboard.press('Enter');
    await expectText(signedOut.locator('#reset-mailed'), /a link is on its way/);

    await page.goto(`${server.url}/mail`);
    const mail = page.locator('#mail-rows a', { hasText: 'Reset your Textdesk password' }).first();
    await expectText(mail, new RegExp(`${DEMO_AGENT}[\\s\\S]*kept here`));
    await mail.click();
    const link = page.locator('#mail-text a[href*="/reset-password?token="]');
    await link.waitFor({ timeout: TIMEOUT_MS });
    const href = await link.getAttribute('href');

    await signedOut.goto(href);
    await signedOut.locator('#new-password').fill('sams new passphrase');
    await signedOut.keyboard.press('Enter');
    await expectText(signedOut.locator('.reset-done'), /Your password is changed/);
    await signedOut.goto(`${server.url}/login`);
    await signIn(signedOut, DEMO_AGENT, 'sams new passphrase');
    await signedOut.waitForURL((url) => url.pathname === '/', { timeout: TIMEOUT_MS });
    await signedOut.goto(href);
    await signedOut.locator('#new-password').fill('another passphrase');
    await signedOut.keyboard.press('Enter');
    await expectText(signedOut.locator('.alert-error'), /unknown, used or expired/);
  });

  await check('a notification answered from the Mail outbox arrives as a text on the phone', page, async () => {
    await page.goto(`${server.url}/mail`);
    await page.locator('.mail-list').waitFor({ timeout: TIMEOUT_MS });
    await textAsCustomer(page, CUSTOMER, 'Do you deliver?');
    let conversation;
    await eventually('the text opened a conversation', async () => {
      const list = await api(page, 'GET', '/conversations?view=all&limit=100');
      conversation = list.items.find((item) => item.contact_phone_number === CUSTOMER);
      return conversation !== undefined;
    });
    await api(page, 'POST', `/conversations/${conversation.id}/claim`, {});
    await textAsCustomer(page, CUSTOMER, 'Even on Sundays?');

    await page.goto(`${server.url}/mail`);
    const notification = page.locator('#mail-rows a', { hasText: `Conversation #${conversation.number}` }).first();
    await notification.waitFor({ timeout: NOTIFICATION_MS });
    await notification.click();
    await expectText(page.locator('#mail-text'), /Even on Sundays\?/);
    await expectText(page.locator('#mail-reply-to'), /^reply\+/);
    await page.locator('#mail-answer').focus();
    await page.keyboard.type('Yes, Sundays too.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#answer-outcome'), /Sent to the customer as a text/);

    await page.goto(`${server.url}/simulator`);
    await page.locator('#handset-phone').fill(CUSTOMER);
    await expectText(page.locator('.handset-texts'), /Yes, Sundays too\./);
  });

  await check('the Mail outbox fits a phone', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${server.url}/mail`);
    await page.locator('#mail-rows a').first().click();
    await expectText(page.locator('#mail-title'), /\S/);
    await expectNoSidewaysScroll(page, 'an open mail at 375 px');
    await page.locator('.mail-back').click();
    await page.locator('#mail-rows').waitFor({ timeout: TIMEOUT_MS });
    await expectNoSidewaysScroll(page, 'the mail list at 375 px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await check('the mail pages raise no errors', null, async () => {
    if (errors.length) throw new Error(errors.join('; '));
  });
  await stranger.close();
  await page.close();
}

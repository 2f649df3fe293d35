// Team management, for owners and admins: an agent added by keyboard, made an admin, disabled
// and enabled again, given a password-reset link; a group created, filled, set to round robin,
// renamed, emptied and deleted; an agent's own mobile number and picture in their profile; an
// agent sees the team without the controls; at 375 px.

import {
  DEMO_AGENT,
  DEMO_PASSWORD,
  TIMEOUT_MS,
  api,
  check,
  eventually,
  expectNoSidewaysScroll,
  expectText,
  signIn,
} from './lib.mjs';

export async function teamChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => dialog.accept());
  const row = () => page.locator('#agents tbody tr', { hasText: 'Noor Haddad' });

  await check('an admin adds an agent by keyboard, makes them an admin, and disables them', page, async () => {
    await page.goto(`${server.url}/team`);
    await page.locator('#agent-new-email').focus();
    await page.keyboard.type('noor@harbor.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Noor');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Haddad');
    await page.locator('#agent-new-password').focus();
    await page.keyboard.type('short');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#agent-new-form .field-error'), /10/);
    await page.locator('#agent-new-password').fill('noors first passphrase');
    await page.keyboard.press('Enter');
    await expectText(row(), /noor@harbor\.example[\s\S]*Active/);

    await row().locator('select[aria-label^="Role of"]').selectOption('admin');
    await expectText(row().locator('select[aria-label^="Role of"]'), /Admin/);
    await eventually('the server has them as an admin', async () =>
      (await api(page, 'GET', '/agents?limit=100')).items.some(
        (agent) => agent.email === 'noor@harbor.example' && agent.role === 'admin',
      ));
    await row().locator('button', { hasText: 'Disable' }).click();
    await expectText(row(), /Disabled/);
    await row().locator('button', { hasText: 'Enable' }).click();
    await expectText(row(), /Active/);
  });

  await check('an admin makes a password-reset link for an agent', page, async () => {
    await row().locator('button', { hasText: 'Reset link' }).click();
    await expectText(page.locator('#reset-link'), /\/reset-password\?token=|\/reset-password/);
    await page.click('#reset-link-done');
    if (await page.locator('#reset-link').count()) throw new Error('the link stayed on the page');
  });

  await check('an admin creates a group, fills it, sets round robin, renames and deletes it', page, async () => {
    await page.locator('#group-new-name').fill('Night shift');
    await page.locator('#group-new-name').press('Enter');
    const group = page.locator('article.group', { hasText: 'Night shift' });
    await expectText(group, /0 members/);
    const created = (await api(page, 'GET', '/groups')).items.find((g) => g.name === 'Night shift');
    const noor = (await api(page, 'GET', '/agents?limit=100')).items.find((a) => a.email === 'noor@harbor.example');
    await page.selectOption(`#group-${created.id}-add`, noor.id);
    await group.locator('button', { hasText: /^Add$/ }).click();
    await expectText(group, /1 member[\s\S]*Noor Haddad/);
    await group.locator('input[type=checkbox]').check();
    await expectText(group, /round robin/);
    await page.locator(`#group-${created.id}-name`).fill('Late shift');
    await page.locator('article.group', { hasText: 'Night shift' }).locator('button', { hasText: 'Rename' }).click();
    const renamed = page.locator('article.group', { hasText: 'Late shift' });
    await expectText(renamed, /Noor Haddad/);
    await renamed.locator('button[aria-label="Remove Noor Haddad from Late shift"]').click();
    await expectText(renamed, /0 members/);
    await renamed.locator('button', { hasText: 'Delete group' }).click();
    await renamed.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
  });

  await check('an agent sets their mobile number and picture in their profile', page, async () => {
    await page.goto(`${server.url}/profile`);
    await page.locator('#mobile-number').fill('(202) 555-0199');
    await page.locator('#mobile-number').press('Enter');
    await expectText(page.locator('#profile-form [role=status]'), /saved/);
    const saved = await api(page, 'GET', '/me');
    if (saved.mobile_number !== '+12025550199') throw new Error(`mobile saved as ${saved.mobile_number}`);
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.setInputFiles('#avatar-file', { name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.locator('#avatar-image').waitFor({ timeout: TIMEOUT_MS });
    if (!(await api(page, 'GET', '/me')).avatar_url) throw new Error('no avatar stored');
    await page.click('#avatar-remove');
    await page.locator('#avatar-image').waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    if ((await api(page, 'GET', '/me')).avatar_url) throw new Error('the avatar stayed');
  });

  await check('at 375 px the team page does not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.goto(`${server.url}/team`);
      await page.locator('#agents tbody tr').first().waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'Team');
      await page.screenshot({ path: '/tmp/textdesk-team-375.png', fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  });

  await check('an agent sees the team without its controls', page, async () => {
    const agentContext = await context.browser().newContext({ viewport: { width: 1280, height: 800 } });
    const agentPage = await agentContext.newPage();
    try {
      await agentPage.goto(`${server.url}/login`);
      await signIn(agentPage, DEMO_AGENT, DEMO_PASSWORD);
      await agentPage.locator('nav.main-nav').waitFor({ timeout: TIMEOUT_MS });
      await agentPage.goto(`${server.url}/team`);
      await agentPage.locator('#agents tbody tr').first().waitFor({ timeout: TIMEOUT_MS });
      for (const control of ['#agents select', '#agents button', '#agent-new-form', '#group-new-form']) {
        if (await agentPage.locator(control).count()) throw new Error(`an agent sees ${control}`);
      }
    } finally {
      await agentContext.close();
    }
  });
  await page.close();
}


// The Message Center's left column: views with live unread counters, bulk actions, search,
// presence, custom views with their preview, at desktop and phone width.

import {
  DEMO_OWNER,
  DEMO_PASSWORD,
  TIMEOUT_MS,
  api,
  check,
  eventually,
  expectNoSidewaysScroll,
  expectText,
  signIn,
  textAsCustomer,
} from './lib.mjs';

/** A second simulator number, for views that pick business numbers. */
const SECOND_NUMBER = '+12025550102';

/** The lines of the "Edit view" preview (none when it says nothing matches). */
async function previewed(page) {
  return page.locator('#view-preview li').allTextContents();
}

/** The unread count a view's link shows (0 when it shows none). */
async function counter(page, view) {
  const text = await page.locator(`#view-${view} .view-count`).textContent({ timeout: 500 }).catch(() => null);
  return text === null ? 0 : Number.parseInt(text, 10);
}

async function apiCount(page, view) {
  const list = await api(page, 'GET', '/views');
  return list.views.find((candidate) => candidate.id === view).unread_count;
}

export async function inboxChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked')) errors.push(message.text());
  });
  await page.goto(`${server.url}/`);
  await page.locator('.conversation-row, #email').first().waitFor({ timeout: TIMEOUT_MS });
  if (await page.locator('#email').isVisible()) await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
  await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });

  await check('every view shows its unread count, and a new text bumps the right ones live', page, async () => {
    for (const view of ['open', 'unassigned', 'all', 'mine', 'closed']) {
      const expected = await apiCount(page, view);
      await eventually(`the ${view} counter reads ${expected}`, async () => (await counter(page, view)) === expected);
    }
    const before = { open: await counter(page, 'open'), unassigned: await counter(page, 'unassigned'), mine: await counter(page, 'mine') };
    await textAsCustomer(page, '+12025550711', 'Counting on you');
    await eventually('Open and Unassigned count one more', async () =>
      (await counter(page, 'open')) === before.open + 1 && (await counter(page, 'unassigned')) === before.unassigned + 1,
    );
    if ((await counter(page, 'mine')) !== before.mine) throw new Error('Just Mine counted a conversation nobody owns');
  });

  await check('rows show their flags and owner, as text too', page, async () => {
    const row = await api(page, 'GET', '/conversations?view=open&limit=1');
    const id = row.items[0].id;
    await api(page, 'PATCH', `/conversations/${id}`, { follow_up: true });
    await api(page, 'POST', `/conversations/${id}/claim`);
    const shown = page.locator(`a.conversation-row[href^="/conversations/${id}"]`);
    await expectText(shown.locator('.flag-follow-up .visually-hidden'), /Follow-up/);
    await expectText(shown.locator('.conversation-owner'), /\S/);
    await eventually('Follow-Up counts it', async () => (await counter(page, 'follow_up')) === (await apiCount(page, 'follow_up')));
    await api(page, 'PATCH', `/conversations/${id}`, { follow_up: false });
    await api(page, 'POST', `/conversations/${id}/transfer`, {});
  });

  await check('bulk close: tick two rows, close them, the view and its counter follow', page, async () => {
    await textAsCustomer(page, '+12025550721', 'Bulk one');
    await textAsCustomer(page, '+12025550722', 'Bulk two');
    const rows = ['Bulk one', 'Bulk two'].map((text) => page.locator('li.row-item', { hasText: text }));
    for (const row of rows) await row.locator('.row-select').check({ timeout: TIMEOUT_MS });
    await expectText(page.locator('#bulk-count'), /^2 selected$/);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('#bulk-close');
    await eventually('both left the Open view', async () =>
      (await page.locator('li.row-item', { hasText: /Bulk (one|two)/ }).count()) === 0,
    );
    await eventually('the Open counter matches the server', async () => (await counter(page, 'open')) === (await apiCount(page, 'open')));
    const closed = await api(page, 'GET', '/conversations?view=closed&limit=50');
    if (!closed.items.some((item) => item.last_message_preview === 'Bulk one')) throw new Error('Bulk one is not closed');
  });

  await check('search finds a closed conversation by a word and by a number typed "(202) 555-0722", and opens it', page, async () => {
    await page.fill('#search-input', 'bulk two');
    await page.press('#search-input', 'Enter');
    const hit = page.locator('.search-hit', { hasText: '+12025550722' }).first();
    await hit.waitFor({ timeout: TIMEOUT_MS });
    await expectText(hit.locator('mark').first(), /Bulk|two/i);
    await page.fill('#search-input', '(202) 555-0722');
    await page.press('#search-input', 'Enter');
    await page.locator('.search-hit mark', { hasText: '2025550722' }).first().waitFor({ timeout: TIMEOUT_MS });
    await page.locator('.search-hit').first().click();
    await page.waitForURL((url) => url.pathname.startsWith('/conversations/'), { timeout: TIMEOUT_MS });
    await expectText(page.locator('#conversation-contact'), /\+12025550722/);
    await page.click('#search-clear');
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
  });

  await check('the agent with the Message Center open is online, and leaves on another page', page, async () => {
    const me = await api(page, 'GET', '/me');
    await eventually('the server lists the agent online', async () =>
      (await api(page, 'GET', '/presence')).some((agent) => agent.agent_id === me.id),
    );
    await expectText(page.locator('#online-toggle'), /Online \(\d+\)/);
    await page.click('#online-toggle');
    await expectText(page.locator('.online-list'), new RegExp(me.email.replace('.', '\\.')));
    await page.click('#online-toggle');
    await page.click('nav >> text=Team');
    await eventually('the agent is gone from the online list', async () =>
      !(await api(page, 'GET', '/presence')).some((agent) => agent.agent_id === me.id),
    );
    await page.click('nav >> text=Inbox');
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
  });

  await check('"Edit view" previews the criteria live and saves them as a view of their own', page, async () => {
    await page.click('#edit-view');
    await page.fill('#view-name', 'Bulk customers');
    await page.selectOption('#view-status', '');
    await page.fill('#view-contact', '555-072');
    await page.press('#view-contact', 'Tab');
    await eventually('the preview lists the two bulk customers', async () =>
      (await page.locator('#view-preview li').count()) === 2,
    );
    await page.click('#view-save-new');
    await page.waitForURL((url) => url.searchParams.get('view')?.length > 20, { timeout: TIMEOUT_MS });
    const view = new URL(page.url()).searchParams.get('view');
    await expectText(page.locator(`#view-${view}`), /Bulk customers/);
    await eventually('the new view lists its two conversations', async () => (await page.locator('.conversation-row').count()) === 2);
    await page.click('#view-open');
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
  });

  await check('"Edit view" filters by an owner agent and a business number: the preview and the saved view show exactly their conversations', page, async () => {
    const numbers = await api(page, 'GET', '/numbers');
    const second = numbers.find((number) => number.phone_number === SECOND_NUMBER)
      ?? await api(page, 'POST', '/numbers', { phone_number: SECOND_NUMBER, label: 'Billing line', provider: 'simulator' });
    const front = numbers.find((number) => number.phone_number !== SECOND_NUMBER);
    const sam = (await api(page, 'GET', '/agents')).items.find((agent) => agent.email === 'sam@demo.textdesk.local');
    // Sam's on the second number: the one match. Sam's on the first, and nobody's on the
    // second: one criterion each.
    const cases = [
      ['+12025550751', second, sam],
      ['+12025550752', front, sam],
      ['+12025550753', second, null],
    ];
    for (const [phone, number, owner] of cases) {
      await textAsCustomer(page, phone, `Owner and number ${phone}`, number.id);
      const list = await api(page, 'GET', '/conversations?view=open&limit=50');
      const conversation = list.items.find((item) => item.contact_phone_number === phone);
      if (owner) await api(page, 'POST', `/conversations/${conversation.id}/transfer`, { agent_id: owner.id });
    }
    await page.click('#edit-view');
    await page.fill('#view-name', "Sam's billing line");
    await page.selectOption('#view-status', '');
    await page.check(`#view-agents-${sam.id}`, { timeout: TIMEOUT_MS });
    await eventually('the preview lists both of Sam\'s conversations', async () =>
      (await previewed(page)).filter((text) => /\+1202555075[12]/.test(text)).length === 2,
    );
    await page.check(`#view-numbers-${second.id}`);
    const expected = await api(page, 'POST', '/views/preview', {
      filter: { owner_agent_ids: [sam.id], number_ids: [second.id] },
    });
    if (expected.length !== 1 || expected[0].contact_phone_number !== '+12025550751') {
      throw new Error(`the server matched ${JSON.stringify(expected.map((item) => item.contact_phone_number))}`);
    }
    await eventually('the preview lists only the conversation of both', async () => {
      const shown = await previewed(page);
      return shown.length === 1 && shown[0] === `#${expected[0].number} ${expected[0].contact_name}`;
    });
    await page.click('#view-save-new');
    await page.waitForURL((url) => url.searchParams.get('view')?.length > 20, { timeout: TIMEOUT_MS });
    const view = new URL(page.url()).searchParams.get('view');
    const saved = (await api(page, 'GET', '/views')).views.find((candidate) => candidate.id === view);
    if (JSON.stringify(saved.filter.owner_agent_ids) !== JSON.stringify([sam.id])
      || JSON.stringify(saved.filter.number_ids) !== JSON.stringify([second.id])) {
      throw new Error(`saved the filter ${JSON.stringify(saved.filter)}`);
    }
    await eventually('the view lists exactly that conversation', async () => {
      const rows = await page.locator('.conversation-row').allTextContents();
      return rows.length === 1 && rows[0].includes('+12025550751');
    });
  });

  await check('"Edit view" saves labels, opted-out, "not" flags and days, the days in the agent\'s time zone', page, async () => {
    const me = await api(page, 'GET', '/me');
    await api(page, 'PATCH', '/me', { time_zone: 'America/New_York' });
    try {
      await page.reload();
      await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
      await page.click('#edit-view');
      await expectText(page.locator('.edit-view-form'), /America\/New_York/);
      await page.fill('#view-labels', ' vip, gold ,, vip');
      await page.press('#view-labels', 'Tab');
      await page.selectOption('#view-opted-out', 'no');
      await page.selectOption('#view-filter-follow-up', 'no');
      await page.selectOption('#view-filter-waiting', 'no');
      // New York moved its clocks on 8 March 2026: the day starts at UTC-5 and ends at UTC-4.
      await page.fill('#view-opened-from', '2026-03-08');
      await page.fill('#view-opened-until', '2026-03-08');
      await page.fill('#view-active-from', '2026-03-01');
      await page.locator('#view-preview-empty').waitFor({ timeout: TIMEOUT_MS });
      await page.click('#view-save');
      const view = new URL(page.url()).searchParams.get('view');
      await eventually('the view is saved with the new criteria', async () => {
        const saved = (await api(page, 'GET', '/views')).views.find((candidate) => candidate.id === view);
        return saved.filter.opened_from !== undefined;
      });
      const { filter } = (await api(page, 'GET', '/views')).views.find((candidate) => candidate.id === view);
      const wanted = {
        labels: ['vip', 'gold'],
        opted_out: false,
        follow_up: false,
        waiting: false,
        opened_from: '2026-03-08T05:00:00Z',
        opened_until: '2026-03-09T04:00:00Z',
        active_from: '2026-03-01T05:00:00Z',
      };
      for (const [field, value] of Object.entries(wanted)) {
        const got = field.endsWith('_from') || field.endsWith('_until') ? Date.parse(filter[field]) : filter[field];
        const want = typeof value === 'string' ? Date.parse(value) : value;
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`${field} saved as ${JSON.stringify(filter[field])}, not ${JSON.stringify(value)}`);
        }
      }
      await eventually('the view lists nothing', async () => (await page.locator('.conversation-row').count()) === 0);
      // Opened again (once the app has read the saved view back), the form shows the days and
      // labels it saved.
      const shown = { '#view-opened-from': '2026-03-08', '#view-opened-until': '2026-03-08', '#view-active-from': '2026-03-01', '#view-labels': 'vip, gold' };
      const last = {};
      await eventually(`the form shows ${JSON.stringify(shown)}`, async () => {
        await page.click('#edit-view');
        for (const box of Object.keys(shown)) last[box] = await page.inputValue(box);
        await page.click('#view-cancel');
        return Object.keys(shown).every((box) => last[box] === shown[box]);
      }).catch((error) => {
        throw new Error(`${error.message}; last shown ${JSON.stringify(last)}`);
      });
    } finally {
      await api(page, 'PATCH', '/me', { time_zone: me.time_zone });
    }
  });

  await check('at 375 px "Edit view" fits, and every control has a label', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.click('#edit-view');
      await page.locator('#view-preview, #view-preview-empty').first().waitFor({ timeout: TIMEOUT_MS });
      await page.locator('.view-choice-list .check').first().waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, 'the edit view dialog');
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('.edit-view-form input, .edit-view-form select')]
          .filter((control) => control.labels.length === 0)
          .map((control) => control.id),
      );
      if (unlabelled.length > 0) throw new Error(`controls without a label: ${unlabelled.join(', ')}`);
      await page.click('#view-cancel');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await page.click('#view-open');
  });

  await check('conversations open side by side as tabs, and a background tab blinks on a new message', page, async () => {
    await textAsCustomer(page, '+12025550741', 'Tab one');
    await textAsCustomer(page, '+12025550742', 'Tab two');
    for (const [text, phone] of [['Tab one', '741'], ['Tab two', '742']]) {
      await page.locator('.conversation-row', { hasText: text }).click();
      await expectText(page.locator('#conversation-contact'), new RegExp(phone));
    }
    await page.locator('.pane-tab', { hasText: '+12025550741' }).waitFor({ timeout: TIMEOUT_MS });
    await page.locator('.pane-tab.current', { hasText: '+12025550742' }).waitFor({ timeout: TIMEOUT_MS });
    await textAsCustomer(page, '+12025550741', 'Tab one again');
    await page.locator('.pane-tab.blinking', { hasText: '+12025550741' }).waitFor({ timeout: TIMEOUT_MS });
    if ((await page.locator('.pane-tab.blinking').count()) !== 1) throw new Error('a tab blinks that got nothing');
    await page.locator('.pane-tab a', { hasText: '+12025550741' }).click();
    await expectText(page.locator('#conversation-contact'), /741/);
    await eventually('the tab stops blinking once shown', async () => (await page.locator('.pane-tab.blinking').count()) === 0);
    await page.click('.pane-tab-close[aria-label$="+12025550742"]');
    await eventually('the closed tab is gone', async () =>
      (await page.locator('.pane-tab', { hasText: '+12025550742' }).count()) === 0,
    );
  });

  await check('the Message Center with its tools fits a phone, and every tool is reachable by keyboard', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(`${server.url}/`);
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
    await expectNoSidewaysScroll(page, 'the Message Center with its tools');
    const reached = new Set();
    await page.locator('#search-input').focus();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.className);
      reached.add(id);
    }
    for (const wanted of ['view-open', 'number-filter', 'mark-all-read', 'edit-view']) {
      if (!reached.has(wanted)) throw new Error(`Tab never reached #${wanted}: ${[...reached].join(', ')}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await check('idle alert: with the page hidden, a customer\'s text flashes the title and heading until the agent is back', page, async () => {
    await page.evaluate(() => Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }));
    await textAsCustomer(page, '+12025550731', 'Anyone awake?');
    await page.locator('.mc-heading.alerting').waitFor({ timeout: TIMEOUT_MS });
    await eventually('the title flashes', async () => (await page.title()).startsWith('★ New message'));
    await page.evaluate(() => {
      delete document.hidden;
      window.dispatchEvent(new Event('pointerdown'));
    });
    await eventually('the alert stops once the agent is back', async () =>
      (await page.locator('.mc-heading.alerting').count()) === 0 && !(await page.title()).startsWith('★'),
    );
  });

  await check('no errors or panics in the browser (inbox)', page, async () => {
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });
  await page.close();
}

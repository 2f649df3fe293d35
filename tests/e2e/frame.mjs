// The browser app's frame: the Message Center's split pane, times in the agent's zone, the
// keyboard, phone width and the tab's title.

import {
  TIMEOUT_MS,
  api,
  check,
  escapeRegExp,
  eventually,
  expectPath,
  expectNoSidewaysScroll,
  expectText,
  textAsCustomer,
} from './lib.mjs';

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
/** The pages besides the Message Center, each with what shows once it has loaded. */
const PAGES = [
  ['/contacts', '#contacts .contact-row'],
  ['/contacts/import', '#import-file'],
  ['/settings', '#compliance-opt-out'],
  ['/settings?section=numbers', '#number-new-phone'],
  ['/settings?section=api-keys', '#api-key-label'],
  ['/settings?section=webhooks', '#webhook-new-url'],
  ['/settings?section=audit-log', '#audit-entries tbody tr'],
  ['/team', '#agents tbody tr'],
  ['/profile', '#profile-form #first-name'],
  ['/simulator', '.handset-stack .bubble, .handset-stack .hint'],
  ['/mail', '#mail-rows a, #mail-none'],
];

/** Enough conversations for the list to scroll: customers +1202555030N…. */
async function fillInbox(page, count) {
  for (let i = 0; i < count; i++) {
    await textAsCustomer(page, `+1202555${String(300 + i).padStart(4, '0')}`, `Question number ${i}`);
  }
}

async function unreadCount(page) {
  const unread = await api(page, 'GET', '/conversations?unread=true&limit=100');
  return unread.items.length;
}

function titleFor(count, page) {
  return count > 0 ? `(${count}) ${page} · Textdesk` : `${page} · Textdesk`;
}

async function expectTitle(page, title) {
  await eventually(`the title is ${JSON.stringify(title)} (it is ${JSON.stringify(await page.title())})`, async () => (await page.title()) === title);
}

/**
 * Presses Tab until the focus comes round again, and returns what it reached: a key per element
 * and whether its focus ring is visible (at least 2 px, and 3:1 against white).
 */
async function tabAround(page, limit = 400) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').focus();
  const reached = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      element.dataset.tabbed = '1';
      const style = getComputedStyle(element);
      const rgb = (style.outlineColor.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const luminance = rgb
        .map((value) => value / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, k) => sum + c * [0.2126, 0.7152, 0.0722][k], 0);
      const contrast = 1.05 / (luminance + 0.05);
      return {
        key: `${element.tagName}#${element.id}.${element.className}:${element.getAttribute('href') ?? ''}:${element.getAttribute('aria-label') ?? ''}:${element.textContent.trim().slice(0, 30)}`,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && contrast >= 3,
        contrast: contrast.toFixed(1),
      };
    });
    if (focused === null) continue;
    if (reached.length > 0 && focused.key === reached[0].key) break;
    reached.push(focused);
  }
  return reached;
}

/** Every visible control of the page was reached with Tab, with a visible focus ring. */
async function expectAllTabbable(page) {
  await page.evaluate(() => document.querySelectorAll('[data-tabbed]').forEach((e) => delete e.dataset.tabbed));
  const reached = await tabAround(page);
  const faint = reached.filter((focused) => !focused.ring);
  if (faint.length > 0) throw new Error(`no visible focus ring on: ${faint.map((f) => `${f.key} (${f.contrast}:1)`).join(', ')}`);
  const missed = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], button:not([disabled]), input:not([hidden]), textarea, select')]
      .filter((element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden')
      .filter((element) => !element.classList.contains('skip-link'))
      // A tab list is one Tab stop: its other tabs are reached with the arrow keys.
      .filter((element) => !(element.getAttribute('role') === 'tab' && element.tabIndex === -1))
      // What a closed <details> holds is not shown, whatever its boxes say.
      .filter((element) => !element.parentElement?.closest('details:not([open])'))
      .filter((element) => element.dataset.tabbed !== '1')
      .map((element) => element.outerHTML.slice(0, 120)),
  );
  if (missed.length > 0) throw new Error(`Tab never reached: ${missed.join('\n')}\nafter ${reached.length} stops, ending ${reached.slice(-8).map((f) => f.key).join(' | ')}`);
  return reached;
}

/** The text the app should show for `iso` in `zone`: the time today, else day and time. */
async function expectedMoment(page, iso, zone) {
  return page.evaluate(
    ({ iso, zone }) => {
      const at = new Date(iso);
      const day = (date) =>
        new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
      const today = day(at) === day(new Date());
      const options = today
        ? { timeZone: zone, hour: 'numeric', minute: '2-digit' }
        : { timeZone: zone, month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
      return new Intl.DateTimeFormat(undefined, options).format(at);
    },
    { iso, zone },
  );
}

async function setTimeZone(page, serverUrl, zone) {
  await page.goto(`${serverUrl}/profile`);
  await page.fill('#time-zone', zone);
  await page.click('#profile-form button[type=submit]');
  await expectText(page.locator('#profile-form [role=status]'), /saved/);
}

export async function frameChecks(context, server) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // console_error_panic_hook reports a panic of the wasm on the console.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('panicked')) errors.push(message.text());
  });
  await page.goto(`${server.url}/`);
  await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });

  await check('the list stays beside the conversation and keeps its place when one is selected', page, async () => {
    await fillInbox(page, 30);
    const rows = page.locator('.conversation-row');
    await eventually('the list shows 30 more conversations', async () => (await rows.count()) >= 32);
    const list = page.locator('.conversation-list');
    await list.evaluate((element) => {
      element.scrollTop = 500;
    });
    const before = await list.evaluate((element) => element.scrollTop);
    if (before < 400) throw new Error(`the list did not scroll (scrollTop ${before})`);
    // Two rows wholly in the list's window, so clicking them needs no scrolling.
    await list.evaluate((element) => {
      const window = element.getBoundingClientRect();
      const shown = [...element.querySelectorAll('.conversation-row')].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.top >= window.top && box.bottom <= window.bottom;
      });
      shown[2].dataset.pick = 'first';
      shown[3].dataset.pick = 'next';
    });
    const name = await page.locator('.conversation-row[data-pick=first] .conversation-who').textContent();
    const nextName = await page.locator('.conversation-row[data-pick=next] .conversation-who').textContent();
    await page.click('.conversation-row[data-pick=first]');
    await page.waitForURL((url) => url.pathname.startsWith('/conversations/'), { timeout: TIMEOUT_MS });
    await expectText(page.locator('#conversation-contact'), new RegExp(`^${escapeRegExp(name)}$`));
    await expectText(page.locator('.conversation-row.selected .conversation-who'), new RegExp(`^${escapeRegExp(name)}$`));
    const after = await list.evaluate((element) => element.scrollTop);
    if (Math.abs(after - before) > 1) throw new Error(`the list moved from ${before} to ${after}`);
    if (!(await page.locator('.mc-column').isVisible())) throw new Error('the list is gone on a desktop');
    // The next one, without leaving the list either.
    await page.locator('.conversation-row', { hasText: nextName }).click();
    await expectText(page.locator('#conversation-contact'), new RegExp(`^${escapeRegExp(nextName)}$`));
    const still = await list.evaluate((element) => element.scrollTop);
    if (Math.abs(still - before) > 1) throw new Error(`the list moved from ${before} to ${still}`);
  });

  await check('the times of all rows line up, whatever tags a row carries', page, async () => {
    const edges = await page.evaluate(() =>
      [...document.querySelectorAll('.conversation-row .conversation-time')].map((time) => Math.round(time.getBoundingClientRect().right)),
    );
    if (new Set(edges).size !== 1) throw new Error(`the times end at ${[...new Set(edges)].join(', ')} px`);
  });

  await check('the first screen asks for everything at once', page, async () => {
    const calls = new Map();
    const started = (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/v1/') && !path.endsWith('/events')) calls.set(request, { path, start: Date.now() });
    };
    const finished = (request) => {
      const call = calls.get(request);
      if (call) call.end = Date.now();
    };
    page.on('request', started);
    page.on('requestfinished', finished);
    try {
      await page.goto(`${server.url}/`);
      await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
    } finally {
      page.off('request', started);
      page.off('requestfinished', finished);
    }
    // The first call to each: the views with their counts, and the Open view's first page.
    const all = [...calls.values()];
    const first = [];
    for (const [wanted, count] of [['/api/v1/setup', 1], ['/api/v1/me', 1], ['/api/v1/organization', 1], ['/api/v1/agents', 1], ['/api/v1/views', 1], ['/api/v1/conversations', 1]]) {
      const made = all.filter((call) => call.path === wanted).slice(0, count);
      if (made.length < count) throw new Error(`the first screen did not ask for ${wanted}: ${all.map((call) => call.path).join(', ')}`);
      first.push(...made);
    }
    // Every call of the first screen went out before any answer came back: one round trip.
    const lastStart = Math.max(...first.map((call) => call.start));
    const unfinished = first.filter((call) => call.end === undefined);
    if (unfinished.length > 0) throw new Error(`no answer to ${unfinished.map((call) => call.path).join(', ')}`);
    const firstEnd = Math.min(...first.map((call) => call.end));
    if (lastStart > firstEnd) {
      throw new Error(`a call waited for another: ${first.map((call) => `${call.path} ${call.start}-${call.end}`).join(', ')}`);
    }
  });

  await check('index.html paints a light frame before the app arrives', page, async () => {
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    const hold = async (route) => {
      await held;
      await route.continue();
    };
    await page.route('**/assets/**/*.wasm', hold);
    try {
      await page.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
      await expectText(page.locator('.boot .loading'), /Loading/);
      await page.locator('.boot .topbar-brand').waitFor({ timeout: TIMEOUT_MS });
    } finally {
      release();
    }
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
    await page.unroute('**/assets/**/*.wasm', hold);
    if ((await page.locator('.boot').count()) !== 0) throw new Error('the boot frame stayed after the app started');
  });

  await check('when the app cannot load, the frame says so', page, async () => {
    const refuse = (route) => route.abort();
    await page.route('**/assets/**/*.wasm', refuse);
    try {
      await page.goto(`${server.url}/`);
      await expectText(page.locator('.boot [role=alert]'), /could not load/);
    } finally {
      await page.unroute('**/assets/**/*.wasm', refuse);
    }
    await page.goto(`${server.url}/`);
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
  });

  await check('the views filter the list and keep the conversation open', page, async () => {
    await page.click('nav >> text=Inbox');
    await page.locator('.conversation-row', { hasText: 'Question number 3' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/conversations/'), { timeout: TIMEOUT_MS });
    const opened = new URL(page.url()).pathname;
    const id = opened.split('/').pop();
    await page.click('#view-unassigned');
    await page.locator('#view-unassigned[aria-current=true]').waitFor({ timeout: TIMEOUT_MS });
    if (new URL(page.url()).pathname !== opened) throw new Error(`choosing a view left the conversation: ${page.url()}`);
    const unassigned = await api(page, 'GET', '/conversations?view=unassigned&limit=200');
    await eventually(`the Unassigned view lists the ${unassigned.items.length} unassigned conversations`, async () =>
      page.evaluate(
        (count) => document.querySelectorAll('.conversation-row').length === count,
        unassigned.items.length,
      ),
    );
    // Claimed, it leaves the view, but stays listed while it is open.
    await api(page, 'POST', `/conversations/${id}/claim`);
    await page.waitForTimeout(1_000);
    await expectText(page.locator('.conversation-row.selected .conversation-who'), /\S/);
    await page.click('#view-mine');
    await page.locator('#view-mine[aria-current=true]').waitFor({ timeout: TIMEOUT_MS });
    await eventually('Just Mine lists the claimed conversation', async () =>
      (await page.locator('.conversation-row').count()) === 1 &&
      (await page.locator('.conversation-row.selected').count()) === 1,
    );
    await api(page, 'POST', `/conversations/${id}/transfer`, {});
    await page.click('#view-open');
    await page.locator('#view-open[aria-current=true]').waitFor({ timeout: TIMEOUT_MS });
  });

  await check('"Skip to content" takes the focus past the top bar, staying on the page', page, async () => {
    await page.goto(`${server.url}/team`);
    await page.locator('#agents tbody tr').first().waitFor({ timeout: TIMEOUT_MS });
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    await expectText(page.locator('.skip-link:focus'), /Skip to content/);
    await page.keyboard.press('Enter');
    await expectPath(page, '/team');
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'main') throw new Error(`the focus went to ${focused}`);
    await page.goto(`${server.url}/`);
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
  });

  await check('Up and Down move between rows', page, async () => {
    const first = page.locator('.conversation-row').first();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement === document.querySelectorAll('.conversation-row')[1]);
    if (!second) throw new Error('ArrowDown did not move to the second row');
    await page.keyboard.press('ArrowUp');
    const back = await page.evaluate(() => document.activeElement === document.querySelectorAll('.conversation-row')[0]);
    if (!back) throw new Error('ArrowUp did not move back to the first row');
  });

  await check("the tab's title carries the unread count, live", page, async () => {
    await page.click('nav >> text=Inbox');
    await expectPath(page, '/');
    const count = await unreadCount(page);
    await expectTitle(page, titleFor(count, 'Inbox'));
    await textAsCustomer(page, '+12025550399', 'Is anyone there?');
    await expectTitle(page, titleFor(count + 1, 'Inbox'));
    await page.locator('.conversation-row', { hasText: 'Is anyone there?' }).click();
    await expectTitle(page, titleFor(count, '+12025550399'));
  });

  await check("times show in the agent's own time zone, with the date when not today", page, async () => {
    const original = (await api(page, 'GET', '/me')).time_zone;
    try {
      for (const zone of ['America/Chicago', 'Asia/Tokyo']) {
        await setTimeZone(page, server.url, zone);
        await page.click('nav >> text=Inbox');
        await page.locator('.conversation-row', { hasText: 'Is anyone there?' }).click();
        const time = page.locator('.message-inbound .message-meta time').last();
        const iso = await time.getAttribute('datetime');
        await expectText(time, new RegExp(`^${await expectedMoment(page, iso, zone)}$`));
        const rowTime = page.locator('.conversation-row.selected .conversation-time');
        const title = await rowTime.getAttribute('title');
        const zoneName = await page.evaluate(
          ({ iso, zone }) =>
            new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: 'short' })
              .formatToParts(new Date(iso))
              .find((part) => part.type === 'timeZoneName').value,
          { iso: await rowTime.getAttribute('datetime'), zone },
        );
        if (!title.includes(zoneName)) throw new Error(`the row's tooltip does not name the zone (${zoneName}): ${title}`);
      }
    } finally {
      await setTimeZone(page, server.url, original);
    }
  });

  await check('a time from another day shows its date', page, async () => {
    // Three days on, in the browser only: today's messages are then from another day.
    const later = await context.newPage();
    try {
      await later.clock.setFixedTime(new Date(Date.now() + 3 * 86_400_000));
      await later.goto(`${server.url}/`);
      const row = later.locator('.conversation-row', { hasText: 'Is anyone there?' });
      await expectText(row.locator('.conversation-time'), /^[A-Z][a-z]{2} \d{1,2}$/);
      await row.click();
      const time = later.locator('.message-inbound .message-meta time').last();
      await expectText(time, /^[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s?[AP]M$/);
    } finally {
      await later.close();
    }
  });

  await check('every row and control of the Message Center is reachable with Tab, with a visible focus', page, async () => {
    await page.click('nav >> text=Inbox');
    await page.locator('.conversation-row').first().click();
    await page.locator('#composer-text').waitFor({ timeout: TIMEOUT_MS });
    const reached = await expectAllTabbable(page);
    const rows = reached.filter((focused) => focused.key.includes('conversation-row')).length;
    if (rows < 30) throw new Error(`Tab reached ${rows} conversation rows`);
  });

  for (const [path, loaded] of PAGES) {
    await check(`every control of ${path} is reachable with Tab, with a visible focus`, page, async () => {
      await page.goto(`${server.url}${path}`);
      await page.locator(loaded).first().waitFor({ timeout: TIMEOUT_MS });
      await expectAllTabbable(page);
    });
  }

  await check('at 375 px no page scrolls sideways, and list and conversation are two screens', page, async () => {
    await page.setViewportSize(PHONE);
    try {
      for (const [path, loaded] of [['/', '.conversation-row'], ...PAGES]) {
        await page.goto(`${server.url}${path}`);
        await page.locator(loaded).first().waitFor({ timeout: TIMEOUT_MS });
        await expectNoSidewaysScroll(page, path);
      }
      await page.goto(`${server.url}/`);
      if (await page.locator('.mc-pane').isVisible()) throw new Error('the empty reading pane shows on a phone');
      await page.locator('.conversation-row').first().click();
      await page.locator('#composer-text').waitFor({ timeout: TIMEOUT_MS });
      if (await page.locator('.mc-column').isVisible()) throw new Error('the list shows beside the conversation on a phone');
      await expectNoSidewaysScroll(page, 'a conversation');
      const send = await page.locator('#send').boundingBox();
      if (!send || send.y < 0 || send.y + send.height > PHONE.height) {
        throw new Error(`Send is not in view without scrolling: ${JSON.stringify(send)}`);
      }
      await page.click('.back-link');
      await expectPath(page, '/');
      await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
      // Scrolled down, a conversation opened and closed: the list is where it was.
      const list = page.locator('.conversation-list');
      await list.evaluate((element) => {
        element.scrollTop = 600;
      });
      const before = await list.evaluate((element) => element.scrollTop);
      await page.locator('.conversation-row', { hasText: 'Question number 20' }).click();
      await page.locator('#composer-text').waitFor({ timeout: TIMEOUT_MS });
      await page.click('.back-link');
      await eventually('the list is back where it was', async () =>
        Math.abs((await list.evaluate((element) => element.scrollTop)) - before) <= 1,
      );
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  await check('at 375 px the signed-out pages do not scroll sideways either', page, async () => {
    await page.click('#sign-out');
    await expectPath(page, '/login');
    await page.setViewportSize(PHONE);
    try {
      for (const path of ['/login', '/reset-password?token=x', '/no-such-page']) {
        await page.goto(`${server.url}${path}`);
        await page.locator('h1').first().waitFor({ timeout: TIMEOUT_MS });
        await expectNoSidewaysScroll(page, path);
      }
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
  await check('the frame raised no errors in the browser', page, async () => {
    if (errors.length > 0) throw new Error(errors.join('\n'));
  });
  await page.close();
}

// The reading pane: owner, transfer and claim seen live by another agent, the follow-up flag,
// ending a conversation and starting the next, the thread's earlier conversations, deleting,
// phone width and the keyboard.

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

const CUSTOMER = '+12025550466';

async function conversationOf(page, phone) {
  const list = await api(page, 'GET', '/conversations?view=all&limit=100');
  return list.items.find((c) => c.contact_phone_number === phone && c.status === 'open');
}

/** `context` is the run's browser; `otherContext` one with storage of its own, for a second agent. */
export async function paneChecks(context, otherContext, server) {
  // Agent A: the demo owner; agent B: Sam, signed in elsewhere.
  const a = await context.newPage();
  const b = await otherContext.newPage();
  const messages = [];
  for (const page of [a, b]) page.on('pageerror', (error) => messages.push(error.message));
  let conversation;
  let sam;

  await check('the pane shows the number, owner and business line of a conversation', a, async () => {
    // Earlier checks may have ended signed out.
    await a.goto(`${server.url}/`);
    await a.locator('.conversation-row, #email').first().waitFor({ timeout: TIMEOUT_MS });
    if (await a.locator('#email').isVisible()) await signIn(a, DEMO_OWNER, DEMO_PASSWORD);
    await expectPath(a, '/');
    await a.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
    await textAsCustomer(a, CUSTOMER, 'Can someone help with my bill?');
    conversation = await conversationOf(a, CUSTOMER);
    const agents = await api(a, 'GET', '/agents');
    sam = (agents.items ?? agents).find((agent) => agent.email === 'sam@demo.textdesk.local');
    await a.goto(`${server.url}/conversations/${conversation.id}`);
    await expectText(a.locator('#conversation-number'), new RegExp(`^#${conversation.number}$`));
    await expectText(a.locator('#conversation-owner'), /Unassigned|Owner: /);
    await expectText(a.locator('#conversation-line'), /^Line: .+\(\+\d+\)$/);
  });

  await check('a transfer shows to another agent with the conversation open, with its note, without a reload', b, async () => {
    await b.goto(`${server.url}/login`);
    await signIn(b, 'sam@demo.textdesk.local', DEMO_PASSWORD);
    await expectPath(b, '/');
    await b.goto(`${server.url}/conversations/${conversation.id}`);
    await expectText(b.locator('#conversation-contact'), /\+12025550466/);
    // Sam's tab says it is there, as the Message Center's heartbeat does.
    await api(b, 'POST', '/presence', { tab_id: 'e2e-sam' });
    await a.click('#transfer');
    const select = a.locator('#transfer-to');
    await eventually('Sam is offered, marked online', async () =>
      (await select.locator('option').allTextContents()).some((text) => /^Sam \(online\)$/.test(text)),
    );
    await select.selectOption(`a:${sam.id}`);
    await a.click('#transfer-submit');
    await expectText(a.locator('#conversation-owner'), /^Owner: Sam/);
    await expectText(b.locator('#conversation-owner'), /^Owner: Sam/);
    await expectText(b.locator('.message-system').last(), /transferred this to Sam/i);
    // Sam owns it: no Claim for Sam.
    await b.locator('#claim').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
  });

  await check('claiming takes the conversation, and the other agent sees it', a, async () => {
    await a.click('#claim');
    await expectText(a.locator('#conversation-owner'), /^Owner: Jordan/);
    await a.locator('#claim').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
    await expectText(b.locator('#conversation-owner'), /^Owner: Jordan/);
  });

  await check('the follow-up flag toggles and stays after a reload', a, async () => {
    const flag = a.locator('#follow-up');
    await expectText(flag, /Follow-up/);
    if ((await flag.getAttribute('aria-pressed')) !== 'false') throw new Error('the flag starts on');
    await flag.click();
    await eventually('the flag is on', async () => (await flag.getAttribute('aria-pressed')) === 'true');
    await a.reload();
    await eventually('the flag is still on', async () => (await a.locator('#follow-up').getAttribute('aria-pressed')) === 'true');
  });

  await check('the owner controls are reachable with Tab', a, async () => {
    const reached = new Set();
    // From the conversation's heading on, past the list.
    await a.evaluate(() => {
      const heading = document.querySelector('#conversation-contact');
      heading.tabIndex = -1;
      heading.focus();
    });
    for (let i = 0; i < 40; i++) {
      await a.keyboard.press('Tab');
      const id = await a.evaluate(() => document.activeElement?.id ?? '');
      if (id) reached.add(id);
    }
    for (const id of ['follow-up', 'transfer', 'end-conversation', 'mark-unread', 'delete-conversation']) {
      if (!reached.has(id)) throw new Error(`Tab never reached #${id}: ${[...reached].join(', ')}`);
    }
  });

  await check('at 375 px the pane does not scroll sideways', a, async () => {
    await a.setViewportSize({ width: 375, height: 740 });
    try {
      await a.click('#transfer');
      await a.locator('#transfer-to').waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(a, 'the reading pane');
      await a.click('#transfer');
    } finally {
      await a.setViewportSize({ width: 1280, height: 800 });
    }
  });

  let next;
  await check('ending a conversation offers to start a new one, which opens with a new number', a, async () => {
    a.once('dialog', (dialog) => dialog.accept());
    await a.click('#end-conversation');
    await expectText(a.locator('#conversation-status'), /Closed/);
    await expectText(a.locator('.message-system').last(), /Closed by/);
    if (!(await a.locator('#follow-up').isDisabled())) throw new Error('a closed conversation can be flagged');
    await expectText(a.locator('#composer-label'), /^Internal note$/);
    await a.click('#start-new');
    await a.waitForURL((url) => url.pathname.startsWith('/conversations/') && !url.pathname.endsWith(conversation.id), { timeout: TIMEOUT_MS });
    await expectText(a.locator('#conversation-status'), /Open/);
    await eventually('the new conversation has a new number', async () => {
      const text = await a.locator('#conversation-number').textContent();
      return text !== `#${conversation.number}` && /^#\d+$/.test(text);
    });
    next = new URL(a.url()).pathname.split('/').pop();
    await a.locator('#send').waitFor({ timeout: TIMEOUT_MS });
  });

  await check('the earlier conversation is folded above the messages and opens with its notes', a, async () => {
    const earlier = a.locator('.earlier-conversation').last();
    await expectText(earlier.locator('summary'), new RegExp(`^#${conversation.number} · `));
    if (await earlier.locator('.message-body', { hasText: 'Can someone help with my bill?' }).isVisible()) {
      throw new Error('the earlier conversation is not folded');
    }
    await earlier.locator('summary').click();
    await expectText(earlier.locator('.message-inbound .message-body'), /Can someone help with my bill\?/);
    await expectText(earlier.locator('.message-system').last(), /Closed by/);
  });

  await check('the owner deletes a conversation after confirming, and returns to the list', a, async () => {
    let question = '';
    a.once('dialog', (dialog) => {
      question = dialog.message();
      dialog.accept();
    });
    await a.click('#delete-conversation');
    await expectPath(a, '/');
    if (!new RegExp(`^Delete conversation #\\d+ and its \\d+\\+? messages and media for good\\?$`).test(question)) {
      throw new Error(`unexpected question: ${question}`);
    }
    const gone = await a.evaluate(async (id) => {
      const { access_token: token } = JSON.parse(localStorage.getItem('textdesk.session'));
      return (await fetch(`/api/v1/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).status;
    }, next);
    if (gone !== 404) throw new Error(`the deleted conversation answers ${gone}`);
  });

  await check('an agent may not delete while the organization does not allow it', b, async () => {
    await b.goto(`${server.url}/conversations/${conversation.id}`);
    await expectText(b.locator('#conversation-number'), new RegExp(`^#${conversation.number}$`));
    if (await b.locator('#delete-conversation').isVisible()) throw new Error('Sam is offered Delete');
  });

  await check('a search link opens the conversation at its message, highlighted', a, async () => {
    const detail = await api(a, 'GET', `/conversations/${conversation.id}`);
    const hit = detail.messages.find((m) => m.body === 'Can someone help with my bill?');
    await a.goto(`${server.url}/conversations/${conversation.id}?around=${hit.id}`);
    await a.locator(`.message[data-id="${hit.id}"][data-found]`).waitFor({ timeout: TIMEOUT_MS });
  });

  await check('the reading pane raised no errors in the browser', a, async () => {
    if (messages.length > 0) throw new Error(messages.join('\n'));
  });
  await a.close();
  await b.close();
}

#!/usr/bin/env node
// End-to-end test of Textdesk's browser app: the real server serving frontend/dist, driven in
// headless Chromium.
//
//   TEXTDESK_BIN        the server binary (default: target/debug/textdesk)
//   E2E_DATABASE_URL    database of the demo server (default: SQLite in a fresh temp dir);
//                       the first-run setup check always gets its own empty SQLite database
//   E2E_PORT_RANGE      ports to pick from, such as 18100-18199 (default: any free port)
//   E2E_SCREENSHOT=1    also save docs/screenshot.png of a conversation with a draft at 1280x800
//   CHROMIUM            the browser (default: /usr/bin/chromium)
//
// Build the app first (scripts/build-frontend.sh). Prints `e2e: N passed, M failed` last and
// exits non-zero on any failure.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { composerChecks } from './composer.mjs';
import { contactChecks } from './contact.mjs';
import { frameChecks } from './frame.mjs';
import { importChecks } from './import.mjs';
import { inboxChecks } from './inbox.mjs';
import { mailChecks } from './mail.mjs';
import { paneChecks } from './pane.mjs';
import {
  DEMO_OWNER,
  DEMO_PASSWORD,
  TIMEOUT_MS,
  api,
  check,
  editSession,
  escapeRegExp,
  eventually,
  expectNoSidewaysScroll,
  expectPath,
  expectText,
  results,
  signIn,
  storedSession,
  textAsCustomer,
} from './lib.mjs';
import { settingsChecks } from './settings.mjs';
import { staticChecks } from './static.mjs';
import { teamChecks } from './team.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const bin = resolve(process.env.TEXTDESK_BIN ?? join(repo, 'target', 'debug', 'textdesk'));
const staticDir = join(repo, 'frontend', 'dist');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium keeps calling home, which a closed network answers with errors.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];


const scratch = mkdtempSync(join(tmpdir(), 'textdesk-e2e-'));
const servers = [];

// ---- servers -------------------------------------------------------------------------------

function portIsFree(port) {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(null));
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address();
      probe.close(() => resolvePort(bound));
    });
  });
}

async function freePort() {
  const range = process.env.E2E_PORT_RANGE;
  if (!range) return portIsFree(0);
  const [low, high] = range.split('-').map(Number);
  for (let port = low; port <= high; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${range}`);
}

async function startServer(name, { demo, databaseUrl }) {
  const dataDir = join(scratch, name);
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const args = demo ? ['serve', '--demo'] : ['serve'];
  const child = spawn(bin, args, {
    // Run from the data dir so no textdesk.toml of the checkout is picked up.
    cwd: dataDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl ?? `sqlite://${join(dataDir, 'textdesk.db')}`,
      BIND: `127.0.0.1:${port}`,
      STATIC_DIR: staticDir,
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // The webhook receiver of the settings checks listens on loopback.
      WEBHOOKS_ALLOW_PRIVATE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { name, child, log: [], url: `http://127.0.0.1:${port}`, exited: false };
  servers.push(server);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => server.log.push(chunk.toString()));
  }
  child.on('exit', () => {
    server.exited = true;
  });
  await waitForHealth(server);
  return server;
}

async function waitForHealth(server) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exited) throw new Error(`${server.name} server exited:\n${server.log.join('')}`);
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${server.name} server did not become healthy:\n${server.log.join('')}`);
}

async function stopServers() {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise((done) => {
          if (server.exited) return done();
          const force = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
          server.child.once('exit', () => {
            clearTimeout(force);
            done();
          });
          server.child.kill('SIGTERM');
        }),
    ),
  );
}

async function demoChecks(context, server) {
  const page = await context.newPage();
  const messages = [];
  page.on('pageerror', (error) => messages.push(error.message));

  await check('the login page renders', page, async () => {
    await page.goto(`${server.url}/`);
    await expectPath(page, '/login');
    for (const selector of ['#email', '#password', 'button[type=submit]']) {
      await page.locator(selector).waitFor({ timeout: TIMEOUT_MS });
    }
  });

  await check('a wrong password shows an error', page, async () => {
    await signIn(page, DEMO_OWNER, 'not-the-password');
    await expectText(page.locator('[role=alert]'), /email or password is wrong/i);
    await expectPath(page, '/login');
  });

  await check('the demo owner signs in to the shell', page, async () => {
    await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
    await expectPath(page, '/');
    await expectText(page.locator('#current-agent'), /Jordan/);
    await expectText(page.locator('#org-name'), /Harbor Dental \(demo\)/);
    await expectText(page.locator('.conversation-row.unread').first(), /Joe/);
    await expectText(page.locator('.content'), /do you take Delta Dental\?/);
  });

  await check('the team page lists the agents and groups', page, async () => {
    await page.click('nav >> text=Team');
    await expectPath(page, '/team');
    await expectText(page.locator('#agents'), /sam@demo\.textdesk\.local/);
    await expectText(page.locator('#agents'), /Owner/);
  });

  await check('the phone simulator texts the business and shows the reply', page, async () => {
    await page.click('nav >> text=Phone simulator');
    await expectPath(page, '/simulator');
    await page.fill('#handset-text', 'Hello from the handset');
    await page.click('.handset-composer button[type=submit]');
    await expectText(page.locator('.handset-texts'), /Hello from the handset/);
    await page.evaluate(async () => {
      const { access_token: token } = JSON.parse(localStorage.getItem('textdesk.session'));
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const list = await fetch('/api/v1/conversations', { headers }).then((r) => r.json());
      const conversation = list.items.find((c) => c.contact_phone_number === '+12025550199');
      await fetch(`/api/v1/conversations/${conversation.id}/messages`, {
        method: 'POST', headers, body: JSON.stringify({ body: 'We got your text' }),
      });
    });
    await expectText(page.locator('.handset-texts'), /We got your text/);
    await page.click('nav >> text=Inbox');
    await expectText(page.locator('.content'), /We got your text/);
    // The checks that follow start from the team page.
    await page.click('nav >> text=Team');
    await expectText(page.locator('#agents'), /sam@demo\.textdesk\.local/);
  });

  await check('reloading keeps the session', page, async () => {
    await page.reload();
    await expectPath(page, '/team');
    await expectText(page.locator('#current-agent'), /Jordan/);
    await expectText(page.locator('#agents'), /sam@demo\.textdesk\.local/);
  });

  await check('an invalid access token is refreshed once and the calls repeated', page, async () => {
    const before = await storedSession(page);
    await editSession(page, { access_token: 'not-a-valid-token' });
    let refreshes = 0;
    const count = (request) => {
      if (request.url().endsWith('/api/v1/auth/refresh')) refreshes++;
    };
    page.on('request', count);
    try {
      // The shell asks for /me and /organization at once: both meet the bad token, and
      // must share one refresh (a second use of the refresh token would end the session).
      await page.reload();
      await expectText(page.locator('#agents'), /sam@demo\.textdesk\.local/);
      await expectText(page.locator('#current-agent'), /Jordan/);
    } finally {
      page.off('request', count);
    }
    if (refreshes !== 1) throw new Error(`expected 1 refresh, saw ${refreshes}`);
    const after = await storedSession(page);
    if (after.refresh_token === before.refresh_token) throw new Error('the refresh token was not rotated');
  });

  await check('the session refreshes itself before the access token expires', page, async () => {
    const before = await storedSession(page);
    await editSession(page, { expires_at_ms: Date.now() + 30_000 });
    await page.reload();
    await eventually('the tokens are rotated', async () => {
      const now = await storedSession(page);
      return now !== null && now.refresh_token !== before.refresh_token;
    });
    const after = await storedSession(page);
    if (after.expires_at_ms < Date.now() + 5 * 60_000) throw new Error('the new access token expires too soon');
    await expectText(page.locator('#current-agent'), /Jordan/);
  });

  await check('saving the profile updates the top bar', page, async () => {
    await page.click('a.topbar-profile');
    await expectPath(page, '/profile');
    const screenname = page.locator('#screenname');
    await screenname.waitFor({ timeout: TIMEOUT_MS });
    const original = await screenname.inputValue();
    await screenname.fill('Jordan (e2e)');
    await page.click('#profile-form button[type=submit]');
    await expectText(page.locator('#profile-form [role=status]'), /saved/);
    await expectText(page.locator('#current-agent'), /^Jordan \(e2e\)$/);
    // Put it back, so a database passed in E2E_DATABASE_URL is left as it was found.
    await screenname.fill(original);
    await page.click('#profile-form button[type=submit]');
    await expectText(page.locator('#current-agent'), new RegExp(`^${escapeRegExp(original)}$`));
  });

  await check('a profile error shows next to its field', page, async () => {
    await page.fill('#time-zone', 'Mars/Olympus_Mons');
    await page.click('#profile-form button[type=submit]');
    await expectText(page.locator('#profile-form .has-error .field-error'), /./);
    await page.reload();
  });

  await check('signing out returns to the login page, in every tab', page, async () => {
    const otherTab = await page.context().newPage();
    try {
      await otherTab.goto(`${server.url}/team`);
      await expectText(otherTab.locator('#current-agent'), /Jordan/);
      await page.click('#sign-out');
      await expectPath(page, '/login');
      await expectPath(otherTab, '/login');
    } finally {
      await otherTab.close();
    }
    await page.locator('#email').waitFor({ timeout: TIMEOUT_MS });
    if ((await storedSession(page)) !== null) throw new Error('the session is still stored after signing out');
    await page.goto(`${server.url}/team`);
    await expectPath(page, '/login');
  });

  await check('a refused refresh ends the session', page, async () => {
    await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
    await expectText(page.locator('#current-agent'), /Jordan/);
    await editSession(page, { access_token: 'not-a-valid-token', refresh_token: 'not-a-refresh-token' });
    await page.reload();
    await expectPath(page, '/login');
    if ((await storedSession(page)) !== null) throw new Error('the refused session is still stored');
  });

  await check('/api/docs/ renders Swagger UI', page, async () => {
    await page.goto(`${server.url}/api/docs/`);
    await page.locator('.swagger-ui').first().waitFor({ timeout: TIMEOUT_MS });
    await expectText(page.locator('.swagger-ui .title'), /Textdesk/i);
  });

  await check('the app raised no errors in the browser', page, async () => {
    if (messages.length > 0) throw new Error(messages.join('\n'));
  });
  await page.close();
}

const MARIA = '+12025550177';

async function conversationChecks(context, server) {
  const page = await context.newPage();
  const messages = [];
  page.on('pageerror', (error) => messages.push(error.message));
  const composer = page.locator('#composer-text');

  await check('an inbox row opens its conversation, which is then read', page, async () => {
    await page.goto(`${server.url}/`);
    await expectPath(page, '/login');
    await signIn(page, DEMO_OWNER, DEMO_PASSWORD);
    await page.click('.conversation-row.unread >> text=Maria');
    await page.waitForURL((url) => url.pathname.startsWith('/conversations/'), { timeout: TIMEOUT_MS });
    await expectText(page.locator('#conversation-contact'), /^Maria$/);
    await expectText(page.locator('#conversation-number'), /^#\d+$/);
    await expectText(page.locator('#conversation-status'), /Open/);
    await expectText(page.locator('.conversation-header'), /\+12025550177/);
    await expectText(page.locator('.message-inbound .message-body'), /Tuesday works best/);
    await expectText(page.locator('.message-inbound .message-author'), /Maria/);
    // The list stays beside the conversation and shows it read, and selected.
    await page.locator('.conversation-row.selected:not(.unread) >> text=Maria').waitFor({ timeout: TIMEOUT_MS });
    await composer.waitFor({ timeout: TIMEOUT_MS });
  });

  await check('the composer counts encoding and segments as the agent types', page, async () => {
    await composer.fill('a'.repeat(160));
    await expectText(page.locator('#composer-encoding'), /^GSM-7$/);
    await expectText(page.locator('#composer-segments'), /^1 segment$/);
    await expectText(page.locator('#composer-remaining'), /^0 left$/);
    await composer.press('End');
    await composer.type('a');
    await expectText(page.locator('#composer-segments'), /^2 segments$/);
    await expectText(page.locator('#composer-remaining'), /^145 left$/);
    await composer.fill('See you soon 😀');
    await expectText(page.locator('#composer-encoding'), /^Unicode$/);
    await expectText(page.locator('#composer-segments'), /^1 segment$/);
    await expectText(page.locator('#composer-remaining'), /^55 left$/);
  });

  await check('text over the length policy cannot be sent and says why', page, async () => {
    await composer.fill('b'.repeat(460));
    await expectText(page.locator('#composer-segments'), /^4 segments$/);
    await expectText(page.locator('#composer-problem'), /takes 4 segments; this organization allows/);
    if (!(await page.locator('#send').isDisabled())) throw new Error('Send is enabled for a 4-segment text');
    await composer.fill('   ');
    if (!(await page.locator('#send').isDisabled())) throw new Error('Send is enabled for a blank text');
  });

  await check('Shift+Enter starts a new line and Enter sends', page, async () => {
    await composer.fill('Tuesday at 10 works,');
    await composer.press('End');
    await composer.press('Shift+Enter');
    await composer.type('see you then!');
    if ((await composer.inputValue()) !== 'Tuesday at 10 works,\nsee you then!') {
      throw new Error(`Shift+Enter did not add a line: ${JSON.stringify(await composer.inputValue())}`);
    }
    await expectText(page.locator('#composer-keys'), /Enter sends · Shift\+Enter for a new line/);
    await composer.press('Enter');
    const sent = page.locator('.message-outbound', { hasText: 'see you then!' });
    await sent.waitFor({ timeout: TIMEOUT_MS });
    await expectText(sent.locator('.message-body'), /^Tuesday at 10 works,\nsee you then!$/);
  });

  await check('a reply sent with Ctrl+Enter appears and is delivered', page, async () => {
    await composer.fill('Ctrl+Enter sends this one.');
    await composer.press('Control+Enter');
    const sent = page.locator('.message-outbound', { hasText: 'Ctrl+Enter sends this one.' });
    await sent.waitFor({ timeout: TIMEOUT_MS });
    await expectText(sent.locator('.message-author'), /^You$/);
    await expectText(sent.locator('.message-status'), /^Delivered$/);
    if ((await composer.inputValue()) !== '') throw new Error('the composer kept the sent text');
    const focused = await page.evaluate(() => document.activeElement?.id);
    if (focused !== 'composer-text') throw new Error(`focus moved to ${focused}`);
  });

  await check('a note is kept apart from the texts', page, async () => {
    await composer.fill('Prefers mornings.');
    await page.click('#add-note');
    await expectText(page.locator('.message-note .message-body'), /Prefers mornings\./);
    await expectText(page.locator('.message-note .message-tag'), /Note/);
    if (process.env.E2E_SCREENSHOT === '1') {
      await composer.fill('Thanks Maria! We will text you a reminder the day before 😊');
      await page.locator('#send:not([disabled])').waitFor({ timeout: TIMEOUT_MS });
      // Past the buttons' 150 ms fade from their disabled look.
      await page.waitForTimeout(400);
      mkdirSync(join(repo, 'docs'), { recursive: true });
      await page.screenshot({ path: join(repo, 'docs', 'screenshot.png') });
      console.log('      saved docs/screenshot.png');
      await composer.fill('');
    }
  });

  await check("the customer's new text appears without a reload", page, async () => {
    await textAsCustomer(page, MARIA, 'Great, thank you!');
    await expectText(page.locator('.message-inbound .message-body').last(), /Great, thank you!/);
  });

  await check("the server's refusal shows in the composer and the text is kept", page, async () => {
    const refuse = (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank', title: 'Conflict', status: 409, code: 'contact_opted_out',
          detail: 'Maria opted out; nothing can be sent.',
        }),
      });
    await page.route('**/api/v1/conversations/*/messages', refuse);
    try {
      await composer.fill('Are you still there?');
      await page.click('#send');
      await expectText(page.locator('#composer-problem'), /Maria opted out; nothing can be sent\./);
      if ((await composer.inputValue()) !== 'Are you still there?') throw new Error('the typed text was lost');
    } finally {
      await page.unroute('**/api/v1/conversations/*/messages', refuse);
    }
  });

  await check('STOP from the customer locks the composer with the reason', page, async () => {
    await textAsCustomer(page, MARIA, 'STOP');
    await expectText(page.locator('#composer-lock'), /^Maria opted out of texts on \w+ \d+ — messages cannot be sent\.$/);
    if ((await composer.inputValue()) !== 'Are you still there?') throw new Error('the typed text was lost');
  });

  await check('a locked composer is a box for notes: no Send, no segments, Enter adds the note', page, async () => {
    await expectText(page.locator('#composer-label'), /^Internal note$/);
    await page.locator('#send').waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    if ((await page.locator('#composer-counter').count()) !== 0) throw new Error('a note still counts segments');
    await expectText(page.locator('#composer-keys'), /Enter adds the note/);
    await composer.fill('Opted out by text; call instead.');
    await composer.press('Enter');
    await expectText(page.locator('.message-note .message-body').last(), /Opted out by text; call instead\./);
  });

  await check('a failed reply shows the provider error and can be retried', page, async () => {
    // The simulator refuses this number the way Twilio's test credentials do (21614).
    await textAsCustomer(page, '+15005550009', 'Can you text me back?');
    const list = await api(page, 'GET', '/conversations');
    const conversation = list.items.find((c) => c.contact_phone_number === '+15005550009');
    await page.goto(`${server.url}/conversations/${conversation.id}`);
    await expectText(page.locator('#conversation-contact'), /^\+15005550009$/);
    if ((await page.locator('.conversation-header .lead').count()) !== 0) {
      throw new Error('a contact without a name has their number shown twice');
    }
    await composer.fill('Of course!');
    await page.click('#send');
    const failedReply = page.locator('.message-outbound', { hasText: 'Of course!' });
    await expectText(failedReply.locator('.message-status'), /^Failed$/);
    await expectText(failedReply.locator('.message-error'), /21614/);
    const retried = page.waitForResponse(
      (response) => /\/api\/v1\/messages\/[^/]+\/retry$/.test(response.url()) && response.status() === 200,
      { timeout: TIMEOUT_MS },
    );
    await failedReply.locator('button.retry').click();
    await retried;
    await expectText(failedReply.locator('.message-status'), /^Failed$/);
  });

  await check("a new customer's text appears at the top of the inbox, unread, without a reload", page, async () => {
    await page.click('nav >> text=Inbox');
    await expectPath(page, '/');
    await page.locator('.conversation-row').first().waitFor({ timeout: TIMEOUT_MS });
    await textAsCustomer(page, '+12025550188', 'Do you have a slot on Saturday?');
    const first = page.locator('.conversation-row').first();
    await expectText(first.locator('.conversation-preview'), /Do you have a slot on Saturday\?/);
    if (!(await first.evaluate((row) => row.classList.contains('unread')))) {
      throw new Error('the new conversation is not shown unread');
    }
  });

  await check('the conversation page raised no errors in the browser', page, async () => {
    if (messages.length > 0) throw new Error(messages.join('\n'));
  });
  await page.close();
}

async function setupChecks(context, server) {
  const page = await context.newPage();

  await check('a fresh server sends visitors to setup', page, async () => {
    await page.goto(`${server.url}/`);
    await expectPath(page, '/setup');
    await expectText(page.locator('h1'), /Create your workspace/);
  });

  await check('at 375 px the setup page does not scroll sideways', page, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.locator('h1').first().waitFor({ timeout: TIMEOUT_MS });
      await expectNoSidewaysScroll(page, '/setup');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  await check('setup shows field errors next to the fields', page, async () => {
    await page.fill('#organization-name', 'Bayside Vet');
    await page.fill('#first-name', 'Robin');
    await page.fill('#last-name', 'Okafor');
    await page.fill('#email', 'robin@bayside.example');
    await page.fill('#password', 'short');
    await page.click('button[type=submit]');
    await expectText(page.locator('.field.has-error:has(#password) .field-error'), /10/);
  });

  await check('creating the workspace signs the owner in', page, async () => {
    await page.fill('#password', 'a long enough passphrase');
    await page.click('button[type=submit]');
    await expectPath(page, '/');
    await expectText(page.locator('#current-agent'), /Robin/);
    await expectText(page.locator('#org-name'), /Bayside Vet/);
  });

  await check('setup is refused once done', page, async () => {
    await page.goto(`${server.url}/setup`);
    await expectPath(page, '/');
    await expectText(page.locator('#current-agent'), /Robin/);
  });

  // On the setup server, whose database this run owns, so the new password harms nobody.
  await check('changing the password keeps this session', page, async () => {
    await page.click('a.topbar-profile');
    await page.fill('#current-password', 'a long enough passphrase');
    await page.fill('#new-password', 'a different passphrase');
    const before = await storedSession(page);
    await page.click('#password-form button[type=submit]');
    await expectText(page.locator('#password-form [role=status]'), /password was changed/);
    if ((await storedSession(page)).refresh_token === before.refresh_token) {
      throw new Error('the new tokens were not stored');
    }
    await page.reload();
    await expectText(page.locator('#current-agent'), /Robin/);
    await page.click('#sign-out');
    await signIn(page, 'robin@bayside.example', 'a different passphrase');
    await expectText(page.locator('#current-agent'), /Robin/);
  });

  await check("an admin's reset link lets an agent choose a new password", page, async () => {
    const link = await page.evaluate(async () => {
      const { access_token: token } = JSON.parse(localStorage.getItem('textdesk.session'));
      const call = (path, body) =>
        fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        }).then((response) => response.json());
      const agent = await call('/api/v1/agents', {
        email: 'kim@bayside.example', password: 'first passphrase', first_name: 'Kim', last_name: 'Ito', role: 'agent',
      });
      return call(`/api/v1/agents/${agent.id}/password-reset`, {});
    });
    await page.click('#sign-out');
    await page.goto(link.reset_url.replace(/^https?:\/\/[^/]+/, server.url));
    await expectText(page.locator('h1'), /Choose a new password/);
    await page.fill('#new-password', 'short');
    await page.click('button[type=submit]');
    await expectText(page.locator('.field.has-error:has(#new-password) .field-error'), /10/);
    await page.fill('#new-password', 'kims own passphrase');
    await page.click('button[type=submit]');
    await expectText(page.locator('.reset-done'), /changed/);
    await page.click('text=Sign in');
    await expectPath(page, '/login');
    await signIn(page, 'kim@bayside.example', 'kims own passphrase');
    await expectText(page.locator('#current-agent'), /Kim/);
  });
  await page.close();
}

async function main() {
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`${staticDir} has no index.html: run scripts/build-frontend.sh first`);
  }
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}: build it or set TEXTDESK_BIN`);

  const [demo, fresh] = await Promise.all([
    startServer('demo', { demo: true, databaseUrl: process.env.E2E_DATABASE_URL }),
    startServer('setup', { demo: false }),
  ]);
  const context = await chromium.launchPersistentContext(join(scratch, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  // A second agent signs in here: its storage (and so its session) is its own.
  const other = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  const otherContext = await other.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await demoChecks(context, demo);
    await conversationChecks(context, demo);
    await frameChecks(context, demo);
    await inboxChecks(context, demo);
    await paneChecks(context, otherContext, demo);
    await composerChecks(context, demo);
    await contactChecks(context, demo);
    await importChecks(context, demo);
    await settingsChecks(context, demo);
    await teamChecks(context, demo);
    await staticChecks(check, demo);
    await mailChecks(context, demo);
    await setupChecks(context, fresh);
  } finally {
    await otherContext.close();
    await other.close();
    await context.close();
  }
}

let exitCode = 0;
const interrupt = () => {
  stopServers().finally(() => process.exit(130));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
try {
  await main();
} catch (error) {
  results.failed++;
  console.log(`FAIL  ${error.stack ?? error}`);
} finally {
  await stopServers();
  if (results.failed > 0) {
    for (const server of servers) {
      console.log(`---- ${server.name} server log ----\n${server.log.join('').slice(-4000)}`);
    }
    exitCode = 1;
  }
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`e2e: ${results.passed} passed, ${results.failed} failed`);
process.exit(exitCode);

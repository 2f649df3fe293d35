// Helpers the browser checks share: counting results, waiting for text, signing in, calling
// the API as the signed-in agent.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');

export const DEMO_OWNER = 'owner@demo.textdesk.local';
export const DEMO_PASSWORD = 'textdesk-demo';
/** A demo account with the agent role. */
export const DEMO_AGENT = 'sam@demo.textdesk.local';
export const TIMEOUT_MS = 15_000;

export const results = { passed: 0, failed: 0 };

export async function check(name, page, body) {
  try {
    await body();
    results.passed++;
    console.log(`ok    ${name}`);
  } catch (error) {
    results.failed++;
    console.log(`FAIL  ${name}\n      ${String(error.message ?? error).split('\n').join('\n      ')}`);
    if (page) {
      mkdirSync(artifacts, { recursive: true });
      const file = join(artifacts, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.log(`      screenshot: ${file}`);
    }
  }
}

/** Waits until the locator's text matches `pattern`. */
export async function expectText(locator, pattern, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last = null;
  while (Date.now() < deadline) {
    last = await locator.first().textContent({ timeout: 1_000 }).catch(() => null);
    if (last !== null && pattern.test(last)) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`expected ${locator} to match ${pattern}, last text: ${JSON.stringify(last)}`);
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function expectPath(page, path) {
  await page.waitForURL((url) => url.pathname === path, { timeout: TIMEOUT_MS });
}

/** Waits until `condition` returns true. */
export async function eventually(description, condition, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting until ${description}`);
}

export const SESSION_KEY = 'textdesk.session';

export async function storedSession(page) {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key)), SESSION_KEY);
}

/** Overwrites fields of the stored session, as if time had passed or a token had gone bad. */
export async function editSession(page, changes) {
  await page.evaluate(
    ({ key, changes }) => {
      const session = JSON.parse(localStorage.getItem(key));
      localStorage.setItem(key, JSON.stringify({ ...session, ...changes }));
    },
    { key: SESSION_KEY, changes },
  );
}

export async function signIn(page, email, password) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

/** Calls the API as the agent signed in to `page`. */
export async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const { access_token: token } = JSON.parse(localStorage.getItem('textdesk.session'));
      const response = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.status === 204 ? null : response.json();
    },
    { method, path, body },
  );
}

/**
 * Texts a simulator number as the customer with phone number `from`: the one with the id
 * `numberId`, or the demo's first.
 */
export async function textAsCustomer(page, from, body, numberId) {
  let number_id = numberId;
  if (number_id === undefined) {
    const numbers = await api(page, 'GET', '/numbers');
    number_id = numbers.find((number) => number.provider === 'simulator').id;
  }
  await api(page, 'POST', '/simulator/messages', { from, number_id, body });
}

/**
 * The page is no wider than the window: nothing sticks out to the right, whether the document
 * or an inner scrolling box would have to scroll sideways to show it.
 */
export async function expectNoSidewaysScroll(page, what) {
  const { width, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => !element.closest('.visually-hidden, .skip-link'))
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`);
    return { width, wide };
  });
  if (wide.length > 0) throw new Error(`${what} sticks out of a ${width} px window: ${wide.slice(0, 5).join(', ')}`);
}

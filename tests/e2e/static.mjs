// How the server sends the browser app's own files: content-hashed assets precompressed
// (brotli or gzip, by Accept-Encoding) and cached for good, index.html revalidated on every
// load. Also prints the bytes a first load puts on the wire.
//
// No browser here: plain HTTP against `server.url`. `check(name, page, body)` is run.mjs's;
// these checks pass no page.

import { request } from 'node:http';
import { strict as assert } from 'node:assert';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// A file named after its content, or the app's files in a directory named after theirs.
const HASHED = /^\/assets\/([a-z]+-[0-9a-f]{16}\.css|app-[0-9a-f]{16}\/[\w.-]+\.(js|wasm))$/;
const CONTENT_TYPES = { js: /^text\/javascript/, wasm: /^application\/wasm$/, css: /^text\/css/ };

/**
 * A GET whose answer is kept as sent: Node's fetch would decode the body, and the point here is
 * to see the encoded bytes.
 */
function wire(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
    const req = request(url, { headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => {
        bytes += chunk.length;
      });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, bytes }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function staticChecks(check, server) {
  let assets = [];

  await check('index.html names content-hashed assets and is revalidated', null, async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const html = await response.text();
    // The template's comment may mention "{{…}}"; only {{name}} is a placeholder.
    assert.doesNotMatch(html, /\{\{[\w.-]+\}\}/, 'index.html still has a {{placeholder}}');
    assets = [...new Set([...html.matchAll(/["'](\/assets\/[^"']+)["']/g)].map((match) => match[1]))];
    for (const kind of ['js', 'wasm', 'css']) {
      const named = assets.filter((path) => path.endsWith(`.${kind}`));
      assert.equal(named.length, 1, `index.html names ${named.length} .${kind} assets: ${assets.join(', ')}`);
      assert.match(named[0], HASHED);
    }
  });

  await check('assets come precompressed and immutable', null, async () => {
    assert.ok(assets.length > 0, 'no assets found in index.html');
    for (const path of assets) {
      const kind = path.split('.').pop();
      for (const encoding of ['br', 'gzip']) {
        const { status, headers } = await wire(`${server.url}${path}`, encoding);
        const what = `${path} with Accept-Encoding: ${encoding}`;
        assert.equal(status, 200, what);
        assert.equal(headers['content-encoding'], encoding, what);
        assert.match(headers['content-type'] ?? '', CONTENT_TYPES[kind], what);
        assert.equal(headers['cache-control'], IMMUTABLE, what);
        assert.match(headers.vary ?? '', /accept-encoding/i, what);
      }
    }
    // What was sent decodes to the real thing: the wasm's magic number, through brotli.
    const wasm = assets.find((path) => path.endsWith('.wasm'));
    const decoded = await fetch(`${server.url}${wasm}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(decoded.headers.get('content-encoding'), 'br');
    const magic = new Uint8Array(await decoded.arrayBuffer()).slice(0, 4);
    assert.deepEqual([...magic], [0x00, 0x61, 0x73, 0x6d], 'the brotli wasm does not decode to wasm');
  });

  await check('the parts of the app loaded when first needed come precompressed and immutable', null, async () => {
    const js = assets.find((path) => path.endsWith('.js'));
    const directory = js.slice(0, js.lastIndexOf('/') + 1);
    const loader = await fetch(`${server.url}${directory}__wasm_split.js`);
    assert.equal(loader.status, 200);
    assert.equal(loader.headers.get('cache-control'), IMMUTABLE);
    const parts = [...(await loader.text()).matchAll(/new URL\("\.\/([\w.-]+\.wasm)"/g)].map((match) => directory + match[1]);
    assert.ok(parts.length > 1, 'the loader names no parts');
    for (const path of parts) {
      const { status, headers, bytes } = await wire(`${server.url}${path}`, 'br');
      assert.equal(status, 200, path);
      assert.equal(headers['content-encoding'], 'br', path);
      assert.match(headers['content-type'] ?? '', CONTENT_TYPES.wasm, path);
      assert.equal(headers['cache-control'], IMMUTABLE, path);
      assert.ok(bytes > 0, path);
    }
  });

  await check('a stale asset name is a 404, not index.html', null, async () => {
    const response = await fetch(`${server.url}/assets/app-0000000000000000/textdesk_frontend.js`);
    assert.equal(response.status, 404);
    assert.doesNotMatch(response.headers.get('content-type') ?? '', /text\/html/);
  });

  await check('first load bytes on the wire', null, async () => {
    assert.ok(assets.length > 0, 'no assets found in index.html');
    for (const encoding of ['br', 'gzip']) {
      const parts = [];
      let total = 0;
      for (const path of ['/', ...assets]) {
        const { status, headers, bytes } = await wire(`${server.url}${path}`, encoding);
        assert.equal(status, 200, path);
        assert.equal(headers['content-encoding'], encoding, path);
        const name = path === '/' ? 'index' : path.split('.').pop();
        parts.push(`${name} ${bytes}`);
        total += bytes;
      }
      console.log(`      ${encoding}: ${total} bytes on the wire (${parts.join(', ')})`);
    }
  });
}

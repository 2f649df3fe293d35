//! The browser app's files: precompressed siblings chosen by `Accept-Encoding`, immutable
//! caching for content-hashed assets, and an index.html that is always revalidated.

use textdesk_tests::{TestApp, TestResponse, on_both_backends};

on_both_backends!(
    precompressed_assets_follow_accept_encoding,
    assets_keep_their_own_content_type,
    the_index_is_never_cached,
    a_missing_asset_is_a_404,
);

const SCRIPT: &str = "/assets/textdesk-0123456789abcdef.js";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A script with stand-in "compressed" siblings, so each answer shows which file it came from.
fn put_script(app: &TestApp) {
    let file = SCRIPT.trim_start_matches('/');
    app.put_static_file(file, b"plain script");
    app.put_static_file(&format!("{file}.br"), b"brotli bytes");
    app.put_static_file(&format!("{file}.gz"), b"gzip bytes");
}

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> TestResponse {
    let headers: Vec<(&str, &str)> = accept_encoding
        .map(|value| ("Accept-Encoding", value))
        .into_iter()
        .collect();
    app.get_undecoded(path, &headers).await.expect(200)
}

async fn precompressed_assets_follow_accept_encoding(app: TestApp) {
    put_script(&app);
    let cases = [
        (Some("gzip, br"), "brotli bytes", Some("br")),
        (Some("gzip, deflate, br, zstd"), "brotli bytes", Some("br")),
        (Some("gzip"), "gzip bytes", Some("gzip")),
        (Some("br;q=0, gzip;q=0.5"), "gzip bytes", Some("gzip")),
        (Some("*;q=0.3, br;q=0"), "gzip bytes", Some("gzip")),
        (None, "plain script", None),
        (Some("identity"), "plain script", None),
        (Some("br;q=0, gzip;q=0"), "plain script", None),
    ];
    for (accept_encoding, body, encoding) in cases {
        let response = fetch(&app, SCRIPT, accept_encoding).await;
        assert_eq!(response.text(), body, "{accept_encoding:?}");
        assert_eq!(
            response.header("content-encoding").as_deref(),
            encoding,
            "{accept_encoding:?}"
        );
        assert_eq!(response.header("content-type").as_deref(), Some("text/javascript"));
        assert_eq!(response.header("vary").as_deref(), Some("accept-encoding"));
        assert_eq!(response.header("cache-control").as_deref(), Some(IMMUTABLE));
        if let Some(disposition) = response.header("content-disposition") {
            assert!(disposition.starts_with("inline"), "{disposition}");
        }
    }

    // A range of an encoded file is ill-defined: ranges get the plain file.
    let range = app
        .get_undecoded(SCRIPT, &[("Accept-Encoding", "br"), ("Range", "bytes=0-4")])
        .await
        .expect(206);
    assert_eq!(range.text(), "plain");
    assert_ne!(range.header("content-encoding").as_deref(), Some("br"));
}

async fn assets_keep_their_own_content_type(app: TestApp) {
    app.put_static_file("assets/textdesk-0123456789abcdef.wasm", b"\0asm plain");
    app.put_static_file("assets/textdesk-0123456789abcdef.wasm.gz", b"gzip bytes");
    app.put_static_file("assets/style-0123456789abcdef.css", b"body {}");

    // No .br sibling: gzip is the best there is.
    let wasm = fetch(&app, "/assets/textdesk-0123456789abcdef.wasm", Some("br, gzip")).await;
    assert_eq!(wasm.text(), "gzip bytes");
    assert_eq!(wasm.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(wasm.header("content-type").as_deref(), Some("application/wasm"));
    assert_eq!(wasm.header("vary").as_deref(), Some("accept-encoding"));

    // No siblings at all: nothing varies.
    let css = fetch(&app, "/assets/style-0123456789abcdef.css", Some("br, gzip")).await;
    assert_eq!(css.text(), "body {}");
    assert_eq!(css.header("content-encoding"), None);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(css.header("vary"), None);
    assert_eq!(css.header("cache-control").as_deref(), Some(IMMUTABLE));
}

async fn the_index_is_never_cached(app: TestApp) {
    for path in ["/", "/index.html", "/conversations/42"] {
        let page = fetch(&app, path, Some("gzip, br")).await;
        assert!(page.text().contains("Textdesk test app"), "{path}");
        assert!(page.header("content-type").unwrap().starts_with("text/html"), "{path}");
        assert_eq!(page.header("cache-control").as_deref(), Some("no-cache"), "{path}");
    }

    // A precompressed index.html is negotiated like any other file.
    app.put_static_file("index.html.br", b"brotli index");
    let page = fetch(&app, "/team", Some("gzip, br")).await;
    assert_eq!(page.text(), "brotli index");
    assert_eq!(page.header("content-encoding").as_deref(), Some("br"));
    assert_eq!(page.header("cache-control").as_deref(), Some("no-cache"));
    assert_eq!(page.header("vary").as_deref(), Some("accept-encoding"));

    // Other files at the root have stable names, so they are revalidated too.
    app.put_static_file("robots.txt", b"User-agent: *");
    let robots = fetch(&app, "/robots.txt", None).await;
    assert_eq!(robots.header("cache-control").as_deref(), Some("no-cache"));
}

async fn a_missing_asset_is_a_404(app: TestApp) {
    put_script(&app);
    for path in [
        "/assets/textdesk-ffffffffffffffff.js",
        "/assets/",
        "/assets/../index.html",
    ] {
        let response = app.get_undecoded(path, &[("Accept-Encoding", "br")]).await;
        assert_eq!(response.status.as_u16(), 404, "{path}: {}", response.text());
        assert!(!response.text().contains("Textdesk test app"), "{path}");
    }
}

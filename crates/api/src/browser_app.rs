//! The browser app's own files: content-hashed assets, precompressed at build time (brotli
//! or gzip, chosen by `Accept-Encoding`) and cached for good, and `index.html`, revalidated on
//! every load, for every path the app's router handles.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue, Preference, Quality,
};
use actix_web::{HttpRequest, HttpResponse, Responder};

use crate::error::ApiError;

/// Content-hashed names under `/assets/` never change content, so browsers may keep them for
/// a year without asking again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The precompressed siblings the build writes beside each file, best first.
const PRECOMPRESSED: [(ContentEncoding, &str); 2] = [(ContentEncoding::Brotli, "br"), (ContentEncoding::Gzip, "gz")];

pub fn serve_browser_app(request: &HttpRequest, root: &Path) -> HttpResponse {
    let path = request.path();
    let hashed = path.starts_with("/assets/");
    let cache_control = if hashed { IMMUTABLE } else { "no-cache" };
    if let Some(response) = safe_join(root, path).and_then(|file| serve_file(request, &file, cache_control)) {
        return response;
    }
    if hashed {
        // A stale hashed name (from a page loaded before a deploy) must fail plainly: the
        // index.html in place of a script or wasm would only make a confusing MIME error.
        return actix_web::ResponseError::error_response(&ApiError::NotFound("file"));
    }
    // Other paths belong to the app's own router. index.html names the current hashed assets,
    // so the browser must check it is still current every time.
    serve_file(request, &root.join("index.html"), "no-cache").unwrap_or_else(|| app_not_built(root))
}

/// The file, as its best precompressed sibling the client accepts, else as it is; `None` when
/// there is no such file.
fn serve_file(request: &HttpRequest, file: &Path, cache_control: &'static str) -> Option<HttpResponse> {
    if !file.is_file() {
        return None;
    }
    let has_siblings = PRECOMPRESSED
        .iter()
        .any(|(_, extension)| sibling(file, extension).is_file());
    let named = match precompressed(request, file) {
        Some(named) => named,
        None => NamedFile::open(file).ok()?,
    };
    let mut response = named.respond_to(request).map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if has_siblings {
        // Caches must keep the encodings apart.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Some(response)
}

/// The first precompressed sibling of `file` that exists and that the client accepts, typed
/// as `file` itself (the sibling's own name would make it an attachment of unknown type).
fn precompressed(request: &HttpRequest, file: &Path) -> Option<NamedFile> {
    // actix-files would label a range of an encoded file `identity`: ranges get the plain file.
    if request.headers().contains_key(header::RANGE) {
        return None;
    }
    let accepted = AcceptEncoding::parse(request).ok()?;
    PRECOMPRESSED
        .into_iter()
        .filter(|(encoding, _)| accepts(&accepted, *encoding))
        .find_map(|(encoding, extension)| {
            let compressed = std::fs::File::open(sibling(file, extension)).ok()?;
            let named = NamedFile::from_file(compressed, file).ok()?;
            Some(named.set_content_encoding(encoding))
        })
}

/// Whether `Accept-Encoding` allows the coding: named with a non-zero q, or covered by a
/// non-zero `*` when not named. No header means the plain file, as browsers always send one.
fn accepts(accepted: &AcceptEncoding, encoding: ContentEncoding) -> bool {
    let quality = |wanted: &Preference<Encoding>| {
        accepted
            .iter()
            .find(|item| &item.item == wanted)
            .map(|item| item.quality)
    };
    quality(&Preference::Specific(Encoding::Known(encoding)))
        .or_else(|| quality(&Preference::Any))
        .is_some_and(|quality| quality > Quality::ZERO)
}

/// `file` with `.extension` appended to its whole name: `app.js` → `app.js.br`.
fn sibling(file: &Path, extension: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn app_not_built(root: &Path) -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!doctype html><title>Textdesk</title><h1>The browser app is not built</h1>\
             <p>No <code>index.html</code> in <code>{}</code>. Run <code>scripts/build-frontend.sh</code>, \
             or set <code>STATIC_DIR</code>. The API is at <a href=\"/api/docs/\">/api/docs/</a>.</p>",
            root.display()
        ))
}

/// `root` + the URL path, or `None` if the path tries to leave `root`.
fn safe_join(root: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative.as_os_str().is_empty() {
        return None;
    }
    relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
        .then(|| root.join(relative))
}

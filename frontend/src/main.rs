//! Textdesk's browser app: a Leptos single-page app, client-side rendered and compiled to
//! wasm32. The server hands out `index.html` for every path that is not an API route, so the
//! router in [`app`] decides what each path shows.
//!
//! Layout: `api` is the typed client, one module per resource; `session` and `live` hold the
//! signed-in session and the change feed every page follows; `components` are the pieces
//! pages share; `pages` has one module per screen. The app must not depend on the server's
//! crates, only on `textdesk-types`, which both compile.

mod api;
mod app;
mod components;
mod idle_alert;
mod inbox_views;
mod live;
mod pages;
mod session;
mod time;

use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    session::start();
    // index.html paints a light frame while the wasm loads; the app takes its place.
    let root = leptos::prelude::document()
        .get_element_by_id("app")
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, app::App).forget();
        }
        None => leptos::mount::mount_to_body(app::App),
    }
}

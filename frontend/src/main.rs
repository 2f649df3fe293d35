//! Textdesk's browser app: a Leptos single-page app, client-side rendered and compiled to
//! wasm32. The server hands out `index.html` for every path that is not an API route, so the
//! router below decides what each path shows.

mod api;
mod app;
mod feed;
mod pages;
mod session;
mod ui;

fn main() {
    console_error_panic_hook::set_once();
    session::start();
    leptos::mount::mount_to_body(app::App);
}

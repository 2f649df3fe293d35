//! The routes of the app.
//!
//! The Message Center and sign-in are in the first download; every other page is split into a
//! part of the wasm of its own (Leptos's lazy routes, split by `scripts/build-frontend.sh`),
//! fetched the first time the page is opened.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, lazy_route, path};

use crate::components::NotFound;
use crate::pages::conversation::ConversationPane;
use crate::pages::frame::Shell;
use crate::pages::login::Login;
use crate::pages::message_center::{MessageCenter, NoSelection};

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/setup") view={Lazy::<SetupPage>::new()} />
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordPage>::new()} />
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordPage>::new()} />
                <Route path=path!("/unsubscribe") view={Lazy::<UnsubscribePage>::new()} />
                // The shell decides between setup, sign-in and the signed-in app, then shows
                // the matched page inside its frame.
                <ParentRoute path=path!("") view=Shell>
                    // The Message Center keeps its list while the reading pane changes.
                    <ParentRoute path=path!("") view=MessageCenter>
                        <Route path=path!("") view=NoSelection />
                        <Route path=path!("conversations/:id") view=ConversationPane />
                    </ParentRoute>
                    <Route path=path!("contacts") view={Lazy::<ContactsPage>::new()} />
                    <Route path=path!("contacts/import") view={Lazy::<ImportContactsPage>::new()} />
                    <Route path=path!("contacts/:id") view={Lazy::<ContactPage>::new()} />
                    <Route path=path!("team") view={Lazy::<TeamPage>::new()} />
                    <Route path=path!("settings") view={Lazy::<SettingsPage>::new()} />
                    <Route path=path!("profile") view={Lazy::<ProfilePage>::new()} />
                    <Route path=path!("simulator") view={Lazy::<SimulatorPage>::new()} />
                    <Route path=path!("mail") view={Lazy::<MailPage>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A page whose code is loaded when it is first opened; it loads its own data.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(SetupPage, crate::pages::setup::Setup);
lazy_page!(ResetPasswordPage, crate::pages::reset_password::ResetPassword);
lazy_page!(ForgotPasswordPage, crate::pages::forgot_password::ForgotPassword);
lazy_page!(UnsubscribePage, crate::pages::unsubscribe::Unsubscribe);
lazy_page!(MailPage, crate::pages::mail::MailOutbox);
lazy_page!(ContactsPage, crate::pages::contacts::Contacts);
lazy_page!(ContactPage, crate::pages::contacts::ContactPage);
lazy_page!(ImportContactsPage, crate::pages::contacts::import::ImportContacts);
lazy_page!(TeamPage, crate::pages::team::Team);
lazy_page!(SettingsPage, crate::pages::settings::Settings);
lazy_page!(ProfilePage, crate::pages::profile::Profile);
lazy_page!(SimulatorPage, crate::pages::simulator::PhoneSimulator);

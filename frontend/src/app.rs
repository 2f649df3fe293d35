//! The routes of the app.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::pages::conversation::ConversationPage;
use crate::pages::login::Login;
use crate::pages::profile::Profile;
use crate::pages::reset_password::ResetPassword;
use crate::pages::setup::Setup;
use crate::pages::shell::{Inbox, Shell};
use crate::pages::simulator::PhoneSimulator;
use crate::pages::team::Team;
use crate::ui::NotFound;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=Login />
                <Route path=path!("/setup") view=Setup />
                <Route path=path!("/reset-password") view=ResetPassword />
                // The shell decides between setup, sign-in and the signed-in app, then shows
                // the matched page inside its frame.
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=Inbox />
                    <Route path=path!("conversations/:id") view=ConversationPage />
                    <Route path=path!("team") view=Team />
                    <Route path=path!("profile") view=Profile />
                    <Route path=path!("simulator") view=PhoneSimulator />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

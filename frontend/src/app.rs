//! The routes of the app.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::NotFound;
use crate::pages::conversation::ConversationPane;
use crate::pages::frame::Shell;
use crate::pages::login::Login;
use crate::pages::message_center::{MessageCenter, NoSelection};
use crate::pages::profile::Profile;
use crate::pages::reset_password::ResetPassword;
use crate::pages::setup::Setup;
use crate::pages::simulator::PhoneSimulator;
use crate::pages::team::Team;

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
                    // The Message Center keeps its list while the reading pane changes.
                    <ParentRoute path=path!("") view=MessageCenter>
                        <Route path=path!("") view=NoSelection />
                        <Route path=path!("conversations/:id") view=ConversationPane />
                    </ParentRoute>
                    <Route path=path!("team") view=Team />
                    <Route path=path!("profile") view=Profile />
                    <Route path=path!("simulator") view=PhoneSimulator />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

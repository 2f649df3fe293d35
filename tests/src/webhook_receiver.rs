//! A webhook receiver on loopback for the outbound webhook tests: a real HTTP server that
//! records every request and answers with the status it is told to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    /// Header names lowercase.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON: {e}"))
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    status: u16,
}

/// Stops with the test's actix system.
pub struct WebhookReceiver {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl WebhookReceiver {
    /// Listens on a free loopback port and answers 200 until told otherwise.
    pub fn start() -> WebhookReceiver {
        let state = Arc::new(Mutex::new(State {
            received: Vec::new(),
            status: 200,
        }));
        let shared = Arc::clone(&state);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(Arc::clone(&shared)))
                .default_service(web::to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("cannot bind the receiver: {e}"));
        let port = server.addrs()[0].port();
        actix_rt::spawn(server.run());
        WebhookReceiver {
            url: format!("http://127.0.0.1:{port}/hooks/textdesk"),
            state,
        }
    }

    /// Answers every request from now on with `status`.
    pub fn answer_with(&self, status: u16) {
        self.lock().status = status;
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn receive(request: HttpRequest, body: web::Bytes, state: web::Data<Arc<Mutex<State>>>) -> HttpResponse {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or("").to_owned()))
        .collect();
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    state.received.push(Received {
        headers,
        body: body.to_vec(),
    });
    let status = actix_web::http::StatusCode::from_u16(state.status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status).body(if status.is_success() { "ok" } else { "receiver is down" })
}

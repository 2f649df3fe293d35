//! The test harness: each test boots the real server on a random port against a fresh
//! database (a SQLite file in a temporary folder, or a new PostgreSQL database that is dropped
//! afterwards) and speaks HTTP to it.
//!
//! `on_both_backends!` turns each `async fn test(app: TestApp)` into one test per backend.
//! PostgreSQL is found at `TEST_POSTGRES_URL` (default: the local server on 127.0.0.1:5432);
//! if it cannot be reached the PostgreSQL tests fail, never skip.

use std::path::PathBuf;

use awc::http::{Method, StatusCode};
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use textdesk::config::Settings;
use textdesk::startup::{Application, open_database};
use textdesk_db::Database;
use textdesk_types::ProblemDetails;
use textdesk_types::auth::TokenResponse;

pub use textdesk_db::Backend;

pub mod smtp_receiver;
pub mod webhook_receiver;

/// The secret test servers sign tokens with.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256-signing";
/// A password that meets the policy, for every test account.
pub const PASSWORD: &str = "correct horse battery";

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    postgres_name: Option<String>,
    folder: tempfile::TempDir,
}

impl TestDb {
    pub fn create(backend: Backend) -> TestDb {
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"));
        match backend {
            Backend::Sqlite => TestDb {
                url: format!("sqlite://{}", folder.path().join("textdesk.db").display()),
                postgres_name: None,
                folder,
            },
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("textdesk_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {admin_url} ({e}). The PostgreSQL half of the suite \
                         needs it: start PostgreSQL, set TEST_POSTGRES_URL, or run scripts/test.sh, which \
                         starts a private server when none is running."
                    )
                });
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
                let url = match admin_url.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("TEST_POSTGRES_URL must end in /<database>: {admin_url}"),
                };
                TestDb {
                    url,
                    postgres_name: Some(name),
                    folder,
                }
            }
        }
    }

    pub fn folder(&self) -> PathBuf {
        self.folder.path().to_path_buf()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = &self.postgres_name else { return };
        if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin);
        }
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub db: Database,
    pub backend: Backend,
    pub settings: Settings,
    /// The server's and the test worker's clock: real time until a test sets it.
    pub clock: textdesk_db::clock::Clock,
    client: awc::Client,
    /// Absent on a replica, which shares its primary's database.
    _database: Option<TestDb>,
}

/// An answer: status, headers and the body as JSON (or `Null`).
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn parse<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "unexpected body for status {}: {e}\n{}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The problem+json body; fails the test if the answer is not one.
    pub fn problem(&self) -> ProblemDetails {
        let content_type = self.header("content-type").unwrap_or_default();
        assert_eq!(
            content_type,
            "application/problem+json",
            "status {} body {}",
            self.status,
            self.text()
        );
        self.parse()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the status, showing the body when it differs.
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        self
    }

    /// Asserts a problem with this status and code, and returns it.
    pub fn expect_problem(self, status: u16, code: &str) -> ProblemDetails {
        let problem = self.expect(status).problem();
        assert_eq!(problem.code, code, "{problem:?}");
        assert_eq!(problem.status, status);
        problem
    }
}

/// A signed-in agent's tokens and ids.
#[derive(Clone, Debug)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub agent_id: String,
    pub organization_id: String,
    pub email: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// A server whose settings `adjust` changes from the tests' own.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let test_db = TestDb::create(backend);
        let static_dir = test_db.folder().join("dist");
        std::fs::create_dir_all(&static_dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            static_dir.join("index.html"),
            "<!doctype html><title>Textdesk test app</title>",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut settings = Settings {
            database_url: test_db.url.clone(),
            bind: "127.0.0.1:0".to_owned(),
            jwt_secret: Some(TEST_JWT_SECRET.to_owned()),
            static_dir,
            data_dir: test_db.folder(),
            db_pool_size: 4,
            http_workers: Some(1),
            // Tests' webhook receivers listen on loopback.
            webhooks_allow_private: true,
            ..Settings::default()
        };
        adjust(&mut settings);
        let db = open_database(&settings).unwrap_or_else(|e| panic!("cannot open the test database: {e:#}"));
        TestApp::start(settings, db, backend, Some(test_db))
    }

    /// A second server on the same database with its own connections and change signal, as
    /// another process behind the same load balancer would be. Keep the primary alive.
    pub async fn replica(&self) -> TestApp {
        let db = Database::connect(&self.settings.database_url, 4)
            .unwrap_or_else(|e| panic!("cannot connect the replica: {e}"));
        TestApp::start(self.settings.clone(), db, self.backend, None)
    }

    fn start(settings: Settings, db: Database, backend: Backend, test_db: Option<TestDb>) -> TestApp {
        let clock = textdesk_db::clock::Clock::system();
        let application = Application::build_with_clock(&settings, db.clone(), false, clock.clone())
            .unwrap_or_else(|e| panic!("cannot start the server: {e:#}"));
        let address = format!("http://127.0.0.1:{}", application.port());
        actix_rt::spawn(application.run_until_stopped());
        TestApp {
            address,
            db,
            backend,
            settings,
            clock,
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
            _database: test_db,
        }
    }

    /// What a worker of this server needs; Twilio calls go to `twilio`.
    pub fn worker_context(
        &self,
        twilio: Option<&textdesk_providers::twilio::fake::FakeTwilio>,
    ) -> textdesk_worker::WorkerContext {
        let secrets = textdesk_db::secrets::SecretBox::from_server_secret(TEST_JWT_SECRET.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        textdesk_worker::WorkerContext {
            db: self.db.clone(),
            secrets,
            http: textdesk_providers::HttpClient::new(),
            public_url: self.settings.public_url(),
            twilio_base_url: twilio.map(|fake| fake.base_url()),
            clock: self.clock.clone(),
            webhooks: textdesk_providers::outbound_webhooks::WebhookClient::new(self.settings.webhooks_allow_private),
            mail: self.settings.mail_settings(),
            mailer: self
                .settings
                .smtp_url
                .as_deref()
                .map(|url| textdesk_providers::mail::SmtpMailer::from_url(url).unwrap_or_else(|e| panic!("{e}"))),
            mail_from: self.settings.mail_from.clone(),
        }
    }

    /// Runs every ready job of the queue, one after another, as a worker would; Twilio calls go
    /// to `twilio`.
    pub async fn run_jobs(&self, twilio: Option<&textdesk_providers::twilio::fake::FakeTwilio>) -> usize {
        let context = self.worker_context(twilio);
        actix_web::web::block(move || textdesk_worker::run_pending(&context))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("a job failed: {e:#}"))
    }

    /// Writes a file of the browser app (`relative` to the static folder), making its folders.
    pub fn put_static_file(&self, relative: &str, contents: &[u8]) {
        let file = self.settings.static_dir.join(relative);
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&file, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
    }

    pub fn database_url(&self) -> &str {
        &self.settings.database_url
    }

    /// Sends a request; `body` is raw bytes with the given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> TestResponse {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        if let Some(content_type) = content_type {
            request = request.insert_header(("Content-Type", content_type));
        }
        Self::send(request, path, body).await
    }

    /// A GET with these headers whose answer is kept as the server sent it: no body decoding,
    /// and no `Accept-Encoding` but the one given.
    pub async fn get_undecoded(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = self.client.get(format!("{}{path}", self.address)).no_decompress();
        for &header in headers {
            request = request.insert_header(header);
        }
        Self::send(request, path, Vec::new()).await
    }

    async fn send(request: awc::ClientRequest, path: &str, body: Vec<u8>) -> TestResponse {
        let mut response = request
            .send_body(body)
            .await
            .unwrap_or_else(|e| panic!("request to {path} failed: {e}"));
        let body = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .unwrap_or_else(|e| panic!("reading the answer of {path} failed: {e}"));
        TestResponse {
            status: response.status(),
            headers: response.headers().clone(),
            body: body.to_vec(),
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.raw(Method::GET, path, token, None, Vec::new()).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.raw(Method::DELETE, path, token, None, Vec::new()).await
    }

    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: &impl Serialize,
    ) -> TestResponse {
        let bytes = serde_json::to_vec(body).unwrap_or_else(|e| panic!("{e}"));
        self.raw(method, path, token, Some("application/json"), bytes).await
    }

    /// A JSON request with these headers besides the token's.
    pub async fn send_json_with_headers(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: &impl Serialize,
    ) -> TestResponse {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .insert_header(("Content-Type", "application/json"));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for &header in headers {
            request = request.insert_header(header);
        }
        let bytes = serde_json::to_vec(body).unwrap_or_else(|e| panic!("{e}"));
        Self::send(request, path, bytes).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &impl Serialize) -> TestResponse {
        self.send_json(Method::POST, path, token, body).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &impl Serialize) -> TestResponse {
        self.send_json(Method::PATCH, path, token, body).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &impl Serialize) -> TestResponse {
        self.send_json(Method::PUT, path, token, body).await
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Runs first-run setup and returns the owner's session.
    pub async fn create_workspace(&self, organization: &str, email: &str) -> Session {
        let body = json!({
            "organization_name": organization,
            "owner": {"email": email, "password": PASSWORD, "first_name": "Olive", "last_name": "Owner"}
        });
        let tokens: TokenResponse = self.post("/api/v1/setup", None, &body).await.expect(201).parse();
        self.session(tokens, email).await
    }

    /// A second organization, as `textdesk org create` makes it, with its owner signed in.
    pub async fn create_other_organization(&self, organization: &str, email: &str) -> Session {
        let request = textdesk::commands::NewOrganization {
            name: organization.to_owned(),
            owner_email: email.to_owned(),
            owner_first_name: "Other".to_owned(),
            owner_last_name: "Owner".to_owned(),
            owner_password: Some(PASSWORD.to_owned()),
        };
        let db = self.db.clone();
        actix_web::web::block(move || textdesk::commands::create_organization(&db, request))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e:#}"));
        self.sign_in(email).await
    }

    /// Adds an agent with this role through the API, signed in as `admin`, and signs them in.
    pub async fn add_agent(&self, admin: &Session, email: &str, role: &str) -> Session {
        let body =
            json!({"email": email, "password": PASSWORD, "first_name": "Test", "last_name": "Agent", "role": role});
        self.post("/api/v1/agents", Some(&admin.access_token), &body)
            .await
            .expect(201);
        self.sign_in(email).await
    }

    /// Connects a simulator number for the organization, as `admin`; returns its id.
    pub async fn add_simulator_number(&self, admin: &Session, phone: &str) -> String {
        let body = json!({"phone_number": phone, "label": "Main", "provider": "simulator"});
        let number = self
            .post("/api/v1/numbers", Some(&admin.access_token), &body)
            .await
            .expect(201)
            .json();
        number["id"].as_str().unwrap_or_default().to_owned()
    }

    /// A customer with the phone `from` texts the simulator number `number_id`; returns the
    /// message as stored.
    pub async fn text_from_customer(&self, session: &Session, number_id: &str, from: &str, body: &str) -> Value {
        let text = json!({"from": from, "number_id": number_id, "body": body});
        self.post("/api/v1/simulator/messages", Some(&session.access_token), &text)
            .await
            .expect(201)
            .json()
    }

    /// The body of the conversation's newest outbound text, as `session` reads it.
    pub async fn last_outbound(&self, session: &Session, conversation: &str) -> Option<String> {
        let thread = self
            .get(
                &format!("/api/v1/conversations/{conversation}"),
                Some(&session.access_token),
            )
            .await
            .expect(200)
            .json();
        thread["messages"]
            .as_array()?
            .iter()
            .rev()
            .find(|message| message["direction"] == "outbound")
            .and_then(|message| message["body"].as_str())
            .map(str::to_owned)
    }

    pub async fn sign_in(&self, email: &str) -> Session {
        let tokens: TokenResponse = self.login(email, PASSWORD).await.expect(200).parse();
        self.session(tokens, email).await
    }

    async fn session(&self, tokens: TokenResponse, email: &str) -> Session {
        let me = self
            .get("/api/v1/me", Some(&tokens.access_token))
            .await
            .expect(200)
            .json();
        Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            agent_id: me["id"].as_str().unwrap_or_default().to_owned(),
            organization_id: me["organization_id"].as_str().unwrap_or_default().to_owned(),
            email: email.to_owned(),
        }
    }
}

/// Makes one test per backend of each listed `async fn name(app: TestApp)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::TestApp::spawn($crate::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::TestApp::spawn($crate::Backend::Postgres).await).await
                }
            )*
        }
    };
}

//! Checks on the project as a whole: the committed OpenAPI document, the migration trees, the
//! deployment files.

use std::path::PathBuf;

use textdesk_db::schema_check;
use textdesk_tests::{Backend, TestApp};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[actix_rt::test]
async fn committed_openapi_matches_the_code() {
    let generated = format!("{}\n", textdesk_api::openapi_document().to_pretty_json().unwrap());
    let committed = std::fs::read_to_string(repository().join("api-spec/openapi.json")).unwrap_or_default();
    assert!(
        generated == committed,
        "api-spec/openapi.json is out of date: run `cargo run -p textdesk -- openapi --out api-spec/openapi.json`"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served: serde_json::Value = app.get("/api/openapi.json", None).await.expect(200).parse();
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(served, committed);
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(served["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_rt::test]
async fn every_operation_documents_its_errors() {
    let document = serde_json::to_value(textdesk_api::openapi_document()).unwrap();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            assert!(operation["summary"].is_string(), "{method} {path} has no summary");
            assert!(operation["tags"].is_array(), "{method} {path} has no tag");
            let public = path.starts_with("/api/v1/auth")
                || path.starts_with("/api/v1/setup")
                || path.starts_with("/webhooks/")
                || path.starts_with("/media/")
                || path.ends_with("z");
            assert!(
                public || operation["security"].is_array(),
                "{method} {path} does not name its auth scheme"
            );
        }
    }
}

#[actix_rt::test]
async fn docs_page_is_served_from_the_server_itself() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.get("/api/docs/", None).await.expect(200);
    assert!(page.text().contains("swagger-ui"));
    let initializer = app.get("/api/docs/swagger-initializer.js", None).await.expect(200);
    assert!(initializer.text().contains("/api/openapi.json"));
    let bundle = app.get("/api/docs/swagger-ui-bundle.js", None).await.expect(200);
    assert!(bundle.body.len() > 100_000);
    let redirected = app.get("/api/docs", None).await.expect(200);
    assert!(
        redirected.text().contains("swagger-ui"),
        "/api/docs leads to the docs page"
    );
}

#[actix_rt::test]
async fn both_migration_trees_build_the_same_schema() {
    let sqlite = TestApp::spawn(Backend::Sqlite).await;
    let postgres = TestApp::spawn(Backend::Postgres).await;
    let sqlite_schema = sqlite.db.read(schema_check::describe).unwrap();
    let postgres_schema = postgres.db.read(schema_check::describe).unwrap();
    assert!(sqlite_schema.contains_key("agents") && sqlite_schema.len() >= 10);
    assert_eq!(sqlite_schema, postgres_schema);
    let sqlite_migrations = std::fs::read_dir(repository().join("migrations/sqlite"))
        .unwrap()
        .count();
    let postgres_migrations = std::fs::read_dir(repository().join("migrations/postgres"))
        .unwrap()
        .count();
    assert_eq!(sqlite_migrations, postgres_migrations);
}

#[actix_rt::test]
async fn the_audit_log_is_append_only_in_the_database() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = TestApp::spawn(backend).await;
        app.create_workspace("Acme", "owner@acme.example").await;
        let attempt = |sql: &'static str| {
            app.db.write(|conn| -> Result<usize, textdesk_db::DbError> {
                use diesel::RunQueryDsl;
                Ok(diesel::sql_query(sql).execute(conn)?)
            })
        };
        assert!(
            attempt("UPDATE audit_log SET action = 'forged'").is_err(),
            "{backend:?} allowed an update"
        );
        assert!(
            attempt("DELETE FROM audit_log").is_err(),
            "{backend:?} allowed a delete"
        );
    }
}

#[test]
fn docker_compose_names_its_services() {
    let text = std::fs::read_to_string(repository().join("docker-compose.yml")).unwrap();
    let compose: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let services = compose["services"].as_mapping().unwrap();
    for name in ["postgres", "app", "worker", "mail", "proxy"] {
        assert!(services.contains_key(name), "docker-compose.yml has no {name} service");
    }
    assert_eq!(compose["services"]["worker"]["command"][0].as_str(), Some("worker"));
    assert!(compose["services"]["app"]["deploy"]["replicas"].as_u64().unwrap() >= 2);
    let dockerfile = std::fs::read_to_string(repository().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("ENTRYPOINT"));
}

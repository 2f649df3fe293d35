//! The operator's commands, run as the real binary: what an operator types and reads.
//!
//! Building this test also builds `target/debug/textdesk` with the test run's features, which
//! the browser tests then start without a second build.
#![allow(clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A private folder for one test's SQLite file, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("textdesk-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("scratch folder");
        Scratch(path)
    }

    fn textdesk(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_textdesk"))
            .args(args)
            .env_clear()
            .env("DATABASE_URL", self.0.join("textdesk.db"))
            .env("DATA_DIR", &self.0)
            .env("LOG_LEVEL", "warn")
            .output()
            .expect("the textdesk binary runs")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn migrate_then_create_an_organization_with_a_generated_password() {
    let scratch = Scratch::new("org");
    let migrated = scratch.textdesk(&["migrate"]);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(text(&migrated.stdout).contains("up to date"));

    let create = [
        "org",
        "create",
        "--name",
        "Acme",
        "--owner-email",
        "owner@acme.test",
        "--owner-first-name",
        "Ada",
        "--owner-last-name",
        "Lovelace",
    ];
    let created = scratch.textdesk(&create);
    assert!(created.status.success(), "{}", text(&created.stderr));
    let stdout = text(&created.stdout);
    assert!(stdout.contains("Owner password (shown once): "), "{stdout}");
    assert!(stdout.contains("Created organization "), "{stdout}");

    let again = scratch.textdesk(&create);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).starts_with("error: "), "{}", text(&again.stderr));
}

#[test]
fn invalid_input_is_an_error_naming_what_to_fix() {
    let scratch = Scratch::new("invalid");
    let bad_email = scratch.textdesk(&[
        "org",
        "create",
        "--name",
        "Acme",
        "--owner-email",
        "not-an-email",
        "--owner-first-name",
        "Ada",
        "--owner-last-name",
        "Lovelace",
        "--owner-password",
        "correct horse battery staple",
    ]);
    assert_eq!(bad_email.status.code(), Some(1));
    assert!(text(&bad_email.stderr).contains("email"), "{}", text(&bad_email.stderr));

    let bad_setting = Command::new(env!("CARGO_BIN_EXE_textdesk"))
        .arg("migrate")
        .env_clear()
        .env("DB_POOL_SIZE", "many")
        .output()
        .expect("the textdesk binary runs");
    assert_eq!(bad_setting.status.code(), Some(1));
    assert!(
        text(&bad_setting.stderr).contains("DB_POOL_SIZE"),
        "{}",
        text(&bad_setting.stderr)
    );
}

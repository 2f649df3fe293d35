//! Settings: defaults, then an optional `textdesk.toml`, then environment variables.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `postgres://…` for PostgreSQL; otherwise a SQLite file path (`sqlite://` optional).
    pub database_url: String,
    pub bind: String,
    /// Where people and providers reach this server; defaults to `http://` + `bind`.
    pub public_url: Option<String>,
    pub jwt_secret: Option<String>,
    /// A tracing filter such as `info` or `textdesk=debug,actix_web=info`.
    pub log_level: String,
    pub log_format: LogFormat,
    /// Production refuses to start without an explicit `JWT_SECRET`.
    pub production: bool,
    /// The built browser app.
    pub static_dir: PathBuf,
    /// Local state of a development server: the SQLite file and the generated JWT secret.
    pub data_dir: PathBuf,
    pub db_pool_size: u32,
    /// HTTP worker threads; defaults to the number of CPUs.
    pub http_workers: Option<usize>,
    /// Take client addresses from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// Twilio's API address; set only to point at a test double.
    pub twilio_api_base: Option<String>,
    /// Let outbound webhooks reach private and loopback addresses (a receiver on this host or
    /// network). Off by default: an admin could otherwise probe the server's own network.
    pub webhooks_allow_private: bool,
    /// The SMTP server mail goes to, in lettre's URL form (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://host`). Without it mail stays in the app's Mail outbox.
    pub smtp_url: Option<String>,
    /// The `From` of every mail.
    pub mail_from: String,
    /// The domain replies by email come to (`reply+<token>@…`); defaults to the public URL's host.
    pub reply_domain: Option<String>,
    /// The shared secret inbound-mail services post replies with (`POST /webhooks/email`);
    /// without it that endpoint is off.
    pub inbound_mail_secret: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/textdesk.db".to_owned(),
            bind: "127.0.0.1:8080".to_owned(),
            public_url: None,
            jwt_secret: None,
            log_level: "info".to_owned(),
            log_format: LogFormat::Text,
            production: false,
            static_dir: PathBuf::from("frontend/dist"),
            data_dir: PathBuf::from("data"),
            db_pool_size: 10,
            http_workers: None,
            trust_forwarded_for: false,
            twilio_api_base: None,
            webhooks_allow_private: false,
            smtp_url: None,
            mail_from: "Textdesk <textdesk@localhost>".to_owned(),
            reply_domain: None,
            inbound_mail_secret: None,
        }
    }
}

impl Settings {
    /// Reads `textdesk.toml` (or the file `TEXTDESK_CONFIG` names) if present, then the
    /// environment.
    pub fn load() -> anyhow::Result<Settings> {
        let explicit = std::env::var("TEXTDESK_CONFIG").ok();
        let path = PathBuf::from(explicit.clone().unwrap_or_else(|| "textdesk.toml".to_owned()));
        let mut settings = if path.exists() {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("{} is not a valid configuration", path.display()))?
        } else if explicit.is_some() {
            bail!("TEXTDESK_CONFIG names {}, which does not exist", path.display());
        } else {
            Settings::default()
        };
        settings.apply_env(|name| std::env::var(name).ok())?;
        Ok(settings)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        if let Some(value) = var("DATABASE_URL") {
            self.database_url = value;
        }
        if let Some(value) = var("BIND") {
            self.bind = value;
        }
        if let Some(value) = var("PUBLIC_URL") {
            self.public_url = Some(value);
        }
        if let Some(value) = var("JWT_SECRET") {
            self.jwt_secret = Some(value);
        }
        if let Some(value) = var("LOG_LEVEL").or_else(|| var("RUST_LOG")) {
            self.log_level = value;
        }
        if let Some(value) = var("LOG_FORMAT") {
            self.log_format = match value.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                other => bail!("LOG_FORMAT must be text or json, not {other:?}"),
            };
        }
        if let Some(value) = var("TEXTDESK_ENV") {
            self.production = match value.as_str() {
                "production" => true,
                "development" => false,
                other => bail!("TEXTDESK_ENV must be production or development, not {other:?}"),
            };
        }
        if let Some(value) = var("STATIC_DIR") {
            self.static_dir = PathBuf::from(value);
        }
        if let Some(value) = var("DATA_DIR") {
            self.data_dir = PathBuf::from(value);
        }
        if let Some(value) = var("DB_POOL_SIZE") {
            self.db_pool_size = value.parse().context("DB_POOL_SIZE must be a positive number")?;
        }
        if let Some(value) = var("HTTP_WORKERS") {
            self.http_workers = Some(value.parse().context("HTTP_WORKERS must be a positive number")?);
        }
        if let Some(value) = var("TWILIO_API_BASE") {
            self.twilio_api_base = Some(value.trim_end_matches('/').to_owned());
        }
        if let Some(value) = var("TRUST_FORWARDED_FOR") {
            self.trust_forwarded_for = matches!(value.as_str(), "1" | "true" | "yes");
        }
        if let Some(value) = var("WEBHOOKS_ALLOW_PRIVATE") {
            self.webhooks_allow_private = matches!(value.as_str(), "1" | "true" | "yes");
        }
        if let Some(value) = var("SMTP_URL").filter(|value| !value.is_empty()) {
            self.smtp_url = Some(value);
        }
        if let Some(value) = var("MAIL_FROM") {
            self.mail_from = value;
        }
        if let Some(value) = var("REPLY_DOMAIN").filter(|value| !value.is_empty()) {
            self.reply_domain = Some(value);
        }
        if let Some(value) = var("INBOUND_MAIL_SECRET").filter(|value| !value.is_empty()) {
            self.inbound_mail_secret = Some(value);
        }
        Ok(())
    }

    /// Where mail points and where replies come back.
    pub fn mail_settings(&self) -> textdesk_app::mail::MailSettings {
        let mut settings = textdesk_app::mail::MailSettings::for_public_url(&self.public_url());
        if let Some(domain) = &self.reply_domain {
            settings.reply_domain = domain.clone();
        }
        settings
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The secret that signs access tokens. Development keeps a generated one under
    /// `data_dir`, so sessions survive restarts; production must be given one.
    pub fn jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < 32 {
                bail!("JWT_SECRET must be at least 32 characters long");
            }
            return Ok(secret.as_bytes().to_vec());
        }
        if self.production {
            bail!("JWT_SECRET is required when TEXTDESK_ENV=production");
        }
        development_secret(&self.data_dir.join("jwt-secret"))
    }
}

fn development_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let secret = existing.trim();
        if secret.len() >= 32 {
            return Ok(secret.as_bytes().to_vec());
        }
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    let mut bytes = [0u8; 48];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = STANDARD.encode(bytes);
    std::fs::write(path, &secret).with_context(|| format!("writing {}", path.display()))?;
    restrict_to_owner(path)?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).context("restricting the secret file")
}

#[cfg(not(unix))]
fn restrict_to_owner(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_env(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let mut settings = Settings::default();
        settings.apply_env(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })?;
        Ok(settings)
    }

    #[test]
    fn environment_overrides_defaults() -> anyhow::Result<()> {
        let settings = from_env(&[("BIND", "0.0.0.0:9000"), ("LOG_FORMAT", "json"), ("DB_POOL_SIZE", "4")])?;
        assert_eq!(settings.bind, "0.0.0.0:9000");
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.db_pool_size, 4);
        assert_eq!(settings.public_url(), "http://0.0.0.0:9000");
        Ok(())
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(from_env(&[("LOG_FORMAT", "xml")]).is_err());
        assert!(from_env(&[("DB_POOL_SIZE", "many")]).is_err());
        assert!(from_env(&[("TEXTDESK_ENV", "prod")]).is_err());
    }

    #[test]
    fn production_needs_a_secret() -> anyhow::Result<()> {
        let settings = from_env(&[("TEXTDESK_ENV", "production")])?;
        assert!(settings.jwt_secret().is_err());
        let short = from_env(&[("JWT_SECRET", "short")])?;
        assert!(short.jwt_secret().is_err());
        Ok(())
    }

    #[test]
    fn development_secret_is_kept() -> anyhow::Result<()> {
        let folder = std::env::temp_dir().join(format!("textdesk-secret-{}", std::process::id()));
        let settings = Settings {
            data_dir: folder.clone(),
            ..Settings::default()
        };
        let first = settings.jwt_secret()?;
        assert_eq!(settings.jwt_secret()?, first);
        std::fs::remove_dir_all(folder)?;
        Ok(())
    }

    #[test]
    fn toml_files_parse() -> anyhow::Result<()> {
        let settings: Settings = toml::from_str("bind = \"127.0.0.1:9999\"\nlog_format = \"json\"\n")?;
        assert_eq!(settings.bind, "127.0.0.1:9999");
        assert!(toml::from_str::<Settings>("bnd = 1").is_err());
        Ok(())
    }
}

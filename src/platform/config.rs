//! Settings: the only code that reads the environment or files. Every setting is a flag
//! with an environment variable of the same name (upper case); flags win over the environment.

mod secrets;
mod timeouts;

pub use secrets::Secrets;
pub use timeouts::Timeouts;

use anyhow::bail;
use clap::Parser;
use std::path::PathBuf;

#[derive(Debug, Clone, Parser)]
#[command(name = "parlor", version, about = "Self-hosted real-time chat server")]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "IP", default_value = "127.0.0.1")]
    pub ip: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Folder for the SQLite database, media files and generated secrets.
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); SQLite in DATA_DIR when unset.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Redis URL (redis://…) for running several instances; in-process when unset.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', value_parser = super::proxy::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Seconds after which the users of an instance that stopped answering count as offline.
    #[arg(long, env = "PRESENCE_TTL", default_value_t = 30)]
    pub presence_ttl: u64,
    /// Prefix of this deployment's Redis keys and channels (several deployments may share a Redis).
    #[arg(long, env = "REDIS_PREFIX", default_value = "parlor")]
    pub redis_prefix: String,
    /// The URL people open, e.g. https://chat.example.com. https makes cookies Secure.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Web apps on other origins that may call the API with a bearer token (comma-separated).
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',', value_parser = super::cors::parse_origin)]
    pub cors_origins: Vec<String>,
    /// Folder with the built web client (index.html, wasm, assets); next to the binary by default.
    #[arg(long, env = "DIOXUS_PUBLIC_PATH")]
    pub public_dir: Option<PathBuf>,
    /// Base64 key (64 bytes) that signs session cookies; generated in DATA_DIR when unset.
    #[arg(long, env = "COOKIE_SECRET", hide_env_values = true)]
    pub cookie_secret: Option<String>,
    /// Base64 key (at least 32 bytes) that signs access tokens; generated in DATA_DIR when unset.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Lifetime of a signed-in device without activity (refresh token and cookie), in seconds.
    #[arg(long, env = "SESSION_TTL", default_value_t = 7 * 24 * 3600)]
    pub session_ttl: u64,
    /// Messages per second per user, across transports (0 = off).
    #[arg(long, env = "LIMIT_MESSAGES_PER_SECOND", default_value_t = 10)]
    pub limit_messages_per_second: u32,
    /// API requests per minute per signed-in user (0 = off).
    #[arg(long, env = "LIMIT_API_PER_MINUTE", default_value_t = 600)]
    pub limit_api_per_minute: u32,
    /// Requests per minute per IP address without a session (0 = off).
    #[arg(long, env = "LIMIT_ANON_PER_MINUTE", default_value_t = 100)]
    pub limit_anon_per_minute: u32,
    /// Failed sign-ins per 15 minutes, per account and per IP (0 = off).
    #[arg(long, env = "LIMIT_LOGIN_FAILURES", default_value_t = 5)]
    pub limit_login_failures: u32,
    /// S3-compatible endpoint, e.g. http://minio:9000; AWS when unset and S3_BUCKET is set.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Bucket for images; images go to DATA_DIR/media when unset.
    #[arg(long, env = "S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    #[arg(long, env = "S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Path-style bucket URLs (MinIO needs them); virtual-host style when false.
    #[arg(long, env = "S3_PATH_STYLE", default_value_t = true, action = clap::ArgAction::Set)]
    pub s3_path_style: bool,
    /// Base64url of the 32-byte P-256 private key that signs Web Push requests (VAPID); every
    /// instance of a deployment needs the same one. Generated in DATA_DIR when unset.
    #[arg(long, env = "VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub vapid_private_key: Option<String>,
    /// Who push services may contact about this server's notifications (mailto: or https:);
    /// PUBLIC_URL when it is https, else mailto:admin@localhost.
    #[arg(long, env = "PUSH_SUBJECT")]
    pub push_subject: Option<String>,
    /// Accept http:// and private-address push endpoints (only for tests and local push services).
    #[arg(long, env = "PUSH_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub push_allow_http: bool,
    /// Image uploads processed at once; each may hold up to ~200 MB while decoding.
    #[arg(long, env = "MEDIA_WORKERS", default_value_t = 2)]
    pub media_workers: usize,
    /// Log format: text or json.
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Log filter, e.g. info or parlor=debug,tower_http=info.
    #[arg(long, env = "RUST_LOG", default_value = "info")]
    pub log_filter: String,
    #[command(flatten)]
    pub timeouts: Timeouts,
}

/// Where S3 storage is and how to sign in to it.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    /// Longest one call may take, retries included.
    pub timeout: std::time::Duration,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub path_style: bool,
}

impl Settings {
    /// Reads flags and the environment.
    pub fn load() -> anyhow::Result<Self> {
        let settings = Self::try_parse()?;
        settings.check()?;
        Ok(settings)
    }

    /// Parses settings from explicit arguments only: what tests and tools use.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> anyhow::Result<Self> {
        let settings = Self::try_parse_from(std::iter::once("parlor".to_owned()).chain(args))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:"))
        {
            bail!("DATABASE_URL must start with postgres:// or sqlite:");
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("LOG_FORMAT must be text or json");
        }
        if self.s3_bucket.is_some() && (self.s3_access_key_id.is_none() || self.s3_secret_access_key.is_none()) {
            bail!("S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
        }
        if self.presence_ttl < 3 {
            bail!("PRESENCE_TTL must be at least 3 seconds");
        }
        if self.media_workers == 0 {
            bail!("MEDIA_WORKERS must be at least 1");
        }
        if self.access_token_ttl == 0 || self.session_ttl == 0 {
            bail!("ACCESS_TOKEN_TTL and SESSION_TTL must be positive");
        }
        if let Some(subject) = &self.push_subject
            && !(subject.starts_with("mailto:") || subject.starts_with("https://"))
        {
            bail!("PUSH_SUBJECT must start with mailto: or https://");
        }
        self.timeouts.check()
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("parlor.db").display()),
        }
    }

    /// S3 storage when a bucket is configured.
    pub fn s3(&self) -> Option<S3Settings> {
        Some(S3Settings {
            endpoint: self.s3_endpoint.clone(),
            timeout: self.timeouts.s3,
            bucket: self.s3_bucket.clone()?,
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone()?,
            secret_access_key: self.s3_secret_access_key.clone()?,
            path_style: self.s3_path_style,
        })
    }

    /// Cookies get the Secure flag when the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// The origin of PUBLIC_URL ("https://chat.example.com"), which a browser sends as Origin
    /// on our own pages even when a proxy in front hands us another Host.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?.trim();
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next().filter(|a| !a.is_empty())?;
        Some(format!("{scheme}://{authority}").to_ascii_lowercase())
    }

    /// The VAPID subject push services see: PUSH_SUBJECT, else an https PUBLIC_URL.
    pub fn push_subject(&self) -> String {
        if let Some(subject) = &self.push_subject {
            return subject.clone();
        }
        match self.public_url.as_deref().filter(|u| u.starts_with("https://")) {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => "mailto:admin@localhost".to_owned(),
        }
    }

    /// Where the built web client lives, if it was built.
    pub fn public_dir(&self) -> Option<PathBuf> {
        let dir = match &self.public_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_exe().ok()?.parent()?.join("public"),
        };
        dir.is_dir().then_some(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn settings_in(dir: &Path) -> Settings {
        Settings::from_args(["--data-dir".to_owned(), dir.display().to_string()]).unwrap()
    }

    #[test]
    fn the_push_subject_comes_from_the_setting_or_an_https_public_url() {
        assert_eq!(settings_in(Path::new("/tmp/x")).push_subject(), "mailto:admin@localhost");
        let public = Settings::from_args(["--public-url".to_owned(), "https://chat.example.com/".to_owned()]).unwrap();
        assert_eq!(public.push_subject(), "https://chat.example.com");
        let given = Settings::from_args(["--push-subject".to_owned(), "mailto:ops@example.com".to_owned()]).unwrap();
        assert_eq!(given.push_subject(), "mailto:ops@example.com");
        assert!(Settings::from_args(["--push-subject".to_owned(), "ops@example.com".to_owned()]).is_err());
    }

    #[test]
    fn the_public_origin_is_the_public_url_without_its_path() {
        assert_eq!(settings_in(Path::new("/tmp/x")).public_origin(), None);
        let origin =
            |url: &str| Settings::from_args(["--public-url".to_owned(), url.to_owned()]).unwrap().public_origin();
        assert_eq!(origin("https://Chat.Example.com/"), Some("https://chat.example.com".to_owned()));
        assert_eq!(origin("https://chat.example.com:8443/parlor/?x"), Some("https://chat.example.com:8443".to_owned()));
        assert_eq!(origin("chat.example.com"), None);
    }

    #[test]
    fn sqlite_in_the_data_dir_is_the_default_database() {
        let settings = settings_in(Path::new("/tmp/x"));
        assert_eq!(settings.database_url(), "sqlite:///tmp/x/parlor.db?mode=rwc");
        assert!(!settings.secure_cookies());
    }

    #[test]
    fn unknown_database_schemes_are_refused() {
        let result = Settings::from_args(["--database-url".to_owned(), "mysql://x".to_owned()]);
        assert!(result.is_err());
    }
}

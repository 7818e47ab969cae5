//! Configuration: built-in defaults, then an optional TOML file (`--config`), then
//! `TINBAO_*` environment variables, each overriding the one before. Every bad value is
//! reported, each in one sentence that names where it came from.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::db::DatabaseUrl;
use crate::domain::case::{Deadlines, DuplicateRule};

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The settled configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
    /// Where generated files go: keys, and the SQLite file by default.
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `tinbao=debug,actix_web=info`.
    pub log_level: String,
    pub db_pool_size: u32,
    /// HTTP worker threads.
    pub workers: usize,
    pub max_body_bytes: usize,
    pub shutdown_timeout_secs: u64,
    /// Load the shipped 2024 units and district authorities into an empty database.
    pub seed_admin_units: bool,
    /// Ed25519 private keys (PKCS#8 PEM) for access tokens: the first signs, all verify.
    /// Empty: `<data_dir>/keys/jwt-ed25519.pem`, generated on a first start.
    pub jwt_key_files: Vec<PathBuf>,
    /// The AES-256 keyring that seals values at rest: the first seals, all open. Empty: the
    /// generated keyring in `<data_dir>/keys/`, whose first key is made on a first start.
    pub encryption_key_files: Vec<PathBuf>,
    /// The HMAC key of keyed digests. None: `<data_dir>/keys/index-hmac.key`, generated on a
    /// first start.
    pub index_key_file: Option<PathBuf>,
    /// Where SMS go: an `http(s)://` URL taking `{"to", "text"}`, `log:` (development:
    /// the log), or None (registration and password resets answer 503).
    pub sms_gateway: Option<SmsGateway>,
    /// Peers whose `X-Forwarded-For` is believed (the load balancers).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Anonymous tips accepted per client address per hour.
    pub rate_anon_reports: u32,
    /// Tips per hour per citizen account, across instances.
    pub rate_account_reports: u32,
    /// Tips per hour per commune official.
    pub rate_official_reports: u32,
    /// Tips per hour per integrator client.
    pub rate_client_reports: u32,
    /// Reporters' messages per hour per account or address.
    pub rate_messages: u32,
    /// Registrations and password-reset requests per hour per address.
    pub rate_registrations: u32,
    /// Tracking calls accepted per client address per minute.
    pub rate_tracking: u32,
    /// Time to accept and to resolve a case, per priority.
    pub deadlines: Deadlines,
    /// Which cases are suggested as possible duplicates of one another.
    pub duplicates: DuplicateRule,
    /// How often each instance looks for overdue cases to escalate.
    pub escalation_interval_secs: u64,
    /// The address people use (`https://tinbao.example.gov.vn`), if known: when it is
    /// `https://`, the pages' cookies are `Secure`.
    pub public_url: Option<String>,
    /// Where the overview's map takes its tiles from, if anywhere.
    pub map_tiles: Option<MapTiles>,
}

/// A map tile server: the URL template Leaflet asks (`https://tile.example.vn/{z}/{x}/{y}.png`),
/// the origin that the overview's Content-Security-Policy then admits, and the credit
/// the tiles' licence asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTiles {
    pub template: String,
    pub origin: String,
    pub attribution: String,
}

impl MapTiles {
    /// Reads a template; its origin goes into a header, so only plain host names pass.
    pub fn parse(template: &str, attribution: &str) -> Result<MapTiles, String> {
        let shape = "an https:// URL with {z}, {x} and {y}, e.g. https://tile.example.vn/{z}/{x}/{y}.png";
        let rest = template
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| template.strip_prefix("http://").map(|r| ("http://", r)));
        let Some((scheme, rest)) = rest else {
            return Err(format!("`{template}` is not {shape}"));
        };
        let host = rest.split('/').next().unwrap_or_default();
        // Leaflet's `{s}` stands for one of a few subdomains: the policy admits them all.
        let (wild, bare) = host.strip_prefix("{s}.").map_or((false, host), |h| (true, h));
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':');
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p));
        let safe = template.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | ';' | ',' | '<' | '>'));
        if bare.is_empty() || !bare.chars().all(plain) || !placeholders || !safe {
            return Err(format!("`{template}` is not {shape}"));
        }
        let origin = format!("{scheme}{}{bare}", if wild { "*." } else { "" });
        Ok(MapTiles { template: template.to_owned(), origin, attribution: attribution.trim().to_owned() })
    }
}

/// One setting: its key in the TOML file, its environment variable, its default.
struct Setting {
    key: &'static str,
    env: &'static str,
    default: fn() -> Option<String>,
}

const SETTINGS: &[Setting] = &[
    Setting { key: "listen", env: "TINBAO_LISTEN", default: || Some("127.0.0.1:8080".into()) },
    // DATABASE_URL is the name every tool knows; TINBAO_DATABASE_URL wins when both are set.
    Setting { key: "database_url", env: "DATABASE_URL", default: || None },
    Setting { key: "database_url", env: "TINBAO_DATABASE_URL", default: || None },
    Setting { key: "data_dir", env: "TINBAO_DATA_DIR", default: || Some("./data".into()) },
    Setting { key: "log_format", env: "TINBAO_LOG_FORMAT", default: || Some("text".into()) },
    Setting { key: "log_level", env: "TINBAO_LOG", default: || Some("info".into()) },
    // Twice the cores, as HikariCP's pool sizing advises: more connections than that only
    // queue on the CPU instead of in the pool (docs/decisions.md, "The pool is twice the
    // cores"); at least 4, so that the background workers never take a request's place.
    Setting {
        key: "db_pool_size",
        env: "TINBAO_DB_POOL_SIZE",
        default: || Some(default_pool_size(std::thread::available_parallelism().map_or(2, |n| n.get())).to_string()),
    },
    Setting {
        key: "workers",
        env: "TINBAO_WORKERS",
        default: || Some(std::thread::available_parallelism().map_or(2, |n| n.get()).to_string()),
    },
    Setting { key: "max_body_bytes", env: "TINBAO_MAX_BODY_BYTES", default: || Some("65536".into()) },
    Setting { key: "shutdown_timeout_secs", env: "TINBAO_SHUTDOWN_TIMEOUT_SECS", default: || Some("30".into()) },
    Setting { key: "seed_admin_units", env: "TINBAO_SEED_ADMIN_UNITS", default: || Some("true".into()) },
    Setting { key: "jwt_key_files", env: "TINBAO_JWT_KEY_FILES", default: || Some(String::new()) },
    // The one-key setting of earlier versions, still read; the list wins when both are set.
    Setting { key: "encryption_key_files", env: "TINBAO_ENCRYPTION_KEY_FILE", default: || Some(String::new()) },
    Setting { key: "encryption_key_files", env: "TINBAO_ENCRYPTION_KEY_FILES", default: || None },
    Setting { key: "index_key_file", env: "TINBAO_INDEX_KEY_FILE", default: || Some(String::new()) },
    Setting { key: "sms_gateway_url", env: "TINBAO_SMS_GATEWAY_URL", default: || Some(String::new()) },
    Setting { key: "sms_gateway_token", env: "TINBAO_SMS_GATEWAY_TOKEN", default: || Some(String::new()) },
    Setting { key: "trusted_proxies", env: "TINBAO_TRUSTED_PROXIES", default: || Some(String::new()) },
    Setting { key: "public_url", env: "TINBAO_PUBLIC_URL", default: || Some(String::new()) },
    Setting { key: "map_tiles", env: "TINBAO_MAP_TILES", default: || Some(String::new()) },
    Setting { key: "map_attribution", env: "TINBAO_MAP_ATTRIBUTION", default: || Some(String::new()) },
    Setting { key: "rate_anon_reports", env: "TINBAO_RATE_ANON_REPORTS", default: || Some("10".into()) },
    Setting { key: "rate_tracking", env: "TINBAO_RATE_TRACKING", default: || Some("20".into()) },
    Setting { key: "rate_account_reports", env: "TINBAO_RATE_ACCOUNT_REPORTS", default: || Some("20".into()) },
    Setting { key: "rate_official_reports", env: "TINBAO_RATE_OFFICIAL_REPORTS", default: || Some("200".into()) },
    Setting { key: "rate_client_reports", env: "TINBAO_RATE_CLIENT_REPORTS", default: || Some("1000".into()) },
    Setting { key: "rate_messages", env: "TINBAO_RATE_MESSAGES", default: || Some("30".into()) },
    Setting { key: "rate_registrations", env: "TINBAO_RATE_REGISTRATIONS", default: || Some("10".into()) },
    Setting { key: "escalation_interval_secs", env: "TINBAO_ESCALATION_INTERVAL_SECS", default: || Some("60".into()) },
    Setting { key: "duplicate_units", env: "TINBAO_DUPLICATE_UNITS", default: || Some("district".into()) },
    Setting { key: "duplicate_window_hours", env: "TINBAO_DUPLICATE_WINDOW_HOURS", default: || Some("72".into()) },
    Setting {
        key: "deadlines",
        env: "TINBAO_DEADLINES",
        default: || Some("urgent=2h/48h,high=8h/7d,normal=24h/14d,low=72h/30d".into()),
    },
];

/// Where SMS go.
#[derive(Clone, PartialEq, Eq)]
pub enum SmsGateway {
    /// HTTP POST of `{"to", "text"}` with `Authorization: Bearer <token>`.
    Http { url: String, token: String },
    /// Development only: the text goes to the log.
    Log,
}

/// Never the token.
impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SmsGateway::Http { url, .. } => write!(f, "Http({url}, token hidden)"),
            SmsGateway::Log => write!(f, "Log"),
        }
    }
}

/// A raw value and where it came from, for messages.
struct Raw {
    value: String,
    source: String,
}

impl Config {
    /// Reads the file (if any) and the environment, and checks every value.
    pub fn load(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Config, Vec<String>> {
        let mut raw: BTreeMap<&'static str, Raw> = BTreeMap::new();
        let mut errors = Vec::new();
        for setting in SETTINGS {
            if let Some(value) = (setting.default)() {
                raw.insert(setting.key, Raw { value, source: format!("the default {}", setting.key) });
            }
        }
        if let Some(path) = file {
            read_file(path, &mut raw, &mut errors);
        }
        for setting in SETTINGS {
            if let Some(value) = env.get(setting.env) {
                raw.insert(setting.key, Raw { value: value.clone(), source: setting.env.to_owned() });
            }
        }
        let config = Self::check(&raw, &mut errors);
        match config {
            Some(config) if errors.is_empty() => Ok(config),
            _ => Err(errors),
        }
    }

    /// The defaults alone, with data kept in `data_dir`: a starting point for tests.
    pub fn with_data_dir(data_dir: &Path) -> Config {
        let mut env = HashMap::new();
        env.insert("TINBAO_DATA_DIR".to_owned(), data_dir.to_string_lossy().into_owned());
        match Config::load(None, &env) {
            Ok(config) => config,
            Err(errors) => unreachable!("the defaults are valid: {errors:?}"),
        }
    }

    fn check(raw: &BTreeMap<&'static str, Raw>, errors: &mut Vec<String>) -> Option<Config> {
        let mut take = |key: &str, parse: &dyn Fn(&str) -> Result<(), String>| {
            let entry = raw.get(key)?;
            match parse(entry.value.trim()) {
                Ok(()) => Some(entry.value.trim().to_owned()),
                Err(why) => {
                    errors.push(format!("{}: {why}", entry.source));
                    None
                }
            }
        };
        let listen = take("listen", &|v| {
            v.parse::<SocketAddr>()
                .map(drop)
                .map_err(|_| format!("`{v}` is not an address like 127.0.0.1:8080 or 0.0.0.0:8080"))
        });
        let data_dir = take("data_dir", &|v| {
            if v.is_empty() { Err("must name a directory".into()) } else { Ok(()) }
        });
        // The URL is not echoed: it may hold a password.
        let database = take("database_url", &|v| DatabaseUrl::parse(v).map(drop));
        let log_format = take("log_format", &|v| match v {
            "text" | "json" => Ok(()),
            _ => Err(format!("`{v}` is not a log format: use text or json")),
        });
        let log_level = take("log_level", &|v| {
            tracing_subscriber::EnvFilter::try_new(v)
                .map(drop)
                .map_err(|_| format!("`{v}` is not a log filter such as info or tinbao=debug"))
        });
        let db_pool_size = take("db_pool_size", &|v| number_in(v, 1, 256));
        let workers = take("workers", &|v| number_in(v, 1, 256));
        let max_body_bytes = take("max_body_bytes", &|v| number_in(v, 1024, 16 * 1024 * 1024));
        let shutdown = take("shutdown_timeout_secs", &|v| number_in(v, 0, 3600));
        let trusted_proxies = take("trusted_proxies", &|v| match v
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .find(|p| p.parse::<std::net::IpAddr>().is_err())
        {
            Some(bad) => Err(format!("`{bad}` is not an IP address (list the proxies' addresses, comma-separated)")),
            None => Ok(()),
        });
        let sms_gateway_url = take("sms_gateway_url", &|v| {
            if v.is_empty() || v == "log:" || v.starts_with("http://") || v.starts_with("https://") {
                Ok(())
            } else {
                Err(format!("`{v}` is not an http:// or https:// URL, nor log:"))
            }
        });
        let public_url = take("public_url", &|v| {
            if v.is_empty() || v.starts_with("http://") || v.starts_with("https://") {
                Ok(())
            } else {
                Err(format!("`{v}` is not an http:// or https:// URL"))
            }
        });
        let map_attribution = raw.get("map_attribution").map(|r| r.value.clone()).unwrap_or_default();
        let map_tiles = take("map_tiles", &|v| {
            if v.is_empty() { Ok(()) } else { MapTiles::parse(v, &map_attribution).map(drop) }
        });
        let rate_anon_reports = take("rate_anon_reports", &|v| number_in(v, 1, 1_000_000));
        let rate_tracking = take("rate_tracking", &|v| number_in(v, 1, 1_000_000));
        let mut rate = |key: &str| take(key, &|v| number_in(v, 1, 10_000_000)).and_then(|v| v.parse::<u32>().ok());
        let (rate_account, rate_official, rate_client, rate_messages, rate_registrations) = (
            rate("rate_account_reports"),
            rate("rate_official_reports"),
            rate("rate_client_reports"),
            rate("rate_messages"),
            rate("rate_registrations"),
        );
        let deadlines = take("deadlines", &|v| Deadlines::parse(v).map(drop));
        let duplicate_units = take("duplicate_units", &|v| match v {
            "district" | "commune" => Ok(()),
            _ => Err(format!("`{v}` is not district or commune")),
        });
        let duplicate_window = take("duplicate_window_hours", &|v| number_in(v, 1, 24 * 365));
        let escalation_interval = take("escalation_interval_secs", &|v| number_in(v, 1, 86_400));
        let seed = take("seed_admin_units", &|v| match v {
            "true" | "false" => Ok(()),
            _ => Err(format!("`{v}` is not true or false")),
        });

        let data_dir = PathBuf::from(data_dir?);
        let database = match database {
            Some(url) => DatabaseUrl::parse(&url).ok()?,
            None if raw.contains_key("database_url") => return None,
            None => DatabaseUrl::Sqlite(data_dir.join("tinbao.db")),
        };
        Some(Config {
            listen: listen?.parse().ok()?,
            database,
            data_dir,
            log_format: if log_format? == "json" { LogFormat::Json } else { LogFormat::Text },
            log_level: log_level?,
            db_pool_size: db_pool_size?.parse().ok()?,
            workers: workers?.parse().ok()?,
            max_body_bytes: max_body_bytes?.parse().ok()?,
            shutdown_timeout_secs: shutdown?.parse().ok()?,
            seed_admin_units: seed? == "true",
            encryption_key_files: path_list(raw.get("encryption_key_files")),
            index_key_file: raw
                .get("index_key_file")
                .map(|r| r.value.trim().to_owned())
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            trusted_proxies: trusted_proxies?
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect(),
            sms_gateway: match sms_gateway_url?.as_str() {
                "" => None,
                "log:" => Some(SmsGateway::Log),
                url => Some(SmsGateway::Http {
                    url: url.to_owned(),
                    token: raw.get("sms_gateway_token").map(|r| r.value.trim().to_owned()).unwrap_or_default(),
                }),
            },
            rate_anon_reports: rate_anon_reports?.parse().ok()?,
            rate_tracking: rate_tracking?.parse().ok()?,
            rate_account_reports: rate_account?,
            rate_official_reports: rate_official?,
            rate_client_reports: rate_client?,
            rate_messages: rate_messages?,
            rate_registrations: rate_registrations?,
            deadlines: Deadlines::parse(&deadlines?).ok()?,
            escalation_interval_secs: escalation_interval?.parse().ok()?,
            public_url: Some(public_url?).filter(|u| !u.is_empty()),
            map_tiles: match map_tiles?.as_str() {
                "" => None,
                template => MapTiles::parse(template, &map_attribution).ok(),
            },
            duplicates: DuplicateRule {
                same_district: duplicate_units? == "district",
                window_hours: duplicate_window?.parse().ok()?,
            },
            jwt_key_files: path_list(raw.get("jwt_key_files")),
        })
    }
}

/// A comma-separated list of files; empty when unset.
fn path_list(raw: Option<&Raw>) -> Vec<PathBuf> {
    raw.map(|r| r.value.split(',').map(str::trim).filter(|p| !p.is_empty()).map(PathBuf::from).collect())
        .unwrap_or_default()
}

fn read_file(path: &Path, raw: &mut BTreeMap<&'static str, Raw>, errors: &mut Vec<String>) {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return errors.push(format!("{shown}: cannot be read ({e})")),
    };
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => return errors.push(format!("{shown}: is not valid TOML ({})", e.message())),
    };
    for (key, value) in table {
        let Some(setting) = SETTINGS.iter().find(|s| s.key == key) else {
            let known: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
            errors.push(format!("{shown}: `{key}` is not a setting (known: {})", known.join(", ")));
            continue;
        };
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                errors.push(format!("{shown}: `{key}` must be a string, a number or true/false"));
                continue;
            }
        };
        raw.insert(setting.key, Raw { value, source: format!("{shown}: {key}") });
    }
}

/// The database connections of a process on a machine of `cores` (see `SETTINGS`),
/// within what the setting admits.
fn default_pool_size(cores: usize) -> usize {
    (2 * cores).clamp(4, 256)
}

fn number_in(text: &str, min: u64, max: u64) -> Result<(), String> {
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(format!("`{text}` is not a whole number from {min} to {max}")),
    }
}

#[cfg(test)]
mod tests;

//! Building the application. `main` and the tests build it the same way: tests bind
//! port 0 and read the port back.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::auth::index_key::IndexKey;
use crate::auth::keyring::Keyring;
use crate::auth::password::HashingPool;
use crate::auth::tokens::Keys;
use crate::config::Config;
use crate::db::{Db, migrations};
use crate::error::ServiceError;
use crate::limits::Limits;
use crate::metrics::Metrics;
use crate::routes;
use crate::routes::middleware::request_context;
use crate::services::seed;
use crate::state::AppState;
use crate::workers::sms_gateway::Gateway;

/// A server bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    generated_keys: Vec<(&'static str, std::path::PathBuf)>,
    escalation_interval: std::time::Duration,
    keyring: Arc<Keyring>,
    gateway: Option<Arc<Gateway>>,
    outbox_wake: Arc<tokio::sync::Notify>,
}

impl Application {
    /// Opens the database, applies migrations, seeds an empty database, and binds.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = prepare_database(&config).await?;
        let (keys, generated_key) = Keys::load(&config.jwt_key_files, &config.data_dir).map_err(anyhow::Error::msg)?;
        if let Some(path) = &generated_key {
            tracing::info!(path = %path.display(), "generated a signing key for access tokens");
        }
        let (keyring, generated_sealing_key) =
            Keyring::load(&config.encryption_key_files, &config.data_dir).map_err(anyhow::Error::msg)?;
        if let Some(path) = &generated_sealing_key {
            tracing::info!(path = %path.display(), "generated the key that seals reporters' contacts");
        }
        let (index_key, generated_index_key) =
            IndexKey::load(config.index_key_file.as_deref(), &config.data_dir).map_err(anyhow::Error::msg)?;
        if let Some(path) = &generated_index_key {
            tracing::info!(path = %path.display(), "generated the key of keyed digests");
        }
        let generated_keys: Vec<(&'static str, std::path::PathBuf)> = [
            generated_key.map(|p| ("a signing key for access tokens", p)),
            generated_sealing_key.map(|p| ("the key that seals reporters' contacts", p)),
            generated_index_key.map(|p| ("the key of keyed digests", p)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let keyring = Arc::new(keyring);
        let gateway =
            config.sms_gateway.as_ref().map(Gateway::new).transpose().map_err(anyhow::Error::msg)?.map(Arc::new);
        let outbox_wake = Arc::new(tokio::sync::Notify::new());
        let index_key = Arc::new(index_key);
        let (checked_db, checked_keyring, checked_index) = (db.clone(), keyring.clone(), index_key.clone());
        web::block(move || -> anyhow::Result<()> {
            let mut conn = checked_db.get().map_err(|e| anyhow::anyhow!("cannot connect: {e}"))?;
            crate::services::keys::require_every_key(&mut conn, &checked_keyring).map_err(anyhow::Error::msg)?;
            let unlinked = crate::services::blind_index::unlink_anonymous_tips(&mut conn, &checked_index)
                .map_err(|e| anyhow::anyhow!("unlinking anonymous tips from accounts failed: {}", e.detail.en()))?;
            if unlinked > 0 {
                tracing::info!(tips = unlinked, "anonymous tips no longer name the accounts they came from");
            }
            let sealed =
                crate::services::logins::seal_clear_citizen_logins(&mut conn, &checked_index, &checked_keyring)
                    .map_err(|e| anyhow::anyhow!("sealing citizens' logins failed: {}", e.detail.en()))?;
            if sealed > 0 {
                tracing::info!(accounts = sealed, "citizens' logins are now stored as digests, sealed");
            }
            Ok(())
        })
        .await??;
        let listener =
            TcpListener::bind(config.listen).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db: db.clone(),
            metrics: Metrics::new(),
            keys: Arc::new(keys),
            hashing: HashingPool::new(),
            keyring: keyring.clone(),
            sms_enabled: gateway.is_some(),
            rates: crate::limits::Rates {
                anon_reports: config.rate_anon_reports,
                account_reports: config.rate_account_reports,
                official_reports: config.rate_official_reports,
                client_reports: config.rate_client_reports,
                messages: config.rate_messages,
                registrations: config.rate_registrations,
                tracking: config.rate_tracking,
            },
            outbox_wake: outbox_wake.clone(),
            index_key,
            limits: Arc::new(Limits::new(config.rate_anon_reports, config.rate_tracking)),
            trusted_proxies: config.trusted_proxies.clone(),
            unit_chains: Default::default(),
            routing_rules: Default::default(),
            deadlines: config.deadlines,
            duplicates: config.duplicates,
            provinces: Default::default(),
        });
        let max_body = config.max_body_bytes;
        crate::i18n::check_catalogues().map_err(anyhow::Error::msg)?;
        let pages = web::Data::new(crate::web::context::PageSettings {
            secure_cookies: config.public_url.as_deref().is_some_and(|u| u.starts_with("https://")),
            data_dir: config.data_dir.clone(),
            map_tiles: config.map_tiles.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(pages.clone())
                .app_data(routes::extract::json_config(max_body))
                .app_data(routes::extract::payload_config(max_body))
                .app_data(routes::extract::form_config(max_body))
                .configure(routes::configure)
                .configure(crate::web::configure)
                .default_service(web::to(routes::not_found))
                .wrap(from_fn(request_context))
        })
        .workers(config.workers)
        .shutdown_timeout(config.shutdown_timeout_secs)
        .listen(listener)?
        .run();
        let escalation_interval = std::time::Duration::from_secs(config.escalation_interval_secs);
        Ok(Application { port, server, db, generated_keys, escalation_interval, keyring, gateway, outbox_wake })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The keys generated on this start (there were none yet): what each is for, and where.
    pub fn generated_keys(&self) -> &[(&'static str, std::path::PathBuf)] {
        &self.generated_keys
    }

    /// The database the server uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight (graceful
    /// shutdown, up to `shutdown_timeout_secs`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sweeper = actix_web::rt::spawn(crate::services::escalation::run(self.db.clone(), self.escalation_interval));
        let key_watch = actix_web::rt::spawn(crate::services::keys::watch(self.keyring.clone()));
        let sender = self.gateway.clone().map(|gateway| {
            actix_web::rt::spawn(crate::workers::outbox::run(
                self.db.clone(),
                self.keyring.clone(),
                gateway,
                self.outbox_wake.clone(),
            ))
        });
        let result = self.server.await;
        sweeper.abort();
        key_watch.abort();
        if let Some(sender) = sender {
            sender.abort();
        }
        result
    }
}

/// Opens the pool, migrates, and seeds, under the start-up lock (blocking work, off the
/// async workers).
async fn prepare_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database.clone();
    let (pool_size, seed_units) = (config.db_pool_size, config.seed_admin_units);
    web::block(move || -> anyhow::Result<Db> {
        let db = Db::open(&url, pool_size).map_err(anyhow::Error::msg)?;
        let mut conn = db.get().map_err(|_| anyhow::anyhow!("cannot connect to {url}"))?;
        migrations::with_startup_lock(&mut conn, |conn| {
            let applied = migrations::run_pending(conn)?;
            if !applied.is_empty() {
                tracing::info!(count = applied.len(), "applied database migrations");
            }
            if seed_units && let Some(summary) = seed::seed_if_empty(conn)? {
                tracing::info!(
                    units = summary.units,
                    authorities = summary.authorities,
                    "loaded the 2024 administrative units and one authority per district"
                );
            }
            if seed_units {
                let boxes = seed::seed_boxes_if_empty(conn)?;
                if boxes > 0 {
                    tracing::info!(communes = boxes, "loaded the communes' centres and boxes");
                }
            }
            Ok::<(), ServiceError>(())
        })
        .map_err(|e| anyhow::anyhow!("preparing {url} failed: {}", e.detail.en()))?;
        Ok(db)
    })
    .await?
}

//! Building the application. `main` and the tests build it the same way: tests bind
//! port 0 and read the port back.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use std::sync::Arc;

use crate::auth::password::HashingPool;
use crate::auth::tokens::Keys;
use crate::config::Config;
use crate::db::{Db, migrations};
use crate::metrics::Metrics;
use crate::middleware::request_context;
use crate::routes;
use crate::services::seed;
use crate::state::AppState;

/// A server bound to its port, not yet running.
pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    generated_key: Option<std::path::PathBuf>,
}

impl Application {
    /// Opens the database, applies migrations, seeds an empty database, and binds.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = prepare_database(&config).await?;
        let (keys, generated_key) = Keys::load(&config.jwt_key_files, &config.data_dir).map_err(anyhow::Error::msg)?;
        if let Some(path) = &generated_key {
            tracing::info!(path = %path.display(), "generated a signing key for access tokens");
        }
        let listener =
            TcpListener::bind(config.listen).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            db: db.clone(),
            metrics: Metrics::new(),
            keys: Arc::new(keys),
            hashing: HashingPool::new(),
        });
        let max_body = config.max_body_bytes;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(routes::extract::json_config(max_body))
                .app_data(routes::extract::payload_config(max_body))
                .app_data(routes::extract::form_config(max_body))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
                .wrap(from_fn(request_context))
        })
        .workers(config.workers)
        .shutdown_timeout(config.shutdown_timeout_secs)
        .listen(listener)?
        .run();
        Ok(Application { port, server, db, generated_key })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The signing key generated on this start, if there was none.
    pub fn generated_key(&self) -> Option<&std::path::Path> {
        self.generated_key.as_deref()
    }

    /// The database the server uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in flight (graceful
    /// shutdown, up to `shutdown_timeout_secs`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
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
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("preparing {url} failed: {}", e.detail.en))?;
        Ok(db)
    })
    .await?
}

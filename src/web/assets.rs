//! The pages' static files, inside the binary. Each is served under a name that carries a
//! digest of its content (`site.1a2b3c4d5e6f.css`), so that it may be cached for a year
//! and a new build is never hidden behind an old copy. The service worker is the
//! exception: browsers look for it at one fixed address, which it must not outlive.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::domain::secrets::hex;
use crate::error::ServiceError;
use crate::i18n::Msg;

/// One embedded file.
struct Asset {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
    /// Kept by the citizens' service worker for use offline. The map library is not:
    /// only the supervisors' overview needs it, and a reporter's phone should not pay
    /// for its 150 kB.
    offline: bool,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const FILES: [Asset; 5] = [
    Asset { name: "site.css", bytes: include_bytes!("../../assets/site.css"), content_type: CSS, offline: true },
    Asset { name: "app.js", bytes: include_bytes!("../../assets/app.js"), content_type: JS, offline: true },
    Asset { name: "console.js", bytes: include_bytes!("../../assets/console.js"), content_type: JS, offline: true },
    // Leaflet 1.9.4 as published on npm (BSD-2-Clause, assets/vendor/leaflet/LICENSE).
    Asset {
        name: "leaflet.js",
        bytes: include_bytes!("../../assets/vendor/leaflet/leaflet.js"),
        content_type: JS,
        offline: false,
    },
    Asset {
        name: "leaflet.css",
        bytes: include_bytes!("../../assets/vendor/leaflet/leaflet.css"),
        content_type: CSS,
        offline: false,
    },
];

const SERVICE_WORKER: &str = include_str!("../../assets/sw.js");

/// Each file's served name, by its plain name.
static HASHED: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| {
            let digest = hex(&Sha256::digest(a.bytes));
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            (a.name, format!("{stem}.{}.{ext}", &digest[..12]))
        })
        .collect()
});

/// The service worker, with the addresses it keeps for offline use and a version that
/// changes with any of them (a changed worker replaces the installed one).
static WORKER: LazyLock<String> = LazyLock::new(|| {
    let assets: Vec<String> = FILES.iter().filter(|a| a.offline).map(|a| url(a.name)).collect();
    let version = hex(&Sha256::digest(format!("{}{SERVICE_WORKER}", assets.join(","))))[..12].to_owned();
    let list = assets.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
    SERVICE_WORKER.replace("\"__VERSION__\"", &format!("\"{version}\"")).replace("\"__ASSETS__\"", &list)
});

/// The address of the file named `name` (`site.css`).
pub fn url(name: &str) -> String {
    HASHED.iter().find(|(plain, _)| *plain == name).map_or_else(String::new, |(_, hashed)| format!("/assets/{hashed}"))
}

/// `GET /assets/{name}`: a file by its hashed name, cacheable for a year.
pub async fn file(req: HttpRequest) -> Result<HttpResponse, ServiceError> {
    let name = req.match_info().get("name").unwrap_or_default();
    let found = HASHED.iter().position(|(_, hashed)| hashed == name).and_then(|i| FILES.get(i));
    let asset = found.ok_or_else(|| ServiceError::not_found(Msg::of("assets-no-current-asset-has-this-name")))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(asset.bytes))
}

/// `GET /sw.js`: the service worker, checked for a new version on every visit.
pub async fn service_worker() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(WORKER.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_contents_digest_and_the_worker_knows_them() {
        let css = url("site.css");
        assert!(
            css.starts_with("/assets/site.") && css.ends_with(".css") && css.len() == "/assets/site..css".len() + 12
        );
        assert_eq!(url("nothing.txt"), "");
        assert!(WORKER.contains(&css) && WORKER.contains(&url("app.js")), "the worker keeps the assets");
        assert!(!WORKER.contains("__ASSETS__") && !WORKER.contains("__VERSION__"));
        assert!(!url("leaflet.js").is_empty() && !WORKER.contains(&url("leaflet.js")), "the map stays online");
    }
}

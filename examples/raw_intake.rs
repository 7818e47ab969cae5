//! The raw database limit for tip intake: the rows one tip writes (its case, the tip, the
//! sealed contact, the case's first audit event), one transaction per tip, through tinbao's own database layer, with no
//! HTTP, no checking and no routing. Usage:
//! `cargo run --release --example raw_intake -- DATABASE_URL SECONDS THREADS`

use std::time::{Duration, Instant};

use tinbao::db::audit::first_event;
use tinbao::db::reports::{NewCase, NewReport, SealedContact, open_case};
use tinbao::db::{DatabaseUrl, Db, migrations};
use tinbao::domain::admin_unit::Scheme;
use tinbao::domain::audit::{ObjectType, Origin};
use tinbao::domain::case::Priority;
use tinbao::domain::report::Matter;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let url = DatabaseUrl::parse(&args.next().ok_or("DATABASE_URL")?)?;
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let threads: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2);
    let db = Db::open(&url, threads as u32)?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    migrations::run_pending(&mut conn).map_err(|e| e.to_string())?;
    tinbao::services::seed::seed_if_empty(&mut conn).map_err(|e| e.detail.en())?;
    let authority = tinbao::db::authorities::find_by_code(&mut conn, "2024-D902")
        .map_err(|e| e.to_string())?
        .ok_or("seeded authority")?
        .id;
    let rules_version = tinbao::db::routing::version(&mut conn).map_err(|e| e.to_string())?;
    drop(conn);
    let content = r#"{"matter":"illegal_entry","narrative":"Khoảng 21 giờ tôi thấy năm người đi bộ theo đường mòn từ phía Campuchia sang."}"#;
    let sealed = "00000000:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let db = db.clone();
            let origin = Origin::anonymous(None);
            std::thread::spawn(move || -> Result<u64, String> {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                let mut n = 0;
                while Instant::now() < deadline {
                    // One transaction per tip: on PostgreSQL the single statement is one.
                    let write = |conn: &mut tinbao::db::DbConnection| {
                        let now = tinbao::clock::now();
                        let id = uuid::Uuid::now_v7();
                        let case = NewCase {
                            id,
                            authority_id: authority,
                            rule_id: None,
                            explanation: "raw",
                            location_flagged: false,
                            matter: Matter::IllegalEntry,
                            unit_scheme: Scheme::S2024,
                            commune_code: 30787,
                            district_code: Some(902),
                            province_code: Some(91),
                            priority: Priority::Normal,
                            accept_due_at: now,
                            resolve_due_at: now,
                            search_text: content,
                            rules_version,
                        };
                        let report = NewReport {
                            id: uuid::Uuid::now_v7(),
                            reference: &tinbao::domain::codes::new_reference(),
                            observed_from: now,
                            observed_to: now,
                            identity_mode: "confidential",
                            content,
                            receipt_hash: Some(&uuid::Uuid::now_v7().to_string()),
                            submitted_by_user: None,
                            submitted_by_client: None,
                            owner_index: None,
                        };
                        let contact =
                            SealedContact { name: Some(sealed.into()), phone: Some(sealed.into()), acting_as: None };
                        let event =
                            first_event(ObjectType::Case, &id.to_string(), &origin, "case.opened", "{}".into(), now);
                        open_case(conn, &case, &report, &contact, &event)
                    };
                    match &mut *conn {
                        tinbao::db::DbConnection::Postgres(_) => write(&mut conn),
                        tinbao::db::DbConnection::Sqlite(_) => tinbao::db::pool::in_transaction(&mut conn, write),
                    }
                    .map_err(|e| e.to_string())?;
                    n += 1;
                }
                Ok(n)
            })
        })
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.join().map_err(|_| "a thread panicked")??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "raw intake: {total} tips in {elapsed:.1} s on {threads} threads = {:.0} per second",
        total as f64 / elapsed
    );
    Ok(())
}

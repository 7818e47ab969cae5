//! The raw limit for sign-ins on this machine: how many argon2id verifications (tinbao's
//! own parameters and code) all cores do per second, with no HTTP and no database.
//! Run with `cargo run --release --example hash_rate -- SECONDS`.

use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let phc = tinbao::auth::password::hash("mango river lantern quietly").unwrap_or_default();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let counts: Vec<u64> = (0..threads)
        .map(|_| {
            let phc = phc.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while Instant::now() < deadline {
                    let _ = tinbao::auth::password::verify("mango river lantern quietly", &phc);
                    n += 1;
                }
                n
            })
        })
        .map(|h| h.join().unwrap_or(0))
        .collect();
    let total: u64 = counts.iter().sum();
    let rate = total as f64 / started.elapsed().as_secs_f64();
    println!(
        "argon2id verifications: {total} in {:.1} s on {threads} threads = {rate:.1} per second",
        started.elapsed().as_secs_f64()
    );
}

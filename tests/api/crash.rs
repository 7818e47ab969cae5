//! A retried tip is never filed twice, even across a crash: tinbao (the real binary) is
//! killed with SIGKILL while eight clients send tips, each with its own
//! `Idempotency-Key`; it is started again, and the clients retry every tip that went
//! unanswered, then every tip once more. No acknowledged tip may be lost, no key may end
//! with two tips, and every audit chain must still verify. (`bench/crash.sh` runs the
//! same drill for longer.)

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::cli::{text, tinbao};
use crate::helpers::{Backend, count, fresh_database, tip};

const CLIENTS: usize = 8;

/// Keys sent in all (more than the server files before the last kill), and kills, each
/// 300 to 750 ms after the server came up. `bench/crash.sh` asks for more of both.
fn drill() -> (usize, Vec<u64>) {
    let setting = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let cycles = setting("TINBAO_CRASH_CYCLES", 3);
    (setting("TINBAO_CRASH_KEYS", 2_000), (0..cycles as u64).map(|i| 300 + 150 * (i % 4)).collect())
}

/// The tinbao binary, serving.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(url: &str, data_dir: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tinbao"))
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("TINBAO_DATA_DIR", data_dir)
            .env("TINBAO_LISTEN", "127.0.0.1:0")
            .env("TINBAO_LOG", "warn")
            .env("TINBAO_WORKERS", "2")
            .env("TINBAO_RATE_ANON_REPORTS", "1000000")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinbao starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let address = loop {
            match lines.next() {
                Some(Ok(line)) if line.starts_with("tinbao listening on ") => {
                    break line.split_whitespace().nth(3).expect("an address").to_owned();
                }
                Some(_) => {}
                None => panic!("tinbao stopped before it listened"),
            }
        };
        // Keep reading, so that the server never waits on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, address }
    }

    /// SIGKILL: no shutdown, no flush, whatever was in flight is cut.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the killed server is reaped");
    }
}

/// What the clients learnt: each answered key's reference.
type Answers = Arc<Mutex<HashMap<String, String>>>;

/// Sends `body` with `key`; the reference of a 201, `None` when the connection failed.
async fn send(client: &reqwest::Client, address: &str, key: &str, body: &Value) -> Option<String> {
    let res = client
        .post(format!("{address}/api/v1/reports"))
        .header("Idempotency-Key", key)
        .json(body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    let answer: Value = res.json().await.ok()?;
    assert_eq!(status, 201, "{key}: {answer}");
    Some(answer["reference"].as_str().expect("a reference").to_owned())
}

/// Eight clients take keys from `queue` until it is empty or the server is gone.
async fn send_all(address: &str, queue: VecDeque<String>, body: &Value, answers: &Answers) {
    let queue = Arc::new(Mutex::new(queue));
    let clients = (0..CLIENTS).map(|_| {
        let (queue, answers, address, body) = (queue.clone(), answers.clone(), address.to_owned(), body.clone());
        async move {
            let client = reqwest::Client::new();
            loop {
                let Some(key) = queue.lock().unwrap().pop_front() else { return };
                match send(&client, &address, &key, &body).await {
                    Some(reference) => {
                        let earlier = answers.lock().unwrap().insert(key.clone(), reference.clone());
                        assert!(earlier.is_none_or(|e| e == reference), "{key} was answered with two tips");
                    }
                    None => return,
                }
            }
        }
    });
    futures_util::future::join_all(clients).await;
}

async fn a_tip_retried_across_a_crash_is_filed_exactly_once(backend: Backend) {
    let (url, dir) = fresh_database(backend);
    let (keys_sent, cycles) = drill();
    let keys: Vec<String> = (0..keys_sent).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let answers: Answers = Arc::default();
    let mut body: Option<Value> = None;
    for wait in cycles.iter().copied() {
        let server = Server::start(&url, dir.path());
        if body.is_none() {
            let communes: Value = reqwest::get(format!(
                "{}/api/v1/admin-units?scheme=2024&level=commune&parent=902&limit=1",
                server.address
            ))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
            body = Some(tip(communes["items"][0]["code"].as_i64().unwrap()));
        }
        let body = body.as_ref().expect("a tip");
        let unanswered: VecDeque<String> =
            keys.iter().filter(|k| !answers.lock().unwrap().contains_key(*k)).cloned().collect();
        let address = server.address.clone();
        let sending = send_all(&address, unanswered, body, &answers);
        let killing = async move {
            tokio::time::sleep(Duration::from_millis(wait)).await;
            server.kill();
        };
        futures_util::future::join(sending, killing).await;
    }
    let acknowledged_before_the_last_start = answers.lock().unwrap().clone();
    assert!(acknowledged_before_the_last_start.len() < keys_sent, "tips still came at the last kill: send more keys");

    // After the last restart every key is retried, answered or not.
    let server = Server::start(&url, dir.path());
    let body = body.expect("a tip");
    send_all(&server.address, keys.iter().cloned().collect(), &body, &answers).await;
    server.kill();

    let answers = answers.lock().unwrap().clone();
    assert_eq!(answers.len(), keys_sent, "every key was answered in the end");
    for (key, reference) in &acknowledged_before_the_last_start {
        assert_eq!(&answers[key], reference, "{key}: a retry got another tip than the first answer");
    }
    let references: Vec<String> = answers.values().map(|r| format!("'{r}'")).collect();
    let filed =
        count(&url, &format!("SELECT count(*) AS n FROM reports WHERE reference IN ({})", references.join(",")));
    let stored = count(&url, "SELECT count(*) AS n FROM reports") as usize;
    eprintln!(
        "crash drill on {backend:?}: {} kills, {keys_sent} keys, {} answered before the last start, {filed} of them \
         stored, {stored} tips in all",
        cycles.len(),
        acknowledged_before_the_last_start.len()
    );
    assert_eq!(filed as usize, keys_sent, "every acknowledged tip is stored");
    assert_eq!(stored, keys_sent, "no key made a second tip");
    let verified = tinbao(&url, dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "the audit trail verifies: {}", text(&verified.stderr));
}

crate::on_both_backends!(a_tip_retried_across_a_crash_is_filed_exactly_once);

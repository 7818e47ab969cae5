//! A real SMS gateway for the tests: an HTTP server on loopback that takes what tinbao
//! sends (`POST /send`, JSON `{"to", "text"}`, bearer token) and keeps it, or refuses it
//! while told to fail (a gateway outage).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

pub const TOKEN: &str = "test-gateway-token";

/// What the gateway received.
#[derive(Debug, Clone)]
pub struct Received {
    pub authorization: String,
    pub to: String,
    pub text: String,
}

#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<Received>>,
    failing: AtomicBool,
}

/// A running gateway.
#[derive(Clone)]
pub struct TestGateway {
    pub url: String,
    inbox: Arc<Inbox>,
}

async fn send(req: HttpRequest, inbox: web::Data<Arc<Inbox>>, body: web::Json<Value>) -> HttpResponse {
    if inbox.failing.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    let authorization = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    let received = Received { authorization, to: field("to"), text: field("text") };
    inbox.received.lock().unwrap().push(received);
    HttpResponse::Ok().json(serde_json::json!({"status": "queued"}))
}

impl TestGateway {
    pub fn start() -> TestGateway {
        let inbox = Arc::new(Inbox::default());
        let data = web::Data::new(inbox.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/send", web::post().to(send)))
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        TestGateway { url: format!("http://127.0.0.1:{port}/send"), inbox }
    }

    /// The messages a number got so far.
    pub fn messages_to(&self, to: &str) -> Vec<Received> {
        self.inbox.received.lock().unwrap().iter().filter(|m| m.to == to).cloned().collect()
    }

    /// Waits (up to 10 s) until a number got `count` messages; returns them.
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.messages_to(to);
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{to} got {} messages, not {count}", self.messages_to(to).len());
    }

    /// The code in a number's `n`th message (from 1).
    pub async fn code(&self, to: &str, n: usize) -> String {
        let messages = self.wait_for(to, n).await;
        code_in(&messages[n - 1].text).unwrap_or_else(|| panic!("no code in {:?}", messages[n - 1].text))
    }

    pub fn set_failing(&self, failing: bool) {
        self.inbox.failing.store(failing, Ordering::SeqCst);
    }
}

/// The six-digit code in an SMS text.
pub fn code_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).map(str::to_owned)
}

/// A phone number as tinbao sends to it.
pub fn normalised(phone: &str) -> String {
    tinbao::domain::account::Login::parse(phone).expect("a phone number").as_str().to_owned()
}

//! The SMS gateway: an HTTP POST of `{"to", "text"}` with a bearer token, which is what
//! Vietnamese brand-name SMS providers and their relays accept; or, in development, the
//! log (`TINBAO_SMS_GATEWAY_URL=log:`).

use std::time::Duration;

use crate::config::SmsGateway;

/// How long a send may take before it counts as failed (and is tried again later).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured gateway.
pub enum Gateway {
    Http { url: String, token: String, client: reqwest::Client },
    Log,
}

impl Gateway {
    pub fn new(config: &SmsGateway) -> Result<Gateway, String> {
        Ok(match config {
            SmsGateway::Log => {
                tracing::warn!(
                    "TINBAO_SMS_GATEWAY_URL=log: SMS TEXTS, WITH THEIR CODES, GO TO THE LOG AND TO NO PHONE. \
                     Development only: never in production."
                );
                Gateway::Log
            }
            SmsGateway::Http { url, token } => Gateway::Http {
                url: url.clone(),
                token: token.clone(),
                client: reqwest::Client::builder()
                    .timeout(SEND_TIMEOUT)
                    .build()
                    .map_err(|e| format!("cannot build the SMS gateway's HTTP client: {e}"))?,
            },
        })
    }

    /// Sends one SMS. An error says why, without the number or the text.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        match self {
            Gateway::Log => {
                // The number's last digits only: enough to tell test phones apart.
                let tail: String = to.chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
                tracing::warn!(to = %format!("…{tail}"), text, "SMS (log: gateway, development only)");
                Ok(())
            }
            Gateway::Http { url, token, client } => {
                let body = serde_json::json!({"to": to, "text": text});
                let answer = client
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| format!("the gateway cannot be reached ({})", e.without_url()))?;
                if answer.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("the gateway answered {}", answer.status().as_u16()))
                }
            }
        }
    }
}

//! A JSON body that names the field at fault when its shape is wrong (via
//! `serde_path_to_error`), and carries a digest of its content for `Idempotency-Key`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::domain::secrets;
use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;

/// A checked JSON body.
pub struct JsonBody<T> {
    pub value: T,
    /// SHA-256 of the body's canonical JSON (keys sorted), so that a retry with the same
    /// content matches whatever its formatting. Computed only for a request that carries
    /// an `Idempotency-Key`, the one use of it.
    pub digest: Option<String>,
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ServiceError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req.mime_type().ok().flatten().is_some_and(|m| {
            m.type_() == "application" && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
        });
        let bytes = web::Bytes::from_request(req, payload);
        let wants_digest = req.headers().contains_key(IDEMPOTENCY_KEY);
        Box::pin(async move {
            if !json {
                return Err(crate::routes::extract::json_error(&actix_web::error::JsonPayloadError::ContentType, 0));
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    ServiceError::new(
                        ErrorKind::TooLarge,
                        "payload_too_large",
                        Msg::of("body-the-request-body-is-too-large"),
                    )
                } else {
                    ServiceError::new(
                        ErrorKind::BadRequest,
                        "unreadable_body",
                        Msg::of("body-the-request-body-could-not-be"),
                    )
                }
            })?;
            // The common case in one pass: straight into `T`. Any error, a possible NUL
            // character, or a wanted digest takes the careful path below, which parses the
            // whole document first so that malformed JSON is reported before a misplaced
            // field, exactly as it always was.
            if !wants_digest && !may_hold_nul(&bytes) {
                let mut de = serde_json::Deserializer::from_slice(&bytes);
                if let Ok(value) = T::deserialize(&mut de)
                    && de.end().is_ok()
                {
                    return Ok(JsonBody { value, digest: None });
                }
            }
            let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
                ServiceError::new(
                    ErrorKind::BadRequest,
                    "malformed_json",
                    Msg::of("body-the-body-is-not-valid-json").arg("line", e.line()).arg("column", e.column()),
                )
            })?;
            if let Some(field) = nul_character(&value, "") {
                return Err(ServiceError::validation(vec![FieldError::new(
                    field,
                    "invalid_character",
                    Msg::of("body-contains-a-nul-character-which-no"),
                )]));
            }
            let digest = wants_digest.then(|| secrets::digest(&value.to_string()));
            let value = serde_path_to_error::deserialize(value)
                .map_err(|e| ServiceError::validation(vec![crate::domain::shape::shape_error(&e)]))?;
            Ok(JsonBody { value, digest })
        })
    }
}

/// The header whose retries [`JsonBody::digest`] serves.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Whether a JSON text may hold U+0000: inside a JSON string it can only be written as
/// the escape `\u0000` (a raw control character is a syntax error).
fn may_hold_nul(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"\\u0000")
}

/// The first field whose text holds U+0000: PostgreSQL cannot store it, and no person
/// types it.
fn nul_character(value: &serde_json::Value, path: &str) -> Option<String> {
    let field = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if path.is_empty() { "body".to_owned() } else { path.to_owned() })
        }
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| nul_character(v, &format!("{path}[{i}]")))
        }
        serde_json::Value::Object(map) => {
            map.iter().find_map(|(k, v)| if k.contains('\0') { Some(field(k)) } else { nul_character(v, &field(k)) })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        name: String,
        count: u32,
    }

    /// Posts `body` and answers the status with, on success, `name|count|digest`.
    async fn post(body: &'static str, idempotency_key: Option<&str>) -> (u16, String) {
        let app = test::init_service(App::new().route(
            "/",
            web::post().to(|b: JsonBody<Probe>| async move {
                HttpResponse::Ok().body(format!("{}|{}|{}", b.value.name, b.value.count, b.digest.unwrap_or_default()))
            }),
        ))
        .await;
        let mut req = test::TestRequest::post().uri("/").insert_header(("content-type", "application/json"));
        if let Some(key) = idempotency_key {
            req = req.insert_header(("Idempotency-Key", key));
        }
        let res = test::call_service(&app, req.set_payload(body).to_request()).await;
        let status = res.status().as_u16();
        (status, String::from_utf8(test::read_body(res).await.to_vec()).unwrap())
    }

    #[actix_web::test]
    async fn a_digest_is_made_only_for_an_idempotent_request_and_ignores_formatting() {
        assert_eq!(post(r#"{"name": "a", "count": 1}"#, None).await, (200, "a|1|".to_owned()));
        let (status, first) = post(r#"{"name": "a", "count": 1}"#, Some("k1")).await;
        let (_, reordered) = post(r#"{ "count":1,"name":"a" }"#, Some("k1")).await;
        assert_eq!(status, 200);
        assert_eq!(first.len(), "a|1|".len() + 64, "{first}");
        assert_eq!(first, reordered);
    }

    #[actix_web::test]
    async fn malformed_json_is_named_before_a_field_and_nul_is_refused() {
        // An unknown field ahead of a syntax error: the syntax error is what is reported.
        let (status, body) = post(r#"{"role": "admin", "name": "#, None).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("malformed_json"), "{body}");
        let (status, body) = post(r#"{"name": "a", "count": 1} trailing"#, None).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = post(r#"{"name": "a\u0000", "count": 1}"#, None).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("invalid_character") && body.contains("\"field\":\"name\""), "{body}");
        // A backslash followed by the text u0000 is no NUL.
        assert_eq!(post(r#"{"name": "a\\u0000", "count": 1}"#, None).await, (200, r"a\u0000|1|".to_owned()));
        // Duplicate keys: the last one counts, on either path.
        assert_eq!(post(r#"{"name": "a", "name": "b", "count": 1}"#, None).await, (200, "b|1|".to_owned()));
    }
}

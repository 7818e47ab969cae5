//! actix's own extractor errors, turned into problem documents with stable codes.
//!
//! serde's messages can quote the submitted value (a phone number, a name), so they are
//! never passed through: only the field name and the position are kept.

use actix_web::error::{JsonPayloadError, PayloadError, UrlencodedError};
use actix_web::{HttpRequest, web};

use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;

/// JSON bodies: size limit and error mapping.
pub fn json_config(max_body_bytes: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(max_body_bytes)
        .error_handler(move |err, _req: &HttpRequest| json_error(&err, max_body_bytes).into())
}

/// Form bodies (the OAuth token endpoint): the same limit and mapping.
pub fn form_config(max_body_bytes: usize) -> web::FormConfig {
    web::FormConfig::default().limit(max_body_bytes).error_handler(move |err, _req: &HttpRequest| {
        let api = match err {
            UrlencodedError::Overflow { .. } | UrlencodedError::Payload(PayloadError::Overflow) => {
                too_large(max_body_bytes)
            }
            UrlencodedError::ContentType => ServiceError::new(
                ErrorKind::UnsupportedMediaType,
                "unsupported_media_type",
                Msg::of("extract-send-the-body-as-a-form"),
            ),
            _ => ServiceError::new(
                ErrorKind::BadRequest,
                "malformed_form",
                Msg::of("extract-the-form-is-not-valid-send"),
            ),
        };
        api.into()
    })
}

/// Raw bodies: the same size limit.
pub fn payload_config(max_body_bytes: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(max_body_bytes)
}

/// Maps a JSON extractor failure to its problem.
pub fn json_error(err: &JsonPayloadError, max_body_bytes: usize) -> ServiceError {
    match err {
        JsonPayloadError::Overflow { .. }
        | JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => too_large(max_body_bytes),
        JsonPayloadError::ContentType => ServiceError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            Msg::of("extract-send-the-body-as-json-with"),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => shape_error(e),
        JsonPayloadError::Deserialize(e) => ServiceError::new(
            ErrorKind::BadRequest,
            "malformed_json",
            Msg::of("body-the-body-is-not-valid-json").arg("line", e.line()).arg("column", e.column()),
        ),
        _ => ServiceError::new(ErrorKind::BadRequest, "unreadable_body", Msg::of("body-the-request-body-could-not-be")),
    }
}

fn too_large(max_body_bytes: usize) -> ServiceError {
    ServiceError::new(
        ErrorKind::TooLarge,
        "payload_too_large",
        Msg::of("extract-the-body-is-larger-than-bytes").arg("max-body-bytes", max_body_bytes),
    )
}

/// Well-formed JSON of the wrong shape: name the field when serde says which.
fn shape_error(e: &serde_json::Error) -> ServiceError {
    let text = e.to_string();
    let quoted = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('`'))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    let error = if let Some(field) = quoted("unknown field ") {
        FieldError::new(field, "unknown", Msg::of("shape-is-not-a-field-of-this"))
    } else if let Some(field) = quoted("missing field ") {
        FieldError::new(field, "required", Msg::of("report-is-required"))
    } else {
        FieldError::new(
            "body",
            "wrong_type",
            Msg::of("extract-a-value-has-the-wrong-type").arg("line", e.line()).arg("column", e.column()),
        )
    };
    ServiceError::validation(vec![error])
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, test, web};
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        count: u32,
    }

    async fn call(content_type: &str, body: &'static str) -> (u16, serde_json::Value) {
        let app = test::init_service(
            App::new()
                .app_data(json_config(64))
                .route("/", web::post().to(|_: web::Json<Probe>| async { HttpResponse::NoContent().finish() })),
        )
        .await;
        let req = test::TestRequest::post().uri("/").insert_header(("content-type", content_type)).set_payload(body);
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status().as_u16();
        let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_owned());
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(content_type.as_deref(), Some(crate::routes::problem::PROBLEM_JSON));
        (status, body)
    }

    #[actix_web::test]
    async fn each_body_failure_has_its_status_and_code() {
        let (status, body) = call("application/json", "{\"name\": ").await;
        assert_eq!((status, body["code"].as_str()), (400, Some("malformed_json")));

        let (status, body) = call("text/plain", "{}").await;
        assert_eq!((status, body["code"].as_str()), (415, Some("unsupported_media_type")));

        let (status, body) =
            call("application/json", "{\"name\": \"0912345678 and a long, long, long tail of text\", \"count\": 1}")
                .await;
        assert_eq!((status, body["code"].as_str()), (413, Some("payload_too_large")));

        let (status, body) = call("application/json", "{\"name\": \"a\", \"count\": 1, \"role\": \"admin\"}").await;
        assert_eq!((status, body["code"].as_str()), (422, Some("validation_failed")));
        assert_eq!(body["errors"][0]["field"], "role");

        let (status, body) = call("application/json", "{\"name\": \"0912345678\", \"count\": \"x\"}").await;
        assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("wrong_type")));
        assert!(!body.to_string().contains("0912345678"), "the submitted value must not be echoed");
    }
}

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
            UrlencodedError::Overflow { .. } | UrlencodedError::Payload(PayloadError::Overflow) => too_large(max_body_bytes),
            UrlencodedError::ContentType => ServiceError::new(
            ErrorKind::UnsupportedMediaType,
                "unsupported_media_type",
                Msg::new(
                    "Send the body as a form: Content-Type: application/x-www-form-urlencoded.",
                    "Hãy gửi nội dung dạng biểu mẫu: Content-Type: application/x-www-form-urlencoded.",
                ),
            ),
            _ => ServiceError::new(
            ErrorKind::BadRequest,
                "malformed_form",
                Msg::new(
                    "The form is not valid: send grant_type, and client_id and client_secret unless you use HTTP Basic.",
                    "Biểu mẫu không hợp lệ: hãy gửi grant_type, cùng client_id và client_secret nếu không dùng HTTP Basic.",
                ),
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
            Msg::new(
                "Send the body as JSON with the header Content-Type: application/json.",
                "Hãy gửi nội dung dạng JSON với tiêu đề Content-Type: application/json.",
            ),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => shape_error(e),
        JsonPayloadError::Deserialize(e) => ServiceError::new(
            ErrorKind::BadRequest,
            "malformed_json",
            Msg::new(
                format!("The body is not valid JSON (line {}, column {}).", e.line(), e.column()),
                format!("Nội dung không phải JSON hợp lệ (dòng {}, cột {}).", e.line(), e.column()),
            ),
        ),
        _ => ServiceError::new(
            ErrorKind::BadRequest,
            "unreadable_body",
            Msg::new("The request body could not be read.", "Không đọc được nội dung yêu cầu."),
        ),
    }
}

fn too_large(max_body_bytes: usize) -> ServiceError {
    ServiceError::new(
        ErrorKind::TooLarge,
        "payload_too_large",
        Msg::new(
            format!("The body is larger than {max_body_bytes} bytes."),
            format!("Nội dung vượt quá {max_body_bytes} byte."),
        ),
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
        FieldError::new(
            field,
            "unknown",
            Msg::new("is not a field of this request", "không phải trường của yêu cầu này"),
        )
    } else if let Some(field) = quoted("missing field ") {
        FieldError::new(field, "required", Msg::new("is required", "là bắt buộc"))
    } else {
        FieldError::new(
            "body",
            "wrong_type",
            Msg::new(
                format!("a value has the wrong type or form (line {}, column {})", e.line(), e.column()),
                format!("có giá trị sai kiểu hoặc sai dạng (dòng {}, cột {})", e.line(), e.column()),
            ),
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

//! The one error type of the service and its RFC 9457 `application/problem+json` form.
//!
//! Every error has a stable snake_case `code` that clients may rely on, and sentences in
//! Vietnamese and English; the request-context middleware picks the language and adds the
//! request id. A 5xx never says what went wrong inside: that goes to the log only.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::i18n::{Lang, Msg};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What is wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it: a query parameter, a path segment, or a
    /// JSON pointer-like path such as `location.commune_code`.
    pub field: String,
    /// Stable snake_case code, e.g. `required`, `out_of_range`.
    pub code: &'static str,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: Msg) -> Self {
        FieldError { field: field.into(), code, message }
    }
}

/// An error answered to the client.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code} ({status})")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: Msg,
    pub errors: Vec<FieldError>,
    /// Headers the answer needs: `Allow` for 405, `Retry-After` for 429 and 503,
    /// `WWW-Authenticate` for 401.
    pub headers: Vec<(HeaderName, String)>,
    /// For a case action that cannot be taken: the actions the caller may take instead.
    pub allowed_actions: Option<Vec<&'static str>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: Msg) -> Self {
        ApiError { status, code, detail, errors: Vec::new(), headers: Vec::new(), allowed_actions: None }
    }

    /// Adds a header to the answer.
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Lists the actions the caller may take instead.
    pub fn with_allowed_actions(mut self, actions: Vec<&'static str>) -> Self {
        self.allowed_actions = Some(actions);
        self
    }

    /// Adds `Retry-After`.
    pub fn retry_after(self, seconds: u64) -> Self {
        self.with_header(header::RETRY_AFTER, seconds.max(1).to_string())
    }

    /// The caller is not signed in, or their token is not valid (any longer).
    pub fn unauthenticated(code: &'static str, detail: Msg) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail).with_header(header::WWW_AUTHENTICATE, "Bearer")
    }

    /// The caller is signed in but their role or scope does not allow this.
    pub fn forbidden(detail: Msg) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// Too many attempts; retry after `seconds`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            Msg::new(
                format!("Too many attempts. Please wait {seconds} seconds and try again."),
                format!("Quá nhiều lần thử. Vui lòng đợi {seconds} giây rồi thử lại."),
            ),
        )
        .retry_after(seconds)
    }

    /// A resource that does not exist (or that the caller may not know of).
    pub fn not_found(detail: Msg) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// No route has this path.
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            Msg::new(
                "No API route has this path. The routes are listed at /openapi.yaml.",
                "Không có đường dẫn API này. Danh sách đường dẫn có tại /openapi.yaml.",
            ),
        )
    }

    /// The path exists but not with this method.
    pub fn method_not_allowed(allow: &str) -> Self {
        let err = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Msg::new(
                format!("This path does not accept this method. Allowed: {allow}."),
                format!("Đường dẫn này không nhận phương thức này. Được phép: {allow}."),
            ),
        );
        err.with_header(header::ALLOW, allow)
    }

    /// Query or path parameters that are missing, unknown or malformed.
    pub fn invalid_parameters(errors: Vec<FieldError>) -> Self {
        let mut err = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            Msg::new(
                "Some parameters of the request are wrong; see errors.",
                "Một số tham số của yêu cầu không hợp lệ; xem errors.",
            ),
        );
        err.errors = errors;
        err
    }

    /// A body that is well-formed JSON but breaks the rules of its fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut err = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Msg::new("Some fields are wrong; see errors.", "Một số trường không hợp lệ; xem errors."),
        );
        err.errors = errors;
        err
    }

    /// The database cannot be reached right now.
    pub fn unavailable() -> Self {
        let err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            Msg::new(
                "The service is briefly unavailable. Please try again in a moment.",
                "Dịch vụ tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
            ),
        );
        err.retry_after(5)
    }

    /// Something failed inside. `cause` is logged and never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            Msg::new(
                "Something went wrong on our side. Please try again later.",
                "Hệ thống gặp sự cố. Vui lòng thử lại sau.",
            ),
        )
    }

    /// The problem document for `lang`, tagged with the request id.
    pub fn to_response(&self, lang: Lang, request_id: Option<&str>) -> HttpResponse {
        let body = Problem {
            type_: format!("urn:tinbao:problem:{}", self.code),
            title: title(self.status, lang),
            status: self.status.as_u16(),
            detail: self.detail.get(lang),
            code: self.code,
            errors: self
                .errors
                .iter()
                .map(|e| ProblemField { field: &e.field, code: e.code, message: e.message.get(lang) })
                .collect(),
            request_id,
            allowed_actions: self.allowed_actions.as_deref(),
        };
        let mut response = HttpResponse::build(self.status);
        response
            .content_type(PROBLEM_JSON)
            .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
            .insert_header((header::CACHE_CONTROL, "no-store"));
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.insert_header((name.clone(), value));
            }
        }
        response.json(body)
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    type_: String,
    title: &'static str,
    status: u16,
    detail: &'a str,
    code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_actions: Option<&'a [&'static str]>,
}

#[derive(Serialize)]
struct ProblemField<'a> {
    field: &'a str,
    code: &'static str,
    message: &'a str,
}

/// A short title for the status, in `lang`.
fn title(status: StatusCode, lang: Lang) -> &'static str {
    let (en, vi) = match status.as_u16() {
        400 => ("Bad request", "Yêu cầu không hợp lệ"),
        401 => ("Not signed in", "Chưa đăng nhập"),
        403 => ("Not allowed", "Không có quyền"),
        404 => ("Not found", "Không tìm thấy"),
        405 => ("Method not allowed", "Phương thức không được phép"),
        406 => ("Not acceptable", "Không đáp ứng được định dạng yêu cầu"),
        409 => ("Conflict", "Xung đột"),
        412 => ("Precondition failed", "Dữ liệu đã thay đổi"),
        413 => ("Request too large", "Yêu cầu quá lớn"),
        415 => ("Unsupported media type", "Định dạng nội dung không được hỗ trợ"),
        422 => ("Invalid data", "Dữ liệu không hợp lệ"),
        428 => ("Precondition required", "Thiếu điều kiện If-Match"),
        429 => ("Too many requests", "Quá nhiều yêu cầu"),
        503 => ("Service unavailable", "Dịch vụ tạm thời gián đoạn"),
        s if s >= 500 => ("Internal error", "Lỗi hệ thống"),
        _ => ("Request failed", "Yêu cầu không thành công"),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response(Lang::default(), None)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        // Only the kind and the server's short message: details may quote stored values.
        match &err {
            diesel::result::Error::DatabaseError(kind, info) => {
                ApiError::internal(format!("database error {kind:?}: {}", info.message()))
            }
            other => ApiError::internal(format!("database error: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        tracing::error!(cause = %err, "no database connection");
        ApiError::unavailable()
    }
}

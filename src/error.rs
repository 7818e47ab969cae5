//! The one error type of the core: what went wrong with a use case, in its own terms.
//!
//! Every error has a stable snake_case `code` that clients may rely on, a [`ErrorKind`]
//! that says what kind of failure it is, and sentences in Vietnamese and English. Nothing
//! here knows HTTP: each face turns the kind into its own answer in one place (the JSON
//! API's is `routes::problem`). What went wrong inside is logged, never shown.

use crate::i18n::Msg;

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

/// The kinds of failure a use case (or a face reading a request) can end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself is malformed: parameters, syntax, headers.
    BadRequest,
    /// The caller is not signed in, or their credentials are not valid (any longer).
    Unauthenticated,
    /// The caller is known but may not do this.
    Forbidden,
    /// The object does not exist, or the caller may not know of it.
    NotFound,
    /// The path exists but not with this method (the faces only).
    MethodNotAllowed,
    /// The object's state does not allow this now (see `allowed_actions`).
    Conflict,
    /// The caller's copy of the object is out of date.
    StaleVersion,
    /// A change that must name the version it applies to did not.
    VersionRequired,
    /// The request is larger than the service takes.
    TooLarge,
    /// The request's content type is not one this operation reads.
    UnsupportedMediaType,
    /// Well-formed input that breaks the rules of its fields (see `errors`).
    Invalid,
    /// Too many attempts; try again after `retry_after` seconds.
    TooManyRequests,
    /// A dependency (the database) cannot be reached right now.
    Unavailable,
    /// Something failed inside.
    Internal,
}

/// A failed use case.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code} ({kind:?})")]
pub struct ServiceError {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub detail: Msg,
    pub errors: Vec<FieldError>,
    /// For `TooManyRequests` and `Unavailable`: seconds until a retry may succeed.
    pub retry_after: Option<u64>,
    /// For `MethodNotAllowed`: the methods the path accepts.
    pub allowed_methods: Option<String>,
    /// For a case action that cannot be taken: the actions the caller may take instead.
    pub allowed_actions: Option<Vec<&'static str>>,
}

impl ServiceError {
    pub fn new(kind: ErrorKind, code: &'static str, detail: Msg) -> Self {
        ServiceError {
            kind,
            code,
            detail,
            errors: Vec::new(),
            retry_after: None,
            allowed_methods: None,
            allowed_actions: None,
        }
    }

    /// Lists the actions the caller may take instead.
    pub fn with_allowed_actions(mut self, actions: Vec<&'static str>) -> Self {
        self.allowed_actions = Some(actions);
        self
    }

    /// Says when to try again.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    /// The object's state does not allow this: `code` names why.
    pub fn conflict(code: &'static str, detail: Msg) -> Self {
        Self::new(ErrorKind::Conflict, code, detail)
    }

    /// The caller is not signed in, or their token is not valid (any longer).
    pub fn unauthenticated(code: &'static str, detail: Msg) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, detail)
    }

    /// The caller is signed in but their role or scope does not allow this.
    pub fn forbidden(detail: Msg) -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", detail)
    }

    /// Too many attempts; retry after `seconds`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self::new(
            ErrorKind::TooManyRequests,
            "too_many_requests",
            Msg::of("error-too-many-attempts-please-wait-seconds").arg("seconds", seconds),
        )
        .retry_after(seconds)
    }

    /// A resource that does not exist (or that the caller may not know of).
    pub fn not_found(detail: Msg) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", detail)
    }

    /// No route has this path.
    pub fn route_not_found() -> Self {
        Self::new(ErrorKind::NotFound, "route_not_found", Msg::of("error-no-api-route-has-this-path"))
    }

    /// The path exists but not with this method.
    pub fn method_not_allowed(allow: &str) -> Self {
        let mut err = Self::new(
            ErrorKind::MethodNotAllowed,
            "method_not_allowed",
            Msg::of("error-this-path-does-not-accept-this").arg("allow", allow),
        );
        err.allowed_methods = Some(allow.to_owned());
        err
    }

    /// Query or path parameters that are missing, unknown or malformed.
    pub fn invalid_parameters(errors: Vec<FieldError>) -> Self {
        let mut err =
            Self::new(ErrorKind::BadRequest, "invalid_parameter", Msg::of("error-some-parameters-of-the-request-are"));
        err.errors = errors;
        err
    }

    /// Input that is well-formed but breaks the rules of its fields.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut err =
            Self::new(ErrorKind::Invalid, "validation_failed", Msg::of("error-some-fields-are-wrong-see-errors"));
        err.errors = errors;
        err
    }

    /// The database cannot be reached right now.
    pub fn unavailable() -> Self {
        let err = Self::new(
            ErrorKind::Unavailable,
            "service_unavailable",
            Msg::of("error-the-service-is-briefly-unavailable-please"),
        );
        err.retry_after(5)
    }

    /// Something failed inside. `cause` is logged and never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(cause = %cause, "internal error");
        Self::new(ErrorKind::Internal, "internal_error", Msg::of("error-something-went-wrong-on-our-side"))
    }
}

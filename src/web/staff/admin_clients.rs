//! `/staff/admin/clients`: admins list integrator clients, register one (name, what it
//! may do, optionally the authority whose cases it reads) and see its secret once, and
//! revoke one — the use cases of `/api/v1/clients*`, which ask the policy themselves.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::{Staff, see_other, signed_in};
use crate::auth::policy::Action;
use crate::domain::client::{Client, ClientScope};
use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::clients::CreateClientRequest;
use crate::services::{authorities, clients};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem, viet_nam_time};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

const PATH: &str = "/staff/admin/clients";
/// Clients shown; the API pages through more.
const PAGE: u32 = 100;
const SHOWN: [&str; 3] = ["name", "scopes", "authority_code"];

/// A client as a row of the list.
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub authority: String,
    pub created: String,
    pub revoked: bool,
}

/// A client just created: the one time its secret is shown.
pub struct Created {
    pub name: String,
    pub id: String,
    pub secret: String,
}

/// `staff/admin_clients.html`.
#[derive(Template)]
#[template(path = "staff/admin_clients.html")]
struct ClientsPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    notice: String,
    created: Option<Created>,
    rows: Vec<ClientRow>,
    name: Field,
    scopes: Field,
    authority_code: Field,
}

/// `GET /staff/admin/clients`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, PATH).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let done = req.query_string().split('&').any(|p| p == "done=revoke");
    let notice = if done { staff.ctx.t.get("console-admin-done-revoke") } else { String::new() };
    draw(&state, &staff, &Form::default(), Errors::default(), notice, None, StatusCode::OK).await
}

async fn draw(
    state: &AppState,
    staff: &Staff,
    form: &Form,
    errors: Errors,
    notice: String,
    created: Option<Created>,
    status: StatusCode,
) -> HttpResponse {
    let (ctx, t) = (&staff.ctx, &staff.ctx.t);
    let found = match clients::list(state, &staff.caller, None, PAGE).await {
        Ok((found, _)) => found,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let rows = match rows(state, t, &found).await {
        Ok(rows) => rows,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let focus = errors.first_name();
    let make = FieldMaker { form, errors: &errors, t, focus: focus.as_deref() };
    let scope_values: Vec<&str> = ClientScope::ALL.iter().map(|s| s.as_str()).collect();
    let keys: Vec<String> = scope_values.iter().map(|s| s.replace(':', "_")).collect();
    let mut scopes = make.choices("scopes", "field-scopes", "console-scope", &scope_values, false);
    for (choice, key) in scopes.choices.iter_mut().zip(&keys) {
        choice.label = t.get(&format!("console-scope-{key}"));
    }
    let page = ClientsPage {
        t,
        chrome: &ctx.chrome,
        notice,
        created,
        rows,
        name: make.titled("name", "field-name"),
        scopes,
        authority_code: make
            .titled("authority_code", "field-authority_code")
            .hinted(t.get("console-admin-client-authority-hint")),
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

async fn rows(state: &AppState, t: &T, found: &[Client]) -> Result<Vec<ClientRow>, ServiceError> {
    let names = authorities::names(&state.db, found.iter().filter_map(|c| c.authority_id).collect()).await?;
    Ok(found
        .iter()
        .map(|c| ClientRow {
            id: c.id.to_string(),
            name: c.name.clone(),
            scopes: c
                .scopes
                .iter()
                .map(|s| t.get(&format!("console-scope-{}", s.as_str().replace(':', "_"))))
                .collect::<Vec<_>>()
                .join(", "),
            authority: c
                .authority_id
                .and_then(|id| names.iter().find(|(n, _)| *n == id).map(|(_, name)| name.clone()))
                .unwrap_or_default(),
            created: viet_nam_time(c.created_at.and_utc()),
            revoked: c.revoked,
        })
        .collect())
}

/// `POST /staff/admin/clients`: a new client, and its secret shown once.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageClients).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let authority_id = super::admin_forms::authority_by_code(&state, form.value("authority_code")).await;
    let scopes: Vec<String> = form.pairs().iter().filter(|(k, _)| k == "scopes").map(|(_, v)| v.clone()).collect();
    let result = match authority_id {
        Ok(authority_id) => {
            let request = CreateClientRequest { name: form.value("name").trim().to_owned(), scopes, authority_id };
            clients::create(&state, &staff.caller, staff.origin.clone(), request).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((client, secret)) => {
            let created = Created { name: client.name.clone(), id: client.id.to_string(), secret };
            draw(&state, &staff, &Form::default(), Errors::default(), String::new(), Some(created), StatusCode::CREATED)
                .await
        }
        Err(e) if e.kind == ErrorKind::Invalid => {
            // `scopes[0]` and `scopes` are the one set of boxes.
            let errors: Vec<FieldError> = e
                .errors
                .into_iter()
                .map(|mut f| {
                    if f.field.starts_with("scopes") {
                        f.field = "scopes".to_owned();
                    } else if f.field == "authority_id" {
                        f.field = "authority_code".to_owned();
                    }
                    f
                })
                .collect();
            let errors = Errors::from_core(&errors, &staff.ctx.t, &SHOWN, "name");
            draw(&state, &staff, &form, errors, String::new(), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

/// `POST /staff/admin/clients/{id}`: `action=revoke`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageClients).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let id = super::admin_forms::path_id(&req);
    let result = match (id, form.value("action")) {
        (Some(id), "revoke") => clients::revoke(&state, &staff.caller, staff.origin.clone(), id).await,
        (None, _) => Err(ServiceError::not_found(Msg::of("clients-there-is-no-client-with-this"))),
        _ => Err(super::admin_forms::unknown_action()),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?done=revoke"), &[]),
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

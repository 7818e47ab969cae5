//! `/staff/admin/authorities`: admins find an authority by name or code and set the phone
//! number that the citizens' pages (receipt, tracking) show for it. The authorities
//! themselves come from the shipped units and `tinbao authorities import`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::session::{Staff, see_other, signed_in};
use crate::auth::policy::{Action, authorize};
use crate::error::ErrorKind;
use crate::i18n::Msg;
use crate::services::authorities::{self, AuthorityQuery};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::SummaryItem;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

const PATH: &str = "/staff/admin/authorities";
/// Authorities shown for a search; a narrower one finds the rest.
const PAGE: u32 = 30;

/// An authority as a row, with its phone form.
pub struct AuthorityRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub phone: String,
    /// The refusal of a phone just typed for this authority.
    pub error: String,
}

/// `staff/admin_authorities.html`.
#[derive(Template)]
#[template(path = "staff/admin_authorities.html")]
struct AuthoritiesPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    notice: String,
    q: String,
    rows: Vec<AuthorityRow>,
}

/// `GET /staff/admin/authorities?q=`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, PATH).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let (_, pairs) = super::query::api_query(req.query_string(), &[]);
    let q = super::query::value_of(&pairs, "q");
    let done = super::query::value_of(&pairs, "done") == "phone";
    let notice = if done { staff.ctx.t.get("console-admin-done-phone") } else { String::new() };
    draw(&state, &staff, &q, notice, None, StatusCode::OK).await
}

/// The page for a search `q`; `refused` is a phone just refused: for which authority,
/// what was typed, why.
async fn draw(
    state: &AppState,
    staff: &Staff,
    q: &str,
    notice: String,
    refused: Option<(Uuid, String, String)>,
    status: StatusCode,
) -> HttpResponse {
    let (ctx, t) = (&staff.ctx, &staff.ctx.t);
    // The policy first: a refused member sees no list.
    if let Err(e) = authorize(&staff.caller, Action::ManageAuthorities) {
        return error_page(ctx, &e, PATH);
    }
    let query =
        AuthorityQuery { name_contains: Some(q.trim().to_owned()).filter(|q| !q.is_empty()), ..Default::default() };
    let found = match authorities::list(&state.db, query, None, PAGE).await {
        Ok(found) => found,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let mut errors = Vec::new();
    let rows = found
        .items
        .iter()
        .map(|a| {
            let mine = refused.as_ref().filter(|(id, _, _)| *id == a.id);
            if let Some((_, _, why)) = mine {
                errors.push(SummaryItem { href: format!("#phone-{}", a.id), text: format!("{}: {why}", a.name) });
            }
            AuthorityRow {
                id: a.id.to_string(),
                code: a.code.clone(),
                name: a.name.clone(),
                phone: mine.map(|(_, typed, _)| typed.clone()).unwrap_or_else(|| a.phone.clone().unwrap_or_default()),
                error: mine.map(|(_, _, why)| why.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let page = AuthoritiesPage { t, chrome: &ctx.chrome, errors, notice, q: q.to_owned(), rows };
    ctx.render(status, Caching::NoStore, &page)
}

/// `POST /staff/admin/authorities/{id}`: `phone` (blank: none), and the search to return to.
pub async fn set_phone(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageAuthorities).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let Some(id) = super::admin_forms::path_id(&req) else {
        let missing = crate::error::ServiceError::not_found(Msg::of("authorities-there-is-no-authority-with-this"));
        return error_page(&staff.ctx, &missing, PATH);
    };
    let (q, phone) = (form.value("q").to_owned(), form.value("phone").to_owned());
    match authorities::set_phone(&state, &staff.caller, staff.origin.clone(), id, &phone).await {
        Ok(()) => see_other(&super::query::link(PATH, &[("q", &q), ("done", "phone")]), &[]),
        Err(e) if e.kind == ErrorKind::Invalid => {
            let why = e.errors.first().map(|f| f.message.get(staff.ctx.lang())).unwrap_or_default();
            draw(&state, &staff, &q, String::new(), Some((id, phone, why)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

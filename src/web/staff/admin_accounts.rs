//! `/staff/admin/accounts`: admins list staff accounts by role, create one (role, scope
//! and a first password; the member sets up the second factor at the first sign-in),
//! disable or enable it, and reset its second factor (a lost phone) — the use cases of
//! `/api/v1/users*`, which ask the policy themselves.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::session::{Staff, see_other, signed_in};
use crate::auth::policy::Action;
use crate::domain::account::{Account, Role, Scope};
use crate::error::{FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::accounts::{CreateUserRequest, UnitCodeInput, UpdateUserRequest};
use crate::services::{accounts, authorities};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

const PATH: &str = "/staff/admin/accounts";
/// Accounts per page.
const PAGE: u32 = 50;
/// The create form's fields, for placing the core's errors.
const SHOWN: [&str; 8] =
    ["login", "display_name", "role", "password", "authority_code", "province_code", "commune_code", "scheme"];

/// An account as a row of the list.
pub struct AccountRow {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: String,
    pub scope: String,
    pub second_factor: bool,
    pub disabled: bool,
    /// Not one's own account: the forms that would lock oneself out are not offered.
    pub other: bool,
}

/// `staff/admin_accounts.html`.
#[derive(Template)]
#[template(path = "staff/admin_accounts.html")]
struct AccountsPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    notice: String,
    roles: Vec<(String, String, bool)>,
    rows: Vec<AccountRow>,
    next: String,
    login: Field,
    display_name: Field,
    role: Field,
    password: Field,
    authority_code: Field,
    province_code: Field,
    commune_code: Field,
    scheme: Field,
}

/// `GET /staff/admin/accounts?role=&cursor=&done=`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, PATH).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let (_, pairs) = super::query::api_query(req.query_string(), &[]);
    let done = super::query::value_of(&pairs, "done");
    let notice = match done.as_str() {
        "created" | "disable" | "enable" | "reset_mfa" => staff.ctx.t.get(&format!("console-admin-done-{done}")),
        _ => String::new(),
    };
    draw(&state, &staff, &pairs, &Form::default(), Errors::default(), notice, StatusCode::OK).await
}

async fn draw(
    state: &AppState,
    staff: &Staff,
    pairs: &[(String, String)],
    form: &Form,
    errors: Errors,
    notice: String,
    status: StatusCode,
) -> HttpResponse {
    let (ctx, t) = (&staff.ctx, &staff.ctx.t);
    let asked = super::query::value_of(pairs, "role");
    let role = Role::parse(&asked).unwrap_or(Role::DistrictOfficer);
    let cursor = Some(super::query::value_of(pairs, "cursor")).filter(|c| !c.is_empty());
    let (accounts, next) = match accounts::list(state, &staff.caller, Some(role), cursor, PAGE).await {
        Ok(found) => found,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let rows = match rows(state, staff, &accounts).await {
        Ok(rows) => rows,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let role_text = role.as_str();
    let next = next.map(|c| super::query::link(PATH, &[("role", role_text), ("cursor", &c)])).unwrap_or_default();
    let staff_roles = [Role::DistrictOfficer, Role::Supervisor, Role::CommuneOfficial, Role::Auditor, Role::Admin];
    let role_values: Vec<&str> = staff_roles.iter().map(|r| r.as_str()).collect();
    let focus = errors.first_name();
    let make = FieldMaker { form, errors: &errors, t, focus: focus.as_deref() };
    let mut scheme = make.choices("scheme", "field-scheme", "console-scheme", &["2024", "2025"], false);
    if form.value("scheme").is_empty() {
        scheme.choices[0].on = true;
    }
    let page = AccountsPage {
        t,
        chrome: &ctx.chrome,
        notice,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), t.get(&format!("console-role-{}", r.as_str())), *r == role))
            .collect(),
        rows,
        next,
        login: make.titled("login", "field-login").hinted(t.get("console-admin-login-hint")),
        display_name: make.titled("display_name", "field-display_name"),
        role: make.choices("role", "field-role", "console-role", &role_values, false),
        password: make.titled("password", "field-password").hinted(t.get("console-admin-password-hint")),
        authority_code: make.titled("authority_code", "field-authority_code"),
        province_code: make.titled("province_code", "field-province_code"),
        commune_code: make.titled("commune_code", "field-commune_code"),
        scheme,
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// The accounts as rows, with their authorities named.
async fn rows(state: &AppState, staff: &Staff, accounts: &[Account]) -> Result<Vec<AccountRow>, ServiceError> {
    let t = &staff.ctx.t;
    let ids: Vec<Uuid> = accounts
        .iter()
        .filter_map(|a| match a.scope {
            Scope::Authority(id) => Some(id),
            _ => None,
        })
        .collect();
    let names = authorities::names(&state.db, ids).await?;
    let me = staff.caller.account().map(|a| a.id);
    Ok(accounts
        .iter()
        .map(|a| AccountRow {
            id: a.id.to_string(),
            login: a.login.clone(),
            name: a.display_name.clone().unwrap_or_default(),
            role: t.get(&format!("console-role-{}", a.role.as_str())),
            scope: match a.scope {
                Scope::None => t.get("console-admin-scope-none"),
                Scope::Authority(id) => {
                    names.iter().find(|(n, _)| *n == id).map(|(_, name)| name.clone()).unwrap_or_default()
                }
                Scope::Province(u) => t.with_args(
                    "console-admin-scope-province",
                    &[("code", &u.code.to_string()), ("scheme", u.scheme.as_str())],
                ),
                Scope::Commune(u) => t.with_args(
                    "console-admin-scope-commune",
                    &[("code", &u.code.to_string()), ("scheme", u.scheme.as_str())],
                ),
            },
            second_factor: a.mfa_enabled,
            disabled: a.disabled,
            other: me != Some(a.id),
        })
        .collect())
}

/// `POST /staff/admin/accounts`: a new staff account.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageAccounts).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let result = match request(&state, &form).await {
        Ok(request) => accounts::create(&state, &staff.caller, staff.origin.clone(), request).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?role={}&done=created", form.value("role")), &[]),
        Err(e) if matches!(e.kind, crate::error::ErrorKind::Invalid | crate::error::ErrorKind::Conflict) => {
            let errors = if e.errors.is_empty() {
                Errors::one("login", &staff.ctx.t, e.detail.get(staff.ctx.lang()))
            } else {
                Errors::from_core(&in_form_terms(e.errors), &staff.ctx.t, &SHOWN, "login")
            };
            // The password is never sent back into the page.
            let mut kept = form.clone();
            kept.set("password", "");
            let pairs = vec![("role".to_owned(), form.value("role").to_owned())];
            draw(&state, &staff, &pairs, &kept, errors, String::new(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

/// The form as the API's request: an authority by its code, a number as a number.
async fn request(state: &AppState, form: &Form) -> Result<CreateUserRequest, ServiceError> {
    let text = |name: &str| Some(form.value(name).trim().to_owned()).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let number = |name: &str, errors: &mut Vec<FieldError>| match text(name).map(|v| v.parse::<i32>()) {
        None => None,
        Some(Ok(n)) if n > 0 => Some(n),
        Some(_) => {
            errors.push(FieldError::new(name, "invalid", Msg::of("console-admin-must-be-a-code")));
            None
        }
    };
    let province_code = number("province_code", &mut errors);
    let commune_code = number("commune_code", &mut errors);
    let authority_id = match super::admin_forms::authority_by_code(state, form.value("authority_code")).await {
        Ok(id) => id,
        Err(e) => {
            errors.extend(e.errors);
            None
        }
    };
    if !errors.is_empty() {
        return Err(ServiceError::validation(errors));
    }
    let scheme = text("scheme").unwrap_or_else(|| "2024".to_owned());
    Ok(CreateUserRequest {
        login: form.value("login").trim().to_owned(),
        password: form.value("password").to_owned(),
        role: form.value("role").to_owned(),
        display_name: text("display_name"),
        authority_id,
        unit: commune_code.map(|code| UnitCodeInput { scheme: scheme.clone(), code }),
        province_code,
        province_scheme: province_code.map(|_| scheme),
    })
}

/// The use case names the API's fields; the form has its own for the scope.
fn in_form_terms(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    for e in &mut errors {
        e.field = match e.field.as_str() {
            "authority_id" => "authority_code".to_owned(),
            "unit" | "unit.code" => "commune_code".to_owned(),
            "unit.scheme" | "province_scheme" => "scheme".to_owned(),
            other => other.to_owned(),
        };
    }
    errors
}

/// `POST /staff/admin/accounts/{id}`: `action` = `disable`, `enable` or `reset_mfa`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageAccounts).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let Some(id) = super::admin_forms::path_id(&req) else {
        return error_page(
            &staff.ctx,
            &ServiceError::not_found(Msg::of("accounts-there-is-no-account-with-this")),
            PATH,
        );
    };
    let action = form.value("action").to_owned();
    let (caller, origin) = (&staff.caller, staff.origin.clone());
    let result = match action.as_str() {
        "disable" | "enable" => {
            let change = UpdateUserRequest {
                display_name: None,
                role: None,
                authority_id: None,
                unit: None,
                province_code: None,
                province_scheme: None,
                disabled: Some(action == "disable"),
            };
            accounts::update(&state, caller, origin, id, change).await.map(|a| a.role)
        }
        "reset_mfa" => match accounts::reset_mfa(&state, caller, origin, id).await {
            Ok(()) => accounts::get(&state, caller, id).await.map(|a| a.role),
            Err(e) => Err(e),
        },
        _ => Err(super::admin_forms::unknown_action()),
    };
    match result {
        Ok(role) => see_other(&format!("{PATH}?role={}&done={action}", role.as_str()), &[]),
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

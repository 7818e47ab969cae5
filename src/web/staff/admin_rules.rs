//! `/staff/admin/routing-rules`: admins list the rules that send tips somewhere other than
//! the district by default, add one (a matter or any, a unit at any level, the authority
//! by its code) and delete one — the use cases of `/api/v1/routing-rules*`. A rule changes
//! where new tips go; cases already routed keep their routing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::session::{Staff, see_other, signed_in};
use crate::auth::policy::Action;
use crate::domain::admin_unit::Level;
use crate::domain::report::MATTERS;
use crate::domain::routing::Rule;
use crate::error::{ErrorKind, FieldError, ServiceError};
use crate::i18n::Msg;
use crate::services::dto::reports::{CreateRuleRequest, RuleUnitInput};
use crate::services::{admin_units, authorities, routing_rules};
use crate::state::AppState;
use crate::web::context::{Chrome, PageSettings};
use crate::web::fields::{Errors, Field, FieldMaker, SummaryItem};
use crate::web::form::Form;
use crate::web::html::Caching;
use crate::web::pages::error_page;
use crate::web::texts::T;

const PATH: &str = "/staff/admin/routing-rules";
/// Rules per page.
const PAGE: u32 = 50;
const SHOWN: [&str; 6] = ["matter", "scheme", "level", "unit_code", "authority_code", "note"];

/// A rule as a row of the list.
pub struct RuleRow {
    pub id: String,
    pub matter: String,
    pub unit: String,
    pub authority: String,
    pub note: String,
}

/// `staff/admin_rules.html`.
#[derive(Template)]
#[template(path = "staff/admin_rules.html")]
struct RulesPage<'a> {
    t: &'a T,
    chrome: &'a Chrome,
    errors: Vec<SummaryItem>,
    notice: String,
    rows: Vec<RuleRow>,
    next: String,
    matter: Field,
    scheme: Field,
    level: Field,
    unit_code: Field,
    authority_code: Field,
    note: Field,
}

/// `GET /staff/admin/routing-rules?cursor=&done=`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>, settings: web::Data<PageSettings>) -> HttpResponse {
    let staff = match signed_in(&req, &state, &settings, PATH).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let (_, pairs) = super::query::api_query(req.query_string(), &[]);
    let done = super::query::value_of(&pairs, "done");
    let notice = match done.as_str() {
        "created" | "deleted" => staff.ctx.t.get(&format!("console-admin-rule-done-{done}")),
        _ => String::new(),
    };
    let cursor = Uuid::try_parse(&super::query::value_of(&pairs, "cursor")).ok();
    draw(&state, &staff, cursor, &Form::default(), Errors::default(), notice, StatusCode::OK).await
}

async fn draw(
    state: &AppState,
    staff: &Staff,
    cursor: Option<Uuid>,
    form: &Form,
    errors: Errors,
    notice: String,
    status: StatusCode,
) -> HttpResponse {
    let (ctx, t) = (&staff.ctx, &staff.ctx.t);
    let (rules, next) = match routing_rules::list(state, &staff.caller, cursor, PAGE).await {
        Ok(found) => found,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let rows = match rows(state, t, &rules).await {
        Ok(rows) => rows,
        Err(e) => return error_page(ctx, &e, PATH),
    };
    let focus = errors.first_name();
    let make = FieldMaker { form, errors: &errors, t, focus: focus.as_deref() };
    let mut scheme = make.choices("scheme", "field-scheme", "console-scheme", &["2024", "2025"], false);
    if form.value("scheme").is_empty() {
        scheme.choices[0].on = true;
    }
    let levels: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
    let page = RulesPage {
        t,
        chrome: &ctx.chrome,
        notice,
        rows,
        next: next.map(|c| super::query::link(PATH, &[("cursor", &c.to_string())])).unwrap_or_default(),
        matter: make.choices("matter", "field-matter", "matter", &MATTERS, false),
        scheme,
        level: make.choices("level", "field-level", "console-level", &levels, false),
        unit_code: make.titled("unit_code", "field-unit_code").hinted(t.get("console-admin-unit-code-hint")),
        authority_code: make
            .titled("authority_code", "field-authority_code")
            .hinted(t.get("console-admin-rule-authority-hint")),
        note: make.titled("note", "field-note"),
        errors: errors.summary(),
    };
    ctx.render(status, Caching::NoStore, &page)
}

/// The rules as rows: matters and levels in words, units and authorities by name.
async fn rows(state: &AppState, t: &T, rules: &[Rule]) -> Result<Vec<RuleRow>, ServiceError> {
    let names = authorities::names(&state.db, rules.iter().map(|r| r.authority_id).collect()).await?;
    let mut rows = Vec::with_capacity(rules.len());
    for r in rules {
        let unit_name = admin_units::get(&state.db, r.unit).await.map(|u| u.name).unwrap_or_default();
        rows.push(RuleRow {
            id: r.id.to_string(),
            matter: match r.matter {
                Some(m) => t.get(&format!("matter-{}", m.as_str())),
                None => t.get("console-admin-any-matter"),
            },
            unit: format!(
                "{unit_name} ({} {}, {})",
                t.get(&format!("console-level-{}", r.unit.level.as_str())),
                r.unit.code,
                r.unit.scheme.as_str()
            ),
            authority: names.iter().find(|(id, _)| *id == r.authority_id).map(|(_, n)| n.clone()).unwrap_or_default(),
            note: r.note.clone().unwrap_or_default(),
        });
    }
    Ok(rows)
}

/// `POST /staff/admin/routing-rules`: a new rule.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageRoutingRules).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let result = match request(&state, &form).await {
        Ok(request) => routing_rules::create(&state, &staff.caller, staff.origin.clone(), request).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?done=created"), &[]),
        Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::Conflict) => {
            let t = &staff.ctx.t;
            let errors = if e.errors.is_empty() {
                // One rule per matter and unit: the conflict is about the unit chosen.
                Errors::one("unit_code", t, e.detail.get(staff.ctx.lang()))
            } else {
                let errors: Vec<FieldError> = e
                    .errors
                    .into_iter()
                    .map(|mut f| {
                        f.field = match f.field.as_str() {
                            "unit" => "unit_code".to_owned(),
                            "authority_id" => "authority_code".to_owned(),
                            other => other.to_owned(),
                        };
                        f
                    })
                    .collect();
                Errors::from_core(&errors, t, &SHOWN, "unit_code")
            };
            draw(&state, &staff, None, &form, errors, String::new(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

/// The form as the API's request: the authority by its code, the unit by its parts.
async fn request(state: &AppState, form: &Form) -> Result<CreateRuleRequest, ServiceError> {
    let Some(authority_id) = super::admin_forms::authority_by_code(state, form.value("authority_code")).await? else {
        return Err(ServiceError::validation(vec![FieldError::new(
            "authority_code",
            "required",
            Msg::of("console-admin-give-the-authority-code"),
        )]));
    };
    let unit_code = form.value("unit_code").trim().parse::<i64>().map_err(|_| {
        ServiceError::validation(vec![FieldError::new("unit_code", "invalid", Msg::of("console-admin-must-be-a-code"))])
    })?;
    let matter = Some(form.value("matter").to_owned()).filter(|m| !m.is_empty());
    let note = Some(form.value("note").to_owned()).filter(|n| !n.trim().is_empty());
    Ok(CreateRuleRequest {
        matter,
        unit: RuleUnitInput {
            scheme: form.get("scheme").unwrap_or("2024").to_owned(),
            level: form.value("level").to_owned(),
            code: unit_code,
        },
        authority_id,
        note,
    })
}

/// `POST /staff/admin/routing-rules/{id}`: `action=delete`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    settings: web::Data<PageSettings>,
    body: web::Bytes,
) -> HttpResponse {
    let (staff, form) =
        match super::signed_in_post_for(&req, &state, &settings, PATH, &body, Action::ManageRoutingRules).await {
            Ok(done) => done,
            Err(answer) => return answer,
        };
    let id = super::admin_forms::path_id(&req);
    let result = match (id, form.value("action")) {
        (Some(id), "delete") => routing_rules::delete(&state, &staff.caller, staff.origin.clone(), id).await,
        (None, _) => Err(ServiceError::not_found(Msg::of("routing-rules-there-is-no-routing-rule-with"))),
        _ => Err(super::admin_forms::unknown_action()),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?done=deleted"), &[]),
        Err(e) => error_page(&staff.ctx, &e, PATH),
    }
}

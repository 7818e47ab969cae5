//! Whether this instance can serve: the database answers and holds every migration this
//! binary expects.

use crate::db::migrations;
use crate::error::{ErrorKind, ServiceError};
use crate::i18n::Msg;
use crate::state::AppState;

/// Ready, or why not.
pub async fn check(state: &AppState) -> Result<(), ServiceError> {
    let pending = state.db.run(|conn| Ok(migrations::pending_count(conn)?)).await.map_err(|err| {
        if err.kind != ErrorKind::Unavailable {
            return err;
        }
        ServiceError::new(
            ErrorKind::Unavailable,
            "database_unreachable",
            Msg::new(
                "The database does not answer, so this instance cannot take tips; it recovers by itself when the database is back.",
                "Cơ sở dữ liệu không phản hồi nên máy chủ này chưa nhận được tin báo; máy chủ sẽ tự hoạt động lại khi cơ sở dữ liệu trở lại.",
            ),
        )
        .retry_after(5)
    })?;
    if pending > 0 {
        let err = ServiceError::new(
            ErrorKind::Unavailable,
            "migrations_pending",
            Msg::new(
                format!("{pending} database migrations are not applied yet; run `tinbao migrate`."),
                format!("Còn {pending} bản cập nhật cơ sở dữ liệu chưa áp dụng; hãy chạy `tinbao migrate`."),
            ),
        );
        return Err(err.retry_after(5));
    }
    Ok(())
}

//! `GET /files/{id}?ticket=…`: a finished file, to its requester only.
//!
//! The ticket is a signed token for that file alone, valid ten minutes
//! (`auth::jwt`); the tenant comes from it, as from an access token, so the
//! row is read under RLS and by its requester only. Expired, unfinished or
//! foreign files answer 404; a bad ticket 401.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::Ctx;

fn refuse(status: StatusCode, e: &ApiError) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        e.message(),
    )
        .into_response()
}

/// RFC 5987 encoding of a file name for `Content-Disposition`.
fn encode_filename(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Serves one file.
pub async fn serve(state: &AppState, id: &str, ticket: Option<&str>) -> Response {
    let unauth = |m: &str| {
        refuse(
            StatusCode::UNAUTHORIZED,
            &ApiError::Unauthenticated(m.into()),
        )
    };
    let Some(ticket) = ticket else {
        return unauth("缺少下载凭证，请在页面上重新点击下载");
    };
    let (caller, file) = match state.jwt.verify_file_ticket(ticket) {
        Ok(v) => v,
        Err(e) => return refuse(StatusCode::UNAUTHORIZED, &e),
    };
    if Uuid::parse_str(id).ok() != Some(file) {
        return unauth("下载凭证与文件不符");
    }
    let ctx = match Ctx::begin(&state.db, Some(caller)).await {
        Ok(c) => c,
        Err(e) => return refuse(StatusCode::SERVICE_UNAVAILABLE, &e),
    };
    let row = super::files::download(&ctx, file).await;
    if let Err(e) = ctx.finish(row.is_ok()).await {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e);
    }
    let row = match row {
        Ok(r) => r,
        Err(e) => return refuse(StatusCode::NOT_FOUND, &e),
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        if row.content_type == "application/pdf" {
            "document.pdf"
        } else {
            "export.xlsx"
        },
        encode_filename(&row.filename)
    );
    let mut resp = row.body.unwrap_or_default().into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&row.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(encode_filename("a b.pdf"), "a%20b.pdf");
        assert_eq!(encode_filename("寄"), "%E5%AF%84");
    }
}

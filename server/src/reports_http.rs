//! `GET /reports/export.xlsx?<filter>[&report=<kind>]`: the reports as the page lays them out, one
//! worksheet per report (or only the one asked for), in the reader's language. Deputy and above.

use crate::http::AppState;
use app::components::report_tables::{self, Table, Value};
use app::i18n::Locale;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::report::ReportKind;
use domain::user::Lang;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use tower_sessions::Session;

fn status_of(e: domain::AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub async fn xlsx(State(state): State<AppState>, session: Session, RawQuery(query): RawQuery) -> Result<Response, StatusCode> {
    let db = &state.server.db;
    let query = query.unwrap_or_default();
    let user_id =
        app::server::session_user_id(&session).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::UNAUTHORIZED)?;
    let user = backend::users::get_user(db, user_id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let user = user.filter(|u| u.active).ok_or(StatusCode::UNAUTHORIZED)?;
    let filter = app::api::groups::report_filter(db, &query).await.map_err(status_of)?;
    let reports = backend::reports::reports(db, &user, &filter).await.map_err(|e| status_of(e.into()))?;
    let locale = match user.lang {
        Lang::Ru => Locale::ru,
        Lang::En => Locale::en,
    };
    let only = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "report").and_then(|(_, v)| ReportKind::parse(&v));
    let tables: Vec<Table> = match only {
        Some(kind) => vec![report_tables::table(&reports, kind, locale)],
        None => report_tables::tables(&reports, locale),
    };
    let bytes = workbook(&tables).map_err(|e| {
        tracing::error!(error = %e, "report workbook failed");
        StatusCode::INTERNAL_SERVER_ERROR
    })?;
    let name = format!("report-{}-{}{}.xlsx", filter.from, filter.to, only.map(|k| format!("-{}", k.as_str())).unwrap_or_default());
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// Worksheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let one_decimal = Format::new().set_num_format("0.0");
    for table in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.title))?;
        for (c, h) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
            sheet.set_column_width(c as u16, (h.chars().count() as f64 + 2.0).clamp(10.0, 40.0))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Text(t) => sheet.write_string(r, c, t).map(|_| ())?,
                    Value::Count(n) => sheet.write_number(r, c, *n as f64).map(|_| ())?,
                    Value::Percent(Some(v)) | Value::Decimal(Some(v)) => {
                        sheet.write_number_with_format(r, c, *v, &one_decimal).map(|_| ())?
                    }
                    Value::Percent(None) | Value::Decimal(None) => {}
                }
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sheet_names_are_what_excel_accepts() {
        assert_eq!(super::sheet_name("Ждут группу: B/C [2027]"), "Ждут группу BC 2027");
        assert_eq!(super::sheet_name(&"x".repeat(40)).chars().count(), 31);
    }
}

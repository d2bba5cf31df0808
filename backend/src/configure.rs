//! Stages, their reasons and the dictionaries, changed by deputy and above (`Action::Configure`).
//! Deleting a stage first moves its leads, each with a "stage changed" timeline entry, in the
//! same transaction, so no lead is ever lost; retiring a reason keeps its text in history.

use crate::db::{Db, WritePool};
use crate::error::{Error, Result};
use crate::rows::now;
use crate::timeline::entry_json;
use crate::{settings, stages, with_pool};
use domain::access::{can, Action};
use domain::config::{check_permutation, checked_name, DictionaryChange, StageChange};
use domain::dictionary::DictionaryKind;
use domain::error::Invalid;
use domain::timeline::TimelineEvent;
use domain::user::User;
use domain::{AppError, Id};

async fn configure(db: &Db, actor: &User) -> Result<()> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::Configure, visibility)?;
    Ok(())
}

/// A UNIQUE violation on a name is "taken" on that field; anything else stays as it is.
fn taken(field: &'static str) -> impl Fn(Error) -> Error {
    move |e| if e.is_unique_violation() { AppError::invalid(field, Invalid::Taken).into() } else { e }
}

fn not_found_unless_changed(rows: u64) -> Result<()> {
    if rows == 0 {
        Err(AppError::NotFound.into())
    } else {
        Ok(())
    }
}

/// Writes `ids` as positions 0, 1, 2… of `table` (a name from this module, never from input).
async fn write_positions(db: &Db, table: &str, ids: &[Id]) -> Result<()> {
    let sql = format!("UPDATE {table} SET position = $1 WHERE id = $2");
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for (position, id) in ids.iter().enumerate() {
            sqlx::query(&sql).bind(position as i32).bind(*id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

async fn ids_of(db: &Db, sql: &str, bind: Option<Id>) -> Result<Vec<Id>> {
    Ok(with_pool!(db, pool => {
        let q = sqlx::query_scalar::<_, Id>(sql);
        let q = match bind {
            Some(id) => q.bind(id),
            None => q,
        };
        q.fetch_all(pool).await
    })?)
}

pub async fn change_stages(db: &Db, actor: &User, change: StageChange) -> Result<()> {
    configure(db, actor).await?;
    match change {
        StageChange::Create(draft) => {
            let d = draft.validate()?;
            with_pool!(db, pool => sqlx::query(
                "INSERT INTO stages (name, color, position, kind, shown_on_board, enrolment) \
                 VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM stages), $3, $4, $5)",
            )
            .bind(&d.name)
            .bind(&d.color)
            .bind(d.kind.as_str())
            .bind(d.shown_on_board)
            .bind(d.enrolment)
            .execute(pool)
            .await
            .map(|_| ()))
            .map_err(|e| taken("name")(e.into()))?;
        }
        StageChange::Update { id, draft } => {
            let d = draft.validate()?;
            let rows = with_pool!(db, pool => sqlx::query("UPDATE stages SET name = $1, color = $2, kind = $3, shown_on_board = $4, enrolment = $5 WHERE id = $6")
                .bind(&d.name)
                .bind(&d.color)
                .bind(d.kind.as_str())
                .bind(d.shown_on_board)
                .bind(d.enrolment)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))
            .map_err(|e| taken("name")(e.into()))?;
            not_found_unless_changed(rows)?;
        }
        StageChange::Reorder(ids) => {
            let existing = ids_of(db, "SELECT id FROM stages", None).await?;
            check_permutation("stages", &ids, &existing)?;
            write_positions(db, "stages", &ids).await?;
        }
        StageChange::Delete { id, move_to } => delete_stage(db, actor, id, move_to).await?,
        StageChange::AddReason { stage_id, name } => {
            let name = checked_name("name", &name)?;
            if !stages::list_stages(db).await?.iter().any(|s| s.id == stage_id) {
                return Err(AppError::NotFound.into());
            }
            with_pool!(db, pool => sqlx::query(
                "INSERT INTO stage_reasons (stage_id, name, position, retired) \
                 VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM stage_reasons WHERE stage_id = $1), FALSE)",
            )
            .bind(stage_id)
            .bind(&name)
            .execute(pool)
            .await
            .map(|_| ()))?;
        }
        StageChange::RenameReason { id, name } => {
            let name = checked_name("name", &name)?;
            let rows = with_pool!(db, pool => sqlx::query("UPDATE stage_reasons SET name = $1 WHERE id = $2")
                .bind(&name)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
            not_found_unless_changed(rows)?;
        }
        StageChange::ReorderReasons { stage_id, ids } => {
            let existing = ids_of(db, "SELECT id FROM stage_reasons WHERE stage_id = $1", Some(stage_id)).await?;
            check_permutation("reasons", &ids, &existing)?;
            write_positions(db, "stage_reasons", &ids).await?;
        }
        StageChange::RetireReason { id, retired } => {
            let rows = with_pool!(db, pool => sqlx::query("UPDATE stage_reasons SET retired = $1 WHERE id = $2")
                .bind(retired)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()))?;
            not_found_unless_changed(rows)?;
        }
    }
    Ok(())
}

/// Deletes a stage. A stage with leads (archived ones too) needs `move_to`: they move there first,
/// each with its timeline entry, in the same transaction. The last stage stays.
async fn delete_stage(db: &Db, actor: &User, id: Id, move_to: Option<Id>) -> Result<()> {
    let all = stages::list_stages(db).await?;
    if !all.iter().any(|s| s.id == id) {
        return Err(AppError::NotFound.into());
    }
    if all.len() == 1 {
        return Err(AppError::invalid("stage_id", Invalid::Protected).into());
    }
    if let Some(to) = move_to {
        if to == id || !all.iter().any(|s| s.id == to) {
            return Err(AppError::invalid("move_to", Invalid::NotFound).into());
        }
    }
    let at = now();
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let leads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE stage_id = $1").bind(id).fetch_one(&mut *tx).await?;
        if leads > 0 {
            let Some(to) = move_to else {
                return Err(AppError::invalid("move_to", Invalid::NotEmpty).into());
            };
            // Every moved lead gets the same entry: from this stage to the new one, no reason.
            let entry = entry_json(&TimelineEvent::StageChanged { from: Some(id), to, reason: None })?;
            sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) SELECT id, $1, 'stage_changed', $2, $3 FROM leads WHERE stage_id = $4")
                .bind(actor.id)
                .bind(&entry)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE leads SET stage_id = $1, stage_reason_id = NULL, stage_changed_at = $2, updated_at = $2, version = version + 1 WHERE stage_id = $3",
            )
            .bind(to)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM stages WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    tracing::info!(stage = id, ?move_to, by = actor.id, "stage deleted");
    Ok(())
}

fn table(kind: DictionaryKind) -> &'static str {
    crate::dictionaries::table(kind)
}

pub async fn change_dictionary(db: &Db, actor: &User, change: DictionaryChange) -> Result<()> {
    configure(db, actor).await?;
    match change {
        DictionaryChange::Add { kind, name } => {
            let name = checked_name("name", &name)?;
            let sql = format!(
                "INSERT INTO {t} (name, position, active) VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM {t}), TRUE)",
                t = table(kind)
            );
            with_pool!(db, pool => sqlx::query(&sql).bind(&name).execute(pool).await.map(|_| ())).map_err(|e| taken("name")(e.into()))?;
        }
        DictionaryChange::Rename { kind, id, name } => {
            let name = checked_name("name", &name)?;
            let sql = format!("UPDATE {} SET name = $1 WHERE id = $2", table(kind));
            let rows = with_pool!(db, pool => sqlx::query(&sql).bind(&name).bind(id).execute(pool).await.map(|r| r.rows_affected()))
                .map_err(|e| taken("name")(e.into()))?;
            not_found_unless_changed(rows)?;
        }
        DictionaryChange::SetActive { kind, id, active } => {
            let sql = format!("UPDATE {} SET active = $1 WHERE id = $2", table(kind));
            let rows = with_pool!(db, pool => sqlx::query(&sql).bind(active).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
            not_found_unless_changed(rows)?;
        }
        DictionaryChange::Reorder { kind, ids } => {
            let existing = ids_of(db, &format!("SELECT id FROM {}", table(kind)), None).await?;
            check_permutation("ids", &ids, &existing)?;
            write_positions(db, table(kind), &ids).await?;
        }
        DictionaryChange::MergeTags { from, into } => {
            let tags = ids_of(db, "SELECT id FROM tags", None).await?;
            if from == into || !tags.contains(&from) || !tags.contains(&into) {
                return Err(AppError::invalid("tags", Invalid::NotFound).into());
            }
            with_pool!(db, pool => {
                let mut tx = pool.begin_write().await?;
                sqlx::query("INSERT INTO lead_tags (lead_id, tag_id) SELECT lead_id, $1 FROM lead_tags WHERE tag_id = $2 ON CONFLICT DO NOTHING")
                    .bind(into)
                    .bind(from)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM lead_tags WHERE tag_id = $1").bind(from).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM tags WHERE id = $1").bind(from).execute(&mut *tx).await?;
                tx.commit().await?;
            });
        }
    }
    Ok(())
}

/// How many leads (archived ones too) each stage holds.
pub async fn leads_per_stage(db: &Db) -> Result<Vec<(Id, i64)>> {
    Ok(
        with_pool!(db, pool => sqlx::query_as::<_, (Id, i64)>("SELECT stage_id, COUNT(*) FROM leads GROUP BY stage_id").fetch_all(pool).await)?,
    )
}

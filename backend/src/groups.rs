//! Training groups (deputy and above change them) and the seats their contracts take.

use crate::db::{Db, WritePool};
use crate::error::Result;
use crate::rows::now;
use crate::{settings, with_pool};
use chrono::NaiveDate;
use domain::access::{can, Action};
use domain::error::Invalid;
use domain::group::{GroupDraft, GroupRow, GroupStatus, TrainingGroup};
use domain::user::User;
use domain::{AppError, Id};

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Id,
    name: String,
    category_id: Id,
    branch_id: Option<Id>,
    start_date: NaiveDate,
    capacity: i32,
    status: String,
    seats_taken: i64,
    category: String,
    branch: Option<String>,
}

impl Row {
    pub(crate) fn into_group(self) -> GroupRow {
        GroupRow {
            group: TrainingGroup {
                id: self.id,
                name: self.name,
                category_id: self.category_id,
                branch_id: self.branch_id,
                start_date: self.start_date,
                capacity: self.capacity,
                // The CHECK constraint keeps the status one of the three.
                status: GroupStatus::parse(&self.status).unwrap_or(GroupStatus::Finished),
                seats_taken: i32::try_from(self.seats_taken).unwrap_or(i32::MAX),
            },
            category: self.category,
            branch: self.branch,
        }
    }
}

/// Groups with their names and seats taken (contracts not cancelled); `WHERE` conditions go after.
pub(crate) const SELECT: &str = "SELECT g.id, g.name, g.category_id, g.branch_id, g.start_date, g.capacity, g.status, \
     (SELECT COUNT(*) FROM contracts k WHERE k.group_id = g.id AND k.cancelled_at IS NULL) AS seats_taken, \
     c.name AS category, b.name AS branch \
     FROM training_groups g JOIN categories c ON c.id = g.category_id LEFT JOIN branches b ON b.id = g.branch_id";

/// Every group, the soonest start first (finished ones last).
pub async fn list_groups(db: &Db, actor: &User) -> Result<Vec<GroupRow>> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::Configure, visibility)?;
    let sql = format!("{SELECT} ORDER BY CASE WHEN g.status = 'finished' THEN 1 ELSE 0 END, g.start_date, g.name");
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as::<_, Row>(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Row::into_group).collect())
}

/// Creates (`draft.id` is `None`) or changes a group; answers its id. The capacity cannot drop
/// below the seats already taken.
pub async fn save_group(db: &Db, actor: &User, draft: &GroupDraft) -> Result<Id> {
    let visibility = settings::settings_or_default(db).await?.lead_visibility;
    can(actor, Action::Configure, visibility)?;
    let g = draft.validate()?;
    let taken = |e: crate::Error| if e.is_unique_violation() { AppError::invalid("name", Invalid::Taken).into() } else { e };
    let id = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let known: Option<Id> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1").bind(g.category_id).fetch_optional(&mut *tx).await?;
        known.ok_or_else(|| AppError::invalid("category_id", Invalid::NotFound))?;
        if let Some(branch) = g.branch_id {
            let known: Option<Id> = sqlx::query_scalar("SELECT id FROM branches WHERE id = $1").bind(branch).fetch_optional(&mut *tx).await?;
            known.ok_or_else(|| AppError::invalid("branch_id", Invalid::NotFound))?;
        }
        let id = match draft.id {
            None => sqlx::query_scalar(
                "INSERT INTO training_groups (name, category_id, branch_id, start_date, capacity, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&g.name)
            .bind(g.category_id)
            .bind(g.branch_id)
            .bind(g.start_date)
            .bind(g.capacity)
            .bind(g.status.as_str())
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| taken(e.into()))?,
            Some(id) => {
                let seats: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE group_id = $1 AND cancelled_at IS NULL")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                if i64::from(g.capacity) < seats {
                    return Err(AppError::invalid("capacity", Invalid::OutOfRange).into());
                }
                let changed = sqlx::query(
                    "UPDATE training_groups SET name = $1, category_id = $2, branch_id = $3, start_date = $4, capacity = $5, status = $6 \
                     WHERE id = $7",
                )
                .bind(&g.name)
                .bind(g.category_id)
                .bind(g.branch_id)
                .bind(g.start_date)
                .bind(g.capacity)
                .bind(g.status.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| taken(e.into()))?
                .rows_affected();
                if changed == 0 {
                    return Err(AppError::NotFound.into());
                }
                id
            }
        };
        tx.commit().await?;
        id
    });
    tracing::info!(group = id, by = actor.id, "group saved");
    Ok(id)
}

//! Funnel stages with their reasons.

use crate::db::Db;
use crate::error::Result;
use crate::rows::{ReasonRow, StageRow};
use crate::with_pool;
use domain::stage::{Reason, Stage};

/// Every stage in position order, each with its reasons (retired ones included, so history can
/// name them; `Stage::check_reason` ignores them for new moves).
pub async fn list_stages(db: &Db) -> Result<Vec<Stage>> {
    let (stages, reasons) = with_pool!(db, pool => {
        let stages = sqlx::query_as::<_, StageRow>("SELECT id, name, color, position, kind, shown_on_board, enrolment FROM stages ORDER BY position, id")
            .fetch_all(pool)
            .await?;
        let reasons = sqlx::query_as::<_, ReasonRow>("SELECT id, stage_id, name, position, retired FROM stage_reasons ORDER BY stage_id, position, id")
            .fetch_all(pool)
            .await?;
        (stages, reasons)
    });
    let reasons: Vec<Reason> = reasons.into_iter().map(Reason::from).collect();
    Ok(stages
        .into_iter()
        .map(|s| {
            let own = reasons.iter().filter(|r| r.stage_id == s.id).cloned().collect();
            s.into_stage(own)
        })
        .collect())
}

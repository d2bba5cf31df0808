//! What nearly every request reads before it acts: the school's settings, its stages with their
//! reasons, and the automation rules.
//!
//! The settings row is read fresh each time (one row by primary key). Stages and rules are kept in
//! memory for as long as the row's `config_generation` stays the same: triggers bump it in the
//! same transaction as any change to those tables (migration 0007), whichever process or tool made
//! it, so a snapshot is never older than the generation it was read under.

use crate::automation;
use crate::db::Db;
use crate::error::Result;
use crate::rows::{SettingsRow, SETTINGS_COLUMNS};
use crate::{stages, with_pool};
use domain::automation::Rule;
use domain::settings::SchoolSettings;
use domain::stage::Stage;
use std::sync::{Arc, PoisonError, RwLock};

/// The school's configuration as one request sees it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The defaults before set-up.
    pub settings: SchoolSettings,
    /// Every stage in board order, with its reasons.
    pub stages: Arc<Vec<Stage>>,
    /// Every automation rule, active or not.
    pub rules: Arc<Vec<Rule>>,
}

impl Snapshot {
    pub fn stage(&self, id: domain::Id) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// The stages and rules last read, and the generation they were read under.
#[derive(Debug, Default)]
pub struct ConfigCache {
    kept: RwLock<Option<Kept>>,
}

#[derive(Debug)]
struct Kept {
    generation: i64,
    stages: Arc<Vec<Stage>>,
    rules: Arc<Vec<Rule>>,
}

#[derive(sqlx::FromRow)]
struct GenerationRow {
    #[sqlx(flatten)]
    settings: SettingsRow,
    config_generation: i64,
}

/// Reads the settings, and the stages and rules from memory when nothing changed them since.
pub async fn snapshot(db: &Db) -> Result<Snapshot> {
    let sql = format!("SELECT {SETTINGS_COLUMNS}, config_generation FROM school_settings WHERE id = 1");
    let row = with_pool!(db, pool => sqlx::query_as::<_, GenerationRow>(&sql).fetch_optional(pool).await)?;
    let Some(row) = row else {
        // Before set-up there is nothing worth keeping.
        let (stages, rules) = (stages::list_stages(db).await?, automation::rules(db).await?);
        return Ok(Snapshot { settings: SchoolSettings::default(), stages: Arc::new(stages), rules: Arc::new(rules) });
    };
    let settings = SchoolSettings::from(row.settings);
    let generation = row.config_generation;
    if let Some(kept) = db.config.kept.read().unwrap_or_else(PoisonError::into_inner).as_ref().filter(|k| k.generation == generation) {
        return Ok(Snapshot { settings, stages: kept.stages.clone(), rules: kept.rules.clone() });
    }
    // Read after the generation: if a change lands in between, these are newer than the
    // generation they are kept under, and the next request reads them again.
    let (stages, rules) = (Arc::new(stages::list_stages(db).await?), Arc::new(automation::rules(db).await?));
    *db.config.kept.write().unwrap_or_else(PoisonError::into_inner) =
        Some(Kept { generation, stages: stages.clone(), rules: rules.clone() });
    Ok(Snapshot { settings, stages, rules })
}

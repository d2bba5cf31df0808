//! Changes to leads as the live stream carries them to every open board.

use crate::Id;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadEventKind {
    Created,
    Moved,
    Updated,
}

/// Enough for a board to know which columns to refresh and whom the lead is visible to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadEvent {
    pub kind: LeadEventKind,
    pub lead_id: Id,
    /// The stage before a move (`None` for other kinds).
    pub from_stage: Option<Id>,
    pub stage_id: Id,
    pub responsible_id: Option<Id>,
    pub actor_id: Id,
    pub version: i64,
}

impl LeadEvent {
    /// What happened to `lead`, as it is now; `from_stage` is the stage a move left.
    pub fn about(kind: LeadEventKind, lead: &crate::lead::Lead, from_stage: Option<Id>, actor_id: Id) -> LeadEvent {
        LeadEvent {
            kind,
            lead_id: lead.id,
            from_stage,
            stage_id: lead.stage_id,
            responsible_id: lead.responsible_id,
            actor_id,
            version: lead.version,
        }
    }
}

//! The lead's timeline, which doubles as its audit log.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Declares [`TimelineEvent`] once, as two serde shapes of one variant list: the enum itself,
/// internally tagged (`kind`), which is how the database stores an event as JSON; and
/// `TimelineEventWire`, a serde `remote` of it, externally tagged, which is how a server function
/// sends it to the browser, because postcard (`app::wire`) cannot decode an internally tagged enum.
macro_rules! timeline_event {
    ($($variants:tt)*) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum TimelineEvent {
            $($variants)*
        }

        #[derive(Serialize, Deserialize)]
        #[serde(remote = "TimelineEvent", rename_all = "snake_case")]
        enum TimelineEventWire {
            $($variants)*
        }
    };
}

timeline_event! {
    /// Free text by a user; the only kind its author may edit or delete.
    Note {
        text: String,
    },
    StageChanged {
        from: Option<Id>,
        to: Id,
        reason: Option<Id>,
    },
    FieldChanged {
        field: String,
        old: Option<String>,
        new: Option<String>,
    },
    Created,
    Transferred {
        from: Option<Id>,
        to: Option<Id>,
    },
    Postponed {
        until: Option<DateTime<Utc>>,
    },
    Archived,
    Restored,
    MarkedDuplicate {
        of: Id,
    },
    /// Written on the original when another lead is marked as its duplicate.
    DuplicateFound {
        duplicate: Id,
    },
    TaskCreated {
        task_id: Id,
        title: String,
    },
    /// Its title, kind, due time or assignee changed.
    TaskChanged {
        task_id: Id,
        title: String,
    },
    TaskDone {
        task_id: Id,
        title: String,
    },
    TaskReopened {
        task_id: Id,
        title: String,
    },
    Call {
        direction: String,
        duration_secs: i64,
        recording_url: Option<String>,
        outcome: Option<String>,
    },
    Enrolled {
        contract_id: Id,
        group_id: Id,
        #[serde(default)]
        number: String,
        #[serde(default)]
        group_name: String,
    },
    EnrolmentCancelled {
        contract_id: Id,
        reason: String,
    },
    Imported {
        import_id: Id,
    },
}

impl TimelineEvent {
    /// The stored `kind` column, for filtering by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            TimelineEvent::Note { .. } => "note",
            TimelineEvent::StageChanged { .. } => "stage_changed",
            TimelineEvent::FieldChanged { .. } => "field_changed",
            TimelineEvent::Created => "created",
            TimelineEvent::Transferred { .. } => "transferred",
            TimelineEvent::Postponed { .. } => "postponed",
            TimelineEvent::Archived => "archived",
            TimelineEvent::Restored => "restored",
            TimelineEvent::MarkedDuplicate { .. } => "marked_duplicate",
            TimelineEvent::DuplicateFound { .. } => "duplicate_found",
            TimelineEvent::TaskCreated { .. } => "task_created",
            TimelineEvent::TaskChanged { .. } => "task_changed",
            TimelineEvent::TaskDone { .. } => "task_done",
            TimelineEvent::TaskReopened { .. } => "task_reopened",
            TimelineEvent::Call { .. } => "call",
            TimelineEvent::Enrolled { .. } => "enrolled",
            TimelineEvent::EnrolmentCancelled { .. } => "enrolment_cancelled",
            TimelineEvent::Imported { .. } => "imported",
        }
    }

    pub fn is_note(&self) -> bool {
        matches!(self, TimelineEvent::Note { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: Id,
    pub lead_id: Id,
    pub author_id: Option<Id>,
    /// Entries travel only to the browser; the database keeps the event's JSON form.
    #[serde(with = "TimelineEventWire")]
    pub event: TimelineEvent,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_their_kind() {
        let e = TimelineEvent::StageChanged { from: Some(1), to: 2, reason: None };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], e.kind());
        assert_eq!(serde_json::from_value::<TimelineEvent>(json).unwrap(), e);
        assert!(TimelineEvent::Note { text: "x".into() }.is_note());
        assert!(!TimelineEvent::Created.is_note());
    }

    #[test]
    fn entries_round_trip_through_the_wire_codec() {
        let events = [
            TimelineEvent::Created,
            TimelineEvent::Note { text: "перезвонить".into() },
            TimelineEvent::StageChanged { from: Some(1), to: 2, reason: None },
            TimelineEvent::Enrolled { contract_id: 3, group_id: 4, number: "A-1".into(), group_name: "Утро".into() },
        ];
        for event in events {
            let entry = TimelineEntry { id: 1, lead_id: 2, author_id: None, event, created_at: Utc::now(), edited_at: None };
            let bytes = postcard::to_allocvec(&entry).unwrap();
            assert_eq!(postcard::from_bytes::<TimelineEntry>(&bytes).unwrap(), entry);
        }
    }
}

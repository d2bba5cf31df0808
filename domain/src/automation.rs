//! Automation rules (seed 004): who becomes responsible for a new lead, the first-contact task,
//! and tasks created when a lead enters a stage. Deputy and above configure them; the backend runs
//! them inside the transaction of the change that triggers them.

use crate::error::Invalid;
use crate::task::{TaskKind, MAX_TITLE_LEN};
use crate::{AppError, Id};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Who becomes responsible for a lead created without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assign {
    /// Whoever created it (also the behaviour without a rule).
    Creator,
    /// Active sales users in turn: those of the lead's branch and those without a branch; all
    /// active sales users when the lead has no branch; the creator when there is nobody.
    RoundRobin,
    /// One named user; the creator when that user is no longer active.
    User { user_id: Id },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayUnit {
    Minutes,
    Hours,
    Days,
}

/// "Due in N minutes / hours / days". Days are calendar days on the school's clock, so "in 1 day"
/// keeps the hour across a daylight-saving change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delay {
    pub amount: u32,
    pub unit: DelayUnit,
}

/// At most a year ahead.
pub const MAX_DELAY_MINUTES: u32 = 366 * 24 * 60;

impl Delay {
    pub fn minutes(self) -> u64 {
        let per = match self.unit {
            DelayUnit::Minutes => 1,
            DelayUnit::Hours => 60,
            DelayUnit::Days => 24 * 60,
        };
        u64::from(self.amount) * per
    }

    /// When a task made at `now` falls due, on the clock of `tz`.
    pub fn due_after<Tz: TimeZone>(self, now: DateTime<Utc>, tz: &Tz) -> DateTime<Utc> {
        match self.unit {
            DelayUnit::Days => {
                let local = now.with_timezone(tz).naive_local() + chrono::Days::new(u64::from(self.amount));
                // A local time skipped by a clock change falls back to plain 24-hour days.
                tz.from_local_datetime(&local)
                    .earliest()
                    .map(|d| d.with_timezone(&Utc))
                    .unwrap_or_else(|| now + Duration::days(i64::from(self.amount)))
            }
            _ => now + Duration::minutes(self.minutes() as i64),
        }
    }
}

/// A task a rule creates; its assignee is the lead's responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskTemplate {
    pub title: String,
    pub kind: TaskKind,
    pub delay: Delay,
}

impl TaskTemplate {
    pub fn validate(&self) -> Result<TaskTemplate, AppError> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(AppError::invalid("title", Invalid::Required));
        }
        if title.chars().count() > MAX_TITLE_LEN {
            return Err(AppError::invalid("title", Invalid::TooLong));
        }
        if self.delay.minutes() > u64::from(MAX_DELAY_MINUTES) {
            return Err(AppError::invalid("delay", Invalid::OutOfRange));
        }
        Ok(TaskTemplate { title: title.to_string(), ..self.clone() })
    }
}

/// What a rule does, and on what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "trigger", rename_all = "snake_case")]
pub enum RuleConfig {
    /// The school has at most one: on a new lead, choose the responsible and, optionally, create
    /// the first-contact task.
    LeadCreated { assign: Assign, first_contact: Option<TaskTemplate> },
    /// On entering `stage_id` (by a move, or by being created there): create a task.
    StageEntered { stage_id: Id, task: TaskTemplate },
}

impl RuleConfig {
    pub fn trigger(&self) -> &'static str {
        match self {
            RuleConfig::LeadCreated { .. } => "lead_created",
            RuleConfig::StageEntered { .. } => "stage_entered",
        }
    }

    pub fn stage_id(&self) -> Option<Id> {
        match self {
            RuleConfig::LeadCreated { .. } => None,
            RuleConfig::StageEntered { stage_id, .. } => Some(*stage_id),
        }
    }

    /// The rule with trimmed titles, or the first thing wrong with it.
    pub fn validate(&self) -> Result<RuleConfig, AppError> {
        Ok(match self {
            RuleConfig::LeadCreated { assign, first_contact } => {
                RuleConfig::LeadCreated { assign: *assign, first_contact: first_contact.as_ref().map(TaskTemplate::validate).transpose()? }
            }
            RuleConfig::StageEntered { stage_id, task } => RuleConfig::StageEntered { stage_id: *stage_id, task: task.validate()? },
        })
    }
}

/// [`RuleConfig`] (and its [`Assign`]) as a server function sends them to the browser:
/// externally tagged, which postcard (`app::wire`) can decode, where the stored JSON form is
/// internally tagged (`trigger`, `kind`). serde checks these copies against the enums: a variant
/// or field missing here does not compile.
#[derive(Serialize, Deserialize)]
#[serde(remote = "RuleConfig", rename_all = "snake_case")]
enum RuleConfigWire {
    LeadCreated {
        #[serde(with = "AssignWire")]
        assign: Assign,
        first_contact: Option<TaskTemplate>,
    },
    StageEntered {
        stage_id: Id,
        task: TaskTemplate,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Assign", rename_all = "snake_case")]
enum AssignWire {
    Creator,
    RoundRobin,
    User { user_id: Id },
}

/// `Option<RuleConfig>` in its wire form.
mod rule_config_option {
    use super::{RuleConfig, RuleConfigWire};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Wire(#[serde(with = "RuleConfigWire")] RuleConfig);

    pub fn serialize<S: Serializer>(value: &Option<RuleConfig>, serializer: S) -> Result<S::Ok, S::Error> {
        value.clone().map(Wire).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<RuleConfig>, D::Error> {
        Ok(Option::<Wire>::deserialize(deserializer)?.map(|wire| wire.0))
    }
}

/// Rules and their audit travel only to the browser; the database keeps the configs' JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: Id,
    #[serde(with = "RuleConfigWire")]
    pub config: RuleConfig,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

/// One change to the rules, for the audit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleAudit {
    pub id: Id,
    pub user_id: Option<Id>,
    pub action: RuleAuditAction,
    pub rule_id: Id,
    /// The rule as it was before the change (`None` when created).
    #[serde(with = "rule_config_option")]
    pub before: Option<RuleConfig>,
    /// The rule after the change (`None` when deleted).
    #[serde(with = "rule_config_option")]
    pub after: Option<RuleConfig>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAuditAction {
    Created,
    Changed,
    Enabled,
    Disabled,
    Deleted,
}

/// Round robin: the `turn`-th pick (from 1) among `candidates` in a stable order.
pub fn round_robin_pick(candidates: &[Id], turn: i64) -> Option<Id> {
    if candidates.is_empty() {
        return None;
    }
    let n = candidates.len() as i64;
    Some(candidates[((turn - 1).rem_euclid(n)) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn template(title: &str, amount: u32, unit: DelayUnit) -> TaskTemplate {
        TaskTemplate { title: title.into(), kind: TaskKind::Call, delay: Delay { amount, unit } }
    }

    #[test]
    fn rules_are_validated() {
        let ok = RuleConfig::StageEntered { stage_id: 1, task: template("  Перезвонить ", 2, DelayUnit::Hours) };
        match ok.validate().unwrap() {
            RuleConfig::StageEntered { task, .. } => assert_eq!(task.title, "Перезвонить"),
            other => panic!("{other:?}"),
        }
        assert!(RuleConfig::StageEntered { stage_id: 1, task: template(" ", 2, DelayUnit::Hours) }.validate().is_err());
        assert!(RuleConfig::StageEntered { stage_id: 1, task: template("x", 367, DelayUnit::Days) }.validate().is_err());
        let created = RuleConfig::LeadCreated { assign: Assign::RoundRobin, first_contact: None };
        assert_eq!(created.validate().unwrap(), created);
        assert_eq!(created.trigger(), "lead_created");
        let json = serde_json::to_string(&ok).unwrap();
        assert_eq!(serde_json::from_str::<RuleConfig>(&json).unwrap(), ok);
    }

    #[test]
    fn rules_and_their_audit_round_trip_through_the_wire_codec() {
        let configs = [
            RuleConfig::LeadCreated {
                assign: Assign::User { user_id: 7 },
                first_contact: Some(template("Позвонить", 15, DelayUnit::Minutes)),
            },
            RuleConfig::LeadCreated { assign: Assign::RoundRobin, first_contact: None },
            RuleConfig::StageEntered { stage_id: 3, task: template("Напомнить", 1, DelayUnit::Days) },
        ];
        for config in configs {
            let rule = Rule { id: 1, config: config.clone(), active: true, updated_at: Utc::now() };
            assert_eq!(postcard::from_bytes::<Rule>(&postcard::to_allocvec(&rule).unwrap()).unwrap(), rule);
            let audit = RuleAudit {
                id: 2,
                user_id: Some(1),
                action: RuleAuditAction::Changed,
                rule_id: 1,
                before: None,
                after: Some(config),
                active: true,
                created_at: Utc::now(),
            };
            assert_eq!(postcard::from_bytes::<RuleAudit>(&postcard::to_allocvec(&audit).unwrap()).unwrap(), audit);
        }
    }

    #[test]
    fn delays_count_minutes_hours_and_calendar_days() {
        let now = Utc.with_ymd_and_hms(2026, 3, 28, 9, 0, 0).unwrap();
        let moscow = FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(Delay { amount: 15, unit: DelayUnit::Minutes }.due_after(now, &moscow), now + Duration::minutes(15));
        assert_eq!(Delay { amount: 3, unit: DelayUnit::Hours }.due_after(now, &moscow), now + Duration::hours(3));
        assert_eq!(Delay { amount: 2, unit: DelayUnit::Days }.due_after(now, &moscow), now + Duration::days(2));
    }

    #[test]
    fn days_keep_the_local_hour_across_a_clock_change() {
        // Berlin moves its clocks forward on 29 March 2026: a day later is 23 hours later.
        let berlin = chrono_tz::Europe::Berlin;
        let now = Utc.with_ymd_and_hms(2026, 3, 28, 9, 0, 0).unwrap(); // 10:00 in Berlin
        let due = Delay { amount: 1, unit: DelayUnit::Days }.due_after(now, &berlin);
        assert_eq!(due.with_timezone(&berlin).format("%H:%M").to_string(), "10:00");
        assert_eq!(due - now, Duration::hours(23));
    }

    #[test]
    fn round_robin_cycles_through_candidates() {
        let picks: Vec<_> = (1..=7).map(|t| round_robin_pick(&[4, 7, 9], t).unwrap()).collect();
        assert_eq!(picks, [4, 7, 9, 4, 7, 9, 4]);
        assert_eq!(round_robin_pick(&[], 3), None);
    }
}

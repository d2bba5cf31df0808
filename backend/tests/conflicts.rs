//! Two clients editing and moving the same lead at once, a thousand times each, on both
//! databases: every write is based on the version its client last saw; a write over a newer
//! version is refused with the current version (the loser is told) and never lands silently.

use backend::both;
use backend::testing::{set_up, user};
use backend::{edits, leads, moves, stages, with_pool};
use domain::lead::{Lead, LeadDraft, MoveLead};
use domain::preset::StagePreset;
use domain::user::{Role, User};
use domain::{AppError, Id};
use std::collections::BTreeSet;

const ATTEMPTS: usize = 1_000;

#[derive(Default)]
struct Tally {
    /// The versions the successful writes were based on.
    won_from: Vec<i64>,
    edits: usize,
    moves: usize,
    /// Moves to the stage the lead was already in: accepted, nothing written.
    unchanged: usize,
    told: usize,
}

/// One client: alternately renames and moves the lead from the version it last saw; when told it
/// lost, takes the version it was told and goes on.
async fn client(db: backend::Db, actor: User, lead: Lead, stages: Vec<Id>, name: &'static str) -> Tally {
    let mut tally = Tally::default();
    let mut seen = lead.version;
    let mut stage = lead.stage_id;
    for i in 0..ATTEMPTS {
        let editing = i % 2 == 0;
        let result = if editing {
            let draft = LeadDraft { first_name: format!("{name} {i}"), ..LeadDraft::from_lead(&lead) };
            edits::update_lead(&db, &actor, lead.id, seen, draft).await
        } else {
            let to = stages[(i / 2) % stages.len()];
            moves::move_lead(&db, &actor, MoveLead { lead_id: lead.id, to_stage: to, reason: None, expected_version: seen }).await
        };
        match result.map_err(AppError::from) {
            Ok(now) if now.version == seen => {
                assert_eq!(now.stage_id, stage, "only a move to the current stage changes nothing");
                tally.unchanged += 1;
            }
            Ok(now) => {
                // The write made version `seen + 1`; the lead read back after it may already hold
                // the other client's next write, and then the client sees that too.
                assert!(now.version > seen, "a write raises the version");
                tally.won_from.push(seen);
                if editing {
                    tally.edits += 1;
                } else {
                    tally.moves += 1;
                }
                seen = now.version;
                stage = now.stage_id;
            }
            Err(AppError::Conflict { current_version }) => {
                assert!(current_version > seen, "the loser is told a newer version");
                tally.told += 1;
                let fresh = leads::get_lead(&db, lead.id).await.unwrap().unwrap();
                seen = fresh.version;
                stage = fresh.stage_id;
            }
            Err(other) => panic!("{name}: attempt {i} failed with {other:?} instead of winning or being told"),
        }
    }
    tally
}

both!(two_clients_never_overwrite_each_other, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Deputy).await;
    let all = stages::list_stages(&db).await.unwrap();
    let open: Vec<Id> = all.iter().filter(|s| s.kind == domain::stage::StageKind::Open && !s.enrolment).map(|s| s.id).collect();
    assert!(open.len() >= 2, "the preset has two open stages to move between");
    let draft = LeadDraft { first_name: "Спорный".into(), stage_id: Some(open[0]), ..LeadDraft::default() };
    let lead = leads::create_lead(&db, &owner, draft).await.unwrap();

    let a = tokio::spawn(client(db.clone(), owner.clone(), lead.clone(), open.clone(), "Первый"));
    let b = tokio::spawn(client(db.clone(), anna.clone(), lead.clone(), open.iter().rev().copied().collect(), "Второй"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());

    let wins = a.won_from.len() + b.won_from.len();
    assert_eq!(wins + a.unchanged + b.unchanged + a.told + b.told, 2 * ATTEMPTS, "every attempt won or was told");
    assert!(a.told + b.told > 0, "the clients did collide");
    // No two writes were based on the same version: none overwrote another unseen.
    let bases: BTreeSet<i64> = a.won_from.iter().chain(&b.won_from).copied().collect();
    assert_eq!(bases.len(), wins, "two writes from one version");
    let last = leads::get_lead(&db, lead.id).await.unwrap().unwrap();
    assert_eq!(last.version as usize, lead.version as usize + wins, "every write that won is in the version");
    // And each one is in the timeline: a stage change per move, a field change per rename.
    assert_eq!(moves::stage_changes(&db, lead.id).await.unwrap() as usize, a.moves + b.moves);
    let renames: i64 = with_pool!(&db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM timeline WHERE lead_id = $1 AND kind = 'field_changed'"
    ).bind(lead.id).fetch_one(pool).await)
    .unwrap();
    assert_eq!(renames as usize, a.edits + b.edits);
});

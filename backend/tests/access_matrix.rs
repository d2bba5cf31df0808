//! The access rules at every door, on both databases: each role, on a lead of its own and on
//! someone else's, under both visibility settings, calls every lead service directly with the
//! other lead's id. What is allowed works; an invisible lead is "not found"; a visible lead that
//! is not theirs to change is "forbidden". 5 roles × 2 owners × 2 settings × 15 doors = 300 cases.

use backend::both;
use backend::testing::{set_up, user};
use backend::{actions, board, calls, edits, enrolment, leads, list, moves, search, stages, timeline};
use chrono::{Duration, Utc};
use domain::filter::LeadFilter;
use domain::lead::{LeadDraft, MoveLead};
use domain::list::ListView;
use domain::preset::StagePreset;
use domain::user::{Role, User};
use domain::{AppError, Id};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    Timeline,
    Board,
    List,
    Search,
    Edit,
    Move,
    AddNote,
    EditOthersNote,
    Transfer,
    Postpone,
    Archive,
    CallNoAnswer,
    Contracts,
    EnrolmentOptions,
    Export,
}

const DOORS: [Door; 15] = [
    Door::Timeline,
    Door::Board,
    Door::List,
    Door::Search,
    Door::Edit,
    Door::Move,
    Door::AddNote,
    Door::EditOthersNote,
    Door::Transfer,
    Door::Postpone,
    Door::Archive,
    Door::CallNoAnswer,
    Door::Contracts,
    Door::EnrolmentOptions,
    Door::Export,
];

/// What a door answered: whether the lead was reachable, or the refusal.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    /// Lists, board and search: the lead was (not) among the results.
    Listed(bool),
    Refused(AppError),
}

fn outcome<T>(r: Result<T, backend::Error>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(e) => Outcome::Refused(e.into()),
    }
}

async fn knock(db: &backend::Db, actor: &User, door: Door, lead: Id, name: &str, other_note: Id, handover: Id) -> Outcome {
    let second_stage = stages::list_stages(db).await.unwrap()[1].id;
    match door {
        Door::Timeline => outcome(timeline::list(db, actor, lead, &[], None).await),
        Door::Board => {
            let b = board::load_board(db, actor, &LeadFilter::default()).await.unwrap();
            Outcome::Listed(b.columns.iter().any(|c| c.cards.iter().any(|card| card.id == lead)))
        }
        Door::List => {
            let page = list::list_leads(db, actor, &LeadFilter::default(), &ListView::default(), None).await.unwrap();
            Outcome::Listed(page.rows.iter().any(|r| r.id == lead))
        }
        Door::Search => Outcome::Listed(search::quick(db, actor, name).await.unwrap().0.iter().any(|r| r.id == lead)),
        Door::Edit => {
            let draft =
                LeadDraft { first_name: name.into(), surname: "Изменённый".into(), stage_id: Some(0), ..LeadDraft::default() };
            outcome(edits::update_lead(db, actor, lead, 1, draft).await)
        }
        Door::Move => outcome(
            moves::move_lead(db, actor, MoveLead { lead_id: lead, to_stage: second_stage, reason: None, expected_version: 1 }).await,
        ),
        Door::AddNote => outcome(timeline::add_note(db, actor, lead, "заметка").await),
        Door::EditOthersNote => outcome(timeline::edit_note(db, actor, other_note, "чужая").await),
        Door::Transfer => outcome(actions::transfer(db, actor, lead, 1, handover).await),
        Door::Postpone => outcome(actions::postpone(db, actor, lead, 1, Some(Utc::now() + Duration::days(1))).await),
        Door::Archive => outcome(actions::set_archived(db, actor, lead, 1, true).await),
        Door::CallNoAnswer => outcome(calls::no_answer(db, actor, lead).await),
        Door::Contracts => outcome(enrolment::contracts_of(db, actor, lead).await),
        Door::EnrolmentOptions => outcome(enrolment::options(db, actor, lead).await),
        Door::Export => {
            let table = backend::export::export_table(db, actor, &LeadFilter::default()).await.unwrap();
            Outcome::Listed(table.iter().any(|row| row[1] == name))
        }
    }
}

fn expected(door: Door, role: Role, own: bool, sales_see_all: bool) -> Outcome {
    let senior = role.is_deputy_or_above();
    let visible = senior || own || sales_see_all;
    let editable = senior || own;
    match door {
        Door::Board | Door::List | Door::Search | Door::Export => Outcome::Listed(visible),
        _ if !visible => Outcome::Refused(AppError::NotFound),
        Door::Timeline | Door::Contracts => Outcome::Ok,
        // A note belongs to its author alone, whatever the role.
        Door::EditOthersNote => Outcome::Refused(AppError::Forbidden),
        _ if !editable => Outcome::Refused(AppError::Forbidden),
        _ => Outcome::Ok,
    }
}

both!(every_role_at_every_door, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let director = user(&db, "director", Role::Director).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let admin = user(&db, "administrator", Role::Administrator).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let stranger = user(&db, "stranger", Role::Sales).await;
    let handover = user(&db, "handover", Role::Sales).await;
    // Notes on every lead are written by someone senior who is never the actor.
    let noter = user(&db, "noter", Role::Deputy).await;
    let first_stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mut cases = 0;
    let mut failures = Vec::new();
    for sales_see_all in [true, false] {
        let setting = if sales_see_all { "all" } else { "own" };
        backend::with_pool!(&db, pool => sqlx::query(&format!("UPDATE school_settings SET lead_visibility = '{setting}'")).execute(pool).await.map(|_| ())).unwrap();
        for actor in [&owner, &director, &deputy, &admin, &sales] {
            for own in [true, false] {
                for door in DOORS {
                    // A fresh lead per case, so no case sees another's changes; names are unique for search.
                    cases += 1;
                    let name = format!("Доступов{cases:03}");
                    let responsible = if own { actor.id } else { stranger.id };
                    let draft = LeadDraft {
                        first_name: name.clone(),
                        stage_id: Some(first_stage),
                        responsible_id: Some(responsible),
                        ..LeadDraft::default()
                    };
                    let lead = leads::create_lead(&db, &owner, draft).await.unwrap();
                    let others_note = timeline::add_note(&db, &noter, lead.id, "заметка заместителя").await.unwrap();
                    let got = knock(&db, actor, door, lead.id, &name, others_note, handover.id).await;
                    let want = expected(door, actor.role, own, sales_see_all);
                    if got != want {
                        failures.push(format!("{:?} own={own} all={sales_see_all} {door:?}: got {got:?}, want {want:?}", actor.role));
                    }
                    // A refused call changed nothing: the lead is still at version 1 and in its stage.
                    if matches!(want, Outcome::Refused(_)) {
                        let after = leads::get_lead(&db, lead.id).await.unwrap().unwrap();
                        assert_eq!(
                            (after.version, after.stage_id, after.archived),
                            (1, first_stage, false),
                            "{door:?} changed a refused lead"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(cases, 300);
    assert!(failures.is_empty(), "{} of {cases} cases wrong:\n{}", failures.len(), failures.join("\n"));
});

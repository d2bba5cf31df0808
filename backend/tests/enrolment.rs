//! Training groups and enrolment on both databases: the group form's rules, enrolment into a
//! fitting group with a seat, the contract sequence, once per lead, cancellation, the plain-move
//! guard, and two enrolments racing for the last seat.

use backend::testing::{set_up, user};
use backend::{both, enrolment, groups, leads, moves, stages, timeline, with_pool, Db};
use chrono::{Datelike, NaiveDate};
use domain::error::Invalid;
use domain::group::{EnrolmentDraft, GroupDraft, GroupStatus};
use domain::lead::{LeadDraft, MoveLead};
use domain::preset::StagePreset;
use domain::user::{Role, User};
use domain::{AppError, Id};

fn err(e: backend::Error) -> AppError {
    e.into()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

async fn category(db: &Db, name: &str) -> Id {
    with_pool!(db, pool => sqlx::query_scalar("SELECT id FROM categories WHERE name = $1").bind(name).fetch_one(pool).await).unwrap()
}

async fn branch(db: &Db, name: &str) -> Id {
    with_pool!(db, pool => sqlx::query_scalar("INSERT INTO branches (name, position) VALUES ($1, 0) RETURNING id").bind(name).fetch_one(pool).await)
        .unwrap()
}

fn group(name: &str, category_id: Id, branch_id: Option<Id>, capacity: i32) -> GroupDraft {
    GroupDraft {
        id: None,
        name: name.into(),
        category_id: Some(category_id),
        branch_id,
        start_date: day(2027, 2, 1),
        capacity,
        status: GroupStatus::Recruiting,
    }
}

async fn lead(db: &Db, by: &User, name: &str, category_id: Option<Id>, branch_id: Option<Id>) -> domain::lead::Lead {
    let stage = stages::list_stages(db).await.unwrap()[0].id;
    let draft = LeadDraft { first_name: name.into(), stage_id: Some(stage), category_id, branch_id, ..LeadDraft::default() };
    leads::create_lead(db, by, draft).await.unwrap()
}

fn enrol_draft(lead: &domain::lead::Lead, group_id: Id, number: &str) -> EnrolmentDraft {
    EnrolmentDraft {
        lead_id: lead.id,
        group_id: Some(group_id),
        number: number.into(),
        signed_on: day(2027, 1, 15),
        price: "45 000".into(),
        expected_version: lead.version,
    }
}

both!(groups_are_configured_by_deputy_and_above, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let b = category(&db, "B").await;
    let id = groups::save_group(&db, &owner, &group("B-1", b, None, 20)).await.unwrap();
    assert_eq!(
        err(groups::save_group(&db, &owner, &group("B-1", b, None, 5)).await.unwrap_err()),
        AppError::invalid("name", Invalid::Taken)
    );
    assert_eq!(
        err(groups::save_group(&db, &owner, &group("B-2", 9999, None, 5)).await.unwrap_err()),
        AppError::invalid("category_id", Invalid::NotFound)
    );
    assert_eq!(err(groups::save_group(&db, &sales, &group("B-3", b, None, 5)).await.unwrap_err()), AppError::Forbidden);
    assert_eq!(err(groups::list_groups(&db, &sales).await.unwrap_err()), AppError::Forbidden);
    let changed = GroupDraft { id: Some(id), name: "B-1 утро".into(), status: GroupStatus::Started, ..group("", b, None, 2) };
    groups::save_group(&db, &owner, &changed).await.unwrap();
    let list = groups::list_groups(&db, &owner).await.unwrap();
    assert_eq!(list.len(), 1);
    let g = &list[0];
    assert_eq!(
        (g.group.name.as_str(), g.group.capacity, g.group.status, g.category.as_str(), g.group.seats_left()),
        ("B-1 утро", 2, GroupStatus::Started, "B", 2)
    );

    // Capacity never drops below the seats taken.
    let l = lead(&db, &owner, "Ученик", Some(b), None).await;
    enrolment::enrol(&db, &owner, &enrol_draft(&l, id, "D-1")).await.unwrap();
    enrolment::enrol(&db, &owner, &enrol_draft(&lead(&db, &owner, "Второй", Some(b), None).await, id, "D-2")).await.unwrap();
    let shrink = GroupDraft { capacity: 1, ..changed };
    assert_eq!(err(groups::save_group(&db, &owner, &shrink).await.unwrap_err()), AppError::invalid("capacity", Invalid::OutOfRange));
});

both!(enrolment_writes_the_contract_moves_the_lead_and_holds_the_rules, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    let won = s.iter().find(|x| x.enrolment).unwrap().id;
    let (b, a) = (category(&db, "B").await, category(&db, "A").await);
    let (north, south) = (branch(&db, "Север").await, branch(&db, "Юг").await);
    let b_north = groups::save_group(&db, &owner, &group("B север", b, Some(north), 1)).await.unwrap();
    let b_any = groups::save_group(&db, &owner, &group("B любой", b, None, 10)).await.unwrap();
    let b_south = groups::save_group(&db, &owner, &group("B юг", b, Some(south), 10)).await.unwrap();
    let a_group = groups::save_group(&db, &owner, &group("A", a, None, 10)).await.unwrap();
    let done =
        groups::save_group(&db, &owner, &GroupDraft { status: GroupStatus::Finished, ..group("B старый", b, None, 10) }).await.unwrap();

    let l = lead(&db, &anna, "Евгений", Some(b), Some(north)).await;
    // The dialog offers the lead's category in its branch or in no branch, never finished ones.
    let offered = enrolment::options(&db, &anna, l.id).await.unwrap();
    let ids: Vec<Id> = offered.groups.iter().map(|g| g.group.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&b_north) && ids.contains(&b_any));
    assert_eq!(offered.blocked, None);
    let first = offered.next_number.clone();
    assert!(first.ends_with("-0001"), "{first}");

    // Another's lead, a stale version, a group that does not fit, a bad price.
    assert_eq!(err(enrolment::enrol(&db, &boris, &enrol_draft(&l, b_north, "X")).await.unwrap_err()), AppError::Forbidden);
    for wrong in [b_south, a_group, done] {
        assert_eq!(
            err(enrolment::enrol(&db, &anna, &enrol_draft(&l, wrong, "X")).await.unwrap_err()),
            AppError::invalid("group_id", Invalid::GroupMismatch)
        );
    }
    let bad_price = EnrolmentDraft { price: "дорого".into(), ..enrol_draft(&l, b_north, "X") };
    assert_eq!(err(enrolment::enrol(&db, &anna, &bad_price).await.unwrap_err()), AppError::invalid("price", Invalid::Price));
    let stale = EnrolmentDraft { expected_version: 0, ..enrol_draft(&l, b_north, "X") };
    assert_eq!(err(enrolment::enrol(&db, &anna, &stale).await.unwrap_err()), AppError::Conflict { current_version: 1 });
    // A plain move into the enrolment stage is refused.
    let plain = MoveLead { lead_id: l.id, to_stage: won, reason: None, expected_version: 1 };
    assert_eq!(err(moves::move_lead(&db, &anna, plain).await.unwrap_err()), AppError::invalid("stage_id", Invalid::EnrolmentRequired));

    let enrolled = enrolment::enrol(&db, &anna, &enrol_draft(&l, b_north, &first)).await.unwrap();
    assert_eq!((enrolled.stage_id, enrolled.version), (won, 2));
    let contracts = enrolment::contracts_of(&db, &anna, l.id).await.unwrap();
    assert_eq!(contracts.len(), 1);
    let c = &contracts[0];
    assert_eq!((c.contract.number.as_str(), c.contract.price_kopecks, c.group_name.as_str()), (first.as_str(), 4_500_000, "B север"));
    let entries = timeline::list(&db, &anna, l.id, &["enrolled".into(), "stage_changed".into()], None).await.unwrap();
    assert_eq!(entries.len(), 2, "the stage change and the enrolment");
    assert_eq!(enrolment::options(&db, &anna, l.id).await.unwrap().blocked, Some(Invalid::AlreadyEnrolled));
    let today = offered.today;
    assert_eq!(enrolment::next_number(&db, today).await.unwrap(), format!("{}-0002", today.year()), "the sequence moves on");

    // Once per lead; the full group; a taken number.
    assert_eq!(
        err(enrolment::enrol(&db, &anna, &enrol_draft(&enrolled, b_any, "Y")).await.unwrap_err()),
        AppError::invalid("group_id", Invalid::AlreadyEnrolled)
    );
    let other = lead(&db, &anna, "Мария", Some(b), Some(north)).await;
    assert_eq!(
        err(enrolment::enrol(&db, &anna, &enrol_draft(&other, b_north, "Z")).await.unwrap_err()),
        AppError::invalid("group_id", Invalid::GroupFull)
    );
    assert_eq!(
        err(enrolment::enrol(&db, &anna, &enrol_draft(&other, b_any, &first)).await.unwrap_err()),
        AppError::invalid("contract_number", Invalid::Taken)
    );

    // Cancelling needs a reason, frees the seat and allows a new enrolment.
    assert_eq!(err(enrolment::cancel(&db, &anna, c.contract.id, "  ").await.unwrap_err()), AppError::invalid("reason", Invalid::Required));
    assert_eq!(err(enrolment::cancel(&db, &boris, c.contract.id, "Передумал").await.unwrap_err()), AppError::Forbidden);
    enrolment::cancel(&db, &anna, c.contract.id, "Переехал").await.unwrap();
    assert_eq!(err(enrolment::cancel(&db, &anna, c.contract.id, "Ещё раз").await.unwrap_err()), AppError::NotFound, "cancelled once");
    let again = enrolment::contracts_of(&db, &anna, l.id).await.unwrap();
    assert_eq!(again[0].contract.cancel_reason.as_deref(), Some("Переехал"));
    enrolment::enrol(&db, &anna, &enrol_draft(&other, b_north, "Z")).await.unwrap();
});

both!(two_enrolments_race_for_the_last_seat_and_one_wins, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let b = category(&db, "B").await;
    let last_seat = groups::save_group(&db, &owner, &group("Последнее место", b, None, 1)).await.unwrap();
    let first = lead(&db, &owner, "Первый", Some(b), None).await;
    let second = lead(&db, &owner, "Второй", Some(b), None).await;
    let (one, two) = (enrol_draft(&first, last_seat, "R-1"), enrol_draft(&second, last_seat, "R-2"));
    let (x, y) = tokio::join!(enrolment::enrol(&db, &owner, &one), enrolment::enrol(&db, &owner, &two));
    let loser = match (x, y) {
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
        (a, b) => panic!("exactly one enrolment wins: {:?} / {:?}", a.map(|l| l.id), b.map(|l| l.id)),
    };
    assert_eq!(err(loser), AppError::invalid("group_id", Invalid::GroupFull));
    let seats: i64 =
        with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM contracts WHERE cancelled_at IS NULL").fetch_one(pool).await)
            .unwrap();
    assert_eq!(seats, 1);
});

//! The reports on a fixture with exactly known answers, on both databases: four leads in range
//! (one won, two lost from different stages, one still open), one out of range, one duplicate;
//! times set so days to won and hours to first contact are exact.

use backend::testing::{set_up, user};
use backend::{both, enrolment, groups, leads, moves, reports, stages, timeline, with_pool, Db};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::group::{EnrolmentDraft, GroupDraft, GroupStatus};
use domain::lead::{LeadDraft, MoveLead};
use domain::preset::StagePreset;
use domain::report::{ReportFilter, ShareRow};
use domain::user::Role;
use domain::{AppError, Id};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
}

async fn id_of(db: &Db, table: &str, name: &str) -> Id {
    let sql = format!("SELECT id FROM {table} WHERE name = $1");
    with_pool!(db, pool => sqlx::query_scalar(&sql).bind(name).fetch_one(pool).await).unwrap()
}

/// Dates the lead at `t0` and its stage changes and notes, in order, `hours` after it.
async fn set_times(db: &Db, lead: Id, hours: &[i64]) {
    with_pool!(db, pool => sqlx::query("UPDATE leads SET created_at = $1 WHERE id = $2").bind(t0()).bind(lead).execute(pool).await.map(|r| r.rows_affected()))
        .unwrap();
    let ids: Vec<Id> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM timeline WHERE lead_id = $1 AND kind IN ('stage_changed', 'note') ORDER BY id",
    ).bind(lead).fetch_all(pool).await)
    .unwrap();
    assert_eq!(ids.len(), hours.len(), "lead {lead}");
    for (id, h) in ids.into_iter().zip(hours) {
        let at = t0() + Duration::hours(*h);
        with_pool!(db, pool => sqlx::query("UPDATE timeline SET created_at = $1 WHERE id = $2").bind(at).bind(id).execute(pool).await.map(|r| r.rows_affected()))
            .unwrap();
    }
}

/// Name, leads, won, mean days to won, median hours to first contact.
type PersonRow<'a> = (&'a str, u64, u64, Option<f64>, Option<f64>);
/// Category, branch, month, leads, seats left.
type WaitingRow<'a> = (Option<&'a str>, Option<&'a str>, Option<NaiveDate>, u64, u64);

fn share(rows: &[ShareRow]) -> Vec<(String, u64, u64)> {
    rows.iter().map(|r| (r.name.clone(), r.leads, r.won)).collect()
}

both!(reports_give_the_known_answers, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    let (first, waiting, won, refusal) = (&s[0], &s[1], &s[2], &s[3]);
    let reason = |name: &str| refusal.reasons.iter().find(|r| r.name == name).unwrap().id;
    let b = id_of(&db, "categories", "B").await;
    let (site, radio) = (id_of(&db, "channels", "Сайт").await, id_of(&db, "channels", "Сарафанное радио").await);
    let north: Id = with_pool!(&db, pool => sqlx::query_scalar("INSERT INTO branches (name, position) VALUES ('Север', 0) RETURNING id").fetch_one(pool).await).unwrap();
    let group = GroupDraft {
        id: None,
        name: "B февраль".into(),
        category_id: Some(b),
        branch_id: None,
        start_date: Some(day(2027, 2, 1)),
        capacity: 10,
        status: GroupStatus::Recruiting,
    };
    let group = groups::save_group(&db, &owner, &group).await.unwrap();
    let new = |name: &str, by: &domain::user::User, channel: Id, branch: Option<Id>, desired: Option<NaiveDate>| LeadDraft {
        first_name: name.into(),
        stage_id: Some(first.id),
        category_id: Some(b),
        channel_id: Some(channel),
        branch_id: branch,
        desired_start: desired,
        responsible_id: Some(by.id),
        ..LeadDraft::default()
    };
    let mv =
        |lead: Id, to: Id, reason: Option<Id>, version: i64| MoveLead { lead_id: lead, to_stage: to, reason, expected_version: version };

    // L1 (Anna, site, north): waiting, then enrolled three days after creation.
    let l1 = leads::create_lead(&db, &anna, new("Один", &anna, site, Some(north), None)).await.unwrap();
    let l1 = moves::move_lead(&db, &anna, mv(l1.id, waiting.id, None, 1)).await.unwrap();
    let draft = EnrolmentDraft {
        lead_id: l1.id,
        group_id: Some(group),
        number: "R-1".into(),
        signed_on: Some(day(2026, 6, 4)),
        price: "40000".into(),
        expected_version: l1.version,
    };
    enrolment::enrol(&db, &anna, &draft).await.unwrap();
    set_times(&db, l1.id, &[2, 72]).await;
    with_pool!(&db, pool => sqlx::query("UPDATE leads SET stage_changed_at = $1 WHERE id = $2").bind(t0() + Duration::days(3)).bind(l1.id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    // L2 (Anna, site, north): lost from the first stage, "too expensive".
    let l2 = leads::create_lead(&db, &anna, new("Два", &anna, site, Some(north), None)).await.unwrap();
    moves::move_lead(&db, &anna, mv(l2.id, refusal.id, Some(reason("Дорого")), 1)).await.unwrap();
    set_times(&db, l2.id, &[4]).await;
    // L3 (Boris, radio): waiting, then lost from there, "changed mind".
    let l3 = leads::create_lead(&db, &boris, new("Три", &boris, radio, None, None)).await.unwrap();
    moves::move_lead(&db, &boris, mv(l3.id, waiting.id, None, 1)).await.unwrap();
    moves::move_lead(&db, &boris, mv(l3.id, refusal.id, Some(reason("Передумал")), 2)).await.unwrap();
    set_times(&db, l3.id, &[1, 5]).await;
    // L4 (Boris, radio): still in the first stage with a note; wants to start in February.
    let l4 = leads::create_lead(&db, &boris, new("Четыре", &boris, radio, None, Some(day(2027, 2, 10)))).await.unwrap();
    timeline::add_note(&db, &boris, l4.id, "Перезвонить вечером").await.unwrap();
    set_times(&db, l4.id, &[7]).await;
    // Out of range (waits for a group, though), and a duplicate of L4.
    let old = leads::create_lead(&db, &anna, new("Старый", &anna, site, Some(north), None)).await.unwrap();
    with_pool!(&db, pool => sqlx::query("UPDATE leads SET created_at = $1 WHERE id = $2").bind(t0() - Duration::days(400)).bind(old.id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    let dup = leads::create_lead(&db, &boris, new("Четыре", &boris, radio, None, Some(day(2027, 2, 10)))).await.unwrap();
    with_pool!(&db, pool => sqlx::query("UPDATE leads SET created_at = $1, duplicate_of = $2 WHERE id = $3").bind(t0()).bind(l4.id).bind(dup.id).execute(pool).await.map(|r| r.rows_affected())).unwrap();

    let filter = ReportFilter { from: day(2026, 5, 1), to: day(2026, 6, 30), branch_id: None, channel_id: None, responsible_id: None };
    let r = reports::reports(&db, &owner, &filter).await.unwrap();
    assert_eq!((r.total, r.won, r.lost), (4, 1, 2));
    let funnel: Vec<(&str, u64, u64, u64)> = r.funnel.iter().map(|f| (f.stage.as_str(), f.entered, f.now_in, f.dropped)).collect();
    assert_eq!(
        funnel,
        vec![
            (first.name.as_str(), 4, 1, 1),
            (waiting.name.as_str(), 2, 0, 1),
            (won.name.as_str(), 1, 1, 0),
            (refusal.name.as_str(), 2, 2, 0)
        ]
    );
    assert_eq!(share(&r.channels), vec![("Сайт".to_string(), 2, 1), ("Сарафанное радио".to_string(), 2, 0)]);
    assert_eq!(share(&r.branches), vec![(String::new(), 2, 0), ("Север".to_string(), 2, 1)]);
    let people: Vec<PersonRow> =
        r.responsibles.iter().map(|p| (p.name.as_str(), p.leads, p.won, p.avg_days_to_won, p.median_hours_to_first_contact)).collect();
    assert_eq!(
        people,
        vec![(anna.display_name.as_str(), 2, 1, Some(3.0), Some(3.0)), (boris.display_name.as_str(), 2, 0, None, Some(4.0))]
    );
    let reasons: Vec<(&str, Option<&str>, u64)> = r.reasons.iter().map(|x| (x.stage.as_str(), x.reason.as_deref(), x.leads)).collect();
    assert_eq!(reasons, vec![(refusal.name.as_str(), Some("Дорого"), 1), (refusal.name.as_str(), Some("Передумал"), 1)]);
    let waiting_rows: Vec<WaitingRow> =
        r.waiting.iter().map(|w| (w.category.as_deref(), w.branch.as_deref(), w.month, w.leads, w.seats_left)).collect();
    assert_eq!(waiting_rows, vec![(Some("B"), None, Some(day(2027, 2, 1)), 1, 9), (Some("B"), Some("Север"), None, 1, 0)]);
    assert_eq!(r.waiting[0].groups, vec!["B февраль".to_string()]);

    // Narrowing: one responsible, one channel, one branch; an empty range.
    let only = |f: ReportFilter| {
        let (db, owner) = (db.clone(), owner.clone());
        async move { reports::reports(&db, &owner, &f).await.unwrap() }
    };
    let anna_only = only(ReportFilter { responsible_id: Some(anna.id), ..filter.clone() }).await;
    assert_eq!((anna_only.total, anna_only.won, anna_only.lost), (2, 1, 1));
    let radio_only = only(ReportFilter { channel_id: Some(radio), ..filter.clone() }).await;
    assert_eq!((radio_only.total, radio_only.won, radio_only.funnel[1].entered), (2, 0, 1));
    let north_only = only(ReportFilter { branch_id: Some(north), ..filter.clone() }).await;
    assert_eq!(north_only.total, 2);
    let north_waiting: Vec<(Option<&str>, Option<NaiveDate>, u64, u64)> =
        north_only.waiting.iter().map(|w| (w.branch.as_deref(), w.month, w.leads, w.seats_left)).collect();
    assert_eq!(
        north_waiting,
        vec![(Some("Север"), Some(day(2027, 2, 1)), 0, 9), (Some("Север"), None, 1, 0)],
        "waiting narrows by branch too"
    );
    let nothing = only(ReportFilter { from: day(2025, 1, 1), to: day(2025, 1, 31), ..filter.clone() }).await;
    assert_eq!((nothing.total, nothing.funnel.iter().map(|f| f.entered).sum::<u64>(), nothing.channels.len()), (0, 0, 0));

    // Deputy and above only.
    assert_eq!(AppError::from(reports::reports(&db, &anna, &filter).await.unwrap_err()), AppError::Forbidden);
});

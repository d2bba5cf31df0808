//! Filters, the list with its keyset pages, access and call lists, on both databases (the
//! search itself: `search.rs`).

use backend::both;
use backend::calls::{self, CallList};
use backend::testing::{execute as exec, found_ids as found, id_set as set, listed_ids as ids, set_created_at, set_up, user};
use backend::{dictionaries, leads, list, stages};
use chrono::{Duration, NaiveDate, Utc};
use domain::filter::LeadFilter;
use domain::lead::{LeadDraft, MoveLead};
use domain::list::{ListSort, ListView, SortKey};
use domain::preset::StagePreset;
use domain::user::Role;
use domain::{AppError, Id};
use std::collections::HashSet;

both!(every_filter_alone_and_combined, |db| async move {
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    exec(&db, "INSERT INTO branches (name, position, active) VALUES ('Центр', 1, TRUE), ('Север', 2, TRUE)").await;
    let d = dictionaries::all(&db).await.unwrap();
    let (b1, b2) = (d.branches[0].id, d.branches[1].id);
    let (cat_b, cat_a) = (d.categories.iter().find(|c| c.name == "B").unwrap().id, d.categories.iter().find(|c| c.name == "A").unwrap().id);
    let (ch1, ch2) = (d.channels[0].id, d.channels[1].id);
    let src = d.contact_sources[0].id;
    let date = |m, day| NaiveDate::from_ymd_opt(2027, m, day);
    let mk = |name: &str, stage: Id, branch: Id, category: Id, channel: Id| LeadDraft {
        first_name: name.into(),
        stage_id: Some(stage),
        branch_id: Some(branch),
        category_id: Some(category),
        channel_id: Some(channel),
        ..LeadDraft::default()
    };
    let l1 = leads::create_lead(
        &db,
        &owner,
        LeadDraft { desired_start: date(2, 1), tags: vec!["лето".into()], ..mk("Один", s[0].id, b1, cat_b, ch1) },
    )
    .await
    .unwrap();
    let l2 = leads::create_lead(
        &db,
        &owner,
        LeadDraft {
            desired_start: date(3, 15),
            contact_source_id: Some(src),
            responsible_id: Some(anna.id),
            ..mk("Два", s[1].id, b2, cat_a, ch2)
        },
    )
    .await
    .unwrap();
    let l3 = leads::create_lead(&db, &owner, LeadDraft { tags: vec!["лето".into(), "vip".into()], ..mk("Три", s[1].id, b1, cat_a, ch1) })
        .await
        .unwrap();
    let l4 = leads::create_lead(&db, &owner, mk("Четыре", s[2].id, b2, cat_b, ch2)).await.unwrap();
    // Four: archived; three: created last year, postponed and with an overdue task; two: an open task due later.
    exec(&db, &format!("UPDATE leads SET archived = TRUE WHERE id = {}", l4.id)).await;
    let week = (Utc::now() + Duration::days(7)).to_rfc3339();
    let hour_ago = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let later = (Utc::now() + Duration::hours(5)).to_rfc3339();
    set_created_at(&db, l3.id, Utc::now() - Duration::days(365)).await;
    let cast = if db.backend_name() == "sqlite" { "" } else { "::timestamptz" };
    exec(&db, &format!("UPDATE leads SET postponed_until = '{week}'{cast} WHERE id = {}", l3.id)).await;
    let task = |lead: Id, due: &str| {
        let cast = if db.backend_name() == "sqlite" { "" } else { "::timestamptz" };
        format!(
            "INSERT INTO tasks (title, kind, due_at, assignee_id, lead_id, created_at, updated_at) VALUES ('Позвонить', 'call', '{due}'{cast}, {}, {lead}, '{due}'{cast}, '{due}'{cast})",
            owner.id
        )
    };
    exec(&db, &task(l3.id, &hour_ago)).await;
    exec(&db, &task(l2.id, &later)).await;

    let all = LeadFilter::default();
    assert_eq!(ids(&db, &owner, all.clone()).await, set(&[l1.id, l2.id, l3.id]), "archived leads are left out");
    let today = Utc::now().date_naive();
    let cases: Vec<(LeadFilter, Vec<Id>)> = vec![
        (LeadFilter { stages: vec![s[1].id], ..all.clone() }, vec![l2.id, l3.id]),
        (LeadFilter { stages: vec![s[0].id, s[1].id], ..all.clone() }, vec![l1.id, l2.id, l3.id]),
        (LeadFilter { branches: vec![b1], ..all.clone() }, vec![l1.id, l3.id]),
        (LeadFilter { categories: vec![cat_a], ..all.clone() }, vec![l2.id, l3.id]),
        (LeadFilter { responsible: vec![anna.id], ..all.clone() }, vec![l2.id]),
        (LeadFilter { channels: vec![ch2], ..all.clone() }, vec![l2.id]),
        (LeadFilter { sources: vec![src], ..all.clone() }, vec![l2.id]),
        (LeadFilter { tags: vec!["лето".into()], ..all.clone() }, vec![l1.id, l3.id]),
        (LeadFilter { tags: vec!["лето".into(), "vip".into()], ..all.clone() }, vec![l3.id]),
        (LeadFilter { desired_from: date(2, 2), ..all.clone() }, vec![l2.id]),
        (LeadFilter { desired_to: date(2, 1), ..all.clone() }, vec![l1.id]),
        (LeadFilter { created_from: Some(today), ..all.clone() }, vec![l1.id, l2.id]),
        (LeadFilter { created_to: Some(today - Duration::days(30)), ..all.clone() }, vec![l3.id]),
        (LeadFilter { overdue: true, ..all.clone() }, vec![l3.id]),
        (LeadFilter { postponed: true, ..all.clone() }, vec![l3.id]),
        (LeadFilter { archived: true, ..all.clone() }, vec![l4.id]),
        (LeadFilter { q: Some("четыре".into()), archived: true, ..all.clone() }, vec![l4.id]),
        // Combined: every condition must hold.
        (LeadFilter { branches: vec![b1], categories: vec![cat_a], ..all.clone() }, vec![l3.id]),
        (LeadFilter { stages: vec![s[1].id], channels: vec![ch1], tags: vec!["vip".into()], overdue: true, ..all.clone() }, vec![l3.id]),
        (LeadFilter { branches: vec![b2], categories: vec![cat_b], ..all.clone() }, vec![]),
        (LeadFilter { q: Some("Два".into()), responsible: vec![anna.id], ..all.clone() }, vec![l2.id]),
        (LeadFilter { q: Some("Два".into()), responsible: vec![owner.id], ..all.clone() }, vec![]),
        (LeadFilter { q: Some("Три".into()), branches: vec![b1], ..all.clone() }, vec![l3.id]),
    ];
    for (filter, want) in cases {
        // Each case also survives the URL: the filter read back from its query finds the same leads.
        let (back, ignored) = LeadFilter::from_query(&filter.to_query());
        assert!(ignored.is_empty(), "{filter:?}");
        assert_eq!(back, filter);
        assert_eq!(ids(&db, &owner, back).await, set(&want), "{filter:?}");
    }
});

both!(search_and_lists_respect_access, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let deputy = user(&db, "deputy", Role::Deputy).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mk =
        |name: &str, phone: &str| LeadDraft { first_name: name.into(), phone: phone.into(), stage_id: Some(stage), ..LeadDraft::default() };
    let annas = leads::create_lead(&db, &anna, mk("Алиса", "+79001112233")).await.unwrap();
    let boriss = leads::create_lead(&db, &boris, mk("Алина", "+79001114455")).await.unwrap();
    assert_eq!(found(&db, &boris, "али").await, set(&[annas.id, boriss.id]), "everyone sees all by default");
    exec(&db, "UPDATE school_settings SET lead_visibility = 'own'").await;
    assert_eq!(found(&db, &boris, "али").await, set(&[boriss.id]));
    assert_eq!(found(&db, &anna, "90011").await, set(&[annas.id]));
    assert_eq!(found(&db, &deputy, "али").await, set(&[annas.id, boriss.id]));
    assert_eq!(ids(&db, &boris, LeadFilter::default()).await, set(&[boriss.id]));
    // Filtering by someone else's id does not widen the scope.
    assert_eq!(ids(&db, &boris, LeadFilter { responsible: vec![anna.id], ..LeadFilter::default() }).await, set(&[]));
    assert_eq!(ids(&db, &owner, LeadFilter { responsible: vec![anna.id], ..LeadFilter::default() }).await, set(&[annas.id]));
    // The call list of one user cannot reach another's lead either.
    let view = ListView::default();
    let list = CallList { user: &boris, filter: &LeadFilter::default(), view: &view, key: "" };
    assert_eq!(AppError::from(calls::advance(&db, &list, annas.id).await.unwrap_err()), AppError::NotFound);
    assert_eq!(AppError::from(calls::no_answer(&db, &boris, annas.id).await.unwrap_err()), AppError::NotFound);
    assert_eq!(AppError::from(calls::reached(&db, &boris, annas.id, "", None).await.unwrap_err()), AppError::NotFound);
});

both!(list_pages_are_sorted_complete_and_stable_under_inserts, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let names = ["Яна", "Борис", "Алла", "Вера", "Глеб", "Дина", "Егор", "Жанна", "Зоя", "Ирина", "Кирилл"];
    for (i, name) in names.iter().enumerate() {
        let desired = (i % 3 != 0).then(|| NaiveDate::from_ymd_opt(2027, 1 + (i as u32 % 5), 1).unwrap());
        leads::create_lead(
            &db,
            &owner,
            LeadDraft { first_name: (*name).into(), desired_start: desired, stage_id: Some(stage), ..LeadDraft::default() },
        )
        .await
        .unwrap();
    }
    for key in SortKey::ALL {
        for desc in [false, true] {
            let view = ListView { sort: ListSort { key, desc }, size: 25 };
            let small = ListView { size: 4, ..view };
            let whole = list::list_leads(&db, &owner, &LeadFilter::default(), &view, None).await.unwrap();
            let mut walked = Vec::new();
            let mut after = None;
            loop {
                let page = list::list_leads(&db, &owner, &LeadFilter::default(), &small, after.as_ref()).await.unwrap();
                assert_eq!(page.total.value, 11 + walked.len() as i64 / 4, "the total counts every match");
                walked.extend(page.rows.iter().map(|r| r.id));
                // A lead added while paging lands on top of "newest first" and never repeats a row.
                leads::create_lead(&db, &owner, LeadDraft { first_name: "Новый".into(), stage_id: Some(stage), ..LeadDraft::default() })
                    .await
                    .unwrap();
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            let unique: HashSet<Id> = walked.iter().copied().collect();
            assert_eq!(unique.len(), walked.len(), "pages are disjoint ({key:?} {desc})");
            let first: Vec<Id> = whole.rows.iter().map(|r| r.id).collect();
            for id in &first {
                assert!(unique.contains(id), "pages are complete ({key:?} {desc})");
            }
            if key == SortKey::Name && !desc {
                let names: Vec<&str> = whole.rows.iter().take(3).map(|r| r.name.as_str()).collect();
                assert_eq!(names, vec!["Алла", "Борис", "Вера"]);
            }
            // Reset for the next order: drop the leads added while paging.
            exec(&db, "DELETE FROM timeline WHERE lead_id IN (SELECT id FROM leads WHERE first_name = 'Новый')").await;
            exec(&db, "DELETE FROM leads WHERE first_name = 'Новый'").await;
        }
    }
});

both!(call_list_walks_logs_and_resumes, |db| async move {
    let owner = set_up(&db, StagePreset::DrivingSchoolFull).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    let first = s[0].id;
    let mut made = Vec::new();
    for name in ["Первый", "Второй", "Третий"] {
        made.push(
            leads::create_lead(
                &db,
                &anna,
                LeadDraft { first_name: name.into(), phone: "+79001234567".into(), stage_id: Some(first), ..LeadDraft::default() },
            )
            .await
            .unwrap(),
        );
    }
    let filter = LeadFilter { stages: vec![first], ..LeadFilter::default() };
    let view = ListView::default();
    let key = filter.to_query();
    let list = CallList { user: &anna, filter: &filter, view: &view, key: &key };
    let st = calls::state(&db, &list).await.unwrap();
    assert_eq!((st.position, st.total, st.current.as_ref().map(|c| c.id)), (1, 3, Some(made[2].id)), "newest first");

    // Three unanswered calls: each logs the attempt and a retry task in two hours; the third proposes "Не доступен".
    for attempt in 1..=3 {
        let outcome = calls::no_answer(&db, &anna, made[2].id).await.unwrap();
        assert_eq!(outcome.unanswered, attempt);
        assert_eq!(outcome.propose.as_ref().map(|p| p.name.as_str()), (attempt == 3).then_some("Не доступен"));
    }
    let (tasks, due_ok): (i64, i64) = backend::with_pool!(&db, pool => sqlx::query_as(
        "SELECT COUNT(*), SUM(CASE WHEN due_at > created_at THEN 1 ELSE 0 END) FROM tasks WHERE lead_id = $1 AND assignee_id = $2 AND done_at IS NULL"
    ).bind(made[2].id).bind(anna.id).fetch_one(pool).await).unwrap();
    assert_eq!((tasks, due_ok), (3, 3));
    assert_eq!(calls::unanswered(&db, made[2].id).await.unwrap(), 3);

    // Reached: the count starts again; a stage change goes through the move rules.
    let unreachable = s.iter().find(|st| st.name == "Не доступен").unwrap().id;
    let mv = MoveLead { lead_id: made[2].id, to_stage: unreachable, reason: None, expected_version: 1 };
    calls::reached(&db, &anna, made[2].id, "Перезвонит сам", Some(mv)).await.unwrap();
    assert_eq!(calls::unanswered(&db, made[2].id).await.unwrap(), 0);
    let stale = MoveLead { lead_id: made[2].id, to_stage: first, reason: None, expected_version: 1 };
    assert!(matches!(
        AppError::from(calls::reached(&db, &anna, made[2].id, "", Some(stale)).await.unwrap_err()),
        AppError::Conflict { .. }
    ));

    // The moved lead left the filter; the list goes on after it and remembers where.
    let st = calls::advance(&db, &list, made[2].id).await.unwrap();
    assert_eq!((st.position, st.total, st.current.as_ref().map(|c| c.id)), (1, 2, Some(made[1].id)));
    let st = calls::advance(&db, &list, made[1].id).await.unwrap();
    assert_eq!((st.position, st.total, st.current.as_ref().map(|c| c.id)), (2, 2, Some(made[0].id)));
    let resumed = calls::state(&db, &list).await.unwrap();
    assert_eq!(resumed.current.map(|c| c.id), Some(made[0].id), "resumes where the manager left off");
    let done = calls::advance(&db, &list, made[0].id).await.unwrap();
    assert_eq!(done.current, None);
    let again = calls::restart(&db, &list).await.unwrap();
    assert_eq!(again.current.map(|c| c.id), Some(made[1].id));
    // Another user's place in the same list is their own.
    let owners = CallList { user: &owner, ..list };
    assert_eq!(calls::state(&db, &owners).await.unwrap().position, 1);
});

//! Filters, the list with its keyset pages, search and call lists, on both databases.

use backend::both;
use backend::calls::{self, CallList};
use backend::testing::{set_created_at, set_up, user};
use backend::{dictionaries, leads, list, search, stages};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::filter::LeadFilter;
use domain::lead::{LeadDraft, MoveLead};
use domain::list::{ListSort, ListView, SortKey};
use domain::preset::StagePreset;
use domain::user::{Role, User};
use domain::{AppError, Id};
use std::collections::HashSet;

async fn exec(db: &backend::Db, sql: &str) {
    backend::with_pool!(db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
}

async fn ids(db: &backend::Db, user: &User, filter: LeadFilter) -> HashSet<Id> {
    let view = ListView { size: 100, ..ListView::default() };
    let page = list::list_leads(db, user, &filter, &view, None).await.unwrap();
    assert_eq!(page.total.value as usize, page.rows.len(), "fixtures fit on one page");
    page.rows.into_iter().map(|r| r.id).collect()
}

async fn found(db: &backend::Db, user: &User, typed: &str) -> HashSet<Id> {
    search::quick(db, user, typed).await.unwrap().0.into_iter().map(|r| r.id).collect()
}

fn set(ids: &[Id]) -> HashSet<Id> {
    ids.iter().copied().collect()
}

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

both!(search_finds_phones_names_and_emails, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mk = |first: &str, surname: &str, phone: &str, email: &str| LeadDraft {
        first_name: first.into(),
        surname: surname.into(),
        patronymic: "Семёнович".into(),
        phone: phone.into(),
        email: email.into(),
        stage_id: Some(stage),
        ..LeadDraft::default()
    };
    let pyotr = leads::create_lead(&db, &owner, mk("Пётр", "Ёлкин", "+7 (987) 651-22-33", "petr.elkin@mail.ru")).await.unwrap();
    let ivan = leads::create_lead(&db, &owner, mk("Иван", "Петров", "8 917 123-45-78", "")).await.unwrap();
    let other = leads::create_lead(&db, &owner, mk("Мария", "Сидорова", "", "maria_100%@example.com")).await.unwrap();
    let cases: Vec<(&str, Vec<Id>)> = vec![
        ("987651", vec![pyotr.id]),
        ("89876512233", vec![pyotr.id]),
        ("+7 987 651", vec![pyotr.id]),
        ("8 (987) 651-22-33", vec![pyotr.id]),
        ("2233", vec![pyotr.id]),
        ("9171234578", vec![ivan.id]),
        ("4578", vec![ivan.id]),
        ("петр", vec![pyotr.id, ivan.id]),
        ("ПЁТР", vec![pyotr.id, ivan.id]),
        ("елкин", vec![pyotr.id]),
        ("Ёлк", vec![pyotr.id]),
        ("семенович", vec![pyotr.id, ivan.id, other.id]),
        ("сидоров", vec![other.id]),
        ("petr.elkin", vec![pyotr.id]),
        ("MAIL.RU", vec![pyotr.id]),
        ("100%", vec![other.id]),
        ("_100", vec![other.id]),
        ("пётр 2233", vec![pyotr.id]),
        ("иван 2233", vec![]),
        ("1234", vec![ivan.id]),
        ("5555", vec![]),
    ];
    for (typed, want) in cases {
        assert_eq!(found(&db, &owner, typed).await, set(&want), "{typed}");
    }
    let short = search::quick(&db, &owner, "ив").await.unwrap_err();
    assert!(matches!(AppError::from(short), AppError::Validation { .. }));
});

both!(quick_search_shows_the_newest_hits_and_counts_them_all, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mut made = Vec::new();
    for i in 0..11 {
        let draft =
            LeadDraft {
                first_name: format!("Ольга{i}"), surname: "Кузнецова".into(), stage_id: Some(stage), ..LeadDraft::default()
            };
        made.push(leads::create_lead(&db, &owner, draft).await.unwrap().id);
    }
    leads::create_lead(&db, &owner, LeadDraft { first_name: "Иван".into(), stage_id: Some(stage), ..LeadDraft::default() }).await.unwrap();
    // Made within a millisecond or two: give them distinct creation times, the first made the
    // newest, so the order shown cannot come from the ids alone.
    for (age, id) in made.iter().rev().enumerate() {
        set_created_at(&db, *id, "2026-01-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(age as i64)).await;
    }
    let (rows, total) = search::quick(&db, &owner, "кузнец").await.unwrap();
    assert_eq!(total, domain::count::Count::exact(11));
    let shown: Vec<Id> = rows.iter().map(|r| r.id).collect();
    let newest: Vec<Id> = made.iter().copied().take(search::QUICK_LIMIT).collect();
    assert_eq!(shown, newest, "the newest hits, newest first");
    assert!(rows.iter().all(|r| r.name.contains("Кузнецова") && r.stage_id == stage));
    let (none, zero) = search::quick(&db, &owner, "нетакого").await.unwrap();
    assert!(none.is_empty());
    assert!(zero.is_zero());
});

/// The keys of a one-word search in PostgreSQL's word index.
fn gram_keys(typed: &str) -> Vec<i32> {
    domain::search::SearchQuery::parse(typed).unwrap().gram_key_list().unwrap()
}

/// The key of a word of up to eight letters.
fn gram_key(typed: &str) -> i32 {
    let keys = gram_keys(typed);
    assert_eq!(keys.len(), 1, "{typed} is one key");
    keys[0]
}

/// A school whose owner has eleven «Кузнецова Ольга0…10» leads, the first made the newest created
/// (creation times against the ids' order, as an import of old enquiries writes them), and a
/// sales manager with none yet: (owner, manager, the leads in the order made).
async fn kuznetsovas(db: &backend::Db) -> (User, User, Vec<Id>) {
    let owner = set_up(db, StagePreset::Simple).await;
    let anna = user(db, "anna", Role::Sales).await;
    let mut made = Vec::new();
    for i in 0..11 {
        made.push(draft_lead(db, &owner, &format!("Ольга{i}"), "Кузнецова").await.id);
    }
    for (age, id) in made.iter().rev().enumerate() {
        set_created_at(db, *id, "2026-01-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(age as i64)).await;
    }
    (owner, anna, made)
}

/// A lead in the first stage, made by `user`.
async fn draft_lead(db: &backend::Db, user: &User, first: &str, surname: &str) -> domain::lead::Lead {
    let stage = stages::list_stages(db).await.unwrap()[0].id;
    let draft = LeadDraft { first_name: first.into(), surname: surname.into(), stage_id: Some(stage), ..LeadDraft::default() };
    leads::create_lead(db, user, draft).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_the_statistics_call_common_is_not_counted_unless_they_are_wrong() {
    // PostgreSQL's statistics: SQLite's word index counts every word (the test below).
    let Some(t) = backend::testing::TestDb::new(backend::testing::Kind::Postgres).await else { return };
    let db = t.db.clone();
    let (owner, anna, made) = kuznetsovas(&db).await;
    let annas = draft_lead(&db, &anna, "Анна", "Кузнецова").await;
    let petrovs = [draft_lead(&db, &owner, "Иван", "Петров").await.id];
    // «кузнецова» is two keys, its first and last eight letters; only one is called common.
    let [one_piece, other_piece] = gram_keys("кузнецова")[..] else { panic!("a nine-letter word is two keys") };
    db.common_grams.keep([gram_key("кузнец"), gram_key("петров"), one_piece].into());

    // Common: "1 000+" and the newest page, without counting.
    let (rows, total) = search::quick(&db, &owner, "кузнец").await.unwrap();
    assert_eq!(total, domain::count::Count::capped_at(search::QUICK_COUNT_CAP + 1, search::QUICK_COUNT_CAP));
    let newest: Vec<Id> = std::iter::once(annas.id).chain(made.iter().copied()).take(search::QUICK_LIMIT).collect();
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), newest);
    // A longer word is common when both its pieces are.
    let (_, total) = search::quick(&db, &owner, "кузнецова").await.unwrap();
    assert_eq!(total, domain::count::Count::exact(12), "one common piece of two is counted");
    db.common_grams.keep([gram_key("петров"), one_piece, other_piece].into());
    let (rows, total) = search::quick(&db, &owner, "кузнецова").await.unwrap();
    assert_eq!(total, domain::count::Count::capped_at(search::QUICK_COUNT_CAP + 1, search::QUICK_COUNT_CAP));
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), newest);
    // Two words are counted, whatever each word's share.
    db.common_grams.keep([gram_key("кузнец"), gram_key("ольга0")].into());
    let (_, total) = search::quick(&db, &owner, "кузнец ольга0").await.unwrap();
    assert_eq!(total, domain::count::Count::exact(1));
    // Wrong statistics: fewer than a page found newest first is every hit, counted exactly.
    let (rows, total) = search::quick(&db, &owner, "петров").await.unwrap();
    assert_eq!((rows.iter().map(|r| r.id).collect::<Vec<_>>(), total), (petrovs.to_vec(), domain::count::Count::exact(1)));
    // Someone who sees only their own leads: the school's statistics say nothing of theirs.
    exec(&db, "UPDATE school_settings SET lead_visibility = 'own'").await;
    let (rows, total) = search::quick(&db, &anna, "кузнец").await.unwrap();
    assert_eq!((rows.iter().map(|r| r.id).collect::<Vec<_>>(), total), (vec![annas.id], domain::count::Count::exact(1)));
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_word_index_gives_the_newest_hits_and_their_count() {
    let t = backend::testing::TestDb::new(backend::testing::Kind::Sqlite).await.expect("sqlite is always there");
    let db = t.db.clone();
    let (owner, anna, made) = kuznetsovas(&db).await;
    let annas = draft_lead(&db, &anna, "Анна", "Кузнецова").await.id;
    let shown = |rows: Vec<domain::list::ListRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();

    let (rows, total) = search::quick(&db, &owner, "кузнец").await.unwrap();
    assert_eq!(total, domain::count::Count::exact(12));
    let newest: Vec<Id> = std::iter::once(annas).chain(made.iter().copied()).take(search::QUICK_LIMIT).collect();
    assert_eq!(shown(rows), newest, "newest created first, not newest written");
    // Two words, and a word longer than the index keeps (tested on the lead).
    let (rows, total) = search::quick(&db, &owner, "кузнецова ольга3").await.unwrap();
    assert_eq!((shown(rows), total), (vec![made[3]], domain::count::Count::exact(1)));
    // Someone who sees only their own leads: each hit is looked up and tested.
    exec(&db, "UPDATE school_settings SET lead_visibility = 'own'").await;
    let (rows, total) = search::quick(&db, &anna, "кузнец").await.unwrap();
    assert_eq!((shown(rows), total), (vec![annas], domain::count::Count::exact(1)));
    exec(&db, "UPDATE school_settings SET lead_visibility = 'all'").await;

    // Times far outside the key's years keep their order at its ends, and are still found.
    set_created_at(&db, made[10], "1900-03-01T00:00:00Z".parse().unwrap()).await;
    set_created_at(&db, made[9], "2100-03-01T00:00:00Z".parse().unwrap()).await;
    let (rows, total) = search::quick(&db, &owner, "ольга9").await.unwrap();
    assert_eq!((shown(rows), total), (vec![made[9]], domain::count::Count::exact(1)));
    let (rows, _) = search::quick(&db, &owner, "кузнец").await.unwrap();
    assert_eq!(shown(rows)[..2], [made[9], annas], "2100 first");
    let list = list::list_leads(&db, &owner, &LeadFilter { q: Some("кузнец".into()), ..LeadFilter::default() }, &ListView::default(), None)
        .await
        .unwrap();
    assert_eq!(list.rows.last().map(|r| r.id), Some(made[10]), "1900 last");

    // A creation time changed by hand unindexes the lead until the next start's backfill: never
    // a key pointing at the wrong time.
    exec(&db, &format!("UPDATE leads SET created_at = '2026-06-01T00:00:00Z' WHERE id = {}", made[0])).await;
    assert!(search::quick(&db, &owner, "ольга0").await.unwrap().1.is_zero());
    search::backfill(&db).await.unwrap();
    assert_eq!(search::quick(&db, &owner, "ольга0").await.unwrap().1, domain::count::Count::exact(1));
    // A name changed by hand with its search text emptied is indexed again: its old words go.
    exec(&db, &format!("UPDATE leads SET first_name = 'Зинаида', search_text = '' WHERE id = {}", made[2])).await;
    search::backfill(&db).await.unwrap();
    assert!(search::quick(&db, &owner, "ольга2").await.unwrap().1.is_zero());
    assert_eq!(search::quick(&db, &owner, "зинаида").await.unwrap().1, domain::count::Count::exact(1));
    assert_eq!(search::quick(&db, &owner, "кузнец").await.unwrap().1, domain::count::Count::exact(12));
    // A lead deleted by hand leaves the index: the count, from the index alone, drops.
    exec(&db, &format!("DELETE FROM timeline WHERE lead_id = {0}; DELETE FROM leads WHERE id = {0}", made[1])).await;
    assert_eq!(search::quick(&db, &owner, "кузнец").await.unwrap().1, domain::count::Count::exact(11));
    // The trigram table followed every step: creation, the backfills, the deletion.
    backend::testing::assert_trigram_index_matches_leads(&db).await;
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statistics_name_the_common_words() {
    let Some(t) = backend::testing::TestDb::new(backend::testing::Kind::Postgres).await else { return };
    let owner = set_up(&t.db, StagePreset::Simple).await;
    let stage = stages::list_stages(&t.db).await.unwrap()[0].id;
    for i in 0..40 {
        let surname = if i == 0 { "Редкий" } else { "Михайлов" };
        let draft =
            LeadDraft { first_name: format!("Пётр{i}"), surname: surname.into(), stage_id: Some(stage), ..LeadDraft::default() };
        leads::create_lead(&t.db, &owner, draft).await.unwrap();
    }
    let backend::db::Pool::Postgres(pool) = &t.db.pool else { unreachable!() };
    assert!(backend::search_stats::read(pool, 20.0).await.unwrap().is_empty(), "nothing before the table is analysed");
    sqlx::query("ANALYZE lead_search").execute(pool).await.unwrap();
    let common = backend::search_stats::read(pool, 20.0).await.unwrap();
    assert!(common.contains(&gram_key("михайлов")), "39 of 40 leads");
    assert!(!common.contains(&gram_key("редкий")), "1 of 40 leads");
    assert!(backend::search_stats::read(pool, 1_000.0).await.unwrap().is_empty(), "no word is in a thousand leads");
    t.finish().await;
}

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

/// The plan of a search, as the database would run it.
async fn plan(db: &backend::Db, sql: &str, binds: &[backend::filter::Bind]) -> String {
    backend::with_pool!(db, pool => {
        if db.backend_name() == "sqlite" {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let rows: Vec<(i64, i64, i64, String)> = backend::bind_all!(sqlx::query_as(&explain), binds).fetch_all(pool).await.unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        } else {
            let mut tx = pool.begin().await.unwrap();
            // Tiny test tables make a scan cheapest; ask whether the index can serve the query at all.
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
            // The walk's index holds the search text too, and reading all of a tiny one looks as
            // cheap as a search index; this asks which search index serves (rolled back).
            sqlx::query("DROP INDEX lead_search_newest").execute(&mut *tx).await.unwrap();
            let explain = format!("EXPLAIN {sql}");
            let rows: Vec<(String,)> = backend::bind_all!(sqlx::query_as(&explain), binds).fetch_all(&mut *tx).await.unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n")
        }
    })
}

both!(search_uses_its_index, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    // Digits, words with letters, and a term spanning words: each through an index, as the
    // list's filter builds the query.
    let cases = if db.backend_name() == "sqlite" {
        [("98765", "leads_words"), ("петрова анна", "leads_words"), ("pit@mail", "leads_fts")]
    } else {
        [("98765", "lead_search_trigrams"), ("петрова анна", "lead_search_grams"), ("pit@mail", "lead_search_trigrams")]
    };
    for (typed, index) in cases {
        let mut search = backend::filter::Where::default();
        search.search(db.dialect(), &domain::search::SearchQuery::parse(typed).unwrap());
        let sql = format!("SELECT l.id FROM leads l WHERE {} ORDER BY l.created_at DESC, l.id DESC LIMIT 8", search.sql());
        let plan = plan(&db, &sql, &search.binds).await;
        assert!(plan.contains(index), "{typed}: {plan}");
        if db.backend_name() == "sqlite" {
            assert!(plan.contains("VIRTUAL TABLE INDEX"), "{typed}: {plan}");
            assert!(plan.contains("USING INTEGER PRIMARY KEY"), "{typed}: {plan}");
            assert!(!plan.lines().any(|line| line.trim() == "SCAN l" || line.starts_with("SCAN l ")), "never a scan of the leads: {plan}");
        }
    }
    // The start-up backfill's question, asked at every start, reads a partial index, not every lead.
    let unindexed = "SELECT id FROM leads WHERE search_text = '' AND id > $1 ORDER BY id LIMIT 1000";
    let plan = plan(&db, unindexed, &[backend::filter::Bind::Int(0)]).await;
    assert!(plan.contains("leads_unindexed"), "{plan}");
});

both!(a_move_leaves_the_search_index_alone_and_an_edit_rewrites_it, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let draft =
        LeadDraft { first_name: "Зоя".into(), surname: "Ветрова".into(), stage_id: Some(s[0].id), ..LeadDraft::default() };
    let lead = leads::create_lead(&db, &owner, draft.clone()).await.unwrap();
    // PostgreSQL: the row version of the lead's search entry; a move must not write it (migration 0012).
    let entry_version = || async {
        if db.backend_name() == "sqlite" {
            return None;
        }
        let sql = format!("SELECT xmin::text FROM lead_search WHERE lead_id = {}", lead.id);
        Some(backend::with_pool!(&db, pool => sqlx::query_scalar::<_, String>(&sql).fetch_one(pool).await).unwrap())
    };
    let before = entry_version().await;
    let moved = backend::moves::move_lead(&db, &owner, MoveLead { lead_id: lead.id, to_stage: s[1].id, reason: None, expected_version: 1 })
        .await
        .unwrap();
    assert_eq!(entry_version().await, before, "a move writes nothing of the search");
    assert_eq!(found(&db, &owner, "ветрова").await, set(&[lead.id]));

    let renamed = LeadDraft { surname: "Ураганова".into(), stage_id: Some(s[1].id), ..draft };
    backend::edits::update_lead(&db, &owner, lead.id, moved.version, renamed).await.unwrap();
    assert_eq!(found(&db, &owner, "ветрова").await, set(&[]));
    assert_eq!(found(&db, &owner, "ураганова").await, set(&[lead.id]));
    let listed = LeadFilter { q: Some("ураганова".into()), stages: vec![s[1].id], ..LeadFilter::default() };
    assert_eq!(ids(&db, &owner, listed).await, set(&[lead.id]));
});

both!(long_words_are_found_and_a_rebuilt_word_index_finds_every_lead, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let create = |first_name: &str, patronymic: &str, surname: &str| {
        let draft = LeadDraft {
            first_name: first_name.into(),
            patronymic: patronymic.into(),
            surname: surname.into(),
            stage_id: Some(s[0].id),
            ..LeadDraft::default()
        };
        let (db, owner) = (db.clone(), owner.clone());
        async move { leads::create_lead(&db, &owner, draft).await.unwrap().id }
    };
    let anna = create("Анна", "", "Александрова").await;
    let pyotr = create("Пётр", "Александрович", "Петров").await;
    let olga = create("Ольга", "", "Александровская").await;
    let expected = [
        ("александрова", set(&[anna])),
        // Twelve letters, the longest the word index answers alone, and thirteen, tested on the row.
        ("александрови", set(&[pyotr])),
        ("александровск", set(&[olga])),
        ("александров", set(&[anna, pyotr, olga])),
        ("ровская ольга", set(&[olga])),
    ];
    for (typed, leads) in &expected {
        assert_eq!(&found(&db, &owner, typed).await, leads, "{typed}");
    }

    // After migration 0016 replaced SQLite's word index, start-up writes every lead's words again,
    // a batch at a time (two here, so three leads take two batches and a last look).
    if db.backend_name() == "sqlite" {
        exec(&db, "INSERT INTO leads_words (leads_words) VALUES ('delete-all')").await;
        exec(&db, "INSERT INTO word_index_rebuild (after_id) VALUES (0)").await;
        assert!(found(&db, &owner, "александрова").await.is_empty(), "the index is empty");
    }
    search::rebuild_words_in_batches_of(&db, 2).await.unwrap();
    for (typed, leads) in &expected {
        assert_eq!(&found(&db, &owner, typed).await, leads, "{typed}, rebuilt");
    }
    if db.backend_name() == "sqlite" {
        let left: i64 =
            backend::with_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM word_index_rebuild").fetch_one(pool).await).unwrap();
        assert_eq!(left, 0, "the rebuild is done");
        let hash: i64 = backend::with_pool!(&db, pool => sqlx::query_scalar("SELECT v FROM leads_words_config WHERE k = 'hashsize'")
            .fetch_one(pool)
            .await)
        .unwrap();
        assert_eq!(hash, 1 << 20, "FTS5's default hash is back");
        // Writes after it are merged as usual: a new lead is found at once.
        let late = create("Вера", "", "Александрова").await;
        assert_eq!(found(&db, &owner, "александрова").await, set(&[anna, late]));
    }
});

both!(a_board_column_is_counted_through_the_narrow_index, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    // Through `leads_board` (which holds each lead's search text) a column's ten thousand leads
    // cost ten times the pages (migrations 0017 SQLite, 0016 PostgreSQL).
    let sql = backend::list::capped_count_sql("l.archived = FALSE AND l.stage_id = 1", domain::count::CAP);
    let plan = plan(&db, &sql, &[]).await;
    assert!(plan.contains("leads_stage_count"), "{plan}");
});

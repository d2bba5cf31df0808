//! Search as the header's box and a searched list use it: phones, names and e-mails, the
//! newest hits and their count, each database's indexes, on both databases.

use backend::both;
use backend::testing::{
    execute as exec, found_ids as found, fts5_is_one_segment, id_set as set, listed_ids as ids, query_plan, set_created_at, set_up, user,
};
use backend::{leads, list, search, stages};
use chrono::{DateTime, Duration, Utc};
use domain::filter::LeadFilter;
use domain::lead::{LeadDraft, MoveLead};
use domain::list::ListView;
use domain::preset::StagePreset;
use domain::user::{Role, User};
use domain::{AppError, Id};

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
        let plan = query_plan(&db, &sql, &search.binds).await;
        assert!(plan.contains(index), "{typed}: {plan}");
        if db.backend_name() == "sqlite" {
            assert!(plan.contains("VIRTUAL TABLE INDEX"), "{typed}: {plan}");
            assert!(plan.contains("USING INTEGER PRIMARY KEY"), "{typed}: {plan}");
            assert!(!plan.lines().any(|line| line.trim() == "SCAN l" || line.starts_with("SCAN l ")), "never a scan of the leads: {plan}");
        }
    }
    // The start-up backfill's question, asked at every start, reads a partial index, not every lead.
    let unindexed = "SELECT id FROM leads WHERE search_text = '' AND id > $1 ORDER BY id LIMIT 1000";
    let plan = query_plan(&db, unindexed, &[backend::filter::Bind::Int(0)]).await;
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
        assert!(fts5_is_one_segment(&db, "leads_words").await, "the rebuilt index is merged into one segment");
        // Writes after it are merged as usual: a new lead is found at once.
        let late = create("Вера", "", "Александрова").await;
        assert_eq!(found(&db, &owner, "александрова").await, set(&[anna, late]));
    }
});

// After a bulk write SQLite's full-text tables are merged into one segment each, a step at a
// time, and every lead is still found (see `search::merge_segments`).
both!(full_text_tables_merge_into_one_segment, |db| async move {
    if db.backend_name() != "sqlite" {
        return;
    }
    let owner = set_up(&db, StagePreset::Simple).await;
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let mut created = Vec::new();
    for (first, surname, email) in [("Анна", "Соколова", "anna.sokolova@mail.ru"), ("Борис", "Соколов", ""), ("Вера", "Орлова", "")]
    {
        let draft = LeadDraft {
            first_name: first.into(),
            surname: surname.into(),
            email: email.into(),
            stage_id: Some(stage),
            ..LeadDraft::default()
        };
        created.push(leads::create_lead(&db, &owner, draft).await.unwrap().id);
    }
    // Each creation wrote a segment of its own to each table.
    for table in search::FTS5_TABLES {
        assert!(!fts5_is_one_segment(&db, table).await, "{table} before");
    }
    let backend::db::Pool::Sqlite(pool) = &db.pool else { unreachable!() };
    let mut conn = pool.acquire().await.unwrap();
    search::merge_segments(&mut conn, &search::FTS5_TABLES).await.unwrap();
    for table in search::FTS5_TABLES {
        assert!(fts5_is_one_segment(&db, table).await, "{table} after");
    }
    // The word index and the trigram table answer as before.
    assert_eq!(found(&db, &owner, "соколов").await, set(&created[..2]));
    assert_eq!(found(&db, &owner, "колова").await, set(&[created[0]]));
    assert_eq!(found(&db, &owner, "вера орл").await, set(&[created[2]]));
    // A term across a word's end is the trigram table's.
    assert_eq!(found(&db, &owner, "sokolova@mail").await, set(&[created[0]]));
});

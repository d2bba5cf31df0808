//! Moves (access, versions, reasons, the timeline entry) and keyset pages, on both databases.

use backend::both;
use backend::testing::{set_up, user};
use backend::{board, leads, moves, stages};
use domain::board::CardCursor;
use domain::error::Invalid;
use domain::event::LeadEventKind;
use domain::filter::LeadFilter;
use domain::lead::{LeadDraft, MoveLead};
use domain::preset::StagePreset;
use domain::user::Role;
use domain::AppError;
use std::collections::HashSet;

fn draft(name: &str, stage: i64) -> LeadDraft {
    LeadDraft { first_name: name.into(), stage_id: Some(stage), ..LeadDraft::default() }
}

fn err(e: backend::Error) -> AppError {
    e.into()
}

both!(moves_check_version_reason_and_rights, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    let (first, waiting, refusal) = (s[0].clone(), s[1].clone(), s[3].clone());
    let lead = leads::create_lead(&db, &anna, draft("Евгений", first.id)).await.unwrap();
    let mut events = db.events.subscribe();

    let moved =
        moves::move_lead(&db, &anna, MoveLead { lead_id: lead.id, to_stage: waiting.id, reason: None, expected_version: 1 }).await.unwrap();
    assert_eq!(moved.stage_id, waiting.id);
    assert_eq!(moved.version, 2);
    assert!(moved.stage_changed_at > lead.stage_changed_at);
    assert_eq!(moves::stage_changes(&db, lead.id).await.unwrap(), 1, "one timeline entry per move");
    let event = events.recv().await.unwrap();
    assert_eq!((event.kind, event.lead_id, event.from_stage, event.stage_id), (LeadEventKind::Moved, lead.id, Some(first.id), waiting.id));

    // A stale version is a conflict that names the current one, and changes nothing.
    let stale = moves::move_lead(&db, &anna, MoveLead { lead_id: lead.id, to_stage: first.id, reason: None, expected_version: 1 })
        .await
        .unwrap_err();
    assert_eq!(err(stale), AppError::Conflict { current_version: 2 });
    assert_eq!(moves::stage_changes(&db, lead.id).await.unwrap(), 1);

    // Reasons: required, and only the target stage's own.
    let none = MoveLead { lead_id: lead.id, to_stage: refusal.id, reason: None, expected_version: 2 };
    assert_eq!(err(moves::move_lead(&db, &anna, none).await.unwrap_err()), AppError::invalid("reason", Invalid::ReasonRequired));
    let foreign = MoveLead { lead_id: lead.id, to_stage: refusal.id, reason: Some(999_999), expected_version: 2 };
    assert_eq!(err(moves::move_lead(&db, &anna, foreign).await.unwrap_err()), AppError::invalid("reason", Invalid::ReasonNotOfStage));
    let unknown = MoveLead { lead_id: lead.id, to_stage: 999_999, reason: None, expected_version: 2 };
    assert_eq!(err(moves::move_lead(&db, &anna, unknown).await.unwrap_err()), AppError::invalid("stage_id", Invalid::NotFound));

    // Another sales user may not move Anna's lead; a deputy and the owner may.
    let not_theirs = MoveLead { lead_id: lead.id, to_stage: first.id, reason: None, expected_version: 2 };
    assert_eq!(err(moves::move_lead(&db, &boris, not_theirs.clone()).await.unwrap_err()), AppError::Forbidden);
    let reason = refusal.reasons[0].id;
    let by_owner = MoveLead { lead_id: lead.id, to_stage: refusal.id, reason: Some(reason), expected_version: 2 };
    let refused = moves::move_lead(&db, &owner, by_owner).await.unwrap();
    assert_eq!((refused.stage_id, refused.stage_reason_id, refused.version), (refusal.id, Some(reason), 3));
    assert_eq!(moves::stage_changes(&db, lead.id).await.unwrap(), 2);

    // Sales staff who may see only their own leads are told the lead does not exist.
    backend::with_pool!(&db, pool => sqlx::query("UPDATE school_settings SET lead_visibility = 'own'").execute(pool).await.map(|_| ()))
        .unwrap();
    let hidden = MoveLead { lead_id: lead.id, to_stage: first.id, reason: None, expected_version: 3 };
    assert_eq!(err(moves::move_lead(&db, &boris, hidden).await.unwrap_err()), AppError::NotFound);
    assert_eq!(err(board::card(&db, &boris, lead.id).await.unwrap_err()), AppError::NotFound);
    assert_eq!(board::card(&db, &anna, lead.id).await.unwrap().version, 3);
});

both!(two_movers_one_winner, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let lead = leads::create_lead(&db, &owner, draft("Гонка", s[0].id)).await.unwrap();
    let (a, b) = tokio::join!(
        moves::move_lead(&db, &owner, MoveLead { lead_id: lead.id, to_stage: s[1].id, reason: None, expected_version: 1 }),
        moves::move_lead(
            &db,
            &owner,
            MoveLead { lead_id: lead.id, to_stage: s[3].id, reason: Some(s[3].reasons[0].id), expected_version: 1 }
        ),
    );
    let wins = [a.is_ok(), b.is_ok()].iter().filter(|w| **w).count();
    assert_eq!(wins, 1, "exactly one of two concurrent moves from version 1 wins");
    let loser = match (a, b) {
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
        _ => unreachable!("exactly one won"),
    };
    assert_eq!(err(loser), AppError::Conflict { current_version: 2 });
    assert_eq!(moves::stage_changes(&db, lead.id).await.unwrap(), 1);
});

both!(keyset_pages_are_complete_and_disjoint_while_leads_arrive, |db| async move {
    let owner = set_up(&db, StagePreset::Simple).await;
    let first = stages::list_stages(&db).await.unwrap()[0].id;
    for i in 0..(board::PAGE * 2 + 7) {
        leads::create_lead(&db, &owner, draft(&format!("Лид {i}"), first)).await.unwrap();
    }
    let filter = LeadFilter::default();
    let start = board::load_board(&db, &owner, &filter).await.unwrap();
    let column = &start.columns[0];
    assert_eq!(column.count.value, board::PAGE * 2 + 7);
    let mut seen: Vec<i64> = column.cards.iter().map(|c| c.id).collect();
    let mut cursor: Option<CardCursor> = column.cards.last().map(|c| c.cursor());
    let mut arrived = 0;
    while let Some(after) = cursor {
        // New leads land on top of the column and must not shift the pages below.
        leads::create_lead(&db, &owner, draft("Новый", first)).await.unwrap();
        arrived += 1;
        let page = board::load_column(&db, &owner, &filter, first, Some(after)).await.unwrap();
        assert!(page.len() as i64 <= board::PAGE);
        seen.extend(page.iter().map(|c| c.id));
        cursor = if (page.len() as i64) < board::PAGE { None } else { page.last().map(|c| c.cursor()) };
    }
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "pages are disjoint");
    assert_eq!(seen.len() as i64, board::PAGE * 2 + 7, "every lead that was there at the start, exactly once");
    assert!(arrived >= 2);
});

both!(the_boards_first_pages_are_each_columns_own_first_page, |db| async move {
    use domain::count::Count;
    let owner = set_up(&db, StagePreset::Simple).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let s = stages::list_stages(&db).await.unwrap();
    // The owner's leads fill more than a page in each of two columns.
    for i in 0..(board::PAGE * 3 + 5) {
        let by = if i % 3 == 0 { &anna } else { &owner };
        leads::create_lead(&db, by, draft(&format!("Лид {i}"), s[i as usize % 2].id)).await.unwrap();
    }
    leads::create_lead(&db, &owner, draft("Один", s[2].id)).await.unwrap();
    // A search walks each column when every lead matches, or reads its hits (here, with a
    // responsible), ranked per column in one statement; a column's own first page is read apart,
    // through the board index.
    let searched = LeadFilter { q: Some("лид".into()), ..LeadFilter::default() };
    let searched_mine = LeadFilter { q: Some("лид".into()), responsible: vec![owner.id], ..LeadFilter::default() };
    let mine = LeadFilter { responsible: vec![owner.id], ..LeadFilter::default() };
    let unsearched_counts: Vec<i64> = board::load_board(&db, &owner, &mine).await.unwrap().columns.iter().map(|c| c.count.value).collect();
    assert!(unsearched_counts[0] > board::PAGE && unsearched_counts[1] > board::PAGE, "{unsearched_counts:?}");
    for filter in
        [LeadFilter::default(), LeadFilter { responsible: vec![anna.id], ..LeadFilter::default() }, searched, searched_mine.clone()]
    {
        let board = board::load_board(&db, &owner, &filter).await.unwrap();
        assert!(board.columns.len() >= 3);
        for column in &board.columns {
            let own = board::load_column(&db, &owner, &filter, column.stage.id, None).await.unwrap();
            let ids = |cards: &[domain::board::BoardCard]| cards.iter().map(|c| c.id).collect::<Vec<_>>();
            assert_eq!(ids(&column.cards), ids(&own), "column {} under {filter:?}", column.stage.name);
            assert_eq!(column.cards.len() as i64, column.count.value.min(board::PAGE));
        }
        if filter == searched_mine {
            // Both columns hold more hits than a page, which is where a searched column stops
            // counting: "50+".
            let counts: Vec<Count> = board.columns.iter().map(|c| c.count).collect();
            let capped: Vec<Count> =
                unsearched_counts[..2].iter().map(|n| Count::capped_at(*n, searched_mine.column_count_cap())).collect();
            assert_eq!(counts[..2], capped[..], "every hit is counted, to the column's cap");
            assert!(capped.iter().all(|c| c.more && c.value == board::PAGE), "{capped:?}");
            assert_eq!(counts[2], Count::exact(0), "«Один» is no «лид»");
        }
    }
});

both!(a_searched_board_reads_the_same_walking_its_columns_as_from_its_hits, |db| async move {
    use backend::filter::Where;
    use domain::access::LeadScope;
    use domain::count::Count;
    use sqlx::Row;
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let shown: Vec<i64> = s.iter().filter(|s| s.shown_on_board).map(|s| s.id).collect();
    // A surname that is also a patronymic, a name inside another (Пётр, Петров), leads in three
    // columns, some archived.
    let people = [("Пётр", "Сергеев", ""), ("Анна", "Петрова", "Сергеевна"), ("Иван", "Петров", "Петрович"), ("Мария", "Кузнецова", "")];
    for i in 0..160usize {
        let (first, surname, patronymic) = people[i % people.len()];
        let draft = LeadDraft {
            first_name: first.into(),
            surname: surname.into(),
            patronymic: patronymic.into(),
            stage_id: Some(shown[i % 3]),
            ..LeadDraft::default()
        };
        let lead = leads::create_lead(&db, &owner, draft).await.unwrap();
        if i % 7 == 0 {
            let archive = format!("UPDATE leads SET archived = TRUE WHERE id = {}", lead.id);
            backend::with_pool!(&db, pool => sqlx::query(&archive).execute(pool).await.map(|_| ())).unwrap();
        }
    }
    let read = |sql: String, binds: Vec<backend::filter::Bind>| {
        let db = db.clone();
        async move {
            let rows: Vec<(i64, i64, i64)> = backend::with_pool!(&db, pool => backend::bind_all!(sqlx::query(&sql), &binds)
                .fetch_all(pool)
                .await
                .map(|rows| rows.iter().map(|r| (r.get("stage_id"), r.get("id"), r.get("hits"))).collect()))
            .unwrap();
            rows
        }
    };
    let cap = 30;
    for typed in ["сергеев", "Петр", "анна сергеевна", "кузнецова", "нет такого"] {
        let filter = LeadFilter { q: Some(typed.into()), ..LeadFilter::default() };
        let query = filter.search().unwrap();
        let base = Where::build(&filter, LeadScope::All, chrono::Utc::now(), db.dialect());
        let walk = board::walk_base(&filter, &query, LeadScope::All, db.dialect()).expect("nothing but a search: the index answers it");
        let capped = |mut rows: Vec<(i64, i64, i64)>| {
            rows.sort_unstable();
            rows.into_iter().map(|(stage, id, hits)| (stage, id, Count::capped_at(hits, cap))).collect::<Vec<_>>()
        };
        let from_hits = capped(read(board::hits_sql(&base, &shown), base.binds.clone()).await);
        let walked = capped(read(board::walk_sql(&walk.conditions, &shown, cap), walk.conditions.binds.clone()).await);
        assert_eq!(walked, from_hits, "{typed}");
        if typed == "нет такого" {
            assert!(walked.is_empty());
        } else {
            assert!(!walked.is_empty(), "{typed}");
        }
    }
    // Whether to walk: «сергеев» is in half the leads, «кузнецова» in a quarter, nothing is in none.
    let common = |typed: &str| {
        let filter = LeadFilter { q: Some(typed.into()), ..LeadFilter::default() };
        board::walk_base(&filter, &filter.search().unwrap(), LeadScope::All, db.dialect()).unwrap()
    };
    assert!(board::is_common(&db, &common("сергеев"), &shown).await.unwrap());
    assert!(!board::is_common(&db, &common("нет такого"), &shown).await.unwrap());
    // Anything the board index does not hold is read from the hits.
    let filter = LeadFilter { q: Some("сергеев".into()), categories: vec![1], ..LeadFilter::default() };
    assert!(board::walk_base(&filter, &filter.search().unwrap(), LeadScope::All, db.dialect()).is_none());
    let filter = LeadFilter { q: Some("сергеев".into()), ..LeadFilter::default() };
    assert!(board::walk_base(&filter, &filter.search().unwrap(), LeadScope::ResponsibleIs(owner.id), db.dialect()).is_none());
    // Both plans page the same way through load_column.
    let board = board::load_board(&db, &owner, &filter).await.unwrap();
    for column in &board.columns {
        let own = board::load_column(&db, &owner, &filter, column.stage.id, None).await.unwrap();
        assert_eq!(column.cards.iter().map(|c| c.id).collect::<Vec<_>>(), own.iter().map(|c| c.id).collect::<Vec<_>>());
    }
    // The board walks its columns in two halves side by side, and reads as the hits do.
    let base = Where::build(&filter, LeadScope::All, chrono::Utc::now(), db.dialect());
    let from_hits = read(board::hits_sql(&base, &shown), base.binds.clone()).await;
    assert_eq!(board.columns.len(), shown.len());
    for column in &board.columns {
        let hits: Vec<_> = from_hits.iter().filter(|(stage, ..)| *stage == column.stage.id).collect();
        let counted = hits.first().map_or(Count::exact(0), |(.., n)| Count::capped_at(*n, filter.column_count_cap()));
        assert_eq!(column.count, counted, "column {}", column.stage.name);
        let mut shown_ids: Vec<i64> = column.cards.iter().map(|c| c.id).collect();
        let mut hit_ids: Vec<i64> = hits.iter().map(|(_, id, _)| *id).collect();
        shown_ids.sort_unstable();
        hit_ids.sort_unstable();
        assert_eq!(shown_ids, hit_ids, "column {}", column.stage.name);
    }
    assert!(board.columns.iter().filter(|c| !c.cards.is_empty()).count() >= 3, "columns in both halves have cards");
    // A board with no column shown, searched or not, is empty rather than an SQL error.
    backend::with_pool!(&db, pool => sqlx::query("UPDATE stages SET shown_on_board = FALSE").execute(pool).await.map(|_| ())).unwrap();
    for filter in [filter, LeadFilter::default()] {
        assert!(board::load_board(&db, &owner, &filter).await.unwrap().columns.is_empty());
    }
});

both!(counts_past_the_cap_say_more_than_the_cap, |db| async move {
    use domain::count::{Count, CAP};
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let one = leads::create_lead(&db, &owner, draft("Клонов", s[0].id)).await.unwrap();
    leads::create_lead(&db, &owner, draft("Одинокий", s[1].id)).await.unwrap();
    // CAP more copies of the first lead in one statement, their search text left for the
    // start-up backfill to write (with SQLite's word suffixes, which no trigger can).
    let copy = format!(
        "INSERT INTO leads (first_name, stage_id, stage_changed_at, channel_id, client_type, archived, created_at, updated_at, version, \
         search_text, sort_name) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CAP}) \
         SELECT l.first_name, l.stage_id, l.stage_changed_at, l.channel_id, l.client_type, l.archived, l.created_at, l.updated_at, \
         l.version, '', l.sort_name FROM leads l, n WHERE l.id = {}",
        one.id
    );
    backend::with_pool!(&db, pool => sqlx::query(&copy).execute(pool).await.map(|_| ())).unwrap();
    backend::search::backfill(&db).await.unwrap();
    // Leads written by hand with an empty search text get their trigram rows from the backfill.
    backend::testing::assert_trigram_index_matches_leads(&db).await;

    let many = Count { value: CAP, more: true };
    let board = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    assert_eq!(board.columns[0].count, many, "{} leads read as more than {CAP}", CAP + 1);
    assert_eq!(board.columns[0].cards.len() as i64, board::PAGE);
    assert_eq!(board.columns[1].count, Count::exact(1), "small columns stay exact");
    assert_eq!(board.columns[2].count, Count::exact(0));

    let list = backend::list::list_leads(&db, &owner, &LeadFilter::default(), &domain::list::ListView::default(), None).await.unwrap();
    assert_eq!(list.total, many);
    // The quick box counts to its own cap, and past it finds the newest hits by reading leads
    // newest first: the copies share one creation time, so the newest are the highest ids — the
    // very newest archived, which search still shows.
    backend::with_pool!(&db, pool => sqlx::query("UPDATE leads SET archived = TRUE WHERE id = (SELECT MAX(id) FROM leads)")
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
    let (hits, found) = backend::search::quick(&db, &owner, "клонов").await.unwrap();
    assert_eq!(found, Count { value: backend::search::QUICK_COUNT_CAP, more: true });
    let newest: Vec<i64> = backend::with_pool!(&db, pool => sqlx::query_scalar(
        "SELECT id FROM leads WHERE first_name = 'Клонов' ORDER BY created_at DESC, id DESC LIMIT 8"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), newest);
    assert_eq!(hits.len(), backend::search::QUICK_LIMIT);
    assert!(hits[0].archived && !hits[1].archived);
    let (_, alone) = backend::search::quick(&db, &owner, "одинок").await.unwrap();
    assert_eq!(alone, Count::exact(1));

    // A list or board filtered by what was typed counts to the search's cap, as the box does.
    let searched = LeadFilter { q: Some("клонов".into()), ..LeadFilter::default() };
    let search_cap = Count { value: domain::count::SEARCH_CAP, more: true };
    let view = domain::list::ListView::default();
    let list = backend::list::list_leads(&db, &owner, &searched, &view, None).await.unwrap();
    assert_eq!(list.total, search_cap);
    // Past the cap the list reads leads newest first; page by page it is the same list.
    let newest: Vec<i64> = backend::with_pool!(&db, pool => sqlx::query_scalar(
        "SELECT id FROM leads WHERE first_name = 'Клонов' AND archived = FALSE ORDER BY created_at DESC, id DESC LIMIT 100"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    let size = view.size as usize;
    assert_eq!(list.rows.iter().map(|r| r.id).collect::<Vec<_>>(), newest[..size]);
    let next = backend::list::list_leads(&db, &owner, &searched, &view, list.next.as_ref()).await.unwrap();
    assert_eq!(next.rows.iter().map(|r| r.id).collect::<Vec<_>>(), newest[size..2 * size]);
    let board = board::load_board(&db, &owner, &searched).await.unwrap();
    assert_eq!(
        board.columns[0].count,
        Count { value: domain::count::COLUMN_SEARCH_CAP, more: true },
        "a searched column counts to its own cap"
    );
    let own = board::load_column(&db, &owner, &searched, s[0].id, None).await.unwrap();
    let card_ids = |cards: &[domain::board::BoardCard]| cards.iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(card_ids(&board.columns[0].cards), card_ids(&own), "a searched board's first page is the column's own");
    assert_eq!(own.len() as i64, board::PAGE);
    assert_eq!(board.columns[1].count, Count::exact(0));
    let lonely = LeadFilter { q: Some("одинок".into()), ..LeadFilter::default() };
    let list = backend::list::list_leads(&db, &owner, &lonely, &domain::list::ListView::default(), None).await.unwrap();
    assert_eq!(list.total, Count::exact(1));

    let second_stage = LeadFilter { stages: vec![s[1].id], ..LeadFilter::default() };
    let narrowed = backend::list::list_leads(&db, &owner, &second_stage, &domain::list::ListView::default(), None).await.unwrap();
    assert_eq!(narrowed.total, Count::exact(1), "a filter below the cap is counted exactly");

    // Someone who sees only their own leads is counted among those: the word index's count of
    // every lead's hits (SQLite's shortcut past the cap) is not theirs. More than a page of
    // them, so that a walk newest first cannot tell it by coming up short.
    let anna = user(&db, "anna", Role::Sales).await;
    let mut hers = Vec::new();
    for _ in 0..=backend::search::QUICK_LIMIT {
        hers.push(leads::create_lead(&db, &anna, draft("Клонов", s[0].id)).await.unwrap().id);
    }
    backend::with_pool!(&db, pool => sqlx::query("UPDATE school_settings SET lead_visibility = 'own'").execute(pool).await.map(|_| ()))
        .unwrap();
    let (hits, found) = backend::search::quick(&db, &anna, "клонов").await.unwrap();
    assert_eq!(found, Count::exact(hers.len() as i64));
    assert!(hits.iter().all(|h| hers.contains(&h.id)) && hits.len() == backend::search::QUICK_LIMIT);
});

both!(stages_changed_behind_the_servers_back_are_seen_at_once, |db| async move {
    // Moves and boards keep stages and rules in memory (`backend::config`); a change made by
    // another process — here plain SQL — must reach the very next request.
    let owner = set_up(&db, StagePreset::Simple).await;
    let s = stages::list_stages(&db).await.unwrap();
    let lead = leads::create_lead(&db, &owner, draft("Кэш", s[0].id)).await.unwrap();
    let before = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    assert_eq!(before.columns.len(), s.iter().filter(|s| s.shown_on_board).count());

    let exec = |sql: String| {
        let db = db.clone();
        async move { backend::with_pool!(&db, pool => sqlx::query(&sql).execute(pool).await.map(|_| ())).unwrap() }
    };
    exec("INSERT INTO stages (name, color, position, kind, shown_on_board, enrolment) VALUES ('Снаружи', '#123456', 99, 'open', TRUE, FALSE)".into())
        .await;
    exec(format!("UPDATE stages SET name = 'Переименована' WHERE id = {}", s[0].id)).await;
    let outside = stages::list_stages(&db).await.unwrap().into_iter().find(|st| st.name == "Снаружи").unwrap();

    let after = board::load_board(&db, &owner, &LeadFilter::default()).await.unwrap();
    assert_eq!(after.columns.len(), before.columns.len() + 1, "the new stage is a column");
    assert_eq!(after.columns[0].stage.name, "Переименована");
    let moved = moves::move_lead(&db, &owner, MoveLead { lead_id: lead.id, to_stage: outside.id, reason: None, expected_version: 1 })
        .await
        .unwrap();
    assert_eq!((moved.stage_id, moved.version), (outside.id, 2));
    let read = leads::get_lead(&db, lead.id).await.unwrap().unwrap();
    assert_eq!(read, moved, "the lead a move answers with is the one stored");

    exec(format!("DELETE FROM stages WHERE id = {}", s[2].id)).await;
    let gone = moves::move_lead(&db, &owner, MoveLead { lead_id: lead.id, to_stage: s[2].id, reason: None, expected_version: 2 }).await;
    assert_eq!(err(gone.unwrap_err()), AppError::invalid("stage_id", Invalid::NotFound), "a deleted stage is refused");
});

both!(a_board_column_is_counted_through_the_narrow_index, |db| async move {
    set_up(&db, StagePreset::Simple).await;
    // Through `leads_board` (which holds each lead's search text) a column's ten thousand leads
    // cost ten times the pages (migrations 0017 SQLite, 0016 PostgreSQL).
    let sql = backend::list::capped_count_sql("l.archived = FALSE AND l.stage_id = 1", domain::count::CAP);
    let plan = backend::testing::query_plan(&db, &sql, &[]).await;
    assert!(plan.contains("leads_stage_count"), "{plan}");
});

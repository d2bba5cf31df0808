//! Importing on both databases, with files the tests write: CSV in UTF-8 and Windows-1251, XLSX
//! with date cells and numeric phones; the preview writes nothing; a run is all or nothing,
//! cancellable, and idempotent; bad files are refused with a reason and write nothing.

use backend::import::{self, read, ImportProgress, ImportRefusal};
use backend::testing::{set_up, user};
use backend::{leads, stages, timeline, with_pool, Db};
use domain::import::{FileProblem, Problem, Severity, COLUMNS};
use domain::preset::StagePreset;
use domain::timeline::TimelineEvent;
use domain::user::{Role, User};
use std::sync::atomic::Ordering;

fn header() -> String {
    COLUMNS.iter().map(|(ru, _)| *ru).collect::<Vec<_>>().join(";")
}

/// A CSV line from (column, value) pairs.
fn line(values: &[(usize, &str)]) -> String {
    let mut cells = vec![String::new(); COLUMNS.len()];
    for (i, v) in values {
        cells[*i] = v.to_string();
    }
    cells.join(";")
}

fn csv(rows: &[String]) -> Vec<u8> {
    let mut text = header();
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.into_bytes()
}

async fn count(db: &Db, sql: &str) -> i64 {
    with_pool!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

async fn setup(db: &Db) -> (User, String) {
    let owner = set_up(db, StagePreset::DrivingSchoolFull).await;
    let second_stage = stages::list_stages(db).await.unwrap()[1].name.clone();
    (owner, second_stage)
}

backend::both!(preview_then_import_once, |db| async move {
    let (owner, second_stage) = setup(&db).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let file = csv(&[
        line(&[
            (0, "Иванов"),
            (1, "Евгений"),
            (3, "8 (917) 123-45-78"),
            (9, "B"),
            (14, &second_stage),
            (15, "anna"),
            (17, "01.03.2021 10:15:00"),
            (18, "Пришёл с другом"),
            (19, "Хочет автомат"),
        ]),
        line(&[(1, "Мария"), (3, "+7(999) 125-99-99"), (12, "Радио")]),
        line(&[(1, "Олег"), (3, "9171234500"), (16, "#скидка")]),
    ]);
    let report = import::preview(&db, &owner, "leads.csv", &file).await.unwrap().unwrap();
    assert_eq!(
        (report.totals.rows, report.totals.ok, report.totals.warnings, report.totals.errors, report.totals.already),
        (3, 3, 1, 0, 0)
    );
    assert_eq!(report.rows[1].issues[0].severity, Severity::Warning, "unknown channel falls back with a warning");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads").await, 0, "the preview writes nothing");

    let progress = ImportProgress::default();
    let done = import::run(&db, &owner, "leads.csv", &file, false, &progress).await.unwrap().unwrap();
    assert_eq!((done.imported, done.already), (3, 0));
    assert_eq!(progress.done.load(Ordering::Relaxed), 3);
    // The first row: responsible by login, registrar the importer, the file's creation date
    // (school time, Moscow) and both notes dated then.
    let id: i64 =
        with_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM leads WHERE first_name = 'Евгений'").fetch_one(pool).await).unwrap();
    let lead = leads::get_lead(&db, id).await.unwrap().unwrap();
    assert_eq!((lead.responsible_id, lead.registrar_id), (Some(anna.id), Some(owner.id)));
    assert_eq!(lead.phone.as_ref().unwrap().as_str(), "+79171234578");
    let person: Option<i64> =
        with_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM persons WHERE phone = '+79171234578'").fetch_optional(pool).await)
            .unwrap();
    assert_eq!(lead.person_id, person, "imported leads are linked to their person by phone");
    assert!(person.is_some());
    assert_eq!(lead.created_at.format("%Y-%m-%d %H:%M").to_string(), "2021-03-01 07:15");
    let notes = timeline::list(&db, &owner, id, &["note".into()], None).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|n| n.created_at == lead.created_at));
    assert_eq!(timeline::list(&db, &owner, id, &["imported".into()], None).await.unwrap().len(), 1);
    let record: (String, i32, i32, String) =
        with_pool!(&db, pool => sqlx::query_as("SELECT file_name, rows_total, rows_imported, status FROM imports").fetch_one(pool).await)
            .unwrap();
    assert_eq!(record, ("leads.csv".to_string(), 3, 3, "done".to_string()));
    let shown = import::history(&db, &owner).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].by.as_deref(), shown[0].rows_total, shown[0].rows_imported, shown[0].finished),
        (Some(owner.display_name.as_str()), 3, 3, true)
    );
    assert_eq!(shown[0].file_hash, report.file_hash);

    // The same file again, and the same rows re-saved with a changed layout of phones: nothing new.
    let again = import::run(&db, &owner, "leads.csv", &file, false, &progress).await.unwrap().unwrap();
    assert_eq!((again.imported, again.already), (0, 3));
    let shown = import::history(&db, &owner).await.unwrap();
    assert_eq!((shown.len(), shown[0].rows_imported, shown[0].rows_already), (2, 0, 3), "the newest first");
    let resaved = csv(&[line(&[(1, "ОЛЕГ"), (3, "+7 917 123-45-00"), (16, "#скидка")])]);
    let report = import::preview(&db, &owner, "resaved.csv", &resaved).await.unwrap().unwrap();
    assert_eq!(report.totals.already, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads").await, 3);
});

backend::both!(a_file_with_errors_imports_nothing_and_a_run_can_be_cancelled, |db| async move {
    let (owner, _) = setup(&db).await;
    let file = csv(&[line(&[(1, "Хороший"), (3, "89171234578")]), line(&[(1, "Плохой"), (3, "12345"), (14, "Нет такого")])]);
    let report = import::preview(&db, &owner, "bad.csv", &file).await.unwrap().unwrap();
    assert_eq!(report.totals.errors, 1);
    let bad = &report.rows[1];
    assert_eq!(bad.line, 3);
    assert_eq!(bad.issues.iter().map(|i| i.column).collect::<Vec<_>>(), vec![3, 14]);
    assert!(matches!(&bad.issues[1].problem, Problem::Unknown { allowed } if allowed.len() == 26));
    let refused = import::run(&db, &owner, "bad.csv", &file, true, &ImportProgress::default()).await.unwrap();
    assert_eq!(refused, Err(ImportRefusal::RowErrors(1)));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads").await, 0);

    let good = csv(&[line(&[(1, "Первый")]), line(&[(1, "Второй")])]);
    let progress = ImportProgress::default();
    progress.cancel.store(true, Ordering::Relaxed);
    assert_eq!(import::run(&db, &owner, "good.csv", &good, true, &progress).await.unwrap(), Err(ImportRefusal::Cancelled));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM imports").await, 0, "a cancelled import leaves no record either");
});

backend::both!(only_deputy_and_above_import, |db| async move {
    let (_, _) = setup(&db).await;
    let sales = user(&db, "sales", Role::Sales).await;
    let file = csv(&[line(&[(1, "Кто-то")])]);
    let refused: domain::AppError = import::preview(&db, &sales, "x.csv", &file).await.unwrap_err().into();
    assert_eq!(refused, domain::AppError::Forbidden);
    let refused: domain::AppError = import::run(&db, &sales, "x.csv", &file, true, &ImportProgress::default()).await.unwrap_err().into();
    assert_eq!(refused, domain::AppError::Forbidden);
    let refused: domain::AppError = import::history(&db, &sales).await.unwrap_err().into();
    assert_eq!(refused, domain::AppError::Forbidden);
});

backend::both!(xlsx_with_dates_and_numeric_phones_and_windows_1251_csv, |db| async move {
    let (owner, _) = setup(&db).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, (ru, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, i as u16, *ru).unwrap();
    }
    sheet.write_string(1, 1, "Excel").unwrap();
    sheet.write_number(1, 3, 89171234511.0).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy hh:mm");
    let when = rust_xlsxwriter::ExcelDateTime::parse_from_str("2022-05-17 09:30:00").unwrap();
    sheet.write_datetime_with_format(1, 17, &when, &format).unwrap();
    sheet.write_number(1, 8, 45000.0).unwrap(); // desired start as an Excel day number: 2023-03-15
    let bytes = book.save_to_buffer().unwrap();
    let report = import::preview(&db, &owner, "book.xlsx", &bytes).await.unwrap().unwrap();
    assert_eq!(report.totals.errors, 0, "{:?}", report.rows[0].issues);
    let row = &report.rows[0];
    assert_eq!(row.draft.as_ref().unwrap().phone, "+79171234511");
    assert_eq!(row.created_at.unwrap().format("%Y-%m-%d %H:%M").to_string(), "2022-05-17 09:30");
    assert_eq!(row.draft.as_ref().unwrap().desired_start.unwrap().to_string(), "2023-03-15");

    // Windows-1251, comma-separated, English headers.
    let english = COLUMNS.iter().map(|(_, en)| *en).collect::<Vec<_>>().join(",");
    let text = format!("{english}\nПетров,Пётр,,89171234599{}\n", ",".repeat(COLUMNS.len() - 4));
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&text);
    let report = import::preview(&db, &owner, "old.csv", &bytes).await.unwrap().unwrap();
    assert_eq!(report.totals.ok, 1, "{:?}", report.rows[0].issues);
    assert_eq!(report.rows[0].draft.as_ref().unwrap().first_name, "Пётр");
});

backend::both!(bad_files_are_refused_with_a_reason, |db| async move {
    let (owner, _) = setup(&db).await;
    let preview = |bytes: Vec<u8>| {
        let (db, owner) = (db.clone(), owner.clone());
        async move { import::preview(&db, &owner, "f", &bytes).await.unwrap() }
    };
    assert_eq!(preview(Vec::new()).await, Err(FileProblem::Empty));
    assert_eq!(preview(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).await, Err(FileProblem::NotSpreadsheet));
    assert_eq!(preview(b"PK\x03\x04 not really a zip".to_vec()).await, Err(FileProblem::NotSpreadsheet));
    let wrong = preview("Имя;Фамилия\nА;Б\n".as_bytes().to_vec()).await.unwrap_err();
    assert!(matches!(wrong, FileProblem::Headers(ref m) if m.column == 0), "{wrong:?}");
    assert!(matches!(preview(vec![b'a'; domain::import::MAX_FILE_BYTES + 1]).await, Err(FileProblem::TooLarge { .. })));
    // A million rows is refused without reading them all into leads.
    let mut million = header().into_bytes();
    million.extend(std::iter::repeat_n(&b"\n;x"[..], 1_000_000).flatten());
    assert!(matches!(preview(million).await, Err(FileProblem::TooManyRows { .. })));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads").await, 0);
});

#[test]
fn zip_sizes_are_read_from_the_directory() {
    use std::io::Write;
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buffer);
    zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(&vec![0_u8; 3 * 1024 * 1024]).unwrap();
    zip.finish().unwrap();
    let bytes = buffer.into_inner();
    assert!(bytes.len() < 64 * 1024, "zeros compress");
    assert_eq!(read::unpacked_size(&bytes).unwrap(), 3 * 1024 * 1024);
}

backend::both!(export_follows_the_filter_and_access_and_imports_back_as_nothing_new, |db| async move {
    let (owner, _) = setup(&db).await;
    let anna = user(&db, "anna", Role::Sales).await;
    let boris = user(&db, "boris", Role::Sales).await;
    backend::settings::set_lead_visibility(&db, &owner, domain::settings::LeadVisibility::Own).await.unwrap();
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let category = backend::dictionaries::list(&db, domain::dictionary::DictionaryKind::Category).await.unwrap()[0].id;
    for (who, name, phone) in [(&anna, "Анна-лид", "89171230001"), (&anna, "Второй Анны", ""), (&boris, "Бориса", "89171230002")]
    {
        let draft = domain::lead::LeadDraft {
            first_name: name.into(),
            phone: phone.into(),
            stage_id: Some(stage),
            category_id: Some(category),
            tags: vec!["экспорт".into()],
            ..Default::default()
        };
        leads::create_lead(&db, who, draft).await.unwrap();
    }
    // Anna sees only her own leads; the owner all three; a filter narrows.
    let everything = domain::filter::LeadFilter::default();
    let own = backend::export::export_table(&db, &anna, &everything).await.unwrap();
    assert_eq!(own.len(), 1 + 2);
    assert_eq!(own[0][0], "Фамилия");
    let all = backend::export::export_table(&db, &owner, &everything).await.unwrap();
    assert_eq!(all.len(), 1 + 3);
    assert_eq!(all[1][3], "+79171230001");
    assert_eq!(all[1][16], "экспорт");
    let (searched, _) = domain::filter::LeadFilter::from_query("q=Бориса");
    assert_eq!(backend::export::export_table(&db, &owner, &searched).await.unwrap().len(), 1 + 1);

    // Both formats import back as "already there": by phone, category and name, or (no phone) by
    // names, category and the creation second.
    // The streamed workbook, as downloads write it, is the same table.
    let mut file = tempfile::tempfile().unwrap();
    let rows = backend::export::export_rows(&db, &owner, &everything).await.unwrap();
    let mut written =
        tokio::task::spawn_blocking(move || backend::export::write_xlsx(rows, &mut file).map(|()| file)).await.unwrap().unwrap();
    let mut streamed = Vec::new();
    std::io::Seek::rewind(&mut written).unwrap();
    std::io::Read::read_to_end(&mut written, &mut streamed).unwrap();
    assert_eq!(backend::import::read::read_table(&streamed).unwrap().len(), all.len());
    for bytes in [backend::export::to_csv(&all), backend::export::to_xlsx(&all).unwrap(), streamed] {
        let report = import::preview(&db, &owner, "export", &bytes).await.unwrap().unwrap();
        assert_eq!(report.totals.errors, 0, "{:?}", report.rows.iter().map(|r| &r.issues).collect::<Vec<_>>());
        assert_eq!(report.totals.already, 3, "every exported lead is recognised");
    }
});

backend::both!(imported_leads_are_found_newest_created_first, |db| async move {
    let (owner, _) = setup(&db).await;
    // More than one batch of the search index (a thousand leads), old dates in no order, and the
    // eight newest scattered through the file, newest not last.
    let newest_rows = [1002, 3, 640, 999, 1000, 17, 1004, 500];
    let rows: Vec<String> = (0..1005)
        .map(|i| {
            let created = match newest_rows.iter().position(|r| *r == i) {
                Some(rank) => format!("{:02}.06.2025 12:00:00", 28 - rank),
                None => format!("{:02}.{:02}.2023 {:02}:{:02}:00", i * 7 % 28 + 1, i * 5 % 12 + 1, i % 10 + 8, i % 60),
            };
            // A note of its own on every 97th row: the rows go in five hundred to a statement,
            // and each lead's timeline must be its own.
            let note = if i % 97 == 0 { format!("заметка {i}") } else { String::new() };
            line(&[(0, "Импортова"), (1, &format!("Анна{i}")), (3, &format!("8916{i:07}")), (17, &created), (18, &note)])
        })
        .collect();
    let done = import::run(&db, &owner, "old.csv", &csv(&rows), false, &ImportProgress::default()).await.unwrap().unwrap();
    assert_eq!(done.imported, 1005);
    let (hits, total) = backend::search::quick(&db, &owner, "импортова").await.unwrap();
    assert!(total.more, "over the cap: {total:?}");
    let names: Vec<String> = hits.iter().map(|h| h.name.clone()).collect();
    let want: Vec<String> = newest_rows.iter().map(|i| format!("Импортова Анна{i}")).collect();
    assert_eq!(names, want, "newest created first, wherever they were in the file");
    // Each batch is indexed: the first lead and the last, by a word and by phone digits (the
    // trigram table, also written a batch at a time).
    // Each lead has its own row's entries and index entries (the rows go in several to a
    // statement; their ids are matched back to the rows).
    for i in [0, 1004, 582, 970] {
        let (hits, total) = backend::search::quick(&db, &owner, &format!("анна{i}")).await.unwrap();
        assert_eq!((hits.len(), total), (1, domain::count::Count::exact(1)), "анна{i}");
        assert_eq!(hits[0].name, format!("Импортова Анна{i}"));
        let (hits, total) = backend::search::quick(&db, &owner, &format!("916{i:07}")).await.unwrap();
        assert_eq!((hits.len(), total), (1, domain::count::Count::exact(1)), "916{i:07}");
        assert_eq!(hits[0].name, format!("Импортова Анна{i}"));
        let notes = timeline::list(&db, &owner, hits[0].id, &["note".into()], None).await.unwrap();
        let texts: Vec<String> = notes
            .into_iter()
            .map(|n| match n.event {
                TimelineEvent::Note { text } => text,
                other => panic!("not a note: {other:?}"),
            })
            .collect();
        let want = if i % 97 == 0 { vec![format!("заметка {i}")] } else { vec![] };
        assert_eq!(texts, want, "the notes of row {i}");
    }
    backend::testing::assert_trigram_index_matches_leads(&db).await;
});

backend::both!(rows_of_one_phone_share_a_person_dated_by_the_oldest, |db| async move {
    let (owner, _) = setup(&db).await;
    // A person the school already has keeps their date and gains the imported lead.
    let stage = stages::list_stages(&db).await.unwrap()[0].id;
    let draft = domain::lead::LeadDraft {
        first_name: "Известный".into(),
        phone: "89160000001".into(),
        stage_id: Some(stage),
        ..Default::default()
    };
    let known = leads::create_lead(&db, &owner, draft).await.unwrap();
    // Rows 0 and 1000 share a phone and fall in different batches; the later row is the older.
    let rows: Vec<String> = (0..1001)
        .map(|i| {
            let (phone, created) = match i {
                0 => ("89170000000".to_string(), "01.02.2024 10:00:00".to_string()),
                1000 => ("89170000000".to_string(), "05.06.2021 09:30:00".to_string()),
                500 => ("89160000001".to_string(), "01.01.2020 08:00:00".to_string()),
                _ => (format!("8918{i:07}"), "01.03.2023 12:00:00".to_string()),
            };
            line(&[(1, &format!("Человек{i}")), (3, &phone), (17, &created)])
        })
        .collect();
    let done = import::run(&db, &owner, "people.csv", &csv(&rows), false, &ImportProgress::default()).await.unwrap().unwrap();
    assert_eq!(done.imported, 1001);
    let person_of = |name: &'static str| {
        let db = db.clone();
        async move {
            let (person, created): (Option<i64>, chrono::DateTime<chrono::Utc>) = with_pool!(&db, pool => sqlx::query_as(
                "SELECT l.person_id, p.created_at FROM leads l JOIN persons p ON p.id = l.person_id WHERE l.first_name = $1"
            )
            .bind(name)
            .fetch_one(pool)
            .await)
            .unwrap();
            (person, created)
        }
    };
    let (first, first_dated) = person_of("Человек0").await;
    let (last, _) = person_of("Человек1000").await;
    assert_eq!(first, last, "one person for both rows");
    assert_eq!(first_dated.format("%Y-%m-%d %H:%M").to_string(), "2021-06-05 06:30", "dated by the older row (Moscow time)");
    let (old, old_dated) = person_of("Человек500").await;
    assert_eq!(old, known.person_id);
    assert_eq!(old_dated, person_of("Известный").await.1, "the known person keeps their date");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM persons").await, 1000, "998 new phones, one shared, one known");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM leads WHERE person_id IS NULL").await, 0);
});

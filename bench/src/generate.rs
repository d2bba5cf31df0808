//! A school with `n` leads, as years of enquiries leave it: persons (some people enquire twice),
//! leads across every stage (recent ones open, older ones won or lost), their timelines (created,
//! the stage change, notes) and tasks (open ones on open leads, done ones on closed leads).
//!
//! Written with multi-row INSERTs of explicit ids, with the search text and sort name the
//! application computes (`domain::search`), so the result reads exactly as leads created through
//! the app. Deterministic: the same `n` gives the same school.

use backend::db::AsConn;
use backend::testing::{set_up, user};
use backend::{with_pool, Db};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::preset::StagePreset;
use domain::search::{search_text, sort_name};
use domain::stage::StageKind;
use domain::timeline::TimelineEvent;
use domain::user::{Role, User};
use domain::Id;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const SURNAMES: &[&str] = &[
    "Иванов",
    "Петров",
    "Сидоров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоренко",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
];
const MALE: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Арсений",
    "Иван",
    "Денис",
    "Евгений",
    "Даниил",
    "Тимофей",
    "Владислав",
    "Игорь",
    "Владимир",
    "Павел",
    "Руслан",
    "Марк",
    "Константин",
    "Тимур",
    "Олег",
    "Ярослав",
];
const FEMALE: &[&str] = &[
    "Анастасия",
    "Мария",
    "Анна",
    "Виктория",
    "Екатерина",
    "Наталья",
    "Марина",
    "Полина",
    "София",
    "Дарья",
    "Алиса",
    "Ксения",
    "Александра",
    "Елена",
    "Ольга",
    "Татьяна",
    "Юлия",
    "Ирина",
    "Валерия",
    "Вероника",
    "Арина",
    "Елизавета",
    "Кристина",
    "Светлана",
    "Алина",
    "Яна",
    "Варвара",
    "Диана",
    "Милана",
    "Ульяна",
];
const PATRONYMICS: &[&str] =
    &["Александров", "Сергеев", "Андреев", "Дмитриев", "Алексеев", "Владимиров", "Игорев", "Николаев", "Михайлов", "Иванов"];
const NOTES: &[&str] = &[
    "Звонил, просил перезвонить вечером",
    "Интересуется категорией B, вечерняя группа",
    "Сравнивает цены с другой автошколой",
    "Нужна рассрочка",
    "Придёт в офис в субботу",
];

/// Leads per INSERT statement (26 binds each: far under both databases' limits).
const ROWS_PER_INSERT: usize = 500;
/// Leads per statement writing the search index: FTS5 writes its pending entries out as a
/// segment at every statement, so the fewer statements, the fewer segments to merge (two binds a
/// lead, under SQLite's 32,766).
const ROWS_PER_INDEX_INSERT: usize = 10_000;
/// Leads per transaction.
const ROWS_PER_TX: usize = 20_000;
/// Days of history the leads are spread over; the newest `OPEN_DAYS` are still being worked.
const HISTORY_DAYS: i64 = 4 * 365;
const OPEN_DAYS: i64 = 60;

/// What the benchmarks need to know about the generated school.
#[derive(Clone)]
pub struct School {
    pub owner: User,
    pub managers: Vec<User>,
    pub leads: i64,
    /// Open stages shown on the board (the moves go between these).
    pub open_stages: Vec<Id>,
    pub branches: Vec<Id>,
    /// A few generated phones and names to search for.
    pub phones: Vec<String>,
    pub names: Vec<(String, String)>,
    pub timeline_rows: i64,
    pub task_rows: i64,
}

struct Stages {
    open: Vec<Id>,
    won: Vec<Id>,
    lost: Vec<(Id, Vec<Id>)>,
    first: Id,
}

async fn ids(db: &Db, sql: &str) -> Vec<Id> {
    with_pool!(db, pool => sqlx::query_scalar(sql).fetch_all(pool).await).expect("dictionary ids")
}

async fn stages(db: &Db) -> Stages {
    let all = backend::stages::list_stages(db).await.expect("stages");
    let reasons: Vec<(Id, Id)> =
        with_pool!(db, pool => sqlx::query_as("SELECT id, stage_id FROM stage_reasons").fetch_all(pool).await).expect("reasons");
    let pick = |kind: StageKind| all.iter().filter(|s| s.kind == kind && !s.enrolment).map(|s| s.id).collect::<Vec<_>>();
    Stages {
        open: all.iter().filter(|s| s.kind == StageKind::Open && s.shown_on_board).map(|s| s.id).collect(),
        won: pick(StageKind::Won),
        lost: pick(StageKind::Lost).into_iter().map(|s| (s, reasons.iter().filter(|r| r.1 == s).map(|r| r.0).collect())).collect(),
        first: all[0].id,
    }
}

/// The phone of the `i`-th person: a bijection onto 9-digit numbers, so every person differs.
pub fn phone(i: i64) -> String {
    format!("+79{:09}", (i * 7919 + 12_345) % 1_000_000_000)
}

/// A person's name as the school's leads have them.
pub struct DrawnName {
    pub female: bool,
    pub surname: String,
    pub first_name: String,
    /// Half of the leads give one.
    pub patronymic: Option<String>,
}

/// Draws a name: one of 82 surnames (the feminine form for a woman), one of 30 first names per
/// gender, and for half of them a patronymic.
pub fn draw_name(rng: &mut StdRng) -> DrawnName {
    let female = rng.gen_bool(0.5);
    let surname = SURNAMES.choose(rng).copied().unwrap_or_default();
    let surname = if female { format!("{surname}а") } else { surname.to_string() };
    let first_name = if female { FEMALE } else { MALE }.choose(rng).copied().unwrap_or_default().to_string();
    let patronymic = rng.gen_bool(0.5).then(|| {
        let root = PATRONYMICS.choose(rng).copied().unwrap_or_default();
        format!("{root}{}", if female { "на" } else { "ич" })
    });
    DrawnName { female, surname, first_name, patronymic }
}

/// One generated lead, as its columns.
struct LeadRow {
    id: i64,
    person_id: i64,
    first_name: String,
    patronymic: Option<String>,
    surname: String,
    phone: String,
    email: Option<String>,
    gender: &'static str,
    desired_start: Option<NaiveDate>,
    stage_id: Id,
    reason_id: Option<Id>,
    stage_changed_at: DateTime<Utc>,
    branch_id: Option<Id>,
    category_id: Id,
    channel_id: Id,
    source_id: Option<Id>,
    responsible_id: Id,
    created_at: DateTime<Utc>,
    note: Option<&'static str>,
    open: bool,
}

/// One generated task.
struct TaskRow {
    lead: i64,
    assignee: Id,
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    created: DateTime<Utc>,
}

/// Generates and writes the school; prints how long it took.
pub async fn generate(db: &Db, n: i64) -> School {
    let started = Instant::now();
    let owner = set_up(db, StagePreset::DrivingSchoolFull).await;
    let mut managers = Vec::new();
    for i in 0..20 {
        managers.push(user(db, &format!("manager{i:02}"), Role::Sales).await);
    }
    with_pool!(db, pool => {
        for (i, name) in ["Центр", "Север", "Юг"].iter().enumerate() {
            sqlx::query("INSERT INTO branches (name, position, active) VALUES ($1, $2, TRUE)").bind(*name).bind(i as i32).execute(pool).await.expect("branch");
        }
        sqlx::query("UPDATE categories SET active = TRUE").execute(pool).await.expect("categories");
    });
    let stages = stages(db).await;
    let branches = ids(db, "SELECT id FROM branches ORDER BY position").await;
    let categories = ids(db, "SELECT id FROM categories ORDER BY position").await;
    let channels = ids(db, "SELECT id FROM channels ORDER BY position").await;
    let sources = ids(db, "SELECT id FROM contact_sources ORDER BY position").await;
    // Category B is most of a driving school's students.
    let category_b = ids(db, "SELECT id FROM categories WHERE name = 'B'").await.first().copied().unwrap_or(categories[0]);

    fts5_bulk_load(db, true).await;
    let mut rng = StdRng::seed_from_u64(1_000_003);
    let now = Utc::now();
    let mut school = School {
        owner: owner.clone(),
        managers: managers.clone(),
        leads: n,
        open_stages: stages.open.clone(),
        branches: branches.clone(),
        phones: Vec::new(),
        names: Vec::new(),
        timeline_rows: 0,
        task_rows: 0,
    };
    let mut persons = 0i64;
    let mut persons_written = 0i64;
    let mut batch: Vec<LeadRow> = Vec::with_capacity(ROWS_PER_TX);
    for id in 1..=n {
        // Older leads first, so ids grow with creation time as they do in use.
        let age_secs = (HISTORY_DAYS * 86_400) * (n - id) / n + rng.gen_range(0..3_600);
        let created_at = now - Duration::seconds(age_secs);
        // One enquiry in thirty is a person coming back: same phone, same person.
        let person_id = if persons > 0 && rng.gen_bool(1.0 / 30.0) {
            rng.gen_range(1..=persons)
        } else {
            persons += 1;
            persons
        };
        let DrawnName { female, surname, first_name, patronymic } = draw_name(&mut rng);
        let open = age_secs < OPEN_DAYS * 86_400;
        let (stage_id, reason_id) = if open {
            (*stages.open.choose(&mut rng).expect("open stages"), None)
        } else if rng.gen_bool(0.35) {
            (*stages.won.choose(&mut rng).expect("won stages"), None)
        } else {
            let (stage, reasons) = stages.lost.choose(&mut rng).expect("lost stages");
            (*stage, reasons.choose(&mut rng).copied())
        };
        let stage_changed_at =
            if stage_id == stages.first { created_at } else { created_at + Duration::seconds(rng.gen_range(60..(age_secs.max(61)))) };
        let row = LeadRow {
            id,
            person_id,
            first_name,
            patronymic,
            surname,
            phone: phone(person_id),
            email: rng.gen_bool(0.2).then(|| format!("lead{id}@mail.example")),
            gender: if female { "female" } else { "male" },
            desired_start: rng.gen_bool(0.4).then(|| (created_at + Duration::days(rng.gen_range(7..120))).date_naive()),
            stage_id,
            reason_id,
            stage_changed_at,
            branch_id: rng.gen_bool(0.9).then(|| *branches.choose(&mut rng).expect("branches")),
            category_id: if rng.gen_bool(0.8) { category_b } else { *categories.choose(&mut rng).expect("categories") },
            channel_id: *channels.choose(&mut rng).expect("channels"),
            source_id: sources.choose(&mut rng).copied(),
            responsible_id: managers.choose(&mut rng).expect("managers").id,
            created_at,
            note: rng.gen_bool(0.3).then(|| *NOTES.choose(&mut rng).expect("notes")),
            open,
        };
        if id % (n / 50).max(1) == 0 {
            school.phones.push(row.phone.clone());
            school.names.push((row.surname.clone(), row.first_name.clone()));
        }
        batch.push(row);
        if batch.len() == ROWS_PER_TX || id == n {
            let (timeline, tasks) = write(db, &batch, persons_written, &owner, &mut rng, now).await;
            persons_written = persons;
            school.timeline_rows += timeline;
            school.task_rows += tasks;
            batch.clear();
            if id % 100_000 == 0 || id == n {
                eprintln!("  generated {id} leads ({:.0} s)", started.elapsed().as_secs_f64());
            }
        }
    }
    finish(db).await;
    println!(
        "generated {n} leads, {persons} persons, {} timeline entries, {} tasks in {:.0} s",
        school.timeline_rows,
        school.task_rows,
        started.elapsed().as_secs_f64()
    );
    school
}

/// Writes one transaction's leads with their persons, timelines and tasks; answers how many
/// timeline entries and tasks it wrote.
async fn write(db: &Db, batch: &[LeadRow], persons_written: i64, owner: &User, rng: &mut StdRng, now: DateTime<Utc>) -> (i64, i64) {
    let mut timeline: Vec<(i64, Option<Id>, TimelineEvent, DateTime<Utc>)> = Vec::new();
    let mut tasks: Vec<TaskRow> = Vec::new();
    for lead in batch {
        timeline.push((lead.id, Some(owner.id), TimelineEvent::Created, lead.created_at));
        if let Some(text) = lead.note {
            let event = TimelineEvent::Note { text: text.into() };
            timeline.push((lead.id, Some(lead.responsible_id), event, lead.created_at + Duration::minutes(5)));
        }
        if lead.stage_changed_at != lead.created_at {
            let event = TimelineEvent::StageChanged { from: None, to: lead.stage_id, reason: lead.reason_id };
            timeline.push((lead.id, Some(lead.responsible_id), event, lead.stage_changed_at));
        }
        if lead.open && rng.gen_bool(0.7) {
            let due = now + Duration::hours(rng.gen_range(-72..168));
            tasks.push(TaskRow { lead: lead.id, assignee: lead.responsible_id, due, done: None, created: lead.created_at });
        } else if !lead.open && rng.gen_bool(0.5) {
            let due = lead.created_at + Duration::days(1);
            tasks.push(TaskRow { lead: lead.id, assignee: lead.responsible_id, due, done: Some(due), created: lead.created_at });
        }
    }
    // A person is new when its id is past those already written; a returning one may repeat.
    let mut seen = std::collections::HashSet::new();
    let new_persons: Vec<&LeadRow> = batch.iter().filter(|l| l.person_id > persons_written && seen.insert(l.person_id)).collect();
    with_pool!(db, pool => {
        // Multi-row statements through the query builder: its placeholders are unnumbered on
        // SQLite, where sqlx finds a numbered one by walking the statement's list.
        let mut tx = pool.begin().await.expect("begin");
        let mut indexed: Vec<(i64, (Id, String))> = Vec::with_capacity(batch.len());
        for chunk in new_persons.chunks(ROWS_PER_INSERT * 4) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO persons (id, phone, created_at) ");
            q.push_values(chunk, |mut b, l| {
                b.push_bind(l.person_id).push_bind(&l.phone).push_bind(l.created_at);
            });
            q.build().execute(&mut *tx).await.expect("persons");
        }
        for chunk in batch.chunks(ROWS_PER_INSERT) {
            let searched: Vec<(Id, String)> = chunk
                .iter()
                .map(|l| {
                    let names = [Some(l.first_name.as_str()), l.patronymic.as_deref(), Some(l.surname.as_str())];
                    (l.id, search_text(&names, l.email.as_deref(), &[Some(l.phone.as_str())]))
                })
                .collect();
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO leads (id, person_id, first_name, patronymic, surname, phone, email, gender, desired_start, stage_id, \
                 stage_reason_id, stage_changed_at, branch_id, category_id, gearbox, channel_id, contact_source_id, client_type, \
                 responsible_id, registrar_id, archived, created_at, updated_at, version, search_text, sort_name) ",
            );
            q.push_values(chunk.iter().zip(&searched), |mut b, (l, (_, text))| {
                b.push_bind(l.id)
                    .push_bind(l.person_id)
                    .push_bind(&l.first_name)
                    .push_bind(&l.patronymic)
                    .push_bind(&l.surname)
                    .push_bind(&l.phone)
                    .push_bind(&l.email)
                    .push_bind(l.gender)
                    .push_bind(l.desired_start)
                    .push_bind(l.stage_id)
                    .push_bind(l.reason_id)
                    .push_bind(l.stage_changed_at)
                    .push_bind(l.branch_id)
                    .push_bind(l.category_id)
                    .push_bind("manual")
                    .push_bind(l.channel_id)
                    .push_bind(l.source_id)
                    .push_bind("person")
                    .push_bind(l.responsible_id)
                    .push_bind(owner.id)
                    .push_bind(false)
                    .push_bind(l.created_at)
                    .push_bind(l.stage_changed_at)
                    .push_bind(1i64)
                    .push_bind(text)
                    .push_bind(sort_name(&l.first_name, l.patronymic.as_deref(), Some(l.surname.as_str())));
            });
            q.build().execute(&mut *tx).await.expect("leads");
            indexed.extend(chunk.iter().map(|l| l.created_at.timestamp()).zip(searched));
        }
        // The word index in key order across the whole transaction (SQLite keys it by creation
        // second, then id): FTS5 writes its pending entries out whenever a row id is lower than
        // the last, and the jitter in creation times would do that at every statement.
        indexed.sort_by_key(|(created, (id, _))| (*created, *id));
        let indexed: Vec<(Id, String)> = indexed.into_iter().map(|(_, lead)| lead).collect();
        for chunk in indexed.chunks(ROWS_PER_INDEX_INSERT) {
            backend::search::index_new_leads(&mut tx.conn(), chunk).await.expect("search index");
        }
        for chunk in timeline.chunks(ROWS_PER_INSERT * 2) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) ");
            q.push_values(chunk, |mut b, (lead, author, event, at)| {
                b.push_bind(lead).push_bind(author).push_bind(event.kind()).push_bind(serde_json::to_string(event).expect("event json")).push_bind(at);
            });
            q.build().execute(&mut *tx).await.expect("timeline");
        }
        for chunk in tasks.chunks(ROWS_PER_INSERT * 2) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO tasks (lead_id, assignee_id, author_id, title, kind, due_at, done_at, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, TaskRow { lead, assignee, due, done, created }| {
                b.push_bind(lead)
                    .push_bind(assignee)
                    .push_bind(assignee)
                    .push_bind("Перезвонить")
                    .push_bind("call")
                    .push_bind(due)
                    .push_bind(done)
                    .push_bind(created)
                    .push_bind(created);
            });
            q.build().execute(&mut *tx).await.expect("tasks");
        }
        tx.commit().await.expect("commit");
    });
    (timeline.len() as i64, tasks.len() as i64)
}

/// Readies SQLite's full-text tables for the generator's bulk write (`on`: a segment a
/// statement), or puts FTS5's default back and merges each table into one segment, as a bulk
/// write in the application ends ([`backend::search::fts5_bulk_write`],
/// [`backend::search::merge_segments`]).
async fn fts5_bulk_load(db: &Db, on: bool) {
    if let backend::db::Pool::Sqlite(pool) = &db.pool {
        let mut conn = pool.acquire().await.expect("connection");
        backend::search::fts5_bulk_write(&mut conn, &backend::search::FTS5_TABLES, on).await.expect("fts5 settings");
        if !on {
            let started = std::time::Instant::now();
            backend::search::merge_segments(&mut conn, &backend::search::FTS5_TABLES).await.expect("fts5 merge");
            eprintln!("  merged the full-text tables into one segment each ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
}

/// Brings identity sequences past the explicit ids and gives the planner fresh statistics, as a
/// database in use has; puts SQLite's full-text tables back to their default ([`fts5_bulk_load`]).
async fn finish(db: &Db) {
    fts5_bulk_load(db, false).await;
    match &db.pool {
        backend::db::Pool::Postgres(pool) => {
            for table in ["persons", "leads"] {
                let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
                sqlx::query(&sql).execute(pool).await.expect("sequence");
            }
            sqlx::query("VACUUM ANALYZE").execute(pool).await.expect("analyze");
        }
        // SQLite gathers no statistics on its own; the application runs `PRAGMA optimize` itself.
        backend::db::Pool::Sqlite(_) => {}
    }
}

/// The school [`generate`] wrote earlier at `db`, read back (for `scale --school URL`): the same
/// owner, managers, stages and branches, and the same sample of phones and names to search for.
pub async fn read(db: &Db) -> School {
    let users = backend::users::list_users(db).await.expect("users");
    let owner = users.iter().find(|u| u.login == "owner").cloned().expect("the generated school's owner");
    let mut managers: Vec<User> = users.into_iter().filter(|u| u.login.starts_with("manager")).collect();
    managers.sort_by(|a, b| a.login.cmp(&b.login));
    let n: i64 = with_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM leads").fetch_one(pool).await).expect("leads");
    let step = (n / 50).max(1);
    let sample: Vec<(String, String, String)> = with_pool!(db, pool => sqlx::query_as(
        "SELECT phone, surname, first_name FROM leads WHERE id % $1 = 0 ORDER BY id"
    )
    .bind(step)
    .fetch_all(pool)
    .await)
    .expect("sample");
    let count =
        |sql: &'static str| async move { with_pool!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).expect(sql) };
    School {
        owner,
        managers,
        leads: n,
        open_stages: stages(db).await.open,
        branches: ids(db, "SELECT id FROM branches ORDER BY position").await,
        phones: sample.iter().map(|s| s.0.clone()).collect(),
        names: sample.into_iter().map(|s| (s.1, s.2)).collect(),
        timeline_rows: count("SELECT COUNT(*) FROM timeline").await,
        task_rows: count("SELECT COUNT(*) FROM tasks").await,
    }
}

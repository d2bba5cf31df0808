//! `voronka demo`: a realistic school with users, dictionaries and many leads, for trying the app
//! and for benchmarks.

use crate::db::{AsConn, Db, WritePool};
use crate::error::{Error, Result};
use crate::rows::now;
use crate::{dictionaries, settings, stages, users, with_pool};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::preset::StagePreset;
use domain::search::{search_text, sort_name};
use domain::settings::SetupForm;
use domain::stage::StageKind;
use domain::timeline::TimelineEvent;
use domain::user::{Lang, NewUser, Role};
use domain::Id;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const MALE_NAMES: &[&str] = &[
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
    "Евгений",
    "Иван",
    "Роман",
    "Егор",
];
const FEMALE_NAMES: &[&str] = &[
    "Анастасия",
    "Мария",
    "Анна",
    "Виктория",
    "Екатерина",
    "Наталья",
    "Ольга",
    "Елена",
    "Дарья",
    "Алина",
    "Юлия",
    "Полина",
    "Ксения",
    "Софья",
    "Татьяна",
];
const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
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
];
const PATRONYMIC_ROOTS: &[&str] =
    &["Александров", "Дмитриев", "Сергеев", "Андреев", "Алексеев", "Иванов", "Михайлов", "Николаев", "Петров", "Владимиров"];
const BRANCHES: &[&str] = &["Класс на Камалеева", "Класс на Пушкина", "Класс в Заречье", "Онлайн-теория"];
const TAGS: &[&str] = &["студент", "скидка", "vip", "лето", "от-друга", "повторно"];
const MOBILE_CODES: &[&str] = &["900", "903", "905", "912", "917", "919", "927", "937", "950", "960", "987", "999"];

/// What `demo` made, for the command to print.
#[derive(Debug)]
pub struct DemoSummary {
    pub password: String,
    pub logins: Vec<(String, Role)>,
    pub leads: usize,
}

struct DemoLead {
    id: Id,
    person_id: Id,
    phone: String,
    first_name: &'static str,
    patronymic: String,
    surname: String,
    gender: &'static str,
    email: Option<String>,
    desired_start: Option<NaiveDate>,
    stage_id: Id,
    stage_reason_id: Option<Id>,
    branch_id: Id,
    category_id: Id,
    gearbox: &'static str,
    channel_id: Id,
    contact_source_id: Id,
    responsible_id: Id,
    registrar_id: Id,
    created_at: DateTime<Utc>,
    stage_changed_at: DateTime<Utc>,
    tag_id: Option<Id>,
}

fn random_password(rng: &mut StdRng) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..12).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// Fills an empty database with a school on the full preset and `leads` leads from the last 18
/// months; every user gets `password`, or a random one. Refuses a database that already holds a
/// school.
pub async fn generate(db: &Db, leads: usize, seed: u64, password: Option<String>) -> Result<DemoSummary> {
    if settings::is_set_up(db).await? {
        return Err(Error::Config(
            "the database already holds a school; demo needs an empty one (point DATABASE_URL at a new file)".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    // The data follow the seed; the password never does, so two demo schools never share one.
    let pass = match password {
        Some(p) => p,
        None => random_password(&mut StdRng::from_entropy()),
    };
    let form = SetupForm {
        school_name: "Автошкола «Вектор»".into(),
        owner_login: "admin".into(),
        owner_name: "Ольга Сергеевна Белова".into(),
        owner_password: pass.clone(),
        preset: StagePreset::DrivingSchoolFull,
        timezone: domain::settings::default_timezone(),
    };
    let owner = settings::set_up(db, form, Lang::Ru).await?;
    let mut logins = vec![(owner.login.clone(), Role::Owner)];
    let staff = [
        ("director", "Игорь Петрович Лавров", Role::Director),
        ("deputy", "Марина Викторовна Зуева", Role::Deputy),
        ("administrator", "Светлана Админова", Role::Administrator),
        ("sales", "Анна Петрова", Role::Sales),
        ("sales2", "Павел Громов", Role::Sales),
    ];
    let mut sellers = vec![owner.id];
    for (login, name, role) in staff {
        let u = users::create_user(
            db,
            NewUser { login: login.into(), display_name: name.into(), role, password: pass.clone(), lang: Lang::Ru },
        )
        .await?;
        if matches!(role, Role::Administrator | Role::Sales) {
            sellers.push(u.id);
        }
        logins.push((u.login, role));
    }
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for (i, b) in BRANCHES.iter().enumerate() {
            sqlx::query("INSERT INTO branches (name, position, active) VALUES ($1, $2, TRUE)").bind(*b).bind(i as i32).execute(&mut *tx).await?;
        }
        for (i, t) in TAGS.iter().enumerate() {
            sqlx::query("INSERT INTO tags (name, position, active) VALUES ($1, $2, TRUE)").bind(*t).bind(i as i32).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    let dicts = dictionaries::all(db).await?;
    let all_stages = stages::list_stages(db).await?;
    let ids = |v: &[domain::dictionary::DictionaryEntry]| v.iter().map(|e| e.id).collect::<Vec<_>>();
    let (branches, channels, sources, tags) = (ids(&dicts.branches), ids(&dicts.channels), ids(&dicts.contact_sources), ids(&dicts.tags));
    let categories: Vec<Id> = dicts.categories.iter().filter(|c| c.active).map(|c| c.id).collect();
    let category_b = dicts.categories.iter().find(|c| c.name == "B").map(|c| c.id);
    let open: Vec<&domain::stage::Stage> = all_stages.iter().filter(|s| s.kind == StageKind::Open).collect();
    let closed: Vec<&domain::stage::Stage> = all_stages.iter().filter(|s| s.kind != StageKind::Open && s.shown_on_board).collect();

    let at = now();
    let mut out = Vec::with_capacity(leads);
    let mut person_id = 0;
    let mut phone = String::new();
    let mut person_categories: Vec<Id> = Vec::new();
    for id in 1..=leads as Id {
        // About one person in ten asks about a second category: a second lead, same person.
        let category_id = match person_categories.first() {
            Some(_) if rng.gen_bool(0.1) && person_categories.len() < categories.len() => {
                *categories.iter().find(|c| !person_categories.contains(c)).expect("a category left")
            }
            _ => {
                person_id += 1;
                phone = format!("+7{}{:07}", MOBILE_CODES.choose(&mut rng).expect("codes"), person_id * 7919 % 10_000_000);
                person_categories.clear();
                // Most leads want B; the rest spread over the taught categories.
                match category_b {
                    Some(b) if rng.gen_bool(0.7) => b,
                    _ => *categories.choose(&mut rng).expect("categories"),
                }
            }
        };
        person_categories.push(category_id);
        let male = rng.gen_bool(0.55);
        let first_name = if male { MALE_NAMES.choose(&mut rng) } else { FEMALE_NAMES.choose(&mut rng) }.expect("names");
        let surname = SURNAMES.choose(&mut rng).expect("surnames");
        let root = PATRONYMIC_ROOTS.choose(&mut rng).expect("roots");
        let age_days = rng.gen_range(0..548);
        let created_at = at - Duration::days(age_days) - Duration::minutes(rng.gen_range(0..600));
        // Older leads are more likely to be closed one way or the other.
        let closed_chance = (age_days as f64 / 548.0) * 0.8;
        let stage = if !closed.is_empty() && rng.gen_bool(closed_chance) { closed.choose(&mut rng) } else { open.choose(&mut rng) }
            .expect("stages");
        let stage_reason_id = stage.reasons.iter().filter(|r| !r.retired).collect::<Vec<_>>().choose(&mut rng).map(|r| r.id);
        let stage_changed_at = created_at + Duration::hours(rng.gen_range(0..=(age_days * 24).max(0)) / 2);
        out.push(DemoLead {
            id,
            person_id,
            phone: phone.clone(),
            first_name,
            patronymic: format!("{root}{}", if male { "ич" } else { "на" }),
            surname: if male { surname.to_string() } else { format!("{surname}а") },
            gender: if male { "male" } else { "female" },
            email: rng.gen_bool(0.3).then(|| format!("client{id}@mail.example")),
            desired_start: rng.gen_bool(0.6).then(|| (created_at + Duration::days(rng.gen_range(7..180))).date_naive()),
            stage_id: stage.id,
            stage_reason_id,
            branch_id: *branches.choose(&mut rng).expect("branches"),
            category_id,
            gearbox: ["manual", "automatic", "either"].choose(&mut rng).expect("gearboxes"),
            channel_id: *channels.choose(&mut rng).expect("channels"),
            contact_source_id: *sources.choose(&mut rng).expect("sources"),
            responsible_id: *sellers.choose(&mut rng).expect("sellers"),
            registrar_id: *sellers.choose(&mut rng).expect("sellers"),
            created_at,
            stage_changed_at,
            tag_id: rng.gen_bool(0.25).then(|| *tags.choose(&mut rng).expect("tags")),
        });
    }
    let first_stage = all_stages.first().map(|s| s.id).unwrap_or_default();
    insert(db, &out, first_stage, &mut rng, at).await?;
    let enrolment_stage = all_stages.iter().find(|s| s.enrolment).map(|s| s.id);
    groups(db, &owner, &dicts, enrolment_stage, &out, at).await?;
    Ok(DemoSummary { password: pass, logins, leads })
}

/// Rows per INSERT: well under both databases' bind-parameter limits.
const BATCH: usize = 400;

async fn insert(db: &Db, leads: &[DemoLead], first_stage: Id, rng: &mut StdRng, at: DateTime<Utc>) -> Result<()> {
    let created = serde_json::to_string(&TimelineEvent::Created).expect("serialisable");
    // Tasks: one open call for about one lead in six, due from three days ago to a week ahead.
    let mut tasks: Vec<(Id, Id, DateTime<Utc>)> = Vec::new();
    for l in leads {
        if rng.gen_bool(0.16) {
            tasks.push((l.id, l.responsible_id, at + Duration::hours(rng.gen_range(-72..168))));
        }
    }
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut last_person = 0;
        for chunk in leads.chunks(BATCH) {
            let persons: Vec<&DemoLead> = chunk.iter().filter(|l| { let new = l.person_id != last_person; last_person = l.person_id; new }).collect();
            if !persons.is_empty() {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO persons (id, phone, created_at) ");
                q.push_values(persons, |mut b, l| { b.push_bind(l.person_id).push_bind(&l.phone).push_bind(l.created_at); });
                q.build().execute(&mut *tx).await?;
            }
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO leads (id, person_id, first_name, patronymic, surname, phone, email, gender, desired_start, stage_id, stage_reason_id, \
                 stage_changed_at, branch_id, category_id, gearbox, channel_id, contact_source_id, client_type, responsible_id, registrar_id, \
                 archived, created_at, updated_at, version, search_text, sort_name) ",
            );
            let searched: Vec<(Id, String)> = chunk
                .iter()
                .map(|l| (l.id, search_text(&[Some(l.first_name), Some(&l.patronymic), Some(&l.surname)], l.email.as_deref(), &[Some(&l.phone)])))
                .collect();
            q.push_values(chunk.iter().zip(&searched), |mut b, (l, (_, text))| {
                b.push_bind(l.id).push_bind(l.person_id).push_bind(l.first_name).push_bind(&l.patronymic).push_bind(&l.surname)
                    .push_bind(&l.phone).push_bind(&l.email).push_bind(l.gender).push_bind(l.desired_start).push_bind(l.stage_id)
                    .push_bind(l.stage_reason_id).push_bind(l.stage_changed_at).push_bind(l.branch_id).push_bind(l.category_id)
                    .push_bind(l.gearbox).push_bind(l.channel_id).push_bind(l.contact_source_id).push_bind("person")
                    .push_bind(l.responsible_id).push_bind(l.registrar_id).push_bind(false).push_bind(l.created_at)
                    .push_bind(l.stage_changed_at).push_bind(1_i64)
                    .push_bind(text)
                    .push_bind(sort_name(l.first_name, Some(&l.patronymic), Some(&l.surname)));
            });
            q.build().execute(&mut *tx).await?;
            crate::search::index_new_leads(&mut tx.conn(), &searched).await?;
            let mut q = sqlx::QueryBuilder::new("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) ");
            q.push_values(chunk, |mut b, l| {
                b.push_bind(l.id).push_bind(l.registrar_id).push_bind("created").push_bind(&created).push_bind(l.created_at);
            });
            q.build().execute(&mut *tx).await?;
            let moved: Vec<(&DemoLead, String)> = chunk
                .iter()
                .filter(|l| l.stage_id != first_stage)
                .map(|l| (l, serde_json::to_string(&TimelineEvent::StageChanged { from: Some(first_stage), to: l.stage_id, reason: l.stage_reason_id }).expect("serialisable")))
                .collect();
            if !moved.is_empty() {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) ");
                q.push_values(moved, |mut b, (l, data)| {
                    b.push_bind(l.id).push_bind(l.responsible_id).push_bind("stage_changed").push_bind(data).push_bind(l.stage_changed_at);
                });
                q.build().execute(&mut *tx).await?;
            }
            let tagged: Vec<(Id, Id)> = chunk.iter().filter_map(|l| l.tag_id.map(|t| (l.id, t))).collect();
            if !tagged.is_empty() {
                let mut q = sqlx::QueryBuilder::new("INSERT INTO lead_tags (lead_id, tag_id) ");
                q.push_values(tagged, |mut b, (lead, tag)| { b.push_bind(lead).push_bind(tag); });
                q.build().execute(&mut *tx).await?;
            }
        }
        for chunk in tasks.chunks(BATCH) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO tasks (title, kind, due_at, assignee_id, author_id, lead_id, created_at, updated_at, version) ");
            q.push_values(chunk, |mut b, (lead, user, due)| {
                b.push_bind("Перезвонить").push_bind("call").push_bind(*due).push_bind(*user).push_bind(*user).push_bind(*lead).push_bind(at).push_bind(at).push_bind(1_i64);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    if let crate::db::Pool::Postgres(pool) = &db.pool {
        // Explicit ids leave the identity sequences behind; move them past the data.
        for table in ["persons", "leads"] {
            sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"))
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Training groups — B in every branch (one started last month, two recruiting for the next
/// months) and one for each other taught category — and a contract for each lead in the
/// enrolment stage whose group has a seat, so the groups page and the reports have figures.
async fn groups(
    db: &Db,
    owner: &domain::user::User,
    dicts: &domain::dictionary::Dictionaries,
    enrolment_stage: Option<Id>,
    leads: &[DemoLead],
    at: DateTime<Utc>,
) -> Result<()> {
    use chrono::Datelike;
    use domain::group::{GroupDraft, GroupStatus};
    let month = |offset: i32| {
        let m0 = at.month0() as i32 + offset;
        NaiveDate::from_ymd_opt(at.year() + m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1)
    };
    let mut made: Vec<(Id, Id, Option<Id>, i32, String)> = Vec::new();
    for category in dicts.categories.iter().filter(|c| c.active) {
        let plans: Vec<(Option<&domain::dictionary::DictionaryEntry>, i32, GroupStatus)> = if category.name == "B" {
            dicts
                .branches
                .iter()
                .flat_map(|b| {
                    [(Some(b), -1, GroupStatus::Started), (Some(b), 1, GroupStatus::Recruiting), (Some(b), 2, GroupStatus::Recruiting)]
                })
                .collect()
        } else {
            vec![(None, 1, GroupStatus::Recruiting)]
        };
        for (branch, offset, status) in plans {
            let start = month(offset);
            let name = format!(
                "{}-{}{}",
                category.name,
                start.map(|d| d.format("%m.%Y").to_string()).unwrap_or_default(),
                branch.map(|b| format!(" {}", b.name)).unwrap_or_default()
            );
            let draft = GroupDraft {
                id: None,
                name: name.clone(),
                category_id: Some(category.id),
                branch_id: branch.map(|b| b.id),
                start_date: start,
                capacity: 20,
                status,
            };
            let id = crate::groups::save_group(db, owner, &draft).await?;
            made.push((id, category.id, branch.map(|b| b.id), 20, name));
        }
    }
    let Some(stage) = enrolment_stage else { return Ok(()) };
    let mut taken: std::collections::HashMap<Id, i32> = std::collections::HashMap::new();
    let mut number = 0;
    with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for lead in leads.iter().filter(|l| l.stage_id == stage) {
            let fits = made.iter().find(|(id, category, branch, capacity, _)| {
                *category == lead.category_id && branch.is_none_or(|b| b == lead.branch_id) && taken.get(id).copied().unwrap_or(0) < *capacity
            });
            let Some((group_id, .., group_name)) = fits else { continue };
            *taken.entry(*group_id).or_default() += 1;
            number += 1;
            let contract_number = format!("{}-{number:04}", at.year());
            let signed_at = lead.stage_changed_at;
            let contract_id: Id = sqlx::query_scalar(
                "INSERT INTO contracts (lead_id, group_id, number, signed_on, price_kopecks, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(lead.id)
            .bind(*group_id)
            .bind(&contract_number)
            .bind(signed_at.date_naive())
            .bind(4_500_000_i64)
            .bind(lead.responsible_id)
            .bind(signed_at)
            .fetch_one(&mut *tx)
            .await?;
            let event = TimelineEvent::Enrolled { contract_id, group_id: *group_id, number: contract_number, group_name: group_name.clone() };
            sqlx::query("INSERT INTO timeline (lead_id, author_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(lead.id)
                .bind(lead.responsible_id)
                .bind(event.kind())
                .bind(serde_json::to_string(&event).expect("serialisable"))
                .bind(signed_at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

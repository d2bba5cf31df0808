//! The school's settings and the one-time set-up that fills an empty database.

use crate::auth::hash_password;
use crate::db::{Db, WritePool};
use crate::error::Result;
use crate::rows::{now, SettingsRow, UserRow, SETTINGS_COLUMNS, USER_COLUMNS};
use crate::with_pool;
use domain::preset::{StagePreset, CATEGORIES, CATEGORIES_ENABLED_BY_DEFAULT, CHANNELS, CONTACT_SOURCES};
use domain::settings::{SchoolSettings, SetupForm};
use domain::user::{Lang, Role, User};
use domain::AppError;

/// `None` until the set-up has run.
pub async fn get_settings(db: &Db) -> Result<Option<SchoolSettings>> {
    let sql = format!("SELECT {SETTINGS_COLUMNS} FROM school_settings WHERE id = 1");
    let row = with_pool!(db, pool => sqlx::query_as::<_, SettingsRow>(&sql).fetch_optional(pool).await)?;
    Ok(row.map(SchoolSettings::from))
}

/// Settings for code that runs only after set-up; before it, the defaults.
pub async fn settings_or_default(db: &Db) -> Result<SchoolSettings> {
    Ok(get_settings(db).await?.unwrap_or_default())
}

/// Whether sales staff see every lead or only their own: the owner's decision.
pub async fn set_lead_visibility(db: &Db, actor: &User, visibility: domain::settings::LeadVisibility) -> Result<()> {
    domain::access::can(actor, domain::access::Action::ManageSchool, settings_or_default(db).await?.lead_visibility)?;
    with_pool!(db, pool => sqlx::query("UPDATE school_settings SET lead_visibility = $1 WHERE id = 1")
        .bind(visibility.as_str())
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Saves the school's settings (owner only); an unknown time zone is refused on its field.
pub async fn update_school(db: &Db, actor: &User, form: domain::config::SchoolForm) -> Result<SchoolSettings> {
    domain::access::can(actor, domain::access::Action::ManageSchool, settings_or_default(db).await?.lead_visibility)?;
    let form = form.validate()?;
    if form.timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(AppError::invalid("timezone", domain::error::Invalid::Timezone).into());
    }
    with_pool!(db, pool => sqlx::query(
        "UPDATE school_settings SET name = $1, timezone = $2, lead_visibility = $3, first_contact_minutes = $4, calls_create_leads = $5 WHERE id = 1",
    )
    .bind(&form.name)
    .bind(&form.timezone)
    .bind(form.lead_visibility.as_str())
    .bind(form.first_contact_minutes)
    .bind(form.calls_create_leads)
    .execute(pool)
    .await
    .map(|_| ()))?;
    settings_or_default(db).await
}

/// The school's time zone; an unknown name (the settings form validates it) falls back to Moscow.
pub fn school_tz(timezone: &str) -> chrono_tz::Tz {
    timezone.parse().unwrap_or(chrono_tz::Europe::Moscow)
}

/// True once the set-up has run: from then on the set-up form is gone for good.
pub async fn is_set_up(db: &Db) -> Result<bool> {
    Ok(get_settings(db).await?.is_some())
}

/// Fills an empty database: school settings, the chosen stage preset, the default dictionaries and
/// the owner, all in one transaction. Refused with `AlreadySetUp` once any user exists, also when
/// two set-ups race.
pub async fn set_up(db: &Db, form: SetupForm, lang: Lang) -> Result<User> {
    form.validate()?;
    let timezone = form.timezone.trim().to_string();
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(AppError::invalid("timezone", domain::error::Invalid::Timezone).into());
    }
    let login = form.owner_login.trim().to_lowercase();
    let hash = hash_password(form.owner_password.clone()).await?;
    let at = now();
    let settings = SchoolSettings { name: form.school_name.trim().to_string(), timezone, ..SchoolSettings::default() };
    let user_sql = format!(
        "INSERT INTO users (login, display_name, role, password_hash, active, lang, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5, $6) RETURNING {USER_COLUMNS}"
    );
    let owner: UserRow = with_pool!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
        let has_settings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM school_settings").fetch_one(&mut *tx).await?;
        if users > 0 || has_settings > 0 {
            return Err(AppError::AlreadySetUp.into());
        }
        sqlx::query(
            "INSERT INTO school_settings (id, name, timezone, lead_visibility, first_contact_minutes, calls_create_leads, stage_preset, created_at) \
             VALUES (1, $1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&settings.name)
        .bind(&settings.timezone)
        .bind(settings.lead_visibility.as_str())
        .bind(settings.first_contact_minutes)
        .bind(settings.calls_create_leads)
        .bind(form.preset.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        for (position, stage) in form.preset.stages().iter().enumerate() {
            let stage_id: i64 = sqlx::query_scalar(
                "INSERT INTO stages (name, color, position, kind, shown_on_board, enrolment) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(stage.name)
            .bind(stage.color)
            .bind(position as i32)
            .bind(stage.kind.as_str())
            .bind(stage.shown_on_board)
            .bind(stage.enrolment)
            .fetch_one(&mut *tx)
            .await?;
            for (i, reason) in stage.reasons.iter().enumerate() {
                sqlx::query("INSERT INTO stage_reasons (stage_id, name, position, retired) VALUES ($1, $2, $3, FALSE)")
                    .bind(stage_id)
                    .bind(*reason)
                    .bind(i as i32)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (i, code) in CATEGORIES.iter().enumerate() {
            sqlx::query("INSERT INTO categories (name, position, active) VALUES ($1, $2, $3)")
                .bind(*code)
                .bind(i as i32)
                .bind(CATEGORIES_ENABLED_BY_DEFAULT.contains(code))
                .execute(&mut *tx)
                .await?;
        }
        for (table, names) in [("channels", CHANNELS), ("contact_sources", CONTACT_SOURCES)] {
            for (i, name) in names.iter().enumerate() {
                sqlx::query(&format!("INSERT INTO {table} (name, position, active) VALUES ($1, $2, TRUE)"))
                    .bind(*name)
                    .bind(i as i32)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let owner = sqlx::query_as::<_, UserRow>(&user_sql)
            .bind(&login)
            .bind(form.owner_name.trim())
            .bind(Role::Owner.as_str())
            .bind(&hash)
            .bind(lang.as_str())
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        owner
    });
    tracing::info!(login = %owner.login, preset = form.preset.as_str(), "school set up");
    Ok(owner.into())
}

/// The preset a school was set up with.
pub async fn stage_preset(db: &Db) -> Result<Option<StagePreset>> {
    let p: Option<String> =
        with_pool!(db, pool => sqlx::query_scalar("SELECT stage_preset FROM school_settings WHERE id = 1").fetch_optional(pool).await)?;
    Ok(p.as_deref().and_then(StagePreset::parse))
}

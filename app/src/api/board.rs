//! The board's data and moves.

use domain::board::{Board, BoardCard, CardCursor};
use domain::dictionary::DictionaryEntry;
use domain::filter::IgnoredParam;
use domain::stage::Stage;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPage {
    pub board: Board,
    /// Parts of the URL's filter that could not be read and were ignored.
    pub ignored: Vec<IgnoredParam>,
    /// Every stage, shown on the board or not, for the "Move to…" menu.
    pub stages: Vec<Stage>,
    /// Categories offered in quick add.
    pub categories: Vec<DictionaryEntry>,
    pub me: Id,
}

/// The board for the filter in `query` (the page's URL query), as the signed-in user may see it.
#[server(endpoint = "load_board", output = Postcard)]
pub async fn load_board(query: String) -> Result<BoardPage, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::filter::LeadFilter;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let (filter, ignored) = LeadFilter::from_query(&query);
        let (board, stages) = backend::board::load_board_and_stages(&db, &user, &filter).await?;
        let stages = stages.as_ref().clone();
        let categories = backend::dictionaries::list(&db, domain::dictionary::DictionaryKind::Category).await?;
        Ok(BoardPage { board, ignored, stages, categories: categories.into_iter().filter(|c| c.active).collect(), me: user.id })
    })
    .await
}

/// The next cards of one column after `after` ("show more").
#[server(endpoint = "load_column", input = Json, output = Postcard)]
pub async fn load_column(query: String, stage_id: Id, after: CardCursor) -> Result<Vec<BoardCard>, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::filter::LeadFilter;
    respond(async {
        let user = current_user().await?;
        let (filter, _) = LeadFilter::from_query(&query);
        Ok(backend::board::load_column(&state()?.db, &user, &filter, stage_id, Some(after)).await?)
    })
    .await
}

/// Moves a lead; answers with its fresh card.
#[server(endpoint = "move_lead", input = Json, output = Postcard)]
pub async fn move_lead(lead_id: Id, to_stage: Id, reason: Option<Id>, expected_version: i64) -> Result<BoardCard, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::lead::MoveLead;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        backend::moves::move_lead(&db, &user, MoveLead { lead_id, to_stage, reason, expected_version }).await?;
        Ok(backend::board::card(&db, &user, lead_id).await?)
    })
    .await
}

/// A lead that already has the phone being added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneMatch {
    pub id: Id,
    pub name: String,
    pub category_id: Option<Id>,
    pub category: Option<String>,
    pub stage: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuickAdded {
    /// Created in the column's stage.
    Created(BoardCard),
    /// Created, then marked as a duplicate of this lead (same phone and category): it left the column.
    Duplicate(Id),
    /// Nothing created yet: these leads have the phone. The form asks what to do.
    Matches(Vec<PhoneMatch>),
}

/// The "+" of a column: a lead with a name, a phone and a category, in that stage. Unless
/// `confirmed`, a phone that other leads have answers with them instead; once confirmed, a lead
/// with the same phone and category as an existing one is created as its duplicate.
#[server(endpoint = "quick_add", input = Json, output = Postcard)]
pub async fn quick_add(
    stage_id: Id,
    first_name: String,
    phone: String,
    category_id: Option<Id>,
    confirmed: bool,
) -> Result<QuickAdded, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::lead::LeadDraft;
    respond(async {
        let user = current_user().await?;
        let db = state()?.db;
        let draft = LeadDraft { first_name, phone, category_id, stage_id: Some(stage_id), ..LeadDraft::default() };
        Ok(create_checked(&db, &user, draft, confirmed).await?.0)
    })
    .await
}

/// Creates a lead unless its phone is known and the creator has not confirmed; once confirmed, a
/// lead with the same phone and category as an existing one is created as its duplicate. Answers
/// with what happened and the new lead's id (0 when nothing was created).
#[cfg(feature = "ssr")]
pub(crate) async fn create_checked(
    db: &backend::Db,
    user: &domain::user::User,
    draft: domain::lead::LeadDraft,
    confirmed: bool,
) -> Result<(QuickAdded, Id), AppError> {
    // Validate first, so a bad phone is named before any matching.
    let valid = draft.validate(chrono::Utc::now().date_naive())?;
    let matches = match &valid.phone {
        Some(phone) => backend::leads::phone_matches(db, user, phone).await?,
        None => Vec::new(),
    };
    if !confirmed && !matches.is_empty() {
        let d = backend::dictionaries::all(db).await?;
        let stages = backend::stages::list_stages(db).await?;
        let found = matches
            .into_iter()
            .map(|m| PhoneMatch {
                id: m.id,
                name: m.full_name(),
                category_id: m.category_id,
                category: domain::dictionary::Dictionaries::name_of(&d.categories, m.category_id).map(str::to_string),
                stage: stages.iter().find(|s| s.id == m.stage_id).map(|s| s.name.clone()).unwrap_or_default(),
            })
            .collect();
        return Ok((QuickAdded::Matches(found), 0));
    }
    let created = backend::intake::create_matched(db, user, draft).await?;
    if let Some(original) = created.duplicate_of {
        return Ok((QuickAdded::Duplicate(original), created.id));
    }
    Ok((QuickAdded::Created(backend::board::card(db, user, created.id).await?), created.id))
}

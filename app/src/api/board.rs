//! The board's data.

use domain::board::Board;
use domain::filter::IgnoredParam;
use domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPage {
    pub board: Board,
    /// Parts of the URL's filter that could not be read and were ignored.
    pub ignored: Vec<IgnoredParam>,
}

/// The board for the filter in `query` (the page's URL query), as the signed-in user may see it.
#[server(endpoint = "load_board")]
pub async fn load_board(query: String) -> Result<BoardPage, AppError> {
    use crate::server::{current_user, respond, state};
    use domain::filter::LeadFilter;
    respond(async {
        let user = current_user().await?;
        let (filter, ignored) = LeadFilter::from_query(&query);
        let board = backend::board::load_board(&state()?.db, &user, &filter).await?;
        Ok(BoardPage { board, ignored })
    })
    .await
}

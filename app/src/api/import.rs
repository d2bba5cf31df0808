//! The list of past imports. The uploads themselves are plain HTTP routes (server/import_http.rs):
//! a file is a request body, not a server function argument.

use domain::import_record::ImportRecord;
use domain::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

#[server(endpoint = "import_history", output = Postcard)]
pub async fn import_history() -> Result<Vec<ImportRecord>, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::import::history(&state()?.db, &user).await?)
    })
    .await
}

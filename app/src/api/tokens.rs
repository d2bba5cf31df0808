//! Integration API tokens (owner and director).

use domain::api::{Scope, TokenView};
use domain::user::Role;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, Postcard};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<TokenView>,
    pub my_role: Role,
}

#[server(endpoint = "api_tokens", output = Postcard)]
pub async fn api_tokens() -> Result<TokensPage, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(TokensPage { tokens: backend::tokens::list(&state()?.db, &user).await?, my_role: user.role })
    })
    .await
}

/// Answers the new token's secret, shown once.
#[server(endpoint = "create_api_token", input = Json, output = Postcard)]
pub async fn create_api_token(name: String, scopes: Vec<Scope>) -> Result<String, AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::tokens::create(&state()?.db, &user, &name, &scopes).await?.1)
    })
    .await
}

#[server(endpoint = "revoke_api_token", output = Postcard)]
pub async fn revoke_api_token(id: Id) -> Result<(), AppError> {
    use crate::server::{current_user, respond, state};
    respond(async {
        let user = current_user().await?;
        Ok(backend::tokens::revoke(&state()?.db, &user, id).await?)
    })
    .await
}

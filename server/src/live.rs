//! `GET /events`: the live stream of lead changes (server-sent events) for the signed-in user.
//! Each event passes the same visibility rule as the board, so nobody hears of leads they may
//! not see.

use crate::http::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::access::{can, Action};
use futures_util::stream::Stream;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

pub async fn events(
    State(state): State<AppState>,
    session: Session,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, StatusCode> {
    let db = state.server.db.clone();
    let user_id =
        app::server::session_user_id(&session).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::UNAUTHORIZED)?;
    let user = backend::users::get_user(&db, user_id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let user = user.filter(|u| u.active).ok_or(StatusCode::UNAUTHORIZED)?;
    let receiver = db.events.subscribe();
    let stream = futures_util::stream::unfold((receiver, db, user), |(mut receiver, db, user)| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => {
                    // Read per event: the school may change the visibility setting meanwhile.
                    let visibility = backend::settings::settings_or_default(&db).await.map(|s| s.lead_visibility).unwrap_or_default();
                    if can(&user, Action::ViewLead { responsible: event.responsible_id }, visibility).is_ok() {
                        let sse = Event::default().event("lead").json_data(&event).unwrap_or_default();
                        return Some((Ok(sse), (receiver, db, user)));
                    }
                }
                // Too slow to keep up: tell the page to reload everything.
                Err(RecvError::Lagged(_)) => return Some((Ok(Event::default().event("resync").data("{}")), (receiver, db, user))),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

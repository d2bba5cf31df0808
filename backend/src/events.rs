//! The event bus: a tokio broadcast channel in this process and, on PostgreSQL, LISTEN/NOTIFY so
//! every `voronka serve` on the same database hears every change.

use crate::db::Pool;
use domain::event::LeadEvent;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

const CHANNEL: &str = "voronka_events";

#[derive(Clone, Debug)]
pub struct EventBus {
    sender: broadcast::Sender<LeadEvent>,
    /// This process's tag, so it ignores its own notifications coming back from PostgreSQL.
    origin: u64,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    event: LeadEvent,
}

impl Default for EventBus {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        EventBus { sender, origin: rand::random() }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<LeadEvent> {
        self.sender.subscribe()
    }

    /// Tells this process's listeners at once, and other processes through PostgreSQL. Called after
    /// the change committed; a failed NOTIFY is logged, never fatal to the change.
    pub async fn publish(&self, pool: &Pool, event: LeadEvent) {
        if let Pool::Postgres(pg) = pool {
            let payload = serde_json::to_string(&Envelope { origin: self.origin, event: event.clone() }).unwrap_or_default();
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(pg).await {
                tracing::warn!(error = %e, "pg_notify failed");
            }
        }
        // No receivers is fine: nobody has a board open.
        let _ = self.sender.send(event);
    }

    /// On PostgreSQL, relays other processes' events to this process's listeners until the pool
    /// closes; reconnects after a lost connection.
    pub fn spawn_listener(&self, pool: &Pool) {
        let Pool::Postgres(pg) = pool else { return };
        let (pg, bus) = (pg.clone(), self.clone());
        tokio::spawn(async move {
            loop {
                if pg.is_closed() {
                    return;
                }
                match sqlx::postgres::PgListener::connect_with(&pg).await {
                    Ok(mut listener) => {
                        if let Err(e) = listener.listen(CHANNEL).await {
                            tracing::warn!(error = %e, "LISTEN failed");
                        } else {
                            while let Ok(n) = listener.recv().await {
                                match serde_json::from_str::<Envelope>(n.payload()) {
                                    Ok(env) if env.origin != bus.origin => {
                                        let _ = bus.sender.send(env.event);
                                    }
                                    Ok(_) => {}
                                    Err(e) => tracing::warn!(error = %e, "unreadable notification"),
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot listen for events"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }
}

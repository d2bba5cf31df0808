//! The board's state in the browser and the one move path that drag and drop, the keyboard and
//! the "Move to…" menu share: optimistic, rolled back with a toast when the server refuses.

use super::column_edits::{append_page, apply_move, column_of, confirm_move, undo_move};
use crate::api::board::{load_column, move_lead};
use crate::components::toast::Toasts;
use chrono::{DateTime, Utc};
use domain::board::{BoardCard, BoardColumn};
use domain::count::Count;
use domain::dictionary::DictionaryEntry;
use domain::search::SearchQuery;
use domain::stage::Stage;
use domain::{AppError, Id};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnState {
    pub stage: Stage,
    pub count: Count,
    pub cards: Vec<BoardCard>,
}

impl From<BoardColumn> for ColumnState {
    fn from(c: BoardColumn) -> ColumnState {
        ColumnState { stage: c.stage, count: c.count, cards: c.cards }
    }
}

/// A move waiting for its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMove {
    pub card_id: Id,
    pub to_stage: Id,
}

/// What the screen reader hears.
#[derive(Debug, Clone, PartialEq)]
pub enum Announcement {
    Picked(String),
    Target(String),
    Dropped(String, String),
    Cancelled,
}

/// A card picked up with the keyboard.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyboardPick {
    pub card_id: Id,
    pub name: String,
    pub from: Id,
    pub target: Id,
}

/// A card being dragged with a pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Drag {
    pub card_id: Id,
    pub name: String,
    pub from: Id,
    pub x: f64,
    pub y: f64,
    pub over: Option<Id>,
}

#[derive(Clone, Copy)]
pub struct BoardCtx {
    pub columns: RwSignal<Vec<ColumnState>>,
    /// Every stage, in order, for "Move to…" and the reason picker.
    pub stages: StoredValue<Vec<Stage>>,
    pub categories: StoredValue<Vec<DictionaryEntry>>,
    pub now: DateTime<Utc>,
    pub query: Memo<String>,
    /// The search this board was read with, if any: the cards mark it in names and phones. Kept
    /// from when the board was read, not derived from `query`: a new query loads a new board.
    pub searched: StoredValue<Option<SearchQuery>>,
    pub picker: RwSignal<Option<PendingMove>>,
    /// A card dropped into the enrolment stage, waiting for its group and contract.
    pub enrolling: RwSignal<Option<PendingMove>>,
    /// The column whose quick-add form is open (one at a time).
    pub adding: RwSignal<Option<Id>>,
    /// Moves sent and not yet answered: a reload now would show the board from before them.
    pub moving: RwSignal<u32>,
    /// Changes drawn on this board by its user (moves, quick adds, "show more"), counted: a board
    /// read from the server before the latest of them would undo it on screen.
    pub edits: StoredValue<u64>,
    /// The lead open in the drawer (wide screens).
    pub drawer: RwSignal<Option<Id>>,
    pub announce: RwSignal<Option<Announcement>>,
    pub keyboard: RwSignal<Option<KeyboardPick>>,
    pub drag: RwSignal<Option<Drag>>,
    /// The card a keyboard move was made with: it takes the focus wherever it is drawn next.
    pub focus: RwSignal<Option<Id>>,
    pub toasts: Toasts,
    /// Reloads the whole board (after a conflict, or when someone else changed it).
    pub reload: Callback<()>,
}

impl BoardCtx {
    /// Whether the user has something in hand: a card dragged, picked up with the keyboard,
    /// waiting for its reason or enrolment, on its way to the server or open in the drawer, or a
    /// quick-add form open.
    fn busy(self) -> bool {
        self.drag.with_untracked(Option::is_some)
            || self.keyboard.with_untracked(Option::is_some)
            || self.picker.with_untracked(Option::is_some)
            || self.enrolling.with_untracked(Option::is_some)
            || self.adding.with_untracked(Option::is_some)
            || self.moving.get_untracked() > 0
            || self.drawer.with_untracked(Option::is_some)
    }

    /// False once this board was replaced (a reload) or left: its signals are gone (reading one
    /// would panic), and a timer or a task it started must stop. The signals share one owner, so
    /// one tells for all.
    fn alive(self) -> bool {
        !self.columns.is_disposed()
    }

    /// Refreshes the board for someone else's change, but never under the user's hands: while
    /// they are busy it waits and tries again, and a fresh board that arrives after they picked
    /// something up is put aside for a later try. The columns are updated in place, so an open
    /// dialog stays open; a change of the shown stages reloads the whole page.
    pub fn reload_when_idle(self) {
        let later = move || set_timeout(move || self.reload_when_idle(), std::time::Duration::from_millis(400));
        if !self.alive() {
            return;
        }
        if self.busy() {
            later();
            return;
        }
        let query = self.query.get_untracked();
        let edits = self.edits.get_value();
        // A change the user drew after the read began (a move made and confirmed while the board
        // was on its way would be put back where it was), or something in their hands now.
        let overtaken = move || self.busy() || self.edits.get_value() != edits;
        spawn_local(async move {
            let answer = crate::api::board::load_board(query.clone()).await;
            // A board replaced meanwhile has its own reloads (this may run from a timer, with no
            // owner to cancel it).
            if !self.alive() {
                return;
            }
            let Ok(page) = answer else {
                self.reload.try_run(());
                return;
            };
            if overtaken() {
                later();
                return;
            }
            let same_stages =
                self.columns.with_untracked(|cols| cols.iter().map(|c| c.stage.id).eq(page.board.columns.iter().map(|c| c.stage.id)));
            if !same_stages {
                self.reload.try_run(());
                return;
            }
            let mut fresh: Vec<ColumnState> = page.board.columns.into_iter().map(ColumnState::from).collect();
            let shown: Vec<(Id, usize)> = self.columns.with_untracked(|cols| cols.iter().map(|c| (c.stage.id, c.cards.len())).collect());
            if read_as_deep(&query, &mut fresh, &shown).await.is_err() {
                // The first pages are fresh; a column shows fewer cards than before, no more.
                leptos::logging::debug_warn!("a column's further pages could not be read again");
            }
            // The further pages took time: the same checks again.
            if !self.alive() {
                return;
            }
            if overtaken() {
                later();
                return;
            }
            self.columns.set(fresh);
        });
    }

    /// Draws a change the user made on the columns.
    pub fn edit(self, change: impl FnOnce(&mut Vec<ColumnState>)) {
        self.edits.update_value(|n| *n += 1);
        self.columns.update(change);
    }

    /// [`BoardCtx::edit`] for a change that may find nothing to do (`None`): then nothing is
    /// redrawn and no edit counted, which would put aside a live update in flight for nothing.
    pub fn edit_if<T>(self, change: impl FnOnce(&mut Vec<ColumnState>) -> Option<T>) -> Option<T> {
        let mut done = None;
        self.columns.maybe_update(|cols| {
            done = change(cols);
            done.is_some()
        });
        if done.is_some() {
            self.edits.update_value(|n| *n += 1);
        }
        done
    }

    pub fn stage(&self, id: Id) -> Option<Stage> {
        self.stages.with_value(|s| s.iter().find(|s| s.id == id).cloned())
    }

    pub fn stage_name(&self, id: Id) -> String {
        self.stage(id).map(|s| s.name).unwrap_or_default()
    }

    /// Starts a move; stages with reasons ask for one first, the enrolment stage for the group and
    /// the contract.
    pub fn request_move(&self, card_id: Id, to_stage: Id) {
        let Some(from) = self.columns.with_untracked(|cols| column_of(cols, card_id)) else { return };
        if from == to_stage {
            return;
        }
        match self.stage(to_stage) {
            Some(stage) if stage.enrolment => self.enrolling.set(Some(PendingMove { card_id, to_stage })),
            Some(stage) if stage.requires_reason() => self.picker.set(Some(PendingMove { card_id, to_stage })),
            Some(_) => self.move_card(card_id, to_stage, None),
            None => {}
        }
    }

    /// Moves the card at once, then asks the server; a refusal puts it back and says why.
    pub fn move_card(&self, card_id: Id, to_stage: Id, reason: Option<Id>) {
        // A card gone from the board, or already there, is no edit.
        let Some(undo) = self.edit_if(|cols| apply_move(cols, card_id, to_stage)) else { return };
        let (name, version) = (undo.card.name.clone(), undo.card.version);
        self.announce.set(Some(Announcement::Dropped(name, self.stage_name(to_stage))));
        let ctx = *self;
        ctx.moving.update(|n| *n += 1);
        spawn_local(async move {
            let answer = move_lead(card_id, to_stage, reason, version).await;
            // A board replaced meanwhile (left, or reloaded) draws the lead as the server has it;
            // a refusal is still told.
            if ctx.alive() {
                ctx.moving.update(|n| *n = n.saturating_sub(1));
                match &answer {
                    Ok(fresh) => ctx.edit(|cols| confirm_move(cols, fresh)),
                    Err(_) => ctx.edit(|cols| undo_move(cols, undo)),
                }
            }
            if let Err(error) = answer {
                let conflict = matches!(error, AppError::Conflict { .. });
                ctx.toasts.push(error);
                if conflict {
                    // Show the lead as it is now.
                    ctx.reload.try_run(());
                }
            }
        });
    }
}

/// Reads the fresh columns' further pages until each shows as many cards as the user had loaded
/// with "show more" (`shown`): someone else's change must not fold a column they scrolled deep
/// into back to its first page.
async fn read_as_deep(query: &str, fresh: &mut [ColumnState], shown: &[(Id, usize)]) -> Result<(), AppError> {
    for &(stage, wanted) in shown {
        // The last card of `stage`'s column while it shows fewer than `wanted`.
        let short_after = |cols: &[ColumnState]| {
            cols.iter().find(|c| c.stage.id == stage).filter(|c| c.cards.len() < wanted).and_then(|c| c.cards.last().map(BoardCard::cursor))
        };
        while let Some(after) = short_after(fresh) {
            let more = load_column(query.to_owned(), stage, after).await?;
            if !append_page(fresh, stage, more) {
                break;
            }
        }
    }
    Ok(())
}

//! A move drawn on the browser's columns, and its undo. Kept apart from the signals so the
//! bookkeeping (which card goes where, and the counts) is tested without a browser.

use super::state::ColumnState;
use chrono::Utc;
use domain::board::BoardCard;
use domain::Id;
use std::collections::HashSet;

/// Where a moved card stood before it was drawn in its new column, so a refusal can put it back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub card: BoardCard,
    pub from: Id,
    pub to: Id,
    /// Its place in the old column.
    pub position: usize,
}

/// The stage of the column `card_id` is drawn in, and its place there.
fn locate(columns: &[ColumnState], card_id: Id) -> Option<(Id, usize)> {
    columns.iter().find_map(|c| c.cards.iter().position(|card| card.id == card_id).map(|position| (c.stage.id, position)))
}

/// The stage of the column `card_id` is drawn in.
pub fn column_of(columns: &[ColumnState], card_id: Id) -> Option<Id> {
    locate(columns, card_id).map(|(stage, _)| stage)
}

/// Draws `card_id` at the top of `to`'s column; `None` when it is not on the board or already
/// there.
pub fn apply_move(columns: &mut [ColumnState], card_id: Id, to: Id) -> Option<Undo> {
    let (from, position) = locate(columns, card_id)?;
    if from == to {
        return None;
    }
    let origin = columns.iter_mut().find(|c| c.stage.id == from)?;
    let card = origin.cards.remove(position);
    origin.count.add(-1);
    if let Some(target) = columns.iter_mut().find(|c| c.stage.id == to) {
        target.cards.insert(0, BoardCard { stage_changed_at: Utc::now(), ..card.clone() });
        target.count.add(1);
    }
    Some(Undo { card, from, to, position })
}

/// Puts the card back where it stood, touching only it: other moves made meanwhile stay drawn
/// (restoring the whole board from before would undo them on screen while the server kept them).
pub fn undo_move(columns: &mut [ColumnState], undo: Undo) {
    if let Some(target) = columns.iter_mut().find(|c| c.stage.id == undo.to) {
        let before = target.cards.len();
        target.cards.retain(|c| c.id != undo.card.id);
        if target.cards.len() < before {
            target.count.add(-1);
        }
    }
    if let Some(origin) = columns.iter_mut().find(|c| c.stage.id == undo.from) {
        if origin.cards.iter().all(|c| c.id != undo.card.id) {
            let position = undo.position.min(origin.cards.len());
            origin.cards.insert(position, undo.card);
            origin.count.add(1);
        }
    }
}

/// Swaps in the server's copy of a moved card, wherever the card is drawn now.
pub fn confirm_move(columns: &mut [ColumnState], fresh: &BoardCard) {
    for col in columns.iter_mut() {
        if let Some(slot) = col.cards.iter_mut().find(|c| c.id == fresh.id) {
            *slot = fresh.clone();
        }
    }
}

/// Appends a further page of `stage`'s column, without the cards the board shows already (a card
/// moved while the page was read comes in its old column's page too); false when nothing was
/// new, so the column's end is reached.
pub fn append_page(columns: &mut [ColumnState], stage: Id, more: Vec<BoardCard>) -> bool {
    let shown: HashSet<Id> = columns.iter().flat_map(|c| c.cards.iter().map(|card| card.id)).collect();
    let Some(column) = columns.iter_mut().find(|c| c.stage.id == stage) else { return false };
    let before = column.cards.len();
    column.cards.extend(more.into_iter().filter(|c| !shown.contains(&c.id)));
    column.cards.len() > before
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::count::Count;
    use domain::stage::{Stage, StageKind};

    fn card(id: Id) -> BoardCard {
        BoardCard {
            id,
            name: format!("Lead {id}"),
            phone: None,
            category: None,
            branch: None,
            desired_start: None,
            responsible_initials: None,
            tags: Vec::new(),
            stage_changed_at: Utc::now(),
            postponed_until: None,
            next_task_due: None,
            next_task_due_local: None,
            version: 1,
        }
    }

    fn stage(id: Id) -> Stage {
        Stage {
            id,
            name: format!("Stage {id}"),
            color: "#888888".into(),
            position: id as i32,
            kind: StageKind::Open,
            shown_on_board: true,
            enrolment: false,
            reasons: Vec::new(),
        }
    }

    fn column(stage_id: Id, cards: &[Id]) -> ColumnState {
        ColumnState { stage: stage(stage_id), count: Count::exact(cards.len() as i64), cards: cards.iter().map(|id| card(*id)).collect() }
    }

    fn layout(columns: &[ColumnState]) -> Vec<(Vec<Id>, i64)> {
        columns.iter().map(|c| (c.cards.iter().map(|c| c.id).collect(), c.count.value)).collect()
    }

    #[test]
    fn a_move_goes_to_the_top_of_its_column_and_counts_follow() {
        let mut cols = vec![column(1, &[10, 11, 12]), column(2, &[20])];
        assert_eq!(column_of(&cols, 11), Some(1));
        let undo = apply_move(&mut cols, 11, 2).expect("the card is on the board");
        assert_eq!(column_of(&cols, 11), Some(2));
        assert_eq!(layout(&cols), vec![(vec![10, 12], 2), (vec![11, 20], 2)]);
        assert_eq!((undo.from, undo.to, undo.position), (1, 2, 1));
    }

    #[test]
    fn a_card_not_on_the_board_or_already_there_is_not_moved() {
        let mut cols = vec![column(1, &[10]), column(2, &[])];
        assert_eq!(apply_move(&mut cols, 99, 2), None);
        assert_eq!(apply_move(&mut cols, 10, 1), None);
        assert_eq!(layout(&cols), vec![(vec![10], 1), (vec![], 0)]);
    }

    #[test]
    fn an_undo_puts_back_only_its_own_card() {
        let mut cols = vec![column(1, &[10, 11, 12]), column(2, &[20]), column(3, &[])];
        let refused = apply_move(&mut cols, 11, 2).unwrap();
        // Another move made while the first was on its way, and confirmed by the server.
        let kept = apply_move(&mut cols, 20, 3).unwrap();
        confirm_move(&mut cols, &BoardCard { version: 2, ..kept.card.clone() });
        undo_move(&mut cols, refused);
        assert_eq!(layout(&cols), vec![(vec![10, 11, 12], 3), (vec![], 0), (vec![20], 1)]);
        assert_eq!(cols[2].cards[0].version, 2, "the confirmed move stays drawn with the server's copy");
    }

    #[test]
    fn an_undo_after_the_card_moved_on_takes_it_from_its_target_only() {
        // The card was moved 1 → 2 and then 2 → 3 before either answer came; the second is
        // refused: it goes back to 2, where the first move put it.
        let mut cols = vec![column(1, &[10]), column(2, &[]), column(3, &[])];
        let _first = apply_move(&mut cols, 10, 2).unwrap();
        let second = apply_move(&mut cols, 10, 3).unwrap();
        undo_move(&mut cols, second);
        assert_eq!(layout(&cols), vec![(vec![], 0), (vec![10], 1), (vec![], 0)]);
    }

    #[test]
    fn an_undo_never_draws_a_card_twice() {
        let mut cols = vec![column(1, &[10]), column(2, &[])];
        let undo = apply_move(&mut cols, 10, 2).unwrap();
        undo_move(&mut cols, undo.clone());
        undo_move(&mut cols, undo);
        assert_eq!(layout(&cols), vec![(vec![10], 1), (vec![], 0)]);
    }

    #[test]
    fn a_further_page_adds_only_cards_the_board_does_not_show() {
        let mut cols = vec![column(1, &[10, 11]), column(2, &[20])];
        // 20 was moved to column 2 while column 1's page was read.
        assert!(append_page(&mut cols, 1, vec![card(11), card(20), card(12)]));
        assert_eq!(layout(&cols), vec![(vec![10, 11, 12], 2), (vec![20], 1)]);
        assert!(!append_page(&mut cols, 1, vec![card(12)]), "nothing new: the column's end");
        assert!(!append_page(&mut cols, 1, Vec::new()));
        assert!(!append_page(&mut cols, 9, vec![card(90)]), "no such column");
    }
}

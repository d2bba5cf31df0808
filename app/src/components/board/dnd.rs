//! Pointer drag and drop through web-sys: a mouse drags after a few pixels; a finger picks a
//! card up after a 300 ms press, while a plain swipe keeps scrolling. One set of document
//! listeners serves every card: the pressed card installs the handler for its gesture.

use super::state::{BoardCtx, Drag};
use domain::Id;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How long a finger rests before the card lifts.
const LONG_PRESS: Duration = Duration::from_millis(300);
/// A finger that moves this far before the card lifts is scrolling.
const TOUCH_SLOP: f64 = 10.0;
/// A mouse that moves this far with the button down is dragging.
const MOUSE_SLOP: f64 = 5.0;
/// Near an edge of the board by this much, the board scrolls while dragging.
const EDGE: f64 = 48.0;
/// How far one pointer move near an edge scrolls the board.
const STEP: f64 = 12.0;

enum Phase {
    Move(f64, f64),
    Up(f64, f64),
    Cancel,
}

/// Handles one phase of the gesture; answers whether the gesture goes on.
type Handler = Box<dyn FnMut(Phase) -> bool>;

thread_local! {
    static ACTIVE: RefCell<Option<Handler>> = const { RefCell::new(None) };
    /// While true the page does not scroll under a finger (a card is being dragged).
    static HOLD_SCROLL: Cell<bool> = const { Cell::new(false) };
    /// Set by a drop so the click that ends the gesture does not open the lead.
    static SUPPRESS_CLICK: Cell<bool> = const { Cell::new(false) };
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// True once, right after a drag ended: the click that follows is part of the drag.
pub fn take_suppressed_click() -> bool {
    SUPPRESS_CLICK.with(|s| s.replace(false))
}

fn dispatch(phase: Phase) {
    // Take the handler out while it runs, so it may end the gesture (clear ACTIVE) itself.
    let handler = ACTIVE.with(|a| a.borrow_mut().take());
    if let Some(mut h) = handler {
        if h(phase) {
            ACTIVE.with(|a| {
                let mut slot = a.borrow_mut();
                // A new press may have started meanwhile; it wins.
                if slot.is_none() {
                    *slot = Some(h);
                }
            });
        }
    }
}

/// Installs the document listeners once per page.
pub fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    let doc = document();
    let on_move = Closure::<dyn FnMut(web_sys::PointerEvent)>::new(|e: web_sys::PointerEvent| {
        dispatch(Phase::Move(f64::from(e.client_x()), f64::from(e.client_y())));
    });
    let on_up = Closure::<dyn FnMut(web_sys::PointerEvent)>::new(|e: web_sys::PointerEvent| {
        dispatch(Phase::Up(f64::from(e.client_x()), f64::from(e.client_y())));
    });
    let on_cancel = Closure::<dyn FnMut(web_sys::PointerEvent)>::new(|_| dispatch(Phase::Cancel));
    // Non-passive, so a drag by finger can stop the page from scrolling.
    let on_touch_move = Closure::<dyn FnMut(web_sys::TouchEvent)>::new(|e: web_sys::TouchEvent| {
        if HOLD_SCROLL.with(Cell::get) {
            e.prevent_default();
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(false);
    let _ = doc.add_event_listener_with_callback("pointermove", on_move.as_ref().unchecked_ref());
    let _ = doc.add_event_listener_with_callback("pointerup", on_up.as_ref().unchecked_ref());
    let _ = doc.add_event_listener_with_callback("pointercancel", on_cancel.as_ref().unchecked_ref());
    let _ =
        doc.add_event_listener_with_callback_and_add_event_listener_options("touchmove", on_touch_move.as_ref().unchecked_ref(), &options);
    // The listeners live as long as the page.
    on_move.forget();
    on_up.forget();
    on_cancel.forget();
    on_touch_move.forget();
}

/// The stage of the column under a point, if any (the ghost does not take pointer events).
fn column_at(x: f64, y: f64) -> Option<Id> {
    let el = document().element_from_point(x as f32, y as f32)?;
    let column = el.closest("[data-stage-id]").ok()??;
    column.get_attribute("data-stage-id")?.parse().ok()
}

fn auto_scroll(x: f64) {
    let Some(board) = document().query_selector(".board").ok().flatten() else { return };
    let rect = board.get_bounding_client_rect();
    if x < rect.left() + EDGE {
        board.scroll_by_with_x_and_y(-STEP, 0.0);
    } else if x > rect.right() - EDGE {
        board.scroll_by_with_x_and_y(STEP, 0.0);
    }
}

/// Begins tracking a press on a card.
pub fn press(ctx: BoardCtx, event: &web_sys::PointerEvent, card_id: Id, from: Id, name: String) {
    let touch = event.pointer_type() != "mouse";
    if !touch && event.button() != 0 {
        return;
    }
    let (sx, sy) = (f64::from(event.client_x()), f64::from(event.client_y()));
    let lifted = Rc::new(Cell::new(false));
    let last = Rc::new(Cell::new((sx, sy)));
    let lift = {
        let (lifted, last, name) = (lifted.clone(), last.clone(), name.clone());
        move || {
            lifted.set(true);
            HOLD_SCROLL.with(|h| h.set(true));
            let (x, y) = last.get();
            ctx.drag.set(Some(Drag { card_id, name: name.clone(), from, x, y, over: column_at(x, y) }));
        }
    };
    let timer = if touch {
        let lift = lift.clone();
        set_timeout_with_handle(lift, LONG_PRESS).ok()
    } else {
        None
    };
    let end = move || {
        HOLD_SCROLL.with(|h| h.set(false));
        ctx.drag.set(None);
    };
    let handler: Handler = Box::new(move |phase| match phase {
        Phase::Move(x, y) => {
            last.set((x, y));
            let moved = ((x - sx).powi(2) + (y - sy).powi(2)).sqrt();
            if !lifted.get() {
                if touch && moved > TOUCH_SLOP {
                    // A swipe: let the browser scroll, forget this press.
                    if let Some(t) = timer {
                        t.clear();
                    }
                    return false;
                } else if !touch && moved > MOUSE_SLOP {
                    lift();
                }
                return true;
            }
            auto_scroll(x);
            let over = column_at(x, y);
            ctx.drag.update(|d| {
                if let Some(d) = d {
                    d.x = x;
                    d.y = y;
                    d.over = over;
                }
            });
            true
        }
        Phase::Up(x, y) => {
            if let Some(t) = timer {
                t.clear();
            }
            if lifted.get() {
                SUPPRESS_CLICK.with(|s| s.set(true));
                // Where the last move was over: a lifted finger's pointerup may carry no position.
                let over = ctx.drag.get_untracked().and_then(|d| d.over).or_else(|| column_at(x, y));
                end();
                if let Some(to) = over.filter(|to| *to != from) {
                    ctx.request_move(card_id, to);
                }
            }
            false
        }
        Phase::Cancel => {
            if let Some(t) = timer {
                t.clear();
            }
            end();
            false
        }
    });
    ACTIVE.with(|a| *a.borrow_mut() = Some(handler));
}

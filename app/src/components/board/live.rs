//! Live updates: an EventSource on `/events`; another person's change reloads the board (after a
//! short pause, so a burst of changes costs one reload). The browser reconnects by itself after a
//! network loss, and the board reloads then to catch up.

use domain::event::LeadEvent;
use domain::Id;
use leptos::prelude::*;

pub fn listen(me: Id, reload: Callback<()>) {
    Effect::new(move |_| {
        use std::cell::Cell;
        use std::rc::Rc;
        use std::time::Duration;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let Ok(source) = web_sys::EventSource::new("/events") else { return };
        let pending: Rc<Cell<bool>> = Rc::new(Cell::new(false));
        let schedule = {
            let pending = pending.clone();
            move || {
                if !pending.replace(true) {
                    let pending = pending.clone();
                    set_timeout(
                        move || {
                            pending.set(false);
                            reload.try_run(());
                        },
                        Duration::from_millis(250),
                    );
                }
            }
        };
        let on_lead = {
            let schedule = schedule.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let theirs =
                    e.data().as_string().and_then(|d| serde_json::from_str::<LeadEvent>(&d).ok()).is_none_or(|ev| ev.actor_id != me);
                if theirs {
                    schedule();
                }
            })
        };
        let reconnected = Rc::new(Cell::new(false));
        let on_error = {
            let reconnected = reconnected.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| reconnected.set(true))
        };
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if reconnected.replace(false) {
                schedule();
            }
        });
        let _ = source.add_event_listener_with_callback("lead", on_lead.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("resync", on_lead.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let source = send_wrapper::SendWrapper::new((source, on_lead, on_error, on_open));
        on_cleanup(move || source.0.close());
    });
}

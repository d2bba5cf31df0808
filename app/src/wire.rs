//! How data travels from the server to the browser: server function answers (`output = Postcard`)
//! and the page data a server-rendered page hands to hydration (`page_resource`).
//!
//! Both use postcard, serde's compact binary format, rather than JSON. The browser then carries,
//! for each type it receives, a decoder that reads fields in order, where serde_json's reads a
//! map by field names and any number syntax; that took the WASM's code from 4.94 to 4.38 MB
//! (bench/RESULTS.md, "The browser bundle"). Arguments (`input = Json`, or a form) and errors
//! (`AppError`) stay JSON: they are small, the same for every call, and readable in tests and a
//! browser's network panel. Postcard does not describe its own fields, so a type sent this way
//! must not use serde attributes that need that (`flatten`, `untagged`, internally tagged enums,
//! `skip_serializing_if`) — its decoder fails in the browser, which shows as a hydration panic.
//! `TimelineEvent` and `RuleConfig` are internally tagged because the database keeps them as JSON
//! in that shape; the wire types that carry them (`TimelineEntry`, `Rule`, `RuleAudit`) send them
//! externally tagged through serde `remote` copies (domain::timeline, domain::automation).
//! server/tests/wire.rs decodes every page's answer as the browser does.

use domain::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// The codec of page data embedded in server-rendered HTML.
pub type Wire = codee::binary::PostcardCodec;

/// A page's data: loaded on the server while rendering, decoded in the browser when hydrating.
pub type PageResource<T> = Resource<Result<T, AppError>, Wire>;

/// `Resource::new` with the page-data codec.
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Wire>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

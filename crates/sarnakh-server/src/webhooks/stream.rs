//! The optional event stream: every outbox event published to NATS JetStream on subject
//! `sarnakh.<type>` (`sarnakh.lead.qualified`), with the event id as `Nats-Msg-Id` so the
//! stream drops duplicates (a retry after a lost acknowledgement, two instances publishing
//! the same event). The stream (subjects `sarnakh.>`) is created if missing.

use async_nats::jetstream::{self, stream};
use sarnakh_core::store::StreamEvent;

/// The name the relay registers in `outbox_consumers`, so changes keep writing outbox rows
/// for the stream even when no webhook is active.
pub const CONSUMER: &str = "nats";

/// A JetStream publisher.
#[derive(Clone)]
pub struct EventStream {
    js: jetstream::Context,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

/// The subject of an event type.
pub fn subject(event_type: &str) -> String {
    format!("sarnakh.{event_type}")
}

impl EventStream {
    /// Connects to `url` and makes sure stream `name` exists with subjects `sarnakh.>`.
    pub async fn connect(url: &str, name: &str) -> Result<Self, String> {
        let client = async_nats::connect(url)
            .await
            .map_err(|e| format!("could not connect to NATS: {e}"))?;
        let js = jetstream::new(client);
        js.get_or_create_stream(stream::Config {
            name: name.to_owned(),
            subjects: vec!["sarnakh.>".to_owned()],
            ..Default::default()
        })
        .await
        .map_err(|e| format!("could not create the JetStream stream {name}: {e}"))?;
        Ok(Self { js })
    }

    /// Publishes one event and waits for the stream's acknowledgement; true if the stream
    /// had it already (dropped as a duplicate of the same event id).
    pub async fn publish(&self, event: &StreamEvent) -> Result<bool, String> {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", event.id.to_string().as_str());
        headers.insert("Sarnakh-Event", event.event_type.as_str());
        let ack = self
            .js
            .publish_with_headers(
                subject(&event.event_type),
                headers,
                event.payload.clone().into(),
            )
            .await
            .map_err(|e| format!("could not publish: {e}"))?;
        let ack = ack
            .await
            .map_err(|e| format!("the stream did not acknowledge: {e}"))?;
        Ok(ack.duplicate)
    }
}

//! The interaction event model and its validation.
//!
//! Parsing is strict and never panics: every way a payload can be wrong maps to a
//! [`Rejection`] whose text becomes the dead-letter reason (see `SCHEMA.md`).

use serde::{Deserialize, Serialize};

/// What a user did to a pet. The variants are ordered by rising intent; the
/// weight of each in the trending score is configured in [`crate::stream::Weights`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    View,
    Like,
    Share,
    Favorite,
    AdoptionRequest,
    Adopted,
}

impl EventKind {
    /// Every kind, in a fixed order (used for weight tables and the simulator).
    pub const ALL: [EventKind; 6] = [
        EventKind::View,
        EventKind::Like,
        EventKind::Share,
        EventKind::Favorite,
        EventKind::AdoptionRequest,
        EventKind::Adopted,
    ];

    /// The snake_case name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Like => "like",
            EventKind::Share => "share",
            EventKind::Favorite => "favorite",
            EventKind::AdoptionRequest => "adoption_request",
            EventKind::Adopted => "adopted",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// Position in [`EventKind::ALL`], for array-indexed weight tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One user interaction with a pet, as it travels on the `interactions` topic.
/// The Kafka message key is `pet_id`, so one pet's events stay in one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unique per event (a UUID-like string); kept for tracing and deduplication downstream.
    pub event_id: String,
    pub user_id: String,
    pub pet_id: String,
    /// `dog` or `cat` today; any non-empty lowercase string is accepted.
    pub species: String,
    pub breed: String,
    pub kind: EventKind,
    /// Event time in milliseconds since the Unix epoch (UTC). Decides the window.
    pub ts: i64,
}

/// Why an event was refused; the `Display` text is the dead-letter `reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("not valid JSON: {0}")]
    BadJson(String),
    #[error("missing or non-string field `{0}`")]
    MissingField(&'static str),
    #[error("field `{0}` is empty")]
    EmptyField(&'static str),
    #[error(
        "unknown kind `{0}`; expected one of view, like, share, favorite, adoption_request, adopted"
    )]
    UnknownKind(String),
    #[error("`ts` must be an integer of epoch milliseconds")]
    BadTimestamp,
    #[error(
        "`ts` {ts} is {ahead_ms} ms ahead of the processor clock (more than the {max_ms} ms allowed)"
    )]
    FutureTimestamp { ts: i64, ahead_ms: i64, max_ms: i64 },
}

/// Loosely typed intermediate so that each missing or wrong field gets its own reason.
#[derive(Deserialize)]
struct RawEvent {
    event_id: Option<serde_json::Value>,
    user_id: Option<serde_json::Value>,
    pet_id: Option<serde_json::Value>,
    species: Option<serde_json::Value>,
    breed: Option<serde_json::Value>,
    kind: Option<serde_json::Value>,
    ts: Option<serde_json::Value>,
}

fn required_string(
    value: Option<serde_json::Value>,
    field: &'static str,
) -> Result<String, Rejection> {
    match value {
        Some(serde_json::Value::String(text)) if text.is_empty() => {
            Err(Rejection::EmptyField(field))
        }
        Some(serde_json::Value::String(text)) => Ok(text),
        _ => Err(Rejection::MissingField(field)),
    }
}

/// Zero-copy shape of a well-formed event: the fast path. Anything it refuses is
/// re-parsed by the slow path, which names the precise reason.
#[derive(Deserialize)]
struct BorrowedEvent<'a> {
    #[serde(borrow)]
    event_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    user_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pet_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    species: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    breed: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    ts: i64,
}

/// A validated event borrowing from its payload: what the aggregator needs, without
/// allocating five strings per message on the hot path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView<'a> {
    pub pet_id: std::borrow::Cow<'a, str>,
    pub species: std::borrow::Cow<'a, str>,
    pub breed: std::borrow::Cow<'a, str>,
    pub kind: EventKind,
    pub ts: i64,
}

impl EventView<'_> {
    /// Parses and validates one payload without copying its strings when it can.
    pub fn parse(
        payload: &[u8],
        now_ms: i64,
        max_future_ms: i64,
    ) -> Result<EventView<'_>, Rejection> {
        if let Ok(fast) = serde_json::from_slice::<BorrowedEvent<'_>>(payload) {
            let all_present = [
                &fast.event_id,
                &fast.user_id,
                &fast.pet_id,
                &fast.species,
                &fast.breed,
            ]
            .iter()
            .all(|field| !field.is_empty());
            if let (Some(kind), true) = (EventKind::parse(&fast.kind), all_present)
                && fast.ts.saturating_sub(now_ms) <= max_future_ms
            {
                return Ok(EventView {
                    pet_id: fast.pet_id,
                    species: fast.species,
                    breed: fast.breed,
                    kind,
                    ts: fast.ts,
                });
            }
        }
        Event::parse_slowly(payload, now_ms, max_future_ms).map(|event| EventView {
            pet_id: event.pet_id.into(),
            species: event.species.into(),
            breed: event.breed.into(),
            kind: event.kind,
            ts: event.ts,
        })
    }
}

impl Event {
    /// Parses and validates one payload. `now_ms` is the processor's clock and
    /// `max_future_ms` how far ahead of it an event time may be (clock skew budget).
    pub fn parse(payload: &[u8], now_ms: i64, max_future_ms: i64) -> Result<Event, Rejection> {
        Self::parse_slowly(payload, now_ms, max_future_ms)
    }

    /// The borrowed view of this event, as the aggregator takes it.
    pub fn view(&self) -> EventView<'_> {
        EventView {
            pet_id: self.pet_id.as_str().into(),
            species: self.species.as_str().into(),
            breed: self.breed.as_str().into(),
            kind: self.kind,
            ts: self.ts,
        }
    }

    /// The slow path: field by field, so each kind of bad input gets its own reason.
    pub(crate) fn parse_slowly(
        payload: &[u8],
        now_ms: i64,
        max_future_ms: i64,
    ) -> Result<Event, Rejection> {
        let raw: RawEvent =
            serde_json::from_slice(payload).map_err(|err| Rejection::BadJson(err.to_string()))?;
        let kind_name = required_string(raw.kind, "kind")?;
        let kind = EventKind::parse(&kind_name).ok_or(Rejection::UnknownKind(kind_name))?;
        let ts = match raw.ts {
            Some(serde_json::Value::Number(number)) => {
                number.as_i64().ok_or(Rejection::BadTimestamp)?
            }
            None => return Err(Rejection::MissingField("ts")),
            Some(_) => return Err(Rejection::BadTimestamp),
        };
        let ahead_ms = ts.saturating_sub(now_ms);
        if ahead_ms > max_future_ms {
            return Err(Rejection::FutureTimestamp {
                ts,
                ahead_ms,
                max_ms: max_future_ms,
            });
        }
        Ok(Event {
            event_id: required_string(raw.event_id, "event_id")?,
            user_id: required_string(raw.user_id, "user_id")?,
            pet_id: required_string(raw.pet_id, "pet_id")?,
            species: required_string(raw.species, "species")?,
            breed: required_string(raw.breed, "breed")?,
            kind,
            ts,
        })
    }

    /// The JSON wire form (what the simulator produces).
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising a struct of strings and integers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn valid() -> serde_json::Value {
        serde_json::json!({"event_id":"e1","user_id":"u1","pet_id":"p1","species":"dog",
            "breed":"husky","kind":"adoption_request","ts": NOW})
    }

    #[test]
    fn parses_a_valid_event() {
        let event = Event::parse(valid().to_string().as_bytes(), NOW, 60_000).unwrap();
        assert_eq!(event.kind, EventKind::AdoptionRequest);
        assert_eq!(event.pet_id, "p1");
        assert_eq!(Event::parse(&event.to_json(), NOW, 0).unwrap(), event);
    }

    #[test]
    fn each_hostile_payload_has_its_reason() {
        let bad_json = Event::parse(b"{not json", NOW, 0).unwrap_err();
        assert!(matches!(bad_json, Rejection::BadJson(_)));

        let mut unknown = valid();
        unknown["kind"] = "poke".into();
        assert_eq!(
            Event::parse(unknown.to_string().as_bytes(), NOW, 0).unwrap_err(),
            Rejection::UnknownKind("poke".into())
        );

        let mut missing = valid();
        missing.as_object_mut().unwrap().remove("breed");
        assert_eq!(
            Event::parse(missing.to_string().as_bytes(), NOW, 0).unwrap_err(),
            Rejection::MissingField("breed")
        );

        let mut future = valid();
        future["ts"] = (NOW + 3_600_000).into();
        assert!(matches!(
            Event::parse(future.to_string().as_bytes(), NOW, 60_000).unwrap_err(),
            Rejection::FutureTimestamp { .. }
        ));

        let mut text_ts = valid();
        text_ts["ts"] = "yesterday".into();
        assert_eq!(
            Event::parse(text_ts.to_string().as_bytes(), NOW, 0).unwrap_err(),
            Rejection::BadTimestamp
        );
    }
}

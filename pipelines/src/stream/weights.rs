//! Weight of each event kind in the trending score.

use super::event::EventKind;
use serde::Deserialize;

/// Integer weights per kind: integers keep window sums exact, so any two
/// computations over the same events (a replay, the reference in tests) agree bit for bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub view: u32,
    pub like: u32,
    pub share: u32,
    pub favorite: u32,
    pub adoption_request: u32,
    pub adopted: u32,
}

impl Default for Weights {
    /// Intent rises from a glance to an adoption: a request is worth twenty views.
    fn default() -> Self {
        Weights {
            view: 1,
            like: 3,
            share: 5,
            favorite: 4,
            adoption_request: 20,
            adopted: 40,
        }
    }
}

impl Weights {
    /// Weight of one event of `kind`.
    pub fn of(&self, kind: EventKind) -> u64 {
        u64::from(match kind {
            EventKind::View => self.view,
            EventKind::Like => self.like,
            EventKind::Share => self.share,
            EventKind::Favorite => self.favorite,
            EventKind::AdoptionRequest => self.adoption_request,
            EventKind::Adopted => self.adopted,
        })
    }

    /// Parses `kind=weight,kind=weight` (the `--weights` flag and `TRENDS_WEIGHTS`);
    /// kinds not named keep their current weight.
    pub fn apply_overrides(&mut self, spec: &str) -> Result<(), String> {
        for pair in spec.split(',').filter(|pair| !pair.trim().is_empty()) {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("weight `{pair}` is not `kind=number`"))?;
            let kind = EventKind::parse(name.trim())
                .ok_or_else(|| format!("unknown event kind `{}` in weights", name.trim()))?;
            let value: u32 = value
                .trim()
                .parse()
                .map_err(|_| format!("weight for `{}` must be a whole number", name.trim()))?;
            let slot = match kind {
                EventKind::View => &mut self.view,
                EventKind::Like => &mut self.like,
                EventKind::Share => &mut self.share,
                EventKind::Favorite => &mut self.favorite,
                EventKind::AdoptionRequest => &mut self.adoption_request,
                EventKind::Adopted => &mut self.adopted,
            };
            *slot = value;
        }
        Ok(())
    }
}

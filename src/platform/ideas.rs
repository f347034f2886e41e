//! The leadership ideas' cards (what each idea says, its source, a question to reflect on),
//! fetched from the bundle's cards file (`ideas.txt`, written at build time by
//! `frontline ideas`) the first time a learner opens a card, and kept for the visit. Their
//! text is not in the app's first download; each idea's name, author and one-line
//! explanation are (`frontline_engine::principles`).

use std::cell::RefCell;
use std::rc::Rc;

use frontline_engine::principles::{self, Card};
use gloo_net::http::Request;

/// An idea's card, as read from the cards file.
pub type IdeaCard = Card<String>;

thread_local! {
    static CARDS: RefCell<Option<Rc<Vec<IdeaCard>>>> = const { RefCell::new(None) };
}

/// The card for `tag` if the cards file was read earlier in this visit.
pub fn cached(tag: &str) -> Option<IdeaCard> {
    CARDS.with(|c| {
        c.borrow()
            .as_ref()
            .and_then(|cards| cards.iter().find(|card| card.tag == tag).cloned())
    })
}

/// Fetches the cards file (once per visit) and returns the card for `tag`. Errors are
/// sentences for the learner.
pub async fn card(tag: &str) -> Result<IdeaCard, String> {
    if let Some(card) = cached(tag) {
        return Ok(card);
    }
    let offline = || {
        "The explanation could not be downloaded. Check your connection and try again.".to_owned()
    };
    let response = Request::get(principles::CARDS_FILE)
        .send()
        .await
        .map_err(|_| offline())?;
    if !response.ok() {
        return Err(format!(
            "The explanation could not be downloaded (the server answered {}).",
            response.status()
        ));
    }
    let text = response.text().await.map_err(|_| offline())?;
    let cards = principles::parse_cards(&text)
        .map_err(|e| format!("The explanations file is unusable ({e}). Reload the page."))?;
    CARDS.with(|c| *c.borrow_mut() = Some(Rc::new(cards)));
    cached(tag).ok_or_else(|| {
        "This idea's explanation is missing from the downloaded file. Reload the page to get the latest version.".to_owned()
    })
}

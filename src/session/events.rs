//! Session events (`signedIn`, `signedOut`, `tokenRefreshed`, `refreshFailed`) and their
//! listeners.
//!
//! Listeners are called after the session's own state is updated and with no internal borrow
//! held, so a listener may call back into the SDK (for example `signOut` from `refreshFailed`).

use crate::prelude::*;

use ::core::cell::{Cell, RefCell};
use alloc::rc::Rc;

use crate::core::error::{Error, Result};

/// Something that happened to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthEvent {
    /// A sign-in completed and tokens were stored.
    SignedIn,
    /// The session was cleared (sign-out, or a refresh token that Cognito no longer accepts).
    SignedOut,
    /// Tokens were refreshed.
    TokenRefreshed,
    /// A refresh failed; the listener receives the error.
    RefreshFailed,
}

const ALL: [AuthEvent; 4] = [
    AuthEvent::SignedIn,
    AuthEvent::SignedOut,
    AuthEvent::TokenRefreshed,
    AuthEvent::RefreshFailed,
];

impl AuthEvent {
    /// The event's name as apps spell it: `signedIn`, `signedOut`, `tokenRefreshed`,
    /// `refreshFailed`.
    pub fn name(self) -> &'static str {
        match self {
            AuthEvent::SignedIn => "signedIn",
            AuthEvent::SignedOut => "signedOut",
            AuthEvent::TokenRefreshed => "tokenRefreshed",
            AuthEvent::RefreshFailed => "refreshFailed",
        }
    }

    /// The event named `name`; `InvalidParameter` for any other name.
    pub fn from_name(name: &str) -> Result<AuthEvent> {
        ALL.into_iter().find(|e| e.name() == name).ok_or_else(|| {
            Error::param(
                "event",
                "expected 'signedIn', 'signedOut', 'tokenRefreshed' or 'refreshFailed'",
            )
        })
    }
}

/// A listener: called with the event and, for `refreshFailed`, the error.
pub type Listener = Rc<dyn Fn(AuthEvent, Option<&Error>)>;

/// The registered listeners.
#[derive(Default)]
pub struct Listeners {
    next_id: Cell<u32>,
    list: RefCell<Vec<(u32, AuthEvent, Listener)>>,
}

impl Listeners {
    /// Registers `listener` for `event`; returns the id [`Listeners::remove`] takes.
    pub fn add(&self, event: AuthEvent, listener: Listener) -> u32 {
        let id = self.next_id.get().wrapping_add(1);
        self.next_id.set(id);
        self.list.borrow_mut().push((id, event, listener));
        id
    }

    /// Unregisters the listener `id`; false when there was none (already removed).
    pub fn remove(&self, id: u32) -> bool {
        let mut list = self.list.borrow_mut();
        let before = list.len();
        list.retain(|(i, _, _)| *i != id);
        list.len() != before
    }

    /// Calls every listener of `event`, in registration order. The list is copied first, so
    /// listeners may add or remove listeners while being called.
    pub fn emit(&self, event: AuthEvent, error: Option<&Error>) {
        let targets: Vec<Listener> = self
            .list
            .borrow()
            .iter()
            .filter(|(_, e, _)| *e == event)
            .map(|(_, _, l)| l.clone())
            .collect();
        for l in targets {
            l(event, error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_is_invalid_parameter() {
        for e in ALL {
            assert_eq!(AuthEvent::from_name(e.name()).unwrap(), e);
        }
        let err = AuthEvent::from_name("signedin").unwrap_err();
        assert_eq!(err.name(), "InvalidParameter");
        assert!(err.message.starts_with("event: "));
    }

    #[test]
    fn listeners_are_called_per_event_and_can_unsubscribe_while_called() {
        let l = Rc::new(Listeners::default());
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        let a = l.add(
            AuthEvent::SignedIn,
            Rc::new(move |e, _| s.borrow_mut().push(("a", e))),
        );
        let s = seen.clone();
        let l2 = l.clone();
        l.add(
            AuthEvent::SignedIn,
            Rc::new(move |e, _| {
                s.borrow_mut().push(("b", e));
                l2.remove(a);
            }),
        );
        let s = seen.clone();
        l.add(
            AuthEvent::RefreshFailed,
            Rc::new(move |e, err| {
                assert_eq!(err.map(Error::name), Some("NetworkError"));
                s.borrow_mut().push(("c", e))
            }),
        );
        l.emit(AuthEvent::SignedIn, None);
        l.emit(AuthEvent::SignedIn, None);
        l.emit(
            AuthEvent::RefreshFailed,
            Some(&Error::new(
                crate::core::error::ErrorCode::NetworkError,
                "x",
            )),
        );
        assert_eq!(
            *seen.borrow(),
            [
                ("a", AuthEvent::SignedIn),
                ("b", AuthEvent::SignedIn),
                ("b", AuthEvent::SignedIn),
                ("c", AuthEvent::RefreshFailed)
            ]
        );
        assert!(!l.remove(a));
    }
}

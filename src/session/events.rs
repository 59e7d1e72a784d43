//! Session events (`signedIn`, `signedOut`, `tokenRefreshed`, `refreshFailed`). The session
//! reports them in each step's output; the JS driver (`js/auth.js`) calls the app's listeners.

/// Something that happened to the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthEvent {
    /// A sign-in completed and tokens were stored.
    SignedIn,
    /// The session was cleared (sign-out, or a refresh token that Cognito no longer accepts).
    SignedOut,
    /// Tokens were refreshed.
    TokenRefreshed,
    /// A refresh failed; the event carries the error.
    RefreshFailed,
}

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
}

//! Single-flight: while one refresh is in progress, every other caller waits for its result
//! instead of sending a second request (two `getTokens()` at once → one refresh).
//!
//! A hand-written one-shot shared result (no `futures` crate): the first caller becomes the
//! leader and holds a [`Lead`]; later callers [`Flight::wait`]. If the leader is dropped
//! before finishing (its future was cancelled), waiters get an `InternalError` rather than
//! waiting forever.

use crate::prelude::*;

use ::core::cell::RefCell;
use ::core::future::Future;
use ::core::pin::Pin;
use ::core::task::{Context, Poll, Waker};
use alloc::rc::Rc;

use crate::core::error::{Error, Result};

struct State<T> {
    result: Option<Result<T>>,
    wakers: Vec<Waker>,
}

/// One operation in flight, whose result every waiter receives.
pub struct Flight<T: Clone> {
    state: RefCell<State<T>>,
}

impl<T: Clone> Flight<T> {
    /// Starts a flight: the caller leads it and must [`Lead::finish`] it.
    pub fn start() -> (Rc<Flight<T>>, Lead<T>) {
        let f = Rc::new(Flight {
            state: RefCell::new(State {
                result: None,
                wakers: Vec::new(),
            }),
        });
        (
            f.clone(),
            Lead {
                flight: f,
                done: false,
            },
        )
    }

    /// Waits for the leader's result.
    pub fn wait(self: &Rc<Self>) -> Wait<T> {
        Wait {
            flight: self.clone(),
        }
    }

    fn complete(&self, result: Result<T>) {
        let wakers = {
            let mut s = self.state.borrow_mut();
            s.result = Some(result);
            ::core::mem::take(&mut s.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }
}

/// The leader's handle on a [`Flight`].
pub struct Lead<T: Clone> {
    flight: Rc<Flight<T>>,
    done: bool,
}

impl<T: Clone> Lead<T> {
    /// Hands `result` to every waiter.
    pub fn finish(mut self, result: Result<T>) {
        self.done = true;
        self.flight.complete(result);
    }
}

impl<T: Clone> Drop for Lead<T> {
    fn drop(&mut self) {
        if !self.done {
            self.flight.complete(Err(Error::internal(
                "the operation being waited for was cancelled",
            )));
        }
    }
}

/// The future [`Flight::wait`] returns.
pub struct Wait<T: Clone> {
    flight: Rc<Flight<T>>,
}

impl<T: Clone> Future for Wait<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let mut s = self.flight.state.borrow_mut();
        match &s.result {
            Some(r) => Poll::Ready(r.clone()),
            None => {
                s.wakers.push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Arc;
    use std::task::Wake;

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    /// Polls a future once with a no-op waker.
    pub(crate) fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
        let waker = Waker::from(Arc::new(Noop));
        f.poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn waiters_get_the_leaders_result() {
        let (flight, lead) = Flight::<u32>::start();
        let mut w1 = Box::pin(flight.wait());
        let mut w2 = Box::pin(flight.wait());
        assert!(poll_once(w1.as_mut()).is_pending());
        lead.finish(Ok(7));
        assert_eq!(poll_once(w1.as_mut()), Poll::Ready(Ok(7)));
        assert_eq!(poll_once(w2.as_mut()), Poll::Ready(Ok(7)));
    }

    #[test]
    fn a_dropped_leader_releases_waiters_with_an_error() {
        let (flight, lead) = Flight::<u32>::start();
        let mut w = Box::pin(flight.wait());
        assert!(poll_once(w.as_mut()).is_pending());
        drop(lead);
        match poll_once(w.as_mut()) {
            Poll::Ready(Err(e)) => assert_eq!(e.name(), "InternalError"),
            _ => panic!("expected an error"),
        }
    }
}

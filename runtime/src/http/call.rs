//! [`Call`]: the future of one call through [`HttpClient`](super::HttpClient), the type every
//! generated operation hands back.
//!
//! It is a named type so that a generated call builder can be `.await`ed without boxing
//! another future around it (`IntoFuture` needs the type by name, and an `async fn`'s has
//! none). The transport's attempts are boxed once here, whatever the operation, and never
//! moved again; the operation adds only its decoding, a plain function run on the answer. A
//! call's future used to be an `async fn` nested five deep, each level holding the next, and
//! moving several kilobytes per call (`BENCHMARKS.md`, section 2).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::{RawResponse, Untyped};
use crate::Error;

/// The transport's part of a call: every attempt, up to the final answer.
pub(super) type Attempts<'a> = Pin<Box<dyn Future<Output = Result<RawResponse, Untyped>> + Send + 'a>>;

/// A call on its way: `.await` it for the decoded answer, a `T`, or an [`Error<E>`].
///
/// Its `api_call` span is entered whenever it is polled, so that what happens within the call
/// (a token refreshed for it, a retry) is logged within it; when a subscriber wants the span,
/// it gets the call's `status` and `duration_ms`, timed from the first poll.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, E> {
    attempts: Attempts<'a>,
    span: tracing::Span,
    started: Option<tokio::time::Instant>,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
}

impl<'a, T, E> Call<'a, T, E> {
    pub(super) fn new(attempts: Attempts<'a>, span: tracing::Span, decode: fn(RawResponse) -> Result<T, Error<E>>) -> Self {
        Call { attempts, span, started: None, decode }
    }
}

impl<T, E> Future for Call<'_, T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (the attempts are boxed; `T` and `E` appear only in a function
        // pointer's type).
        let this = self.get_mut();
        let _entered = this.span.enter();
        // No clock reads and no records when no subscriber wants the span.
        if this.started.is_none() && !this.span.is_disabled() {
            this.started = Some(tokio::time::Instant::now());
        }
        let answer = ready!(this.attempts.as_mut().poll(cx));
        if let Some(started) = this.started {
            this.span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Ok(response) = &answer {
                this.span.record("status", response.status.as_u16());
            }
        }
        Poll::Ready(match answer {
            Ok(response) => (this.decode)(response),
            Err(error) => Err(error.retype()),
        })
    }
}

impl<T, E> fmt::Debug for Call<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("span", &self.span).finish_non_exhaustive()
    }
}

//! [`FleetStore`]: one token shared by every process of an application, refreshed by one of
//! them at a time.
//!
//! A [`TokenStore`](super::TokenStore) keeps one process's token across restarts; a fleet store
//! lets several processes (replicas) use the same token, so a vendor that rotates refresh tokens
//! or rate-limits logins sees one client, not one per replica. The store does not decide
//! anything: the [`TokenManager`](super::TokenManager) reads it, takes its lease, refreshes and
//! publishes (see [`TokenManagerBuilder::fleet_store`](super::TokenManagerBuilder::fleet_store)).
//! [`RedisStore`](super::RedisStore) (cargo feature `redis`) is the implementation we ship.

use std::fmt;
use std::time::Duration;

use super::{Token, TokenError};
use crate::hook::BoxFuture;

/// The token the fleet shares, with the fence of the lease it was published under.
#[derive(Clone, Debug)]
pub struct SharedToken {
    pub token: Token,
    /// Larger for every later publication; `0` is never used.
    pub fence: u64,
}

/// The right to refresh for the whole fleet, until it is released or its time runs out.
///
/// Its fence is larger than that of every lease taken before it, so a holder that stalled
/// past its lease cannot overwrite what a later holder published.
#[derive(Clone, PartialEq, Eq)]
pub struct FleetLease {
    fence: u64,
}

impl FleetLease {
    /// A lease a store granted with `fence`; stores call this, callers only pass it back.
    pub fn new(fence: u64) -> Self {
        FleetLease { fence }
    }

    pub fn fence(&self) -> u64 {
        self.fence
    }
}

impl fmt::Debug for FleetLease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FleetLease({})", self.fence)
    }
}

/// Where a fleet of processes keeps its one token, with a lease so only one of them refreshes.
///
/// The contract the manager relies on:
///
/// - [`acquire`](Self::acquire) grants at most one lease at a time, for at most
///   [`lease_time`](Self::lease_time), each with a larger fence than the one before.
/// - [`publish`](Self::publish) stores a token only if no token with a larger or equal fence was
///   published before it, and answers whether it did.
/// - [`release`](Self::release) ends the lease only if it is still this holder's.
/// - Every error is a [`TokenErrorKind::Store`](super::TokenErrorKind::Store) error, and an
///   operation never waits much longer than the store's own timeout: the manager then gets its
///   tokens on its own until the store answers again.
pub trait FleetStore: Send + Sync {
    /// The token published last, or `None` when there is none (or it expired).
    fn read(&self) -> BoxFuture<'_, Result<Option<SharedToken>, TokenError>>;

    /// Takes the lease if nobody holds it: `None` when another process does.
    fn acquire(&self) -> BoxFuture<'_, Result<Option<FleetLease>, TokenError>>;

    /// Publishes `token` under `lease`: `false` when a token of a later lease is already there.
    fn publish<'a>(&'a self, lease: &'a FleetLease, token: &'a Token) -> BoxFuture<'a, Result<bool, TokenError>>;

    /// Ends `lease` early, if it is still held by its holder.
    fn release<'a>(&'a self, lease: &'a FleetLease) -> BoxFuture<'a, Result<(), TokenError>>;

    /// Waits until a token other than the one with fence `seen` (0: none) is published, or
    /// nobody holds the lease, or [`lease_time`](Self::lease_time) has passed.
    fn wait_for_change(&self, seen: u64) -> BoxFuture<'_, Result<(), TokenError>>;

    /// How long a lease lasts when its holder neither releases it nor publishes.
    fn lease_time(&self) -> Duration;
}

impl<T: FleetStore + ?Sized> FleetStore for std::sync::Arc<T> {
    fn read(&self) -> BoxFuture<'_, Result<Option<SharedToken>, TokenError>> {
        (**self).read()
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Option<FleetLease>, TokenError>> {
        (**self).acquire()
    }

    fn publish<'a>(&'a self, lease: &'a FleetLease, token: &'a Token) -> BoxFuture<'a, Result<bool, TokenError>> {
        (**self).publish(lease, token)
    }

    fn release<'a>(&'a self, lease: &'a FleetLease) -> BoxFuture<'a, Result<(), TokenError>> {
        (**self).release(lease)
    }

    fn wait_for_change(&self, seen: u64) -> BoxFuture<'_, Result<(), TokenError>> {
        (**self).wait_for_change(seen)
    }

    fn lease_time(&self) -> Duration {
        (**self).lease_time()
    }
}

//! The inbox (`graphql/notify.graphql`).

use super::*;

operations! {
    "graphql/notify.graphql",
    (),
    /// One's latest notices and the unread count.
    Inbox;
    /// The unread count (the header's badge).
    UnreadCount;
    /// Mark one notice read.
    MarkInboxRead;
    /// Mark every notice read.
    MarkAllInboxRead;
}

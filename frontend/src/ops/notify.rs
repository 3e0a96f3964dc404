//! The inbox, notification settings, group robots and dead jobs
//! (`graphql/notify.graphql`).

use super::*;

wire_enum!(
    /// GraphQL `RobotPlatform` (`WECOM`, `DINGTALK`).
    RobotPlatform
);

operations! {
    "graphql/notify.graphql",
    ("RobotPlatform"),
    /// One's latest notices and the unread count.
    Inbox;
    /// The unread count (the header's badge).
    UnreadCount;
    /// Mark one notice read.
    MarkInboxRead;
    /// Mark every notice read.
    MarkAllInboxRead;
    /// One's channels per kind, push set-up and quiet hours.
    NotifySettings;
    /// Sets one kind's channels.
    SetNotifyPreference;
    /// Subscribes this device to pushes.
    SubscribePush;
    /// Unsubscribes this device.
    UnsubscribePush;
    /// The school's group robots and dead jobs (the school admin).
    Integrations;
    /// Adds a group robot.
    AddRobotWebhook;
    /// Removes a group robot.
    DeleteRobotWebhook;
    /// Posts a test message to a robot.
    TestRobotWebhook;
    /// Puts a dead job back in the queue.
    RetryDeadJob;
}

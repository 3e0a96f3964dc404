//! The strings of the inbox (消息).

use super::Fmt1;

/// The strings of the inbox, in one language.
pub struct NotifyTr {
    pub inbox_title: &'static str,
    pub inbox_link: &'static str,
    pub inbox_unread_label: Fmt1,
    pub inbox_empty: &'static str,
    pub inbox_unread_summary: Fmt1,
    pub mark_read: &'static str,
    pub mark_all_read: &'static str,
    pub read_done: &'static str,
    pub open_item: &'static str,
}

pub static NOTIFY_ZH: NotifyTr = NotifyTr {
    inbox_title: "消息",
    inbox_link: "消息",
    inbox_unread_label: |n| format!("消息，{n} 条未读"),
    inbox_empty: "暂无消息。任务提醒、谈心预约等会出现在这里。",
    inbox_unread_summary: |n| format!("{n} 条未读"),
    mark_read: "标为已读",
    mark_all_read: "全部标为已读",
    read_done: "已读",
    open_item: "查看",
};

pub static NOTIFY_EN: NotifyTr = NotifyTr {
    inbox_title: "Messages",
    inbox_link: "Messages",
    inbox_unread_label: |n| format!("Messages, {n} unread"),
    inbox_empty: "No messages yet. Task reminders and talk requests appear here.",
    inbox_unread_summary: |n| format!("{n} unread"),
    mark_read: "Mark read",
    mark_all_read: "Mark all read",
    read_done: "Read",
    open_item: "Open",
};

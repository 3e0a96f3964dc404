//! Outbound HTTP (issue 14): Web Push to the browsers' push services and
//! posts to WeCom/DingTalk group robots. Every request is bounded: https
//! only, to a configured host, at most 10 s, no redirects, the answer read
//! up to 16 KiB. `DAOSHI_OUTBOUND_ALLOW_LOCAL=1` (refused in production)
//! also allows `http://127.0.0.1:<port>` so the test suite's local
//! receivers can stand in for those services.

use std::time::Duration;

use url::Url;

/// Longest URL accepted.
pub const MAX_URL: usize = 1000;
/// Most bytes of an answer read.
pub const MAX_ANSWER: usize = 16 * 1024;
/// Longest a request may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The push services browsers subscribe with (a leading dot: any subdomain).
pub const PUSH_HOSTS: &[&str] = &[
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
];

/// The group robots' webhook hosts.
pub const ROBOT_HOSTS: &[&str] = &["qyapi.weixin.qq.com", "oapi.dingtalk.com"];

/// The bounded client and its allowances.
#[derive(Debug, Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow_local: bool,
}

/// An answer: status and (cut) text.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The first [`MAX_ANSWER`] bytes, as text.
    pub text: String,
}

fn host_allowed(host: &str, hosts: &[&str]) -> bool {
    hosts.iter().any(|h| match h.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == *h,
    })
}

impl Outbound {
    /// A client; `allow_local` only outside production.
    pub fn new(allow_local: bool) -> anyhow::Result<Outbound> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Outbound {
            client,
            allow_local,
        })
    }

    /// Checks a URL before it is stored or used: length, scheme, host.
    /// The error is a Chinese sentence for the form.
    pub fn check(&self, raw: &str, hosts: &[&str]) -> Result<Url, String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > MAX_URL {
            return Err(format!("地址长度须在 1–{MAX_URL} 个字符之间"));
        }
        let url = Url::parse(raw).map_err(|_| "不是有效的网址".to_string())?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let local = self.allow_local
            && url.scheme() == "http"
            && (host == "127.0.0.1" || host == "localhost");
        if local {
            return Ok(url);
        }
        if url.scheme() != "https" {
            return Err("地址须以 https:// 开头".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("地址中不能带用户名或密码".into());
        }
        if !host_allowed(&host, hosts) {
            return Err(format!("不允许的地址：只接受 {}", hosts.join("、")));
        }
        Ok(url)
    }

    /// POSTs `body` with `headers`; the answer's text is cut to
    /// [`MAX_ANSWER`] bytes. Transport errors are returned as text without
    /// the URL (which may carry a robot's key).
    pub async fn post(
        &self,
        url: Url,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, String> {
        let mut req = self.client.post(url).body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let mut resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                "对方服务超时".to_string()
            } else {
                "无法连接对方服务".to_string()
            }
        })?;
        let status = resp.status().as_u16();
        let mut buf = Vec::new();
        while buf.len() < MAX_ANSWER {
            match resp.chunk().await {
                Ok(Some(c)) => buf.extend_from_slice(&c),
                Ok(None) | Err(_) => break,
            }
        }
        buf.truncate(MAX_ANSWER);
        Ok(Answer {
            status,
            text: String::from_utf8_lossy(&buf).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_to_configured_hosts_unless_local_is_allowed() {
        let o = Outbound::new(false).unwrap();
        assert!(
            o.check("https://fcm.googleapis.com/fcm/send/x", PUSH_HOSTS)
                .is_ok()
        );
        assert!(
            o.check("https://web.push.apple.com/abc", PUSH_HOSTS)
                .is_ok()
        );
        assert!(
            o.check("https://push.apple.com.evil.cn/abc", PUSH_HOSTS)
                .is_err()
        );
        assert!(o.check("http://fcm.googleapis.com/x", PUSH_HOSTS).is_err());
        assert!(o.check("http://127.0.0.1:9/x", PUSH_HOSTS).is_err());
        assert!(
            o.check(
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                ROBOT_HOSTS
            )
            .is_ok()
        );
        assert!(
            o.check("https://u:p@oapi.dingtalk.com/robot/send", ROBOT_HOSTS)
                .is_err()
        );
        assert!(
            o.check(
                &format!("https://oapi.dingtalk.com/{}", "a".repeat(MAX_URL)),
                ROBOT_HOSTS
            )
            .is_err()
        );
        let local = Outbound::new(true).unwrap();
        assert!(local.check("http://127.0.0.1:9/x", PUSH_HOSTS).is_ok());
        assert!(local.check("http://10.0.0.1:9/x", PUSH_HOSTS).is_err());
    }
}

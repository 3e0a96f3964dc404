//! `daoshi probe`: the container's health check. A plain HTTP/1.0 GET to
//! the server's own port, so the image needs no curl or wget.

use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Asks `http://ADDR/PATH` and succeeds on a 200 answer within `timeout`.
/// A wildcard listen address (`0.0.0.0`, `[::]`) is asked on loopback.
pub async fn probe(
    addr: std::net::SocketAddr,
    path: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let work = async {
        let mut s = tokio::net::TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to {addr}"))?;
        s.write_all(
            format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: daoshi-probe\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let mut buf = Vec::with_capacity(256);
        s.take(4096).read_to_end(&mut buf).await?;
        let text = String::from_utf8_lossy(&buf);
        let status = text.lines().next().unwrap_or_default().to_string();
        if status.split_whitespace().nth(1) == Some("200") {
            Ok(())
        } else {
            bail!("{addr}{path} answered {status:?}")
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .with_context(|| format!("{addr}{path} did not answer within {timeout:?}"))?
}

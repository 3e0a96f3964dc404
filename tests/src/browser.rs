//! The headless-Chromium driver shared by the browser tests: one phone-sized
//! page (360×640) over the DevTools protocol, with helpers to wait for the
//! app, fill forms, tap, emulate offline and save screenshots to
//! `test-artifacts/`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::target::SetAutoAttachParams;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::{Page, ScreenshotParams};
use futures::StreamExt;

/// Phone width in CSS pixels.
pub const WIDTH: u32 = 360;
/// Phone height in CSS pixels.
pub const HEIGHT: u32 = 640;

/// Where screenshots go.
pub fn artifacts() -> PathBuf {
    let dir = crate::workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create test-artifacts/");
    dir
}

/// A headless Chromium with one phone-sized page.
pub struct Ui {
    /// The browser process.
    pub browser: Browser,
    /// The task driving the DevTools connection.
    pub handler: tokio::task::JoinHandle<()>,
    /// The one page.
    pub page: Page,
    /// The server under test, e.g. `http://127.0.0.1:PORT`.
    pub base: String,
    _profile: tempfile::TempDir,
    /// Scroll an element to the middle of the screen before tapping it.
    scroll_before_click: bool,
}

impl Ui {
    /// Launches Chromium (Debian's, or `CHROMIUM`) with one phone-sized page.
    pub async fn launch(base: &str) -> Result<Ui> {
        Ui::launch_with(base, false).await
    }

    /// Launches with the page's service worker allowed to install (the
    /// offline tests need it), and taps scrolled to the middle of the screen.
    pub async fn launch_for_service_worker(base: &str) -> Result<Ui> {
        Ui::launch_with(base, true).await
    }

    async fn launch_with(base: &str, service_worker: bool) -> Result<Ui> {
        let exe = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        if !std::path::Path::new(&exe).exists() {
            bail!("Chromium not found at {exe}: install Debian's `chromium` (see README)");
        }
        let profile = tempfile::tempdir()?;
        let config = BrowserConfig::builder()
            .chrome_executable(&exe)
            .no_sandbox()
            .user_data_dir(profile.path())
            .window_size(WIDTH, HEIGHT)
            .viewport(Viewport {
                width: WIDTH,
                height: HEIGHT,
                device_scale_factor: Some(2.0),
                emulating_mobile: true,
                is_landscape: false,
                has_touch: true,
            })
            .args([
                "disable-gpu",
                "disable-quic",
                "no-first-run",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "disable-dev-shm-usage",
            ])
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| anyhow!("browser config: {e}"))?;
        let (browser, mut handler) = Browser::launch(config).await.context("launch chromium")?;
        let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
        let page = browser.new_page("about:blank").await?;
        // chromiumoxide auto-attaches to new targets and holds them until
        // the debugger resumes them; a service worker held that way never
        // installs (its registration never settles). The app's service
        // worker must run for the offline reload, so targets are left alone.
        if service_worker {
            page.execute(SetAutoAttachParams::new(false, false)).await?;
        }
        Ok(Ui {
            browser,
            handler,
            page,
            base: base.trim_end_matches('/').to_string(),
            _profile: profile,
            scroll_before_click: service_worker,
        })
    }

    /// Closes the browser.
    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        self.handler.abort();
    }

    /// Loads a path and waits until the wasm app has started.
    pub async fn open(&self, path: &str) -> Result<()> {
        self.page.goto(format!("{}{path}", self.base)).await?;
        self.wait(
            "document.body && document.body.dataset.app === 'ready'",
            "the wasm app to start",
        )
        .await
    }

    /// Evaluates JavaScript and returns its value.
    pub async fn eval<T: serde::de::DeserializeOwned>(&self, js: &str) -> Result<T> {
        let v = self
            .page
            .evaluate(js)
            .await
            .with_context(|| format!("evaluate {js}"))?;
        Ok(v.into_value()?)
    }

    /// Polls a JavaScript condition until it is true (20 s at most).
    pub async fn wait(&self, cond: &str, what: &str) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let js =
            format!("(() => {{ try {{ return !!({cond}); }} catch (e) {{ return false; }} }})()");
        loop {
            if self.eval::<bool>(&js).await.unwrap_or(false) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let body: String = self
                    .eval("document.body ? document.body.innerText.slice(0, 600) : ''")
                    .await
                    .unwrap_or_default();
                let url: String = self.eval("location.href").await.unwrap_or_default();
                bail!("timed out waiting for {what} at {url}; page text: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Taps a link and waits for the page it leads to (`path`, titled
    /// `title`). A tap that lands while the page is still laying out its data
    /// can miss the link (the element moved under the computed point), so an
    /// unanswered tap is repeated, three times at most.
    pub async fn tap_link(&self, selector: &str, path: &str, title: &str) -> Result<()> {
        let arrived = format!("location.pathname === {}", serde_json::to_string(path)?);
        for _ in 0..3 {
            self.click(selector).await?;
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if self.eval::<bool>(&arrived).await.unwrap_or(false) {
                    return self.wait_home(path, title).await;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        self.wait_home(path, title).await
    }

    /// The visible text of an element.
    pub async fn text(&self, selector: &str) -> Result<String> {
        self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); return e ? e.innerText : ''; }})()",
            serde_json::to_string(selector)?
        ))
        .await
    }

    /// Types into a field; text the key map cannot type (Chinese) is put in
    /// as an input method would, with an `input` event.
    pub async fn fill(&self, selector: &str, value: &str) -> Result<()> {
        let el = self.page.find_element(selector).await?;
        el.click().await?;
        if value.is_ascii() {
            el.type_str(value).await?;
        } else {
            self.eval::<bool>(&format!(
                "(() => {{ const e = document.querySelector({}); e.value = {};
                   e.dispatchEvent(new Event('input', {{ bubbles: true }})); return true; }})()",
                serde_json::to_string(selector)?,
                serde_json::to_string(value)?
            ))
            .await?;
        }
        Ok(())
    }

    /// Replaces a field's value as a user clearing it and typing would, with
    /// an `input` event.
    pub async fn set_value(&self, selector: &str, value: &str) -> Result<()> {
        let ok: bool = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({}); if (!e) return false;
                   e.focus(); e.value = {}; e.dispatchEvent(new Event('input', {{ bubbles: true }}));
                   e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true; }})()",
                serde_json::to_string(selector)?,
                serde_json::to_string(value)?
            ))
            .await?;
        if !ok {
            bail!("no field {selector}");
        }
        Ok(())
    }

    /// Scrolls an element to the middle of the screen (before a screenshot).
    pub async fn scroll_to(&self, selector: &str) -> Result<()> {
        self.eval::<bool>(&format!(
            "(() => {{ const e = document.querySelector({}); if (e) e.scrollIntoView({{ block: 'center' }}); return true; }})()",
            serde_json::to_string(selector)?
        ))
        .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        Ok(())
    }

    /// Taps an element, first scrolled to the middle of the screen so that
    /// the fixed bottom tabs cannot take the tap.
    pub async fn click(&self, selector: &str) -> Result<()> {
        if self.scroll_before_click {
            self.scroll_to(selector).await?;
        }
        self.page.find_element(selector).await?.click().await?;
        Ok(())
    }

    /// Taps an element; a tap that lands while the page re-renders the
    /// element (the node went away between finding and tapping it) is
    /// repeated, three times at most.
    pub async fn tap(&self, selector: &str) -> Result<()> {
        let mut last = None;
        for _ in 0..3 {
            match self.click(selector).await {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Err(last.unwrap_or_else(|| anyhow!("no tap on {selector}")))
    }

    /// Saves a screenshot of the screen to `test-artifacts/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let path = artifacts().join(format!("{name}.png"));
        self.page
            .save_screenshot(ScreenshotParams::builder().build(), &path)
            .await?;
        Ok(path)
    }

    /// Signs in through the login page (starting from a clean session).
    pub async fn login(&self, username: &str, password: &str) -> Result<()> {
        self.open("/login").await?;
        self.eval::<bool>("(localStorage.removeItem('daoshi.access'), localStorage.removeItem('daoshi.refresh'), localStorage.removeItem('daoshi.role'), true)")
            .await?;
        self.open("/login").await?;
        self.wait("document.querySelector('#username')", "the login form")
            .await?;
        self.fill("#username", username).await?;
        self.fill("#password", password).await?;
        self.click("#login-submit").await
    }

    /// Waits for a page whose path is `path` and whose heading reads `title`.
    pub async fn wait_home(&self, path: &str, title: &str) -> Result<()> {
        self.wait(
            &format!(
                "location.pathname === {} && document.querySelector('h1.page-title') && document.querySelector('h1.page-title').innerText.trim() === {}",
                serde_json::to_string(path)?,
                serde_json::to_string(title)?
            ),
            &format!("{path} titled {title}"),
        )
        .await
    }
}

impl Ui {
    /// Switches the page to a 1280×800 desktop window (`true`) or back to
    /// the 360×640 phone.
    pub async fn set_desktop(&self, desktop: bool) -> Result<()> {
        use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
        let p = if desktop {
            SetDeviceMetricsOverrideParams::new(1280, 800, 1.0, false)
        } else {
            SetDeviceMetricsOverrideParams::new(WIDTH as i64, HEIGHT as i64, 2.0, true)
        };
        self.page.execute(p).await?;
        Ok(())
    }

    /// Emulates losing (or regaining) the network.
    #[allow(deprecated)]
    pub async fn set_offline(&self, offline: bool) -> Result<()> {
        let throughput = if offline { 0.0 } else { -1.0 };
        self.page
            .execute(
                chromiumoxide::cdp::browser_protocol::network::EmulateNetworkConditionsParams::new(
                    offline, 0.0, throughput, throughput,
                ),
            )
            .await?;
        Ok(())
    }

    /// The client keys of the entries listed under `selector`.
    pub async fn keys(&self, selector: &str) -> Result<Vec<String>> {
        self.eval(&format!(
            "[...document.querySelectorAll({})].map(e => e.dataset.key)",
            serde_json::to_string(selector)?
        ))
        .await
    }

    /// A screenshot of the whole page, beyond the screen.
    pub async fn screenshot_full(&self, name: &str) -> Result<PathBuf> {
        let path = artifacts().join(format!("{name}.png"));
        self.page
            .save_screenshot(ScreenshotParams::builder().full_page(true).build(), &path)
            .await?;
        Ok(path)
    }

    /// Waits for a page under `prefix` titled `title` showing a student card.
    pub async fn wait_home_prefix(&self, prefix: &str, title: &str) -> Result<()> {
        self.wait(
            &format!(
                "location.pathname.startsWith({}) && document.querySelector('h1.page-title').innerText.trim() === {} && document.querySelector('#student-card')",
                serde_json::to_string(prefix)?,
                serde_json::to_string(title)?
            ),
            &format!("{prefix}… titled {title}"),
        )
        .await
    }
}

/// Runs one scenario; on failure saves a screenshot named after it.
pub async fn scenario<F>(ui: &Ui, name: &str, failures: &mut Vec<String>, f: F)
where
    F: AsyncFnOnce(&Ui) -> Result<()>,
{
    eprintln!("browser scenario: {name}");
    if let Err(e) = f(ui).await {
        let shot = ui
            .screenshot(&format!("failure-{name}"))
            .await
            .map(|p| p.display().to_string())
            .unwrap_or_else(|e| format!("(no screenshot: {e})"));
        failures.push(format!("{name}: {e:#} [screenshot: {shot}]"));
    }
}

/// Usable at 360 px: nothing scrolls sideways, every visible control is a
/// 44 px target with an accessible name.
pub async fn check_phone_usable(ui: &Ui, what: &str) -> Result<()> {
    let overflow: i64 = ui
        .eval("document.documentElement.scrollWidth - window.innerWidth")
        .await?;
    if overflow > 0 {
        bail!("{what}: page is {overflow}px wider than the 360px viewport");
    }
    let small: Vec<String> = ui
        .eval(
            "[...document.querySelectorAll('button, a, input, select, summary')]
               .filter(e => e.offsetParent !== null)
               .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44; })
               .map(e => e.outerHTML.slice(0, 80))",
        )
        .await?;
    if !small.is_empty() {
        bail!("{what}: tap targets under 44px: {small:?}");
    }
    let unnamed: Vec<String> = ui
        .eval(
            "[...document.querySelectorAll('button, a, input, select')]
               .filter(e => e.offsetParent !== null)
               .filter(e => !(e.innerText || '').trim() && !e.getAttribute('aria-label')
                            && !(e.id && document.querySelector(`label[for='${e.id}']`))
                            && !e.closest('label'))
               .map(e => e.outerHTML.slice(0, 80))",
        )
        .await?;
    if !unnamed.is_empty() {
        bail!("{what}: controls without an accessible name: {unnamed:?}");
    }
    Ok(())
}

//! Browser tests of 账号与安全 on a phone (360×640): a mentor changes their
//! password from the header's account link (a too-short one is refused
//! inline first); the school admin resets a teacher's password (the
//! one-time password is shown once), the teacher signs in with it and must
//! set a new one before anything else; the school admin deactivates an
//! account with confirmation. The real app (`frontend/dist`) against a
//! `daoshi` server with the demo district, in headless Chromium.

use anyhow::{Result, bail};
use serde_json::Value;
use tests::browser::{Ui, check_phone_usable, scenario};
use tests::{PASSWORD, error_code};

const NEW_PASSWORD: &str = "青山绿水-长流不息-2026";

async fn open_account(ui: &Ui) -> Result<()> {
    ui.wait(
        "document.querySelector('#account-link')",
        "the account link",
    )
    .await?;
    ui.click("#account-link").await?;
    ui.wait_home("/account", "账号与安全").await
}

/// Submits the password form, scrolled clear of the fixed bottom tabs.
async fn submit(ui: &Ui) -> Result<()> {
    ui.scroll_to("#change-password-submit").await?;
    ui.click("#change-password-submit").await
}

async fn login_payload(server: &tests::TestServer, user: &str, password: &str) -> Result<Value> {
    server.login_payload(user, password).await
}

/// A mentor changes their password; a too-short one is refused inline.
async fn mentor_changes_password(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s1.mentor1", PASSWORD).await?;
    ui.wait_home("/mentor", "我的学生").await?;
    open_account(ui).await?;
    check_phone_usable(ui, "account page").await?;
    ui.fill("#current-password", PASSWORD).await?;
    ui.fill("#new-password", "short").await?;
    ui.fill("#confirm-password", "short").await?;
    submit(ui).await?;
    ui.wait(
        "document.querySelector('#change-password-error') && document.querySelector('#change-password-error').innerText.includes('至少10位')",
        "the inline length error",
    )
    .await?;
    ui.fill("#new-password", NEW_PASSWORD).await?;
    ui.fill("#confirm-password", NEW_PASSWORD).await?;
    submit(ui).await?;
    ui.wait(
        "document.querySelector('#change-password-done')",
        "the change confirmed",
    )
    .await?;
    ui.screenshot("accounts-change-password-360x640").await?;
    // Still signed in (the fresh session), on the new password only.
    ui.open("/mentor").await?;
    ui.wait_home("/mentor", "我的学生").await?;
    if error_code(&login_payload(server, "s1.mentor1", PASSWORD).await?).as_deref()
        != Some("UNAUTHENTICATED")
    {
        bail!("the old password still works");
    }
    if login_payload(server, "s1.mentor1", NEW_PASSWORD).await?["data"]["login"]["accessToken"]
        .is_null()
    {
        bail!("the new password does not work");
    }
    Ok(())
}

/// The school admin resets a teacher's password; the teacher must change
/// the one-time password before anything else.
async fn admin_resets_a_password(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s1.admin", PASSWORD).await?;
    ui.wait("location.pathname.startsWith('/school')", "the school home")
        .await?;
    open_account(ui).await?;
    let row = "#account-list li[data-username='s1.head1']";
    ui.wait(
        &format!("document.querySelector(\"{row}\")"),
        "the teacher's account",
    )
    .await?;
    ui.click(&format!("{row} .account-reset")).await?;
    ui.wait(
        "document.querySelector('#account-confirm-yes')",
        "the confirmation",
    )
    .await?;
    ui.click("#account-confirm-yes").await?;
    ui.wait(
        "document.querySelector('#otp-value')",
        "the one-time password",
    )
    .await?;
    let otp = ui.text("#otp-value").await?.trim().to_string();
    ui.screenshot("accounts-one-time-password-360x640").await?;
    check_phone_usable(ui, "account list with a one-time password").await?;
    ui.click("#otp-done").await?;

    ui.login("s1.head1", &otp).await?;
    ui.wait(
        "document.querySelector('#forced-change')",
        "the forced change screen",
    )
    .await?;
    // Nothing else is reachable: the pages show the forced change too.
    ui.open("/class").await?;
    ui.wait(
        "document.querySelector('#forced-change')",
        "the forced change screen again",
    )
    .await?;
    ui.screenshot("accounts-forced-change-360x640").await?;
    ui.fill("#current-password", &otp).await?;
    ui.fill("#new-password", NEW_PASSWORD).await?;
    ui.fill("#confirm-password", NEW_PASSWORD).await?;
    submit(ui).await?;
    ui.wait(
        "!document.querySelector('#forced-change') && document.querySelector('h1.page-title')",
        "a page of the app",
    )
    .await?;
    if error_code(&login_payload(server, "s1.head1", &otp).await?).as_deref()
        != Some("UNAUTHENTICATED")
    {
        bail!("the one-time password still works");
    }
    Ok(())
}

/// The school admin deactivates an account after confirming.
async fn admin_deactivates_an_account(ui: &Ui, server: &tests::TestServer) -> Result<()> {
    ui.login("s1.admin", PASSWORD).await?;
    ui.wait("location.pathname.startsWith('/school')", "the school home")
        .await?;
    open_account(ui).await?;
    let row = "#account-list li[data-username='s1.counsellor']";
    ui.wait(
        &format!("document.querySelector(\"{row}\")"),
        "the counsellor's account",
    )
    .await?;
    ui.click(&format!("{row} .account-toggle")).await?;
    ui.wait(
        "document.querySelector('#account-confirm-yes')",
        "the confirmation",
    )
    .await?;
    ui.click("#account-confirm-yes").await?;
    ui.wait(
        &format!("document.querySelector(\"{row}\") && document.querySelector(\"{row}\").innerText.includes('已停用')"),
        "the account marked deactivated",
    )
    .await?;
    if error_code(&login_payload(server, "s1.counsellor", PASSWORD).await?).as_deref()
        != Some("UNAUTHENTICATED")
    {
        bail!("a deactivated account still signs in");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_screens_on_a_phone() -> Result<()> {
    let server = tests::TestServer::spawn_sqlite_demo().await?;
    let ui = Ui::launch(&server.base_url()).await?;
    let mut failures = Vec::new();
    scenario(&ui, "change-password", &mut failures, async |ui: &Ui| {
        mentor_changes_password(ui, &server).await
    })
    .await;
    scenario(&ui, "admin-reset", &mut failures, async |ui: &Ui| {
        admin_resets_a_password(ui, &server).await
    })
    .await;
    scenario(&ui, "admin-deactivate", &mut failures, async |ui: &Ui| {
        admin_deactivates_an_account(ui, &server).await
    })
    .await;
    ui.close().await;
    if !failures.is_empty() {
        bail!(
            "{} scenario(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

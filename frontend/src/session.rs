//! Who is signed in, as which role, and where each role lives.

use leptos::prelude::*;
use shared::org::Role;

use crate::api::{self, ApiError, Tokens};
use crate::i18n::{Label, Tr};
use crate::ops;
use crate::storage;

const ROLE_KEY: &str = "daoshi.role";
/// The last `me` answer, so that a reload while offline keeps the user
/// signed in (their queued records stay reachable); cleared on sign-out.
const ME_KEY: &str = "daoshi.me";

/// The signed-in user.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Display name.
    pub name: String,
    /// Every role the user holds, broadest first.
    pub roles: Vec<Role>,
    /// Where the user works: their school, or the district for district staff.
    pub place: Option<String>,
    /// The grades the user leads (grade leaders).
    pub grades: Vec<i64>,
    /// The user's staff record, for teachers (e.g. to find their class).
    pub staff_id: Option<String>,
}

/// Why the login page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// The session could not be renewed.
    Expired,
    /// The user signed out.
    LoggedOut,
}

impl Notice {
    /// The message, in the user's language.
    pub fn message(self, t: &Tr) -> &'static str {
        match self {
            Notice::Expired => t.session_expired,
            Notice::LoggedOut => t.logged_out,
        }
    }
}

/// The session state, provided as context by the app root.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// The user, `None` when signed out.
    pub user: RwSignal<Option<User>>,
    /// The role the user is acting as.
    pub role: RwSignal<Option<Role>>,
    /// A message for the login page.
    pub notice: RwSignal<Option<Notice>>,
    /// Whether the stored session has been checked with the server.
    pub ready: RwSignal<bool>,
    /// Signed in with a one-time password: only changing it is possible
    /// (the server refuses everything else until then).
    pub must_change_password: RwSignal<bool>,
}

fn from_wire(roles: &[ops::Role]) -> Vec<Role> {
    let mut roles: Vec<Role> = roles.iter().map(|r| r.0).collect();
    roles.sort();
    roles.dedup();
    roles
}

impl Session {
    /// Creates the session, provides it, and checks a stored token with `me`.
    pub fn provide() -> Session {
        let session = Session {
            user: RwSignal::new(None),
            role: RwSignal::new(None),
            notice: RwSignal::new(None),
            ready: RwSignal::new(Tokens::access().is_none()),
            must_change_password: RwSignal::new(false),
        };
        provide_context(session);
        api::on_session_expired(move || session.end(Some(Notice::Expired)));
        if !session.ready.get_untracked() {
            leptos::task::spawn_local(async move {
                // On failure other than expiry (network), show the login page;
                // the tokens stay so a reload can retry.
                if let Err(ApiError::Network) = session.load_me().await
                    && let Some(user) = cached_user()
                {
                    session.sign_in(user);
                }
                session.ready.set(true);
            });
        }
        session
    }

    /// Fetches `me` and makes it the signed-in user.
    pub async fn load_me(self) -> Result<(), ApiError> {
        let me = api::query::<ops::Me>(ops::me::Variables).await?.me;
        self.must_change_password.set(me.must_change_password);
        self.sign_in(User {
            name: me.display_name,
            roles: from_wire(&me.roles),
            place: me.school_name.or(Some(me.district_name)),
            grades: me.grades,
            staff_id: me.staff_id.clone(),
        });
        let cached = serde_json::json!({
            "name": me_name_of(&self),
            "roles": from_wire(&me.roles).iter().map(|r| r.code()).collect::<Vec<_>>(),
            "place": self.user.with_untracked(|u| u.as_ref().and_then(|u| u.place.clone())),
            "grades": self.user.with_untracked(|u| u.as_ref().map(|u| u.grades.clone()).unwrap_or_default()),
            "staffId": me.staff_id,
        });
        storage::set(ME_KEY, &cached.to_string());
        Ok(())
    }

    /// Makes `user` the signed-in user, acting as the remembered role when
    /// they still hold it, else their broadest role.
    pub fn sign_in(self, user: User) {
        let remembered = storage::get(ROLE_KEY).and_then(|c| Role::from_code(&c));
        let role = remembered
            .filter(|r| user.roles.contains(r))
            .or_else(|| landing_role(&user.roles));
        self.role.set(role);
        self.notice.set(None);
        self.user.set(Some(user));
    }

    /// Builds the user from a login answer.
    pub fn user_from_login(user: &ops::login::LoginLoginUser) -> User {
        User {
            name: user.display_name.clone(),
            roles: from_wire(&user.roles),
            place: None,
            grades: Vec::new(),
            staff_id: None,
        }
    }

    /// Switches the acting role (remembered across reloads).
    pub fn switch_role(self, role: Role) {
        storage::set(ROLE_KEY, role.code());
        self.role.set(Some(role));
    }

    /// Ends the session locally.
    pub fn end(self, notice: Option<Notice>) {
        Tokens::clear();
        storage::remove(ME_KEY);
        // The mentoring pages' offline copy of the user's students.
        storage::remove("daoshi.my-students");
        self.user.set(None);
        self.role.set(None);
        self.must_change_password.set(false);
        self.notice.set(notice);
    }
}

fn me_name_of(session: &Session) -> String {
    session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
}

/// The user of the last `me` answer, if stored (see `ME_KEY`).
fn cached_user() -> Option<User> {
    let v: serde_json::Value = serde_json::from_str(&storage::get(ME_KEY)?).ok()?;
    Some(User {
        name: v["name"].as_str()?.to_string(),
        roles: v["roles"]
            .as_array()?
            .iter()
            .filter_map(|r| Role::from_code(r.as_str()?))
            .collect(),
        place: v["place"].as_str().map(str::to_string),
        grades: v["grades"]
            .as_array()
            .map(|g| g.iter().filter_map(|x| x.as_i64()).collect())
            .unwrap_or_default(),
        staff_id: v["staffId"].as_str().map(str::to_string),
    })
}

/// The role a user lands as when none is remembered: the broadest, except
/// that mentoring (which every teacher does) yields to a teacher's other
/// duty, so a counsellor who also mentors lands on the counsellor's home.
pub fn landing_role(roles: &[Role]) -> Option<Role> {
    let rank = |r: &Role| match r {
        Role::DistrictAdmin => 0,
        Role::SchoolAdmin => 1,
        Role::GradeLeader => 2,
        Role::HeadTeacher => 3,
        Role::Counsellor => 4,
        Role::Mentor => 5,
        Role::Parent => 6,
        Role::Student => 7,
    };
    roles.iter().min_by_key(|r| rank(r)).copied()
}

/// The session context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// One entry of a role's navigation.
#[derive(Debug, Clone, Copy)]
pub struct NavItem {
    /// Where it goes.
    pub path: &'static str,
    /// Its label.
    pub label: Label,
}

/// The landing page of a role.
pub fn home_path(role: Role) -> &'static str {
    nav(role)[0].path
}

/// A role's navigation, home first.
pub fn nav(role: Role) -> &'static [NavItem] {
    const fn item(path: &'static str, label: Label) -> NavItem {
        NavItem { path, label }
    }
    const DISTRICT: &[NavItem] = &[
        item("/district", |t| t.nav_schools),
        item("/district/baseline", |t| t.nav_baseline),
        item("/district/supervision", |t| t.nav_supervision),
        item("/district/dashboard", |t| t.insights.nav_district_dashboard),
        item("/district/plans", |t| t.insights.nav_plans),
    ];
    const SCHOOL: &[NavItem] = &[
        // Classes and staff open from the setup page's steps (five tabs fit a phone).
        item("/school", |t| t.nav_setup),
        item("/school/dashboard", |t| t.insights.nav_dashboard),
        item("/school/policy", |t| t.nav_policy),
        item("/school/students", |t| t.nav_students),
        item("/school/accounts", |t| t.auth.nav_accounts),
    ];
    const GRADE: &[NavItem] = &[
        item("/grade", |t| t.nav_grade),
        item("/grade/students", |t| t.nav_students),
        item("/grade/dashboard", |t| t.insights.nav_grade_dashboard),
    ];
    const HEAD: &[NavItem] = &[
        item("/class", |t| t.nav_my_class),
        item("/mentor", |t| t.nav_my_students),
        item("/tasks", |t| t.nav_tasks),
    ];
    const MENTOR: &[NavItem] = &[
        item("/mentor", |t| t.nav_my_students),
        item("/tasks", |t| t.nav_tasks),
    ];
    const COUNSELLOR: &[NavItem] = &[item("/counsellor", |t| t.nav_cases)];
    const PARENT: &[NavItem] = &[item("/parent", |t| t.nav_my_child)];
    const STUDENT: &[NavItem] = &[item("/student", |t| t.nav_my_mentor)];
    match role {
        Role::DistrictAdmin => DISTRICT,
        Role::SchoolAdmin => SCHOOL,
        Role::GradeLeader => GRADE,
        Role::HeadTeacher => HEAD,
        Role::Mentor => MENTOR,
        Role::Counsellor => COUNSELLOR,
        Role::Parent => PARENT,
        Role::Student => STUDENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_home_and_its_own_navigation() {
        for role in Role::ALL {
            let items = nav(role);
            assert!(!items.is_empty(), "{role:?} has no navigation");
            assert!(items.len() <= 5, "{role:?} has too many tabs for a phone");
            assert!(home_path(role).starts_with('/'));
            let mut paths: Vec<_> = items.iter().map(|i| i.path).collect();
            paths.dedup();
            assert_eq!(paths.len(), items.len(), "{role:?} repeats a tab");
        }
    }

    #[test]
    fn a_teacher_lands_on_their_other_duty_before_mentoring() {
        use Role::*;
        assert_eq!(landing_role(&[Mentor, Counsellor]), Some(Counsellor));
        assert_eq!(landing_role(&[HeadTeacher, Mentor]), Some(HeadTeacher));
        assert_eq!(landing_role(&[Mentor]), Some(Mentor));
        assert_eq!(landing_role(&[SchoolAdmin, Mentor]), Some(SchoolAdmin));
        assert_eq!(landing_role(&[]), None);
    }
}

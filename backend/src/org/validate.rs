//! Field rules shared by mutations and the roster import. Each returns the
//! message users see (Chinese) when the value is wrong.

pub use crate::validate::{TextProblem, invisible, text};

/// A person's or thing's name: 1–32 characters, no control, bidi or
/// zero-width characters.
pub fn name(v: &str) -> Result<(), &'static str> {
    let n = v.trim().chars().count();
    if n == 0 {
        return Err("不能为空");
    }
    if n > 32 {
        return Err("不能超过32个字");
    }
    match text(v, usize::MAX, false) {
        Ok(()) => Ok(()),
        Err(TextProblem::Bidi) => Err("含有文字方向控制字符"),
        Err(TextProblem::ZeroWidth) => Err("含有零宽字符"),
        Err(_) => Err("含有非法字符"),
    }
}

/// 男 or 女.
pub fn gender(v: &str) -> Result<(), &'static str> {
    match v.trim() {
        "男" | "女" => Ok(()),
        _ => Err("性别须为“男”或“女”"),
    }
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn mobile(v: &str) -> Result<(), &'static str> {
    let v = v.trim();
    if v.len() == 11 && v.starts_with('1') && v.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err("手机号须为以1开头的11位数字")
    }
}

/// 工号: 2–20 ASCII letters, digits or '-'.
pub fn staff_no(v: &str) -> Result<(), &'static str> {
    let n = v.chars().count();
    if (2..=20).contains(&n) && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(())
    } else {
        Err("工号须为2–20位字母、数字或“-”")
    }
}

/// Login names: 3–32 of a–z, 0–9, '.', '_' or '-'.
pub fn username(v: &str) -> Result<(), &'static str> {
    let n = v.chars().count();
    if (3..=32).contains(&n)
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
    {
        Ok(())
    } else {
        Err("用户名须为3–32位小写字母、数字或“._-”")
    }
}

/// Short codes (district and school codes): 2–32 of A–Z, a–z, 0–9, '-', '_'.
pub fn code(v: &str) -> Result<(), &'static str> {
    let n = v.chars().count();
    if (2..=32).contains(&n)
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    {
        Ok(())
    } else {
        Err("代码须为2–32位字母、数字或“-_”")
    }
}

/// Guardian relation: a short word.
pub fn relation(v: &str) -> Result<(), &'static str> {
    let n = v.trim().chars().count();
    if (1..=8).contains(&n) {
        Ok(())
    } else {
        Err("关系须为1–8个字，如“父亲”“母亲”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_good_and_refuse_bad_values() {
        assert!(name("张三").is_ok() && name("").is_err() && name(&"字".repeat(33)).is_err());
        assert!(gender("男").is_ok() && gender("M").is_err());
        assert!(mobile("13800138000").is_ok() && mobile("2380013800").is_err());
        assert!(staff_no("T001").is_ok() && staff_no("工号").is_err());
        assert!(username("s1.admin").is_ok() && username("S1 Admin").is_err());
    }

    #[test]
    fn invisible_and_control_characters_are_refused() {
        for bad in [
            "张\0三",
            "张\u{202E}三",
            "\u{2066}张三",
            "张\u{200B}三",
            "\u{FEFF}张三",
            "张\u{200D}三",
        ] {
            assert!(name(bad).is_err(), "{bad:?}");
            assert!(text(bad, 100, true).is_err(), "{bad:?}");
        }
        assert_eq!(text("a\nb", 10, false), Err(TextProblem::Control));
        assert_eq!(text("a\nb", 10, true), Ok(()));
        assert_eq!(text("abc", 2, true), Err(TextProblem::TooLong(2)));
        assert_eq!(text("لا", 2, false), Ok(()));
    }
}

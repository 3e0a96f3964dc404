//! Field rules shared by mutations and the roster import. Each returns the
//! message users see (Chinese) when the value is wrong.

/// Why a piece of text is refused by [`text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A control character: NUL, other C0/C1 controls, DEL, or (when not
    /// allowed) a line break or tab.
    Control,
    /// A bidirectional override, embedding or isolate (U+202A–U+202E,
    /// U+2066–U+2069) or an invisible direction mark (U+200E, U+200F,
    /// U+061C): they make text display differently from what it is.
    Bidi,
    /// A zero-width or invisible joiner/space (U+200B–U+200D, U+2060,
    /// U+FEFF): two names that look the same would differ.
    ZeroWidth,
    /// More characters than allowed.
    TooLong(usize),
}

impl TextProblem {
    /// The message users see (Chinese).
    pub fn message(self) -> String {
        match self {
            TextProblem::Control => "含有控制字符（如NUL、换行），请删除".into(),
            TextProblem::Bidi => "含有文字方向控制字符（如U+202E），请删除".into(),
            TextProblem::ZeroWidth => "含有零宽字符（如U+200B），请删除".into(),
            TextProblem::TooLong(n) => format!("不能超过{n}个字"),
        }
    }
}

/// Is `c` one of the invisible characters [`text`] refuses (bidi controls
/// and zero-width characters)?
pub fn invisible(c: char) -> Option<TextProblem> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some(TextProblem::Bidi),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Some(TextProblem::ZeroWidth),
        _ => None,
    }
}

/// Any user-supplied text (names, free text, search strings, imported
/// cells): at most `max_chars` characters; no NUL or other control
/// characters (line breaks and tabs only when `multiline`); no bidi
/// overrides or zero-width characters. Use it for every free-text field so
/// stored text displays as what it is.
pub fn text(v: &str, max_chars: usize, multiline: bool) -> Result<(), TextProblem> {
    let mut n = 0usize;
    for c in v.chars() {
        n += 1;
        if n > max_chars {
            return Err(TextProblem::TooLong(max_chars));
        }
        if c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')) {
            return Err(TextProblem::Control);
        }
        if let Some(p) = invisible(c) {
            return Err(p);
        }
    }
    Ok(())
}

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

//! Rosters as schools have them: the forms people type (full-width brackets
//! from a Chinese input method, stray spaces, `七(1)班` for `七年级(1)班`,
//! `初一(1)班`, `7.1`, phone numbers as `138 0000 0002`, 学号 stored as
//! numbers) brought to one form before they are checked. Pure functions.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// A cell as read: NFKC (full-width letters, digits, brackets and spaces
/// become their ASCII forms), trimmed, runs of white space made one space.
pub fn cell(raw: &str) -> String {
    let n: String = raw.nfkc().collect();
    let mut out = String::with_capacity(n.len());
    for word in n.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A header as compared: [`cell`] without any space and without the `*`
/// some templates put on required columns.
pub fn header(raw: &str) -> String {
    cell(raw.trim_start_matches('\u{feff}'))
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect()
}

/// A mobile number without the spaces, dashes and brackets people type
/// into it, and without a `+86` / `86` country prefix.
pub fn phone(raw: &str) -> String {
    let digits: String = cell(raw)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '—' | '–' | '(' | ')' | '.'))
        .collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits.to_string(),
    }
}

/// A 学号 as text: a number a spreadsheet wrote as `20260101.0` loses the
/// `.0`.
pub fn student_no(raw: &str) -> String {
    let v = cell(raw);
    match v.split_once('.') {
        Some((whole, frac))
            if !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b == b'0') =>
        {
            whole.to_string()
        }
        _ => v,
    }
}

fn chinese_number(s: &str) -> Option<i32> {
    const DIGITS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let d = |c: char| DIGITS.iter().position(|x| *x == c).map(|i| i as i32 + 1);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => d(*c),
        ['十', c] => d(*c).map(|x| 10 + x),
        _ => None,
    }
}

/// The grade a prefix names: `7`, `七`, `七年级`, `初一` (7), `预初` (6),
/// `高一` (10) …
fn grade_of(prefix: &str) -> Option<i32> {
    let p = prefix
        .strip_suffix("年级")
        .or_else(|| prefix.strip_suffix('级'))
        .unwrap_or(prefix);
    let g = match p {
        "预初" | "预备" => Some(6),
        _ => {
            if let Some(rest) = p.strip_prefix('初') {
                chinese_number(rest)
                    .or_else(|| rest.parse().ok())
                    .filter(|n| (1..=4).contains(n))
                    .map(|n| n + 6)
            } else if let Some(rest) = p.strip_prefix('高') {
                chinese_number(rest)
                    .or_else(|| rest.parse().ok())
                    .filter(|n| (1..=3).contains(n))
                    .map(|n| n + 9)
            } else {
                chinese_number(p).or_else(|| p.parse().ok())
            }
        }
    };
    g.filter(|g| (1..=12).contains(g))
}

/// A grade as written in a 年级 column: `7`, `七年级`, `初一`, `高一` ….
pub fn grade(raw: &str) -> Option<i32> {
    grade_of(&squash(raw))
}

/// A class name as (grade, number in the grade): `七年级(1)班`, `七(1)班`,
/// `初一(1)班`, `初一1班`, `7.1`, `7-1`, `7年级1班`, `高一(3)班` …; `None`
/// for anything else.
pub fn class_parts(raw: &str) -> Option<(i32, i32)> {
    let s: String = cell(raw).chars().filter(|c| !c.is_whitespace()).collect();
    // 7.1, 7-1, 7/1
    if let Some((g, n)) = s.split_once(['.', '-', '/'])
        && let (Ok(g), Ok(n)) = (g.parse::<i32>(), n.trim_end_matches('班').parse::<i32>())
    {
        return ((1..=12).contains(&g) && (1..=99).contains(&n)).then_some((g, n));
    }
    let s = s.strip_suffix('班').unwrap_or(&s);
    let (prefix, number) = if let Some(inner) = s.strip_suffix(')') {
        let open = inner.rfind('(')?;
        (&inner[..open], &inner[open + 1..])
    } else {
        let split = s
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(i, _)| i)?;
        (&s[..split], &s[split..])
    };
    let n: i32 = number.parse().ok().or_else(|| chinese_number(number))?;
    let g = grade_of(prefix)?;
    (1..=99).contains(&n).then_some((g, n))
}

/// The school's classes by the forms people type for them.
#[derive(Debug)]
pub struct ClassNames {
    /// Exact names (after [`cell`], without spaces) → class.
    exact: HashMap<String, Uuid>,
    /// (grade, number) → class; `None` when two classes share it.
    parts: HashMap<(i32, i32), Option<Uuid>>,
}

/// How a class cell was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassMatch {
    /// The class's own name (up to width and spacing).
    Exact(Uuid),
    /// Another form of its name (`七(1)班` for `七年级(1)班`).
    Form(Uuid),
    /// No class of the school.
    Unknown,
}

impl ClassNames {
    /// Indexes classes given as (id, name, grade).
    pub fn new<'a>(classes: impl IntoIterator<Item = (Uuid, &'a str, i32)>) -> ClassNames {
        let mut exact = HashMap::new();
        let mut parts: HashMap<(i32, i32), Option<Uuid>> = HashMap::new();
        for (id, name, grade) in classes {
            exact.insert(squash(name), id);
            if let Some((g, n)) = class_parts(name) {
                // A name whose grade reads otherwise keeps the class's grade.
                let key = if g == grade { (g, n) } else { (grade, n) };
                parts
                    .entry(key)
                    .and_modify(|v| *v = None)
                    .or_insert(Some(id));
            }
        }
        ClassNames { exact, parts }
    }

    /// The class a cell names.
    pub fn find(&self, raw: &str) -> ClassMatch {
        if let Some(id) = self.exact.get(&squash(raw)) {
            return ClassMatch::Exact(*id);
        }
        match class_parts(raw).and_then(|k| self.parts.get(&k).copied().flatten()) {
            Some(id) => ClassMatch::Form(id),
            None => ClassMatch::Unknown,
        }
    }
}

fn squash(s: &str) -> String {
    cell(s).chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_lose_width_and_stray_spaces() {
        assert_eq!(cell("  七年级（1）班 "), "七年级(1)班");
        assert_eq!(cell("张\u{3000}三"), "张 三");
        assert_eq!(cell("１３８"), "138");
        assert_eq!(header(" 学 号* "), "学号");
        assert_eq!(header("\u{feff}姓名"), "姓名");
    }

    #[test]
    fn phones_lose_separators() {
        assert_eq!(phone("138 0000 0002"), "13800000002");
        assert_eq!(phone("138-0000-0002"), "13800000002");
        assert_eq!(phone("+86 138 0000 0002"), "13800000002");
        assert_eq!(phone("１３８０００００００２"), "13800000002");
        assert_eq!(phone("12"), "12");
    }

    #[test]
    fn student_numbers_written_as_numbers() {
        assert_eq!(student_no("20260101.0"), "20260101");
        assert_eq!(student_no(" 2026 "), "2026");
        assert_eq!(student_no("A1.5"), "A1.5");
    }

    #[test]
    fn grades_as_written() {
        assert_eq!(grade("7"), Some(7));
        assert_eq!(grade("七年级"), Some(7));
        assert_eq!(grade("初一"), Some(7));
        assert_eq!(grade("高三"), Some(12));
        assert_eq!(grade("七 年级"), Some(7));
        assert_eq!(grade("x"), None);
    }

    #[test]
    fn class_forms() {
        for (s, want) in [
            ("七年级(1)班", Some((7, 1))),
            ("七年级（1）班", Some((7, 1))),
            ("七(1)班", Some((7, 1))),
            ("初一(1)班", Some((7, 1))),
            ("初一1班", Some((7, 1))),
            ("7.1", Some((7, 1))),
            ("7-12", Some((7, 12))),
            ("7年级2班", Some((7, 2))),
            ("预初(3)班", Some((6, 3))),
            ("高一(3)班", Some((10, 3))),
            ("十二(1)", Some((12, 1))),
            ("一年级(2)班", Some((1, 2))),
            ("初五(1)班", None),
            ("13.1", None),
            ("火箭班", None),
            ("", None),
        ] {
            assert_eq!(class_parts(s), want, "{s}");
        }
    }

    #[test]
    fn classes_are_found_by_their_forms() {
        let (a, b, h) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let names = ClassNames::new([
            (a, "七年级(1)班", 7),
            (b, "七年级(2)班", 7),
            (h, "高一(1)班", 10),
        ]);
        assert_eq!(names.find("七年级(1)班"), ClassMatch::Exact(a));
        assert_eq!(names.find(" 七年级（1）班"), ClassMatch::Exact(a));
        assert_eq!(names.find("七(2)班"), ClassMatch::Form(b));
        assert_eq!(names.find("初一(2)班"), ClassMatch::Form(b));
        assert_eq!(names.find("7.1"), ClassMatch::Form(a));
        assert_eq!(names.find("10.1"), ClassMatch::Form(h));
        assert_eq!(names.find("7.3"), ClassMatch::Unknown);
        assert_eq!(names.find("八(1)班"), ClassMatch::Unknown);
    }
}

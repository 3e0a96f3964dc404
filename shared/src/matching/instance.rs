//! The instance file of the offline matcher and its validation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Method;
use super::problem::{Csr, Problem};

/// Largest capacity a mentor may have (far above any real cap).
pub const MAX_CAPACITY: i64 = 100_000;
/// Grades are small integers `0..=MAX_GRADE` (a bitmask of 64 grades).
pub const MAX_GRADE: i64 = 63;

/// A matching instance, as read from `daoshi match --input FILE.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Instance {
    /// Which method to run (default `two_way`).
    #[serde(default)]
    pub method: Method,
    /// The seed of every random choice (lottery tie-breaks, blind-box draw).
    #[serde(default)]
    pub seed: u64,
    /// The mentors (teachers) and their places.
    pub mentors: Vec<MentorIn>,
    /// The students to place.
    pub students: Vec<StudentIn>,
    /// Clubs / interest groups led by mentors (for the `club` method).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clubs: Vec<ClubIn>,
    /// Current pairs both sides asked to keep (continuity, 延续结对).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<KeepIn>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A mentor in an instance file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MentorIn {
    /// The mentor's id, unique among mentors.
    pub id: String,
    /// How many students the mentor may take (the cap, e.g. 15).
    pub capacity: i64,
    /// The grades the mentor teaches; empty means any grade.
    #[serde(default)]
    pub grades: Vec<i64>,
    /// The mentor's ranking of students (student ids, best first); optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefs: Vec<String>,
    /// The classes the mentor teaches (preferred by the fill); optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Whether the mentor may take students now (false: training first).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub qualified: bool,
}

/// A student in an instance file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StudentIn {
    /// The student's id, unique among students.
    pub id: String,
    /// The student's grade (年级), e.g. 7.
    pub grade: i64,
    /// The student's class (班级), e.g. "7-1".
    #[serde(default)]
    pub class: String,
    /// The student's ranked choices (志愿): mentor ids, first choice first.
    #[serde(default)]
    pub prefs: Vec<String>,
    /// The clubs the student belongs to, most important first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clubs: Vec<String>,
    /// Mentors this student must not be placed with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

/// A club or interest group (社团) and the mentors leading it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClubIn {
    /// The club's id, unique among clubs.
    pub id: String,
    /// The mentors leading the club.
    pub mentors: Vec<String>,
}

/// A current pair both the student and the mentor want to keep.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeepIn {
    /// The student's id.
    pub student: String,
    /// The mentor's id.
    pub mentor: String,
}

/// What kind of entry an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A mentor.
    Mentor,
    /// A student.
    Student,
    /// A club.
    Club,
}

impl EntryKind {
    fn zh(self) -> &'static str {
        match self {
            EntryKind::Mentor => "导师",
            EntryKind::Student => "学生",
            EntryKind::Club => "社团",
        }
    }
    fn en(self) -> &'static str {
        match self {
            EntryKind::Mentor => "mentor",
            EntryKind::Student => "student",
            EntryKind::Club => "club",
        }
    }
}

/// Why an instance cannot be matched. Every message names the offending
/// entry, in Chinese then English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstanceError {
    /// The input is not valid JSON or does not have the instance's shape.
    #[error(
        "输入文件格式错误（第{line}行第{column}列）：{message} / malformed instance JSON at line {line}, column {column}: {message}"
    )]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// An id is empty.
    #[error("第{}个{}的编号为空 / {} #{} has an empty id", .index + 1, .kind.zh(), .kind.en(), .index + 1)]
    EmptyId {
        /// Mentor, student or club.
        kind: EntryKind,
        /// 0-based position in its list.
        index: usize,
    },
    /// Two entries share an id.
    #[error("{}编号「{id}」重复 / duplicate {} id \"{id}\"", .kind.zh(), .kind.en())]
    DuplicateId {
        /// Mentor, student or club.
        kind: EntryKind,
        /// The repeated id.
        id: String,
    },
    /// A mentor's capacity is negative.
    #[error(
        "导师「{mentor}」的名额为负数（{capacity}） / mentor \"{mentor}\" has a negative capacity ({capacity})"
    )]
    NegativeCapacity {
        /// The mentor's id.
        mentor: String,
        /// The capacity given.
        capacity: i64,
    },
    /// A mentor's capacity is absurdly large.
    #[error(
        "导师「{mentor}」的名额过大（{capacity}） / mentor \"{mentor}\" has a capacity that is too large ({capacity})"
    )]
    CapacityTooLarge {
        /// The mentor's id.
        mentor: String,
        /// The capacity given.
        capacity: i64,
    },
    /// A grade outside `0..=63`.
    #[error("{}「{id}」的年级{grade}无效（应为0到63） / {} \"{id}\" has an invalid grade {grade} (expected 0..=63)", .kind.zh(), .kind.en())]
    BadGrade {
        /// Mentor or student.
        kind: EntryKind,
        /// Its id.
        id: String,
        /// The grade given.
        grade: i64,
    },
    /// A list refers to a mentor that does not exist.
    #[error("{}「{owner}」的{field}中有未知导师「{mentor}」 / {} \"{owner}\" lists unknown mentor \"{mentor}\" in {field}", .kind.zh(), .kind.en())]
    UnknownMentor {
        /// Student or club.
        kind: EntryKind,
        /// The id of the entry holding the list.
        owner: String,
        /// The list's field name.
        field: &'static str,
        /// The unknown id.
        mentor: String,
    },
    /// A mentor's ranking refers to a student that does not exist.
    #[error(
        "导师「{mentor}」的prefs中有未知学生「{student}」 / mentor \"{mentor}\" lists unknown student \"{student}\" in prefs"
    )]
    UnknownStudent {
        /// The mentor's id.
        mentor: String,
        /// The unknown id.
        student: String,
    },
    /// A student belongs to a club that does not exist.
    #[error(
        "学生「{student}」的clubs中有未知社团「{club}」 / student \"{student}\" lists unknown club \"{club}\""
    )]
    UnknownClub {
        /// The student's id.
        student: String,
        /// The unknown id.
        club: String,
    },
    /// A list names the same id twice.
    #[error("{}「{owner}」的{field}中「{id}」出现了两次 / {} \"{owner}\" lists \"{id}\" twice in {field}", .kind.zh(), .kind.en())]
    DuplicateInList {
        /// Mentor, student or club.
        kind: EntryKind,
        /// The id of the entry holding the list.
        owner: String,
        /// The list's field name.
        field: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A keep pair names an unknown student or mentor.
    #[error("keep第{}项引用了未知{}「{id}」 / keep #{} refers to unknown {} \"{id}\"", .index + 1, .kind.zh(), .index + 1, .kind.en())]
    UnknownInKeep {
        /// 0-based position in `keep`.
        index: usize,
        /// Student or mentor.
        kind: EntryKind,
        /// The unknown id.
        id: String,
    },
    /// A student appears in two keep pairs.
    #[error("学生「{student}」在keep中出现了两次 / student \"{student}\" appears twice in keep")]
    KeptTwice {
        /// The student's id.
        student: String,
    },
}

/// Checks an instance without running it: unknown ids, duplicate ids,
/// negative capacity, bad grades. The first problem found is returned.
pub fn validate(instance: &Instance) -> Result<(), InstanceError> {
    instance.compile().map(|_| ())
}

fn index_ids<'a>(
    kind: EntryKind,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<&'a str, u32>, InstanceError> {
    let mut map = HashMap::new();
    for (index, id) in ids.enumerate() {
        if id.is_empty() {
            return Err(InstanceError::EmptyId { kind, index });
        }
        if map.insert(id, index as u32).is_some() {
            return Err(InstanceError::DuplicateId {
                kind,
                id: id.to_owned(),
            });
        }
    }
    Ok(map)
}

fn check_grade(kind: EntryKind, id: &str, grade: i64) -> Result<u8, InstanceError> {
    if (0..=MAX_GRADE).contains(&grade) {
        Ok(grade as u8)
    } else {
        Err(InstanceError::BadGrade {
            kind,
            id: id.to_owned(),
            grade,
        })
    }
}

/// Resolves a list of ids into `out`, rejecting unknown and repeated ids.
/// `seen` is a scratch stamp array sized to the target set, `stamp` unique.
fn resolve_list(
    list: &[String],
    map: &HashMap<&str, u32>,
    seen: &mut [u32],
    stamp: u32,
    out: &mut Vec<u32>,
    on_unknown: impl Fn(&str) -> InstanceError,
    on_dup: impl Fn(&str) -> InstanceError,
) -> Result<(), InstanceError> {
    for id in list {
        let Some(&i) = map.get(id.as_str()) else {
            return Err(on_unknown(id));
        };
        if seen[i as usize] == stamp {
            return Err(on_dup(id));
        }
        seen[i as usize] = stamp;
        out.push(i);
    }
    Ok(())
}

impl Instance {
    /// Parses an instance file. Malformed JSON is reported with its position.
    pub fn from_json(input: &str) -> Result<Instance, InstanceError> {
        serde_json::from_str(input).map_err(|e| InstanceError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Validates the instance and converts it to the dense form the engines
    /// use (ids become indices once, lists become flat arrays).
    pub fn compile(&self) -> Result<Problem, InstanceError> {
        let mentors = index_ids(
            EntryKind::Mentor,
            self.mentors.iter().map(|m| m.id.as_str()),
        )?;
        let students = index_ids(
            EntryKind::Student,
            self.students.iter().map(|s| s.id.as_str()),
        )?;
        let clubs = index_ids(EntryKind::Club, self.clubs.iter().map(|c| c.id.as_str()))?;
        let nm = self.mentors.len();
        let ns = self.students.len();

        let mut cap = Vec::with_capacity(nm);
        let mut grade_mask = Vec::with_capacity(nm);
        let mut qualified = Vec::with_capacity(nm);
        for m in &self.mentors {
            if m.capacity < 0 {
                return Err(InstanceError::NegativeCapacity {
                    mentor: m.id.clone(),
                    capacity: m.capacity,
                });
            }
            if m.capacity > MAX_CAPACITY {
                return Err(InstanceError::CapacityTooLarge {
                    mentor: m.id.clone(),
                    capacity: m.capacity,
                });
            }
            cap.push(m.capacity as u32);
            let mut mask = 0u64;
            for &g in &m.grades {
                let g = check_grade(EntryKind::Mentor, &m.id, g)?;
                mask |= 1u64 << g;
            }
            if m.grades.is_empty() {
                mask = u64::MAX;
            }
            grade_mask.push(mask);
            qualified.push(m.qualified);
        }

        // Classes: dense ids over students' and mentors' classes.
        let mut classes = Interner::default();
        let mut s_grade = Vec::with_capacity(ns);
        let mut s_class = Vec::with_capacity(ns);
        let mut mseen = vec![0u32; nm];
        let mut stamp = 0u32;
        let mut pref = Csr::with_capacity(ns, self.students.iter().map(|s| s.prefs.len()).sum());
        let mut excl = Csr::with_capacity(ns, 0);
        let mut sclubs = Csr::with_capacity(ns, 0);
        let mut cseen = vec![0u32; self.clubs.len()];
        for s in &self.students {
            s_grade.push(check_grade(EntryKind::Student, &s.id, s.grade)?);
            s_class.push(classes.id(&s.class));
            stamp += 1;
            let unknown = |field: &'static str| {
                move |id: &str| InstanceError::UnknownMentor {
                    kind: EntryKind::Student,
                    owner: s.id.clone(),
                    field,
                    mentor: id.to_owned(),
                }
            };
            let dup = |field: &'static str| {
                move |id: &str| InstanceError::DuplicateInList {
                    kind: EntryKind::Student,
                    owner: s.id.clone(),
                    field,
                    id: id.to_owned(),
                }
            };
            resolve_list(
                &s.prefs,
                &mentors,
                &mut mseen,
                stamp,
                &mut pref.items,
                unknown("prefs"),
                dup("prefs"),
            )?;
            pref.close_row();
            stamp += 1;
            resolve_list(
                &s.exclude,
                &mentors,
                &mut mseen,
                stamp,
                &mut excl.items,
                unknown("exclude"),
                dup("exclude"),
            )?;
            let start = excl.row_start();
            excl.items[start..].sort_unstable();
            excl.close_row();
            resolve_list(
                &s.clubs,
                &clubs,
                &mut cseen,
                stamp,
                &mut sclubs.items,
                |id| InstanceError::UnknownClub {
                    student: s.id.clone(),
                    club: id.to_owned(),
                },
                dup("clubs"),
            )?;
            sclubs.close_row();
        }

        let mut club_mentors = Csr::with_capacity(self.clubs.len(), 0);
        for c in &self.clubs {
            stamp += 1;
            resolve_list(
                &c.mentors,
                &mentors,
                &mut mseen,
                stamp,
                &mut club_mentors.items,
                |id| InstanceError::UnknownMentor {
                    kind: EntryKind::Club,
                    owner: c.id.clone(),
                    field: "mentors",
                    mentor: id.to_owned(),
                },
                |id| InstanceError::DuplicateInList {
                    kind: EntryKind::Club,
                    owner: c.id.clone(),
                    field: "mentors",
                    id: id.to_owned(),
                },
            )?;
            club_mentors.close_row();
        }

        let mut sseen = vec![0u32; ns];
        let mut mpref = Csr::with_capacity(nm, 0);
        let mut mclasses = Csr::with_capacity(nm, 0);
        let mut cls_seen: Vec<u32> = Vec::new();
        for m in &self.mentors {
            stamp += 1;
            resolve_list(
                &m.prefs,
                &students,
                &mut sseen,
                stamp,
                &mut mpref.items,
                |id| InstanceError::UnknownStudent {
                    mentor: m.id.clone(),
                    student: id.to_owned(),
                },
                |id| InstanceError::DuplicateInList {
                    kind: EntryKind::Mentor,
                    owner: m.id.clone(),
                    field: "prefs",
                    id: id.to_owned(),
                },
            )?;
            mpref.close_row();
            let start = mclasses.items.len();
            for c in &m.classes {
                let ci = classes.id(c);
                if cls_seen.len() <= ci as usize {
                    cls_seen.resize(ci as usize + 1, 0);
                }
                if cls_seen[ci as usize] == stamp {
                    return Err(InstanceError::DuplicateInList {
                        kind: EntryKind::Mentor,
                        owner: m.id.clone(),
                        field: "classes",
                        id: c.clone(),
                    });
                }
                cls_seen[ci as usize] = stamp;
                mclasses.items.push(ci);
            }
            mclasses.items[start..].sort_unstable();
            mclasses.close_row();
        }

        let mut keep = Vec::with_capacity(self.keep.len());
        let mut kept = vec![false; ns];
        for (index, k) in self.keep.iter().enumerate() {
            let Some(&s) = students.get(k.student.as_str()) else {
                return Err(InstanceError::UnknownInKeep {
                    index,
                    kind: EntryKind::Student,
                    id: k.student.clone(),
                });
            };
            let Some(&m) = mentors.get(k.mentor.as_str()) else {
                return Err(InstanceError::UnknownInKeep {
                    index,
                    kind: EntryKind::Mentor,
                    id: k.mentor.clone(),
                });
            };
            if std::mem::replace(&mut kept[s as usize], true) {
                return Err(InstanceError::KeptTwice {
                    student: k.student.clone(),
                });
            }
            keep.push((s, m));
        }

        Ok(Problem::new(super::problem::Parts {
            mentor_ids: self.mentors.iter().map(|m| m.id.clone()).collect(),
            student_ids: self.students.iter().map(|s| s.id.clone()).collect(),
            club_ids: self.clubs.iter().map(|c| c.id.clone()).collect(),
            class_names: classes.names,
            cap,
            grade_mask,
            qualified,
            s_grade,
            s_class,
            pref,
            excl,
            sclubs,
            club_mentors,
            mpref,
            mclasses,
            keep,
        }))
    }
}

/// Dense ids for names, in order of first appearance.
#[derive(Default)]
struct Interner<'a> {
    map: HashMap<&'a str, u32>,
    names: Vec<String>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, name: &'a str) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.map.entry(name).or_insert(next);
        if id == next {
            self.names.push(name.to_owned());
        }
        id
    }
}

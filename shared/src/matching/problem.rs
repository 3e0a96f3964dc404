//! The dense form of an instance: indices instead of ids, flat arrays.

/// Compressed rows: row `i` is `items[off[i]..off[i + 1]]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Csr {
    pub(crate) off: Vec<u32>,
    pub(crate) items: Vec<u32>,
}

impl Csr {
    pub(crate) fn with_capacity(rows: usize, items: usize) -> Csr {
        let mut off = Vec::with_capacity(rows + 1);
        off.push(0);
        Csr {
            off,
            items: Vec::with_capacity(items),
        }
    }

    /// Ends the row being pushed.
    pub(crate) fn close_row(&mut self) {
        self.off.push(self.items.len() as u32);
    }

    /// Where the row being pushed starts.
    pub(crate) fn row_start(&self) -> usize {
        *self.off.last().expect("csr has a first offset") as usize
    }

    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[u32] {
        &self.items[self.off[i] as usize..self.off[i + 1] as usize]
    }

    /// Builds rows from `(row, item)` pairs by counting sort (stable).
    pub(crate) fn from_pairs(rows: usize, pairs: &[(u32, u32)]) -> Csr {
        let mut off = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            off[r as usize + 1] += 1;
        }
        for i in 0..rows {
            off[i + 1] += off[i];
        }
        let mut fill = off.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(r, x) in pairs {
            items[fill[r as usize] as usize] = x;
            fill[r as usize] += 1;
        }
        Csr { off, items }
    }
}

/// What [`super::Instance::compile`] hands to [`Problem::new`].
pub(crate) struct Parts {
    pub(crate) mentor_ids: Vec<String>,
    pub(crate) student_ids: Vec<String>,
    pub(crate) club_ids: Vec<String>,
    pub(crate) class_names: Vec<String>,
    pub(crate) cap: Vec<u32>,
    pub(crate) grade_mask: Vec<u64>,
    pub(crate) qualified: Vec<bool>,
    pub(crate) s_grade: Vec<u8>,
    pub(crate) s_class: Vec<u32>,
    pub(crate) pref: Csr,
    pub(crate) excl: Csr,
    pub(crate) sclubs: Csr,
    pub(crate) club_mentors: Csr,
    pub(crate) mpref: Csr,
    pub(crate) mclasses: Csr,
    pub(crate) keep: Vec<(u32, u32)>,
}

/// A validated instance in dense form: students `0..n_students()`, mentors
/// `0..n_mentors()`; every list is a flat `u32` array. Built by
/// [`super::Instance::compile`].
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) mentor_ids: Vec<String>,
    pub(crate) student_ids: Vec<String>,
    pub(crate) club_ids: Vec<String>,
    pub(crate) class_names: Vec<String>,
    pub(crate) cap: Vec<u32>,
    /// Grades taught, as a bitmask; `0` when the mentor may take nobody
    /// (not qualified or no capacity).
    pub(crate) elig_mask: Vec<u64>,
    pub(crate) grade_mask: Vec<u64>,
    pub(crate) qualified: Vec<bool>,
    pub(crate) s_grade: Vec<u8>,
    pub(crate) s_class: Vec<u32>,
    pub(crate) pref: Csr,
    pub(crate) excl: Csr,
    pub(crate) sclubs: Csr,
    pub(crate) club_mentors: Csr,
    pub(crate) mpref: Csr,
    pub(crate) mclasses: Csr,
    /// Class → mentors who teach it.
    pub(crate) class_mentors: Csr,
    /// Grade → mentors who may take students of it (only grades students have).
    pub(crate) grade_mentors: Vec<Vec<u32>>,
    pub(crate) keep: Vec<(u32, u32)>,
}

impl Problem {
    pub(crate) fn new(p: Parts) -> Problem {
        let elig_mask: Vec<u64> = (0..p.cap.len())
            .map(|m| {
                if p.qualified[m] && p.cap[m] > 0 {
                    p.grade_mask[m]
                } else {
                    0
                }
            })
            .collect();
        let mut pairs = Vec::with_capacity(p.mclasses.items.len());
        for m in 0..p.cap.len() {
            for &c in p.mclasses.row(m) {
                pairs.push((c, m as u32));
            }
        }
        let class_mentors = Csr::from_pairs(p.class_names.len(), &pairs);
        let mut present = 0u64;
        for &g in &p.s_grade {
            present |= 1u64 << g;
        }
        let mut grade_mentors = vec![Vec::new(); 64];
        for (m, &mask) in elig_mask.iter().enumerate() {
            let mut bits = mask & present;
            while bits != 0 {
                let g = bits.trailing_zeros() as usize;
                grade_mentors[g].push(m as u32);
                bits &= bits - 1;
            }
        }
        Problem {
            mentor_ids: p.mentor_ids,
            student_ids: p.student_ids,
            club_ids: p.club_ids,
            class_names: p.class_names,
            cap: p.cap,
            elig_mask,
            grade_mask: p.grade_mask,
            qualified: p.qualified,
            s_grade: p.s_grade,
            s_class: p.s_class,
            pref: p.pref,
            excl: p.excl,
            sclubs: p.sclubs,
            club_mentors: p.club_mentors,
            mpref: p.mpref,
            mclasses: p.mclasses,
            class_mentors,
            grade_mentors,
            keep: p.keep,
        }
    }

    /// Number of students.
    pub fn n_students(&self) -> usize {
        self.student_ids.len()
    }

    /// Number of mentors.
    pub fn n_mentors(&self) -> usize {
        self.mentor_ids.len()
    }

    /// The id of student `s`.
    pub fn student_id(&self, s: usize) -> &str {
        &self.student_ids[s]
    }

    /// The id of mentor `m`.
    pub fn mentor_id(&self, m: usize) -> &str {
        &self.mentor_ids[m]
    }

    /// Mentor `m`'s capacity.
    pub fn capacity(&self, m: usize) -> u32 {
        self.cap[m]
    }

    /// Student `s`'s grade.
    pub fn student_grade(&self, s: usize) -> u8 {
        self.s_grade[s]
    }

    /// Student `s`'s class name.
    pub fn student_class(&self, s: usize) -> &str {
        &self.class_names[self.s_class[s] as usize]
    }

    /// Student `s`'s ranked choices (mentor indices, first choice first).
    pub fn prefs(&self, s: usize) -> &[u32] {
        self.pref.row(s)
    }

    /// Every student's list, concatenated (student `s`'s list is
    /// [`Problem::prefs`]); for benchmarks and bulk statistics.
    pub fn pref_entries(&self) -> &[u32] {
        &self.pref.items
    }

    /// Mentor `m`'s ranking of students (student indices, best first).
    pub fn mentor_prefs(&self, m: usize) -> &[u32] {
        self.mpref.row(m)
    }

    /// The kept pairs `(student, mentor)`, as given.
    pub fn keep_pairs(&self) -> &[(u32, u32)] {
        &self.keep
    }

    /// Whether any mentor ranked students.
    pub fn has_mentor_prefs(&self) -> bool {
        !self.mpref.items.is_empty()
    }

    /// Whether mentor `m` teaches student `s`'s class.
    pub fn teaches_class_of(&self, m: usize, s: usize) -> bool {
        self.mclasses.row(m).binary_search(&self.s_class[s]).is_ok()
    }

    /// Whether student `s` excluded mentor `m`.
    #[inline]
    pub fn excluded(&self, s: usize, m: usize) -> bool {
        let row = self.excl.row(s);
        !row.is_empty() && row.binary_search(&(m as u32)).is_ok()
    }

    /// Whether student `s` may be placed with mentor `m`: `m` is qualified,
    /// has capacity, teaches `s`'s grade, and `s` did not exclude `m`.
    #[inline]
    pub fn eligible(&self, s: usize, m: usize) -> bool {
        (self.elig_mask[m] >> self.s_grade[s]) & 1 == 1 && !self.excluded(s, m)
    }
}

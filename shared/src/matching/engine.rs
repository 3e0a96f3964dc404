//! The matching engines: continuity, deferred acceptance (preference and
//! club stages), the blind-box draw and the full-coverage fill.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::problem::{Csr, Problem};
use super::{Method, Stage};

mod fill;

const NONE: u32 = u32::MAX;

/// Why a student is left without a mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum UnplacedReason {
    /// No mentor may take the student at all: no qualified mentor with
    /// places teaches the grade, or the student excluded all who do.
    NoEligibleMentor {
        /// The student's grade.
        grade: u8,
        /// Whether eligible mentors exist but the student excluded them all.
        excluded_all: bool,
    },
    /// Every place the student could take is taken: the grade is short.
    Shortage {
        /// The student's grade.
        grade: u8,
    },
}

/// A student whose choice placement the fill had to move so that another
/// student could be placed at all (phase 2 of the fill).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// The student moved.
    pub student: u32,
    /// The mentor they had before the move.
    pub from: u32,
    /// The stage that had placed them there.
    pub from_stage: Stage,
}

/// The result of a run, in dense indices (see [`super::report`] for the
/// user-facing form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The method run.
    pub method: Method,
    /// The seed used (recorded so the draw can be reproduced and audited).
    pub seed: u64,
    /// Student → mentor index, `None` when unplaced.
    pub mentor_of: Vec<Option<u32>>,
    /// Student → the stage that placed them.
    pub stage: Vec<Option<Stage>>,
    /// Mentor → number of students placed with them.
    pub load: Vec<u32>,
    /// Student → lottery number (tie-break and draw order; a permutation).
    pub lottery: Vec<u32>,
    /// Students whose choice placement the fill moved, in order of moves.
    pub moved: Vec<Moved>,
    /// Students whose keep pair could not be honoured (mentor not eligible
    /// or already full), who then went through the normal stages.
    pub keep_skipped: Vec<u32>,
    /// The unplaced students and why, in student order.
    pub unplaced: Vec<(u32, UnplacedReason)>,
}

impl Outcome {
    /// The position (1-based) of student `s`'s mentor in their own list.
    pub fn rank(&self, p: &Problem, s: usize) -> Option<u32> {
        let m = self.mentor_of[s]?;
        p.prefs(s)
            .iter()
            .position(|&x| x == m)
            .map(|i| i as u32 + 1)
    }
}

/// Runs the stages of a method on a [`Problem`]. [`Engine::run`] does the
/// whole method; the stage methods are public for benchmarks and tests.
#[derive(Debug)]
pub struct Engine<'p> {
    p: &'p Problem,
    method: Method,
    seed: u64,
    rng: ChaCha8Rng,
    lottery: Vec<u32>,
    by_lottery: Vec<u32>,
    mentor_of: Vec<u32>,
    stage: Vec<Option<Stage>>,
    load: Vec<u32>,
    slot_off: Vec<u32>,
    slots: Vec<u32>,
    slot_pos: Vec<u32>,
    moved: Vec<Moved>,
    keep_skipped: Vec<u32>,
}

#[inline]
fn sift_down(h: &mut [u64], mut i: usize) {
    let n = h.len();
    loop {
        let l = 2 * i + 1;
        if l >= n {
            return;
        }
        let r = l + 1;
        let c = if r < n && h[r] > h[l] { r } else { l };
        if h[c] <= h[i] {
            return;
        }
        h.swap(c, i);
        i = c;
    }
}

#[inline]
fn sift_up(h: &mut [u64], mut i: usize) {
    while i > 0 {
        let parent = (i - 1) / 2;
        if h[parent] >= h[i] {
            return;
        }
        h.swap(parent, i);
        i = parent;
    }
}

impl<'p> Engine<'p> {
    /// Runs `method` with `seed` on `p`: continuity, the method's stage,
    /// then the fill.
    pub fn run(p: &'p Problem, method: Method, seed: u64) -> Outcome {
        let mut e = Engine::new(p, method, seed);
        e.continuity();
        match method {
            Method::TwoWay => e.preference(),
            Method::Club => e.club(),
            Method::BlindBox => e.lottery(),
        }
        e.fill();
        e.finish()
    }

    /// Starts a run: draws the lottery (one number per student) from `seed`.
    pub fn new(p: &'p Problem, method: Method, seed: u64) -> Engine<'p> {
        let n = p.n_students();
        let nm = p.n_mentors();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut by_lottery: Vec<u32> = (0..n as u32).collect();
        by_lottery.shuffle(&mut rng);
        let mut lottery = vec![0u32; n];
        for (i, &s) in by_lottery.iter().enumerate() {
            lottery[s as usize] = i as u32;
        }
        let mut slot_off = Vec::with_capacity(nm + 1);
        let mut total = 0u32;
        slot_off.push(0);
        for &c in &p.cap {
            total += c;
            slot_off.push(total);
        }
        Engine {
            p,
            method,
            seed,
            rng,
            lottery,
            by_lottery,
            mentor_of: vec![NONE; n],
            stage: vec![None; n],
            load: vec![0; nm],
            slot_off,
            slots: vec![NONE; total as usize],
            slot_pos: vec![NONE; n],
            moved: Vec::new(),
            keep_skipped: Vec::new(),
        }
    }

    /// Student `s`'s mentor so far.
    pub fn mentor_of(&self, s: usize) -> Option<u32> {
        let m = self.mentor_of[s];
        (m != NONE).then_some(m)
    }

    /// The stage that placed student `s` so far.
    pub fn stage_of(&self, s: usize) -> Option<Stage> {
        self.stage[s]
    }

    /// Mentor `m`'s number of students so far.
    pub fn load(&self, m: usize) -> u32 {
        self.load[m]
    }

    /// Mentor `m`'s priority for student `s` in deferred acceptance (lower
    /// is preferred): position in `m`'s own ranking (unranked students
    /// after all ranked ones), then the student's lottery number.
    pub fn priority(&self, s: usize, m: usize) -> u64 {
        let pos = self
            .p
            .mentor_prefs(m)
            .iter()
            .position(|&x| x as usize == s)
            .map_or(u32::MAX, |i| i as u32);
        ((pos as u64) << 32) | self.lottery[s] as u64
    }

    fn assign(&mut self, s: usize, m: usize, stage: Stage) {
        debug_assert_eq!(self.mentor_of[s], NONE);
        debug_assert!(self.load[m] < self.p.cap[m]);
        let pos = self.slot_off[m] + self.load[m];
        self.slots[pos as usize] = s as u32;
        self.slot_pos[s] = pos;
        self.load[m] += 1;
        self.mentor_of[s] = m as u32;
        self.stage[s] = Some(stage);
    }

    fn unassign(&mut self, s: usize) {
        let m = self.mentor_of[s] as usize;
        let last = self.slot_off[m] + self.load[m] - 1;
        let pos = self.slot_pos[s];
        let other = self.slots[last as usize];
        self.slots[pos as usize] = other;
        self.slot_pos[other as usize] = pos;
        self.slots[last as usize] = NONE;
        self.load[m] -= 1;
        self.mentor_of[s] = NONE;
        self.stage[s] = None;
    }

    /// Continuity (延续结对): keeps the given pairs first, in input order,
    /// when the mentor is still eligible and has room; the others are noted
    /// in [`Outcome::keep_skipped`] and go through the normal stages.
    pub fn continuity(&mut self) {
        for i in 0..self.p.keep.len() {
            let (s, m) = self.p.keep[i];
            let (s, m) = (s as usize, m as usize);
            if self.mentor_of[s] == NONE && self.p.eligible(s, m) && self.load[m] < self.p.cap[m] {
                self.assign(s, m, Stage::Continuity);
            } else {
                self.keep_skipped.push(s as u32);
            }
        }
    }

    /// The preference stage (双向选择): student-proposing deferred
    /// acceptance over the students' own lists, within the places left.
    ///
    /// When no mentor ranked students, every mentor ranks by the same
    /// lottery, and deferred acceptance then reduces exactly to a serial
    /// dictatorship in lottery order (each student takes their best
    /// eligible mentor with room); that is what runs, in one pass.
    pub fn preference(&mut self) {
        let p = self.p;
        self.propose(&p.pref, Stage::Preference);
    }

    /// The preference stage always through the general deferred acceptance
    /// with per-mentor heaps (what [`Engine::preference`] runs when mentors
    /// ranked students); for tests and benchmarks.
    pub fn preference_general(&mut self) {
        let p = self.p;
        self.deferred_acceptance(&p.pref, Stage::Preference);
    }

    fn propose(&mut self, lists: &Csr, stage: Stage) {
        if self.p.has_mentor_prefs() {
            self.deferred_acceptance(lists, stage);
        } else {
            self.serial_dictatorship(lists, stage);
        }
    }

    /// Deferred acceptance when all mentors share the lottery priority.
    /// The unplaced students' lists are first gathered into lottery order
    /// (independent reads the CPU overlaps), so the decision loop then
    /// reads students sequentially and only mentors at random.
    fn serial_dictatorship(&mut self, lists: &Csr, stage: Stage) {
        const EXCL: u32 = 1 << 31;
        let p = self.p;
        let n = p.n_students();
        let mut who: Vec<u32> = Vec::with_capacity(n);
        let mut off: Vec<u32> = Vec::with_capacity(n + 1);
        let mut items: Vec<u32> = Vec::with_capacity(lists.items.len());
        off.push(0);
        for &s in &self.by_lottery {
            let su = s as usize;
            if self.mentor_of[su] != NONE {
                continue;
            }
            let flags = p.s_grade[su] as u32
                | if p.excl.off[su] != p.excl.off[su + 1] {
                    EXCL
                } else {
                    0
                };
            who.push(s);
            items.push(flags);
            items.extend_from_slice(lists.row(su));
            off.push(items.len() as u32);
        }
        for (k, &s) in who.iter().enumerate() {
            let row = &items[off[k] as usize..off[k + 1] as usize];
            let (flags, row) = (row[0], &row[1..]);
            let g = flags & 0xff;
            let s = s as usize;
            for &m in row {
                let m = m as usize;
                if (p.elig_mask[m] >> g) & 1 == 1
                    && self.load[m] < p.cap[m]
                    && !(flags & EXCL != 0 && p.excluded(s, m))
                {
                    self.assign(s, m, stage);
                    break;
                }
            }
        }
    }

    /// The club stage (社团): deferred acceptance where each student's list
    /// is the mentors leading their clubs (the student's own listed mentors
    /// first, in list order, then club order).
    pub fn club(&mut self) {
        let p = self.p;
        let n = p.n_students();
        let mut lists = Csr::with_capacity(n, 0);
        let mut seen = vec![NONE; p.n_mentors()];
        let mut buf: Vec<(u32, u32)> = Vec::new();
        for s in 0..n {
            if self.mentor_of[s] == NONE {
                buf.clear();
                for &c in p.sclubs.row(s) {
                    for &m in p.club_mentors.row(c as usize) {
                        if seen[m as usize] != s as u32 {
                            seen[m as usize] = s as u32;
                            let pos = p
                                .prefs(s)
                                .iter()
                                .position(|&x| x == m)
                                .map_or(u32::MAX, |i| i as u32);
                            buf.push((pos, m));
                        }
                    }
                }
                buf.sort_by_key(|&(pos, _)| pos);
                lists.items.extend(buf.iter().map(|&(_, m)| m));
            }
            lists.close_row();
        }
        self.propose(&lists, Stage::Club);
    }

    /// Student-proposing deferred acceptance (McVitie–Wilson order) over
    /// `lists`, for every unplaced student, within each mentor's remaining
    /// places. Each mentor keeps a max-heap of the priorities it holds, so a
    /// proposal costs O(log cap); each list entry is read at most once.
    fn deferred_acceptance(&mut self, lists: &Csr, stage: Stage) {
        /// Everything a proposal reads of a mentor, in one cache line half.
        #[derive(Clone, Copy, Default)]
        struct Side {
            /// Worst priority held (valid when full).
            worst: u64,
            /// Grades the mentor may still take (0 when no room left).
            mask: u64,
            /// Start of the mentor's heap in the flat array.
            lo: u32,
            /// Places left for this stage.
            room: u32,
            /// Priorities held.
            len: u32,
        }
        /// Everything a proposal reads of a student.
        #[derive(Clone, Copy, Default)]
        struct Prop {
            next: u32,
            end: u32,
            lottery: u32,
            /// Grade in the low byte; bit 8: has exclusions; bit 9: holds.
            flags: u32,
        }
        const EXCL: u32 = 1 << 8;
        const HOLDS: u32 = 1 << 9;
        let p = self.p;
        let n = p.n_students();
        let nm = p.n_mentors();
        let mut side = vec![Side::default(); nm];
        let mut total = 0u32;
        for (m, sd) in side.iter_mut().enumerate() {
            let room = p.cap[m] - self.load[m];
            *sd = Side {
                worst: 0,
                mask: if room > 0 { p.elig_mask[m] } else { 0 },
                lo: total,
                room,
                len: 0,
            };
            total += room;
        }
        let mut heap = vec![0u64; total as usize];
        // Mentors' rankings, looked up once per list entry.
        let entry_rank: Option<Vec<u32>> = p.has_mentor_prefs().then(|| {
            let mut r = vec![u32::MAX; lists.items.len()];
            for m in 0..nm {
                for (pos, &s) in p.mpref.row(m).iter().enumerate() {
                    let s = s as usize;
                    let start = lists.off[s] as usize;
                    if let Some(k) = lists.row(s).iter().position(|&x| x as usize == m) {
                        r[start + k] = pos as u32;
                    }
                }
            }
            r
        });
        let mut props: Vec<Prop> = (0..n)
            .map(|s| Prop {
                next: lists.off[s],
                end: lists.off[s + 1],
                lottery: self.lottery[s],
                flags: p.s_grade[s] as u32
                    | if p.excl.off[s] != p.excl.off[s + 1] {
                        EXCL
                    } else {
                        0
                    },
            })
            .collect();
        let by_lottery = &self.by_lottery;
        let items = &lists.items;
        for s0 in 0..n {
            if self.mentor_of[s0] != NONE {
                continue;
            }
            let mut s = s0;
            loop {
                let pr = props[s];
                let g = pr.flags & 0xff;
                let low = pr.lottery as u64;
                let mut i = pr.next;
                let mut evicted = NONE;
                let mut holds = false;
                while i < pr.end {
                    let m = items[i as usize] as usize;
                    i += 1;
                    let sd = &mut side[m];
                    if (sd.mask >> g) & 1 == 0 || (pr.flags & EXCL != 0 && p.excluded(s, m)) {
                        continue;
                    }
                    let key = match &entry_rank {
                        Some(r) => ((r[i as usize - 1] as u64) << 32) | low,
                        None => low,
                    };
                    if sd.len < sd.room {
                        let h = &mut heap[sd.lo as usize..(sd.lo + sd.room) as usize];
                        let len = sd.len as usize;
                        h[len] = key;
                        sift_up(&mut h[..=len], len);
                        sd.len += 1;
                        sd.worst = h[0];
                        holds = true;
                        break;
                    } else if key < sd.worst {
                        let h = &mut heap[sd.lo as usize..(sd.lo + sd.room) as usize];
                        let old = h[0];
                        h[0] = key;
                        sift_down(h, 0);
                        sd.worst = h[0];
                        holds = true;
                        evicted = by_lottery[(old & 0xffff_ffff) as usize];
                        break;
                    }
                }
                let ps = &mut props[s];
                ps.next = i;
                if holds {
                    ps.flags |= HOLDS;
                }
                if evicted == NONE {
                    break;
                }
                s = evicted as usize;
                props[s].flags &= !HOLDS;
            }
        }
        for (s, pr) in props.iter().enumerate() {
            if pr.flags & HOLDS != 0 {
                self.assign(s, items[pr.next as usize - 1] as usize, stage);
            }
        }
    }

    /// The blind-box draw (导师盲盒): in lottery order, each unplaced student
    /// draws uniformly among the eligible mentors who still have room.
    pub fn lottery(&mut self) {
        let p = self.p;
        let mut pools: Vec<Vec<u32>> = p.grade_mentors.clone();
        let mut eligible: Vec<u32> = Vec::new();
        for i in 0..p.n_students() {
            let s = self.by_lottery[i] as usize;
            if self.mentor_of[s] != NONE {
                continue;
            }
            let pool = &mut pools[p.s_grade[s] as usize];
            let has_excl = p.excl.off[s] != p.excl.off[s + 1];
            let chosen = if has_excl {
                eligible.clear();
                eligible.extend(pool.iter().copied().filter(|&m| {
                    self.load[m as usize] < p.cap[m as usize] && !p.excluded(s, m as usize)
                }));
                (!eligible.is_empty()).then(|| eligible[self.rng.gen_range(0..eligible.len())])
            } else {
                loop {
                    if pool.is_empty() {
                        break None;
                    }
                    let k = self.rng.gen_range(0..pool.len());
                    let m = pool[k];
                    if self.load[m as usize] < p.cap[m as usize] {
                        break Some(m);
                    }
                    pool.swap_remove(k);
                }
            };
            if let Some(m) = chosen {
                self.assign(s, m as usize, Stage::Lottery);
            }
        }
    }

    /// Ends the run: classifies the unplaced students and returns the result.
    pub fn finish(self) -> Outcome {
        let p = self.p;
        let mut unplaced = Vec::new();
        for s in 0..p.n_students() {
            if self.mentor_of[s] != NONE {
                continue;
            }
            let g = p.s_grade[s];
            let any = &p.grade_mentors[g as usize];
            let reason = if any.is_empty() {
                UnplacedReason::NoEligibleMentor {
                    grade: g,
                    excluded_all: false,
                }
            } else if any.iter().all(|&m| p.excluded(s, m as usize)) {
                UnplacedReason::NoEligibleMentor {
                    grade: g,
                    excluded_all: true,
                }
            } else {
                UnplacedReason::Shortage { grade: g }
            };
            unplaced.push((s as u32, reason));
        }
        Outcome {
            method: self.method,
            seed: self.seed,
            mentor_of: self
                .mentor_of
                .iter()
                .map(|&m| (m != NONE).then_some(m))
                .collect(),
            stage: self.stage,
            load: self.load,
            lottery: self.lottery,
            moved: self.moved,
            keep_skipped: self.keep_skipped,
            unplaced,
        }
    }
}

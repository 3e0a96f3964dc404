//! The full-coverage fill (统筹安排) of the [`Engine`]: greedy placement,
//! then augmenting paths.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Engine, Moved, NONE, Stage};

impl Engine<'_> {
    /// The full-coverage fill (统筹安排); see the module docs for the
    /// objective. Greedy first (own list with room → own class → least
    /// loaded), then augmenting paths moving only fill placements, then, if
    /// students are still unplaced, augmenting paths that may move choice
    /// placements too.
    pub fn fill(&mut self) {
        let p = self.p;
        let mut present = 0u64;
        let mut heaps: Vec<BinaryHeap<Reverse<(u32, u32)>>> = vec![BinaryHeap::new(); 64];
        for s in 0..p.n_students() {
            if self.mentor_of[s] == NONE {
                present |= 1u64 << p.s_grade[s];
            }
        }
        let mut bits = present;
        while bits != 0 {
            let g = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            heaps[g] = p.grade_mentors[g]
                .iter()
                .filter(|&&m| self.load[m as usize] < p.cap[m as usize])
                .map(|&m| Reverse((self.load[m as usize], m)))
                .collect();
        }
        let mut pending = Vec::new();
        let mut stash = Vec::new();
        for i in 0..p.n_students() {
            let s = self.by_lottery[i] as usize;
            if self.mentor_of[s] != NONE {
                continue;
            }
            let chosen = self.pick_listed_or_class(s).or_else(|| {
                let heap = &mut heaps[p.s_grade[s] as usize];
                let mut found = None;
                while let Some(Reverse((l, m))) = heap.pop() {
                    let mu = m as usize;
                    if self.load[mu] != l || l >= p.cap[mu] {
                        continue;
                    }
                    if p.excluded(s, mu) {
                        stash.push(Reverse((l, m)));
                        continue;
                    }
                    found = Some(mu);
                    break;
                }
                heap.extend(stash.drain(..));
                found
            });
            match chosen {
                Some(m) => {
                    self.assign(s, m, Stage::Fill);
                    let l = self.load[m];
                    if l < p.cap[m] {
                        let mut bits = p.elig_mask[m] & present;
                        while bits != 0 {
                            let g = bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            heaps[g].push(Reverse((l, m as u32)));
                        }
                    }
                }
                None => pending.push(s as u32),
            }
        }
        drop(heaps);
        if !pending.is_empty() {
            self.augment_phase(&mut pending, false);
        }
        if !pending.is_empty() {
            self.augment_phase(&mut pending, true);
        }
    }

    /// An eligible mentor with room from the student's own list (first in
    /// list order), else the least-loaded eligible mentor with room among
    /// those who teach the student's class.
    fn pick_listed_or_class(&self, s: usize) -> Option<usize> {
        let p = self.p;
        let ok = |m: usize| self.load[m] < p.cap[m] && p.eligible(s, m);
        if let Some(&m) = p.prefs(s).iter().find(|&&m| ok(m as usize)) {
            return Some(m as usize);
        }
        p.class_mentors
            .row(p.s_class[s] as usize)
            .iter()
            .map(|&m| m as usize)
            .filter(|&m| ok(m))
            .min_by_key(|&m| (self.load[m], m))
    }

    /// Kuhn's augmenting paths (breadth-first, so each path moves as few
    /// students as possible) for every pending student, tried once each.
    /// Students with no eligible exclusions of the same grade share their
    /// neighbourhood, so a grade's mentor list is scanned once per search;
    /// mentors reached by a failed search can never lead to a free place
    /// again within the phase and are skipped from then on.
    fn augment_phase(&mut self, pending: &mut Vec<u32>, move_choices: bool) {
        let p = self.p;
        let nm = p.n_mentors();
        let mut seen = vec![0u32; nm];
        let mut dead = vec![false; nm];
        let mut via = vec![NONE; nm];
        let mut gseen = [0u32; 64];
        // Grades whose whole mentor list a failed search reached: a student
        // of such a grade without exclusions cannot be placed either.
        let mut gdead = [false; 64];
        let mut queue: Vec<u32> = Vec::new();
        let mut stamp = 0u32;
        let mut still = Vec::new();
        for &root in pending.iter() {
            let r = root as usize;
            let g = p.s_grade[r] as usize;
            if gdead[g] && p.excl.off[r] == p.excl.off[r + 1] {
                still.push(root);
                continue;
            }
            stamp += 1;
            queue.clear();
            let mut found = self.expand(
                root as usize,
                stamp,
                &mut seen,
                &dead,
                &mut via,
                &mut gseen,
                &mut queue,
            );
            let mut head = 0;
            while found.is_none() && head < queue.len() {
                let m = queue[head] as usize;
                head += 1;
                let (lo, hi) = (self.slot_off[m], self.slot_off[m] + self.load[m]);
                for k in lo..hi {
                    let t = self.slots[k as usize] as usize;
                    let movable = match self.stage[t] {
                        Some(Stage::Fill) => true,
                        Some(Stage::Preference | Stage::Club | Stage::Lottery) => move_choices,
                        _ => false,
                    };
                    if movable {
                        found = self
                            .expand(t, stamp, &mut seen, &dead, &mut via, &mut gseen, &mut queue);
                        if found.is_some() {
                            break;
                        }
                    }
                }
            }
            match found {
                Some(free) => {
                    let mut m = free;
                    loop {
                        let t = via[m] as usize;
                        let old = self.mentor_of[t];
                        if old == NONE {
                            self.assign(t, m, Stage::Fill);
                            break;
                        }
                        let old_stage = self.stage[t].expect("placed student has a stage");
                        self.unassign(t);
                        self.assign(t, m, Stage::Fill);
                        if old_stage != Stage::Fill {
                            self.moved.push(Moved {
                                student: t as u32,
                                from: old,
                                from_stage: old_stage,
                            });
                        }
                        m = old as usize;
                    }
                }
                None => {
                    for &m in &queue {
                        dead[m as usize] = true;
                    }
                    for (g, dead_grade) in gdead.iter_mut().enumerate() {
                        if gseen[g] == stamp {
                            *dead_grade = true;
                        }
                    }
                    still.push(root);
                }
            }
        }
        *pending = still;
    }

    /// Visits the mentors student `t` could move to (own list, own class,
    /// then the grade's mentors); returns the first one with room.
    #[expect(
        clippy::too_many_arguments,
        reason = "the search state of one augmenting-path step, borrowed separately from the engine"
    )]
    fn expand(
        &self,
        t: usize,
        stamp: u32,
        seen: &mut [u32],
        dead: &[bool],
        via: &mut [u32],
        gseen: &mut [u32; 64],
        queue: &mut Vec<u32>,
    ) -> Option<usize> {
        let p = self.p;
        let mut visit = |m: usize, check: bool| -> Option<usize> {
            if seen[m] == stamp || dead[m] || (check && !p.eligible(t, m)) {
                return None;
            }
            seen[m] = stamp;
            via[m] = t as u32;
            if self.load[m] < p.cap[m] {
                return Some(m);
            }
            queue.push(m as u32);
            None
        };
        for &m in p.prefs(t) {
            if let Some(f) = visit(m as usize, true) {
                return Some(f);
            }
        }
        for &m in p.class_mentors.row(p.s_class[t] as usize) {
            if let Some(f) = visit(m as usize, true) {
                return Some(f);
            }
        }
        let g = p.s_grade[t] as usize;
        let has_excl = p.excl.off[t] != p.excl.off[t + 1];
        if has_excl || gseen[g] != stamp {
            if !has_excl {
                gseen[g] = stamp;
            }
            for &m in &p.grade_mentors[g] {
                if let Some(f) = visit(m as usize, has_excl) {
                    return Some(f);
                }
            }
        }
        None
    }
}

//! Matching benchmark (issue 6, part 4): generated instances with
//! Zipf-skewed popularity, per school (2k students / 150 mentors, L = 5) and
//! per district (300k students / 25k mentors, L = 10). Prints wall time per
//! stage beside a single pass over all preference lists.
//!
//! Run with `cargo bench -p shared --bench matching` (release profile).
//! `MATCHING_BENCH_RUNS` sets the repetitions (default 5; the best and the
//! median are printed).

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shared::matching::{Engine, Instance, MentorIn, Method, Problem, StudentIn, report};

#[derive(Clone)]
struct Spec {
    name: &'static str,
    students: usize,
    mentors: usize,
    list_len: usize,
    grades: Vec<i64>,
    class_size: usize,
    capacity: i64,
    /// Share of mentors who rank students (two-way with mentor preferences).
    mentor_rankers: f64,
}

/// Zipf(1) sampler over `n` items: item k has weight 1/(k+1).
struct Zipf {
    cum: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut acc = 0.0;
        let cum = (0..n)
            .map(|k| {
                acc += 1.0 / ((k + 1) as f64).powf(s);
                acc
            })
            .collect();
        Zipf { cum }
    }
    fn sample(&self, r: &mut ChaCha8Rng) -> usize {
        let u = r.r#gen::<f64>() * self.cum.last().copied().unwrap_or(0.0);
        self.cum.partition_point(|&c| c < u).min(self.cum.len() - 1)
    }
}

fn generate(spec: &Spec, seed: u64) -> Instance {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    let ng = spec.grades.len();
    let per_grade_students = spec.students.div_ceil(ng);
    let classes_per_grade = per_grade_students.div_ceil(spec.class_size).max(1);
    // Mentors: spread over grades; each teaches 3 classes of its grade.
    let mut by_grade: Vec<Vec<usize>> = vec![Vec::new(); ng];
    let mut mentors = Vec::with_capacity(spec.mentors);
    for i in 0..spec.mentors {
        let gi = i % ng;
        by_grade[gi].push(i);
        let g = spec.grades[gi];
        let classes = (0..3)
            .map(|_| format!("{g}-{}", r.gen_range(0..classes_per_grade)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        mentors.push(MentorIn {
            id: format!("t{i}"),
            capacity: spec.capacity,
            grades: vec![g],
            prefs: Vec::new(),
            classes,
            qualified: true,
        });
    }
    // Popularity: a random order of each grade's mentors, Zipf over it.
    let zipfs: Vec<Zipf> = by_grade.iter().map(|ms| Zipf::new(ms.len(), 1.0)).collect();
    for ms in &mut by_grade {
        for i in (1..ms.len()).rev() {
            let j = r.gen_range(0..=i);
            ms.swap(i, j);
        }
    }
    let mut students = Vec::with_capacity(spec.students);
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); spec.mentors];
    for i in 0..spec.students {
        let gi = i % ng;
        let g = spec.grades[gi];
        let ms = &by_grade[gi];
        let mut prefs: Vec<usize> = Vec::with_capacity(spec.list_len);
        while prefs.len() < spec.list_len.min(ms.len()) {
            let m = ms[zipfs[gi].sample(&mut r)];
            if !prefs.contains(&m) {
                prefs.push(m);
            }
        }
        for &m in &prefs {
            chosen[m].push(i);
        }
        let class = (i / ng) / spec.class_size;
        students.push(StudentIn {
            id: format!("s{i}"),
            grade: g,
            class: format!("{g}-{class}"),
            prefs: prefs.iter().map(|m| format!("t{m}")).collect(),
            clubs: Vec::new(),
            exclude: Vec::new(),
        });
    }
    // Some mentors rank (a shuffled part of) the students who chose them.
    for (m, who) in chosen.iter_mut().enumerate() {
        if spec.mentor_rankers > 0.0 && r.gen_bool(spec.mentor_rankers) {
            for i in (1..who.len()).rev() {
                let j = r.gen_range(0..=i);
                who.swap(i, j);
            }
            who.truncate(2 * spec.capacity as usize);
            mentors[m].prefs = who.iter().map(|s| format!("s{s}")).collect();
        }
    }
    Instance {
        method: Method::TwoWay,
        seed,
        mentors,
        students,
        clubs: Vec::new(),
        keep: Vec::new(),
    }
}

#[derive(Default)]
struct Times {
    pass_sum: Vec<Duration>,
    pass_gather: Vec<Duration>,
    lottery: Vec<Duration>,
    da: Vec<Duration>,
    da_general: Vec<Duration>,
    fill: Vec<Duration>,
    explain: Vec<Duration>,
    json: Vec<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn best(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn time<T>(out: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let x = black_box(f());
    out.push(t.elapsed());
    x
}

fn bench(spec: &Spec, runs: usize) {
    let t = Instant::now();
    let inst = generate(spec, 20_240_901);
    let gen_time = t.elapsed();
    let t = Instant::now();
    let p: Problem = inst.compile().expect("generated instance is valid");
    let compile = t.elapsed();
    let entries = p.pref_entries().len();
    println!(
        "\n== {}: {} students, {} mentors, L={}, {} list entries, mentor rankings: {} entries",
        spec.name,
        p.n_students(),
        p.n_mentors(),
        spec.list_len,
        entries,
        (0..p.n_mentors())
            .map(|m| p.mentor_prefs(m).len())
            .sum::<usize>()
    );
    println!(
        "   (generate {:.1} ms, compile ids→indices {:.1} ms)",
        ms(gen_time),
        ms(compile)
    );
    let mut tm = Times::default();
    let mut stats = None;
    for _ in 0..runs {
        let sum: u64 = time(&mut tm.pass_sum, || {
            p.pref_entries().iter().map(|&m| m as u64).sum::<u64>()
        });
        black_box(sum);
        let sum: u64 = time(&mut tm.pass_gather, || {
            p.pref_entries()
                .iter()
                .map(|&m| p.capacity(m as usize) as u64)
                .sum::<u64>()
        });
        black_box(sum);
        let mut e = time(&mut tm.lottery, || {
            let mut e = Engine::new(&p, Method::TwoWay, 42);
            e.continuity();
            e
        });
        time(&mut tm.da, || e.preference());
        let mut e2 = Engine::new(&p, Method::TwoWay, 42);
        time(&mut tm.da_general, || e2.preference_general());
        drop(e2);
        time(&mut tm.fill, || e.fill());
        let out = time(&mut tm.explain, || {
            let o = e.finish();
            report::build(&p, &o)
        });
        let json = time(&mut tm.json, || {
            serde_json::to_string(&out).map(|s| s.len())
        });
        black_box(json.ok());
        stats = Some(out.stats);
    }
    let s = stats.expect("one run");
    let row = |name: &str, v: &[Duration]| {
        println!(
            "   {name:<44} best {:>9.3} ms   median {:>9.3} ms",
            ms(best(v)),
            ms(median(v))
        );
    };
    row("baseline: single pass, sum of all entries", &tm.pass_sum);
    row("baseline: single pass, sum of cap[entry]", &tm.pass_gather);
    row("lottery draw (seeded shuffle) + continuity", &tm.lottery);
    row("preference stage (deferred acceptance)", &tm.da);
    row(
        "  (general DA with per-mentor heaps, for reference)",
        &tm.da_general,
    );
    row("fill (greedy + augmenting paths)", &tm.fill);
    row("explanations + statistics", &tm.explain);
    row("(serialise output JSON, not in target)", &tm.json);
    let core = best(&tm.lottery) + best(&tm.da) + best(&tm.fill) + best(&tm.explain);
    println!(
        "   total preference+fill+explanations (incl. lottery): {:.1} ms",
        ms(core)
    );
    println!(
        "   DA / sum-pass = {:.1}x, DA / gather-pass = {:.1}x, (lottery+DA) / sum-pass = {:.1}x",
        best(&tm.da).as_secs_f64() / best(&tm.pass_sum).as_secs_f64(),
        best(&tm.da).as_secs_f64() / best(&tm.pass_gather).as_secs_f64(),
        (best(&tm.da) + best(&tm.lottery)).as_secs_f64() / best(&tm.pass_sum).as_secs_f64(),
    );
    println!(
        "   placed {} / {}, by preference {}, by fill {}, moved {}, unplaced {}; 1st choice {:.1}%, top-3 {:.1}%, any {:.1}%; load min/median/max {}/{}/{}",
        s.placed,
        s.students,
        s.placed_by_preference,
        s.placed_by_fill,
        s.moved_by_fill,
        s.unplaced,
        100.0 * s.first_choice_share,
        100.0 * s.top3_share,
        100.0 * s.any_choice_share,
        s.load.min,
        s.load.median,
        s.load.max
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--test`: do a tiny run.
    let quick = std::env::args().any(|a| a == "--test");
    let runs: usize = std::env::var("MATCHING_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 1 } else { 5 });
    let school = Spec {
        name: "school",
        students: 2_000,
        mentors: 150,
        list_len: 5,
        grades: vec![7, 8, 9],
        class_size: 45,
        capacity: 15,
        mentor_rankers: 0.0,
    };
    let district = Spec {
        name: "district",
        students: 300_000,
        mentors: 25_000,
        list_len: 10,
        grades: (1..=9).collect(),
        class_size: 45,
        capacity: 15,
        mentor_rankers: 0.0,
    };
    bench(&school, runs.max(1) * 4);
    if quick {
        return;
    }
    bench(&district, runs);
    bench(
        &Spec {
            name: "district, 30% of mentors rank students",
            mentor_rankers: 0.3,
            ..district.clone()
        },
        runs,
    );
    bench(
        &Spec {
            name: "district, short of places (capacity 11: 275k places)",
            capacity: 11,
            ..district
        },
        runs,
    );
}

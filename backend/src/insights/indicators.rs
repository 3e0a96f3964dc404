//! Indicators summed over `insight_days` rows (counts only).

use shared::tasks::StatusCounts;

use super::entities::insight_day;

/// A set of indicators over one scope or a sum of scopes.
#[derive(Debug, Clone, Default)]
pub struct Indicators {
    /// Students.
    pub students: i64,
    /// Students with a mentor on the day.
    pub matched: i64,
    /// Mentors holding students.
    pub mentors: i64,
    /// Mentors over the cap.
    pub mentors_over_cap: i64,
    /// The largest load.
    pub max_load: i64,
    /// The cap (the smallest non-zero cap summed over).
    pub load_cap: i64,
    /// Task counts (engine figures; empty in a light sum).
    pub tasks: StatusCounts,
    /// Students judged by the engine (also in a light sum).
    pub task_students: i64,
    /// Of those, with nothing overdue.
    pub task_on_track: i64,
    /// Growth messages written, reviewed, published.
    pub messages: [i64; 3],
    /// Home–school contacts and the face-to-face ones.
    pub contacts: i64,
    /// Face to face among `contacts`.
    pub contacts_face: i64,
    /// Open care cases.
    pub care_open: i64,
    /// Acknowledged cases and their summed minutes.
    pub care_acknowledged: i64,
    /// Summed minutes to acknowledgement.
    pub care_ack_minutes: i64,
    /// Mentors appointed and not yet appointed.
    pub mentors_appointed: i64,
    /// Mentors in training or on probation.
    pub mentors_training: i64,
}

impl Indicators {
    /// Adds a row's scalar columns only (no task JSON): enough for trends.
    pub fn add_light(&mut self, r: &insight_day::Model) {
        self.students += i64::from(r.students);
        self.matched += i64::from(r.matched);
        self.task_students += i64::from(r.task_students);
        self.task_on_track += i64::from(r.task_on_track);
        self.contacts += i64::from(r.contacts);
        self.contacts_face += i64::from(r.contacts_face);
        self.messages[0] += i64::from(r.messages_written);
        self.messages[1] += i64::from(r.messages_reviewed);
        self.messages[2] += i64::from(r.messages_published);
    }

    /// Adds one row.
    pub fn add(&mut self, r: &insight_day::Model) {
        self.add_light(r);
        self.mentors += i64::from(r.mentors);
        self.mentors_over_cap += i64::from(r.mentors_over_cap);
        self.max_load = self.max_load.max(i64::from(r.max_load));
        if r.load_cap > 0 && (self.load_cap == 0 || i64::from(r.load_cap) < self.load_cap) {
            self.load_cap = i64::from(r.load_cap);
        }
        if let Ok(t) = serde_json::from_str::<StatusCounts>(&r.tasks) {
            self.tasks.merge(&t);
        }
        self.care_open += i64::from(r.care_open);
        self.care_acknowledged += i64::from(r.care_acknowledged);
        self.care_ack_minutes += r.care_ack_minutes;
        self.mentors_appointed += i64::from(r.mentors_appointed);
        self.mentors_training += i64::from(r.mentors_training);
    }

    /// The sum of some rows.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a insight_day::Model>) -> Indicators {
        let mut i = Indicators::default();
        for r in rows {
            i.add(r);
        }
        i
    }

    /// Adds another sum (schools into a stage or the district).
    pub fn merge(&mut self, o: &Indicators) {
        self.students += o.students;
        self.matched += o.matched;
        self.mentors += o.mentors;
        self.mentors_over_cap += o.mentors_over_cap;
        self.max_load = self.max_load.max(o.max_load);
        if o.load_cap > 0 && (self.load_cap == 0 || o.load_cap < self.load_cap) {
            self.load_cap = o.load_cap;
        }
        self.tasks.merge(&o.tasks);
        self.task_students += o.task_students;
        self.task_on_track += o.task_on_track;
        for k in 0..3 {
            self.messages[k] += o.messages[k];
        }
        self.contacts += o.contacts;
        self.contacts_face += o.contacts_face;
        self.care_open += o.care_open;
        self.care_acknowledged += o.care_acknowledged;
        self.care_ack_minutes += o.care_ack_minutes;
        self.mentors_appointed += o.mentors_appointed;
        self.mentors_training += o.mentors_training;
    }
}

/// Whole percent of `part` in `whole`, rounded down as the task counts
/// are (`shared::tasks::percent`); none of nothing.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part.clamp(0, whole) * 100 / whole)
}
